package io.migplan.scheduler.api.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Errors leave as {code, message} with their status; health and OpenAPI are served. */
@QuarkusTest
class ErrorMappersTest {

    @Test
    void anUnknownPathIsA404InTheErrorShape() {
        given().get("/api/v1/nothing-here").then().statusCode(404)
                .body("code", equalTo("NOT_FOUND"))
                .body("message", not(containsString("Exception")));
    }

    @Test
    void aWrongMethodIsA405InTheErrorShape() {
        given().delete("/api/v1/hosts").then().statusCode(405).body("code", equalTo("METHOD_NOT_ALLOWED"));
    }

    @Test
    void aViolationIsA400InTheErrorShapeNotQuarkusViolationReport() {
        given().contentType("application/json").body("{\"hosts\": [\"h1\"], \"maxParallel\": 0}")
                .post("/api/v1/plans/evacuation").then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", equalTo("maxParallel must be at least 1, got 0"))
                .body("$", not(hasKey("violations")))
                .body("$", not(hasKey("title")));
    }

    @Test
    void theRequestLimitsAreInTheOpenApiDescription() {
        var api = given().accept("application/json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        assertThat(api.getInt("components.schemas.EvacuationRequest.properties.timeLimitSeconds.maximum"))
                .isEqualTo(600);
        assertThat(api.getInt("components.schemas.EvacuationRequest.properties.timeLimitSeconds.minimum")).isEqualTo(1);
        assertThat(api.getInt("components.schemas.EvacuationRequest.properties.hosts.minItems")).isEqualTo(1);
        assertThat(api.getInt("components.schemas.CampaignPolicyRequest.properties.headroomPercent.maximum"))
                .isEqualTo(99);
        assertThat(api.getString("components.schemas.CampaignPolicyRequest.properties.maxHostsInMaintenance.pattern"))
                .isNotBlank();
        assertThat(api.getString("paths.'/api/v1/vms/{id}/targets'.get.parameters.find { it.name == 'limit' }"
                + ".schema.pattern")).isEqualTo(VmResource.LIMIT);
    }

    @Test
    void healthAndOpenApiAreServed() {
        given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/vms/{id}/targets"));
    }
}
