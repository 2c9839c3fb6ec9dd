package io.migplan.scheduler.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.console.ConsoleSession;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Each role against each operation of the web console, as {@link RoleMatrixTest} does for the API,
 * with the console's session cookie (and, for an action, its CSRF token): a role the operation
 * declares is let through (the made-up ids then answer 404 or 400, never 401 or 403), any other is
 * refused 403 with a sentence; without a session a page goes to the login page and an action is
 * refused 401. The calls name nothing that exists, so none of them changes anything.
 */
@QuarkusTest
class ConsoleRoleMatrixTest {

    @Inject
    ConsoleSession session;

    @Test
    void theConsoleHasPagesAndActions() {
        assertThat(Operation.console()).extracting(Operation::verb).contains("GET");
    }

    @Test
    void everyConsoleOperationLetsItsRolesThroughAndRefusesTheOthersWith403() {
        Map<String, String> wrong = new TreeMap<>();
        for (Operation o : Operation.console()) {
            Set<String> allowed = Access.roles(o.method()).orElseThrow();
            for (String role : Roles.ALL) {
                String token = TestTokens.of(role);
                Response r = call(o, given().noFiltersOfType(TestTokens.AdminToken.class).redirects().follow(false)
                        .cookie(ConsoleSession.COOKIE, token).header(ConsoleSession.CSRF_HEADER, session.csrf(token)));
                boolean permitted = Roles.permits(Set.of(role), allowed);
                boolean ok = permitted ? r.statusCode() != 401 && r.statusCode() != 403 && r.statusCode() != 303
                        : r.statusCode() == 403 && r.asString().contains("may not");
                if (!ok) {
                    wrong.put(o + " as " + role, r.statusCode() + " " + r.asString());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void withoutASessionAPageGoesToTheLoginPageAndAnActionIsRefused401() {
        for (Operation o : Operation.console()) {
            Response r = call(o, given().noFiltersOfType(TestTokens.AdminToken.class).redirects().follow(false));
            if (o.verb().equals("GET")) {
                assertThat(r.statusCode()).as(o.toString()).isEqualTo(303);
                assertThat(r.header("Location")).as(o.toString()).startsWith("/console/login?then=");
            } else {
                // Refused before the role check by the missing CSRF token, or by the role check: never run.
                assertThat(r.statusCode()).as(o.toString()).isIn(401, 403);
            }
        }
    }

    @Test
    void anActionWithAValidSessionButNoCsrfTokenIsRefused() {
        List<Operation> actions = Operation.console().stream().filter(o -> !o.verb().equals("GET")).toList();
        String token = TestTokens.of(Roles.ADMIN);
        for (Operation o : actions) {
            Response r = call(o, given().noFiltersOfType(TestTokens.AdminToken.class).redirects().follow(false)
                    .cookie(ConsoleSession.COOKIE, token));
            assertThat(r.statusCode()).as(o.toString()).isEqualTo(403);
            assertThat(r.asString()).as(o.toString()).contains(ConsoleSession.CSRF_HEADER);
        }
    }

    private static Response call(Operation o, RequestSpecification request) {
        if (!o.verb().equals("GET")) {
            request = request.contentType(ContentType.JSON).body("{}");
        }
        return request.request(o.verb(), o.concretePath());
    }
}
