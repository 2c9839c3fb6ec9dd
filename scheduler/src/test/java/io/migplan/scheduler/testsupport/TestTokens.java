package io.migplan.scheduler.testsupport;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.migplan.scheduler.auth.LocalTokens;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.auth.SigningKeys;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executor;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Tokens for tests, signed with the key of the scheduler under test (its {@code migplan.tokens.key-dir}),
 * and the ways tests send them: an admin token on every RestAssured request that carries no
 * {@code Authorization} of its own ({@link AdminToken}), and gRPC call credentials. Security stays on:
 * a test that wants no token or another role says so per request.
 */
public final class TestTokens {

    /** Longer than any test run. */
    private static final Duration TTL = Duration.ofDays(1);

    private TestTokens() {
    }

    /** A token for {@code role} from the test application's key. */
    public static String of(String role) {
        return of(Path.of(ConfigProvider.getConfig().getValue("migplan.tokens.key-dir", String.class)), role);
    }

    /** A token for {@code role} from the key in {@code keyDir} (a scheduler process of a test's own). */
    public static String of(Path keyDir, String role) {
        return new LocalTokens(SigningKeys.loadOrCreate(keyDir), TTL).issue("test-" + role, role, TTL, Instant.now())
                .token();
    }

    public static String admin() {
        return of(Roles.ADMIN);
    }

    /** Makes every RestAssured request without an {@code Authorization} header carry {@code token}. */
    public static void useForRestAssured(String token) {
        List<Filter> others = RestAssured.filters().stream().filter(f -> !(f instanceof AdminToken)).toList();
        RestAssured.replaceFiltersWith(others);
        RestAssured.filters(new AdminToken(token));
    }

    /** gRPC credentials sending {@code token} as {@code authorization: Bearer …}. */
    public static CallCredentials grpc(String token) {
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                applier.apply(headers);
            }
        };
    }

    /** The default token of the tests' RestAssured requests; {@code given().noFiltersOfType(AdminToken.class)} sends none. */
    public static final class AdminToken implements Filter {
        private final String token;

        AdminToken(String token) {
            this.token = token;
        }

        @Override
        public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
                FilterContext context) {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", "Bearer " + token);
            }
            return context.next(request, response);
        }
    }
}
