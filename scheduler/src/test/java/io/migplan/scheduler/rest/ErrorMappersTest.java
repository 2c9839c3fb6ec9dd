package io.migplan.scheduler.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

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
    void healthAndOpenApiAreServed() {
        given().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/v1/vms/{id}/targets"));
    }
}
