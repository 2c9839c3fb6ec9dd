package io.migplan.scheduler.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The console's sessions and refusals over HTTP, as a browser's requests reach the server: signing
 * in, pages without a session, the API never taking the console's cookie, and the CSRF rule.
 */
@QuarkusTest
class ConsoleAccessTest {

    @Inject
    ConsoleSession session;

    static RequestSpecification noToken() {
        return given().noFiltersOfType(TestTokens.AdminToken.class).redirects().follow(false);
    }

    static RequestSpecification signedIn(String token) {
        return noToken().cookie(ConsoleSession.COOKIE, token);
    }

    @Test
    void aPageWithoutASessionSendsTheBrowserToTheLoginPageAndBack() {
        noToken().get("/console/fleet?board=T4").then().statusCode(303)
                .header("Location", equalTo("/console/login?then=%2Fconsole%2Ffleet%3Fboard%3DT4"));
        noToken().header("HX-Request", "true").get("/console/fleet").then().statusCode(401)
                .header("HX-Redirect", containsString("/console/login"));
    }

    @Test
    void signingInChecksTheTokenAndKeepsItInAStrictHttpOnlyCookie() {
        String token = TestTokens.of(Roles.VIEWER);
        Response ok = noToken().contentType(ContentType.JSON)
                .body("{\"token\": \"" + token + "\", \"then\": \"/console/fleet?board=T4\"}").post("/console/login");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.header("HX-Redirect")).isEqualTo("/console/fleet?board=T4");
        assertThat(ok.header("Set-Cookie")).startsWith(ConsoleSession.COOKIE + "=" + token)
                .contains("Path=/console", "HttpOnly", "SameSite=Strict").doesNotContain("Secure");

        Response bad = noToken().contentType(ContentType.JSON).body("{\"token\": \"not-a-token\"}").post("/console/login");
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.asString()).contains("id=\"login-error\"", "not a token this scheduler made");
        assertThat(bad.header("Set-Cookie")).isNull();
    }

    @Test
    void signingInSendsTheBrowserOnlyToConsolePagesOfThisServer() {
        String token = TestTokens.of(Roles.VIEWER);
        for (String then : new String[] {"https://evil.example/", "//evil.example/console", "/api/v1/hosts",
                "/console/../api", "/console/login", "/console\\\\evil"}) {
            String where = noToken().contentType(ContentType.JSON)
                    .body("{\"token\": \"" + token + "\", \"then\": \"" + then + "\"}").post("/console/login")
                    .header("HX-Redirect");
            assertThat(where).as(then).isEqualTo("/console/fleet");
        }
    }

    @Test
    void theApiNeverTakesTheConsolesCookie() {
        signedIn(TestTokens.of(Roles.ADMIN)).get("/api/v1/hosts").then().statusCode(401)
                .body("code", equalTo("UNAUTHENTICATED"));
    }

    @Test
    void theConsolesPagesAreNotInTheApiDescription() {
        assertThat(given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath()
                .getMap("paths").keySet()).isNotEmpty().noneMatch(p -> String.valueOf(p).startsWith("/console"));
    }

    @Test
    void theWebjarsAndTheConsolesAssetsAreServedWithoutASession() {
        noToken().get("/webjars/htmx.org/dist/htmx.min.js").then().statusCode(200);
        noToken().get("/webjars/echarts/dist/echarts.min.js").then().statusCode(200);
        noToken().get("/console/assets/console.js").then().statusCode(200);
    }

    @Test
    void aPageTakesTheCookieOfAnyRoleThatMayRead() {
        signedIn(TestTokens.of(Roles.VIEWER)).get("/console/fleet").then().statusCode(200)
                .body(containsString("test-viewer (viewer)"));
        signedIn(TestTokens.of(Roles.ORCHESTRATOR)).get("/console").then().statusCode(200);
        signedIn("not-a-token").get("/console/fleet").then().statusCode(303);
    }

    @Test
    void aStateChangingConsoleRequestNeedsTheSessionsCsrfToken() {
        String token = TestTokens.of(Roles.OPERATOR);
        String csrf = session.csrf(token);
        // No header, another session's token, no session at all: refused before anything runs.
        signedIn(token).contentType(ContentType.JSON).body("{}").post("/console/logout").then().statusCode(403)
                .body(containsString(ConsoleSession.CSRF_HEADER));
        signedIn(token).header(ConsoleSession.CSRF_HEADER, session.csrf(TestTokens.of(Roles.OPERATOR)))
                .contentType(ContentType.JSON).body("{}").post("/console/logout").then().statusCode(403);
        noToken().header(ConsoleSession.CSRF_HEADER, csrf).contentType(ContentType.JSON).body("{}")
                .post("/console/logout").then().statusCode(403);
        // A plain form is refused by the API's own rule (JSON only) whatever it carries.
        signedIn(token).header(ConsoleSession.CSRF_HEADER, csrf).contentType(ContentType.URLENC).formParam("a", "b")
                .post("/console/logout").then().statusCode(415);
        signedIn(token).header(ConsoleSession.CSRF_HEADER, csrf).contentType(ContentType.JSON).body("{}")
                .post("/console/logout").then().statusCode(204)
                .header("Set-Cookie", containsString(ConsoleSession.COOKIE + "=;"));
    }
}
