package io.migplan.scheduler.testsupport;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;

/**
 * Before each {@code @QuarkusTest} method: RestAssured requests carry an admin token of the test
 * application unless they set their own (registered in META-INF/services). Security is not turned off.
 */
public class AdminTokenCallback implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        if (RestAssured.filters().stream().noneMatch(f -> f instanceof TestTokens.AdminToken)) {
            TestTokens.useForRestAssured(TestTokens.admin());
        }
    }
}
