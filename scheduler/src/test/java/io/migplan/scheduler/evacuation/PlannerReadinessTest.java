package io.migplan.scheduler.evacuation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.health.HealthCheckResponse.Status;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PlannerReadinessTest {

    @Test
    void notReadyWhileTheWarmUpRunsReadyOnceItHasEnded() {
        assertThat(new PlannerReadiness(() -> true).call().getStatus()).isEqualTo(Status.DOWN);
        assertThat(new PlannerReadiness(() -> false).call().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void theReadinessEndpointCarriesTheCheck() {
        // The tests' profile turns the warm-up off: nothing to wait for.
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem(PlannerReadiness.NAME));
    }
}
