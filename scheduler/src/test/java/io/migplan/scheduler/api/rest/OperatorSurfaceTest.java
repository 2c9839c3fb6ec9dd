package io.migplan.scheduler.api.rest;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an operator reads without a token: readiness (the database and the fleet in memory), how
 * many agents are heard from, the OpenAPI document with its bearer scheme and Swagger UI, whose
 * calls to the API still need a token.
 */
@QuarkusTest
class OperatorSurfaceTest {

    @Inject
    AgroalDataSource ds;

    @AfterEach
    void clear() {
        Inventory.clear(ds);
    }

    @Test
    void readinessHoldsTheDatabaseAndTheClusterSnapshot() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                .noFiltersOfType(TestTokens.AdminToken.class).get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Database connections health check", "cluster snapshot"))
                .body("checks.find { it.name == 'cluster snapshot' }.data.state", equalTo("loaded")));
    }

    @Test
    void theShareOfAgentsHeardFromIsReadWithoutAToken() {
        Inventory.clear(ds);
        try (SchedulerGrpc grpc = new SchedulerGrpc()) {
            for (String h : new String[] {"f-1", "f-2", "f-3", "f-4"}) {
                grpc.inventory().reportInventory(report(host(h, 1, "127.0.0.1:1")));
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        Inventory.update(ds, "update host set state = 'STALE' where id = 'f-2'; update host set state = 'DOWN'"
                + " where id = 'f-3'");
        for (String path : new String[] {"/q/health/well", "/q/health"}) {
            given().noFiltersOfType(TestTokens.AdminToken.class).get(path).then().statusCode(200)
                    .body("checks.find { it.name == 'agent freshness' }.status", equalTo("UP"))
                    .body("checks.find { it.name == 'agent freshness' }.data.hosts", equalTo(4))
                    .body("checks.find { it.name == 'agent freshness' }.data.up", equalTo(2))
                    .body("checks.find { it.name == 'agent freshness' }.data.stale", equalTo(1))
                    .body("checks.find { it.name == 'agent freshness' }.data.down", equalTo(1))
                    .body("checks.find { it.name == 'agent freshness' }.data.freshShare", equalTo("0.500"));
        }
    }

    @Test
    void theOpenApiDocumentNamesTheBearerSchemeAndThePagingParameters() {
        given().noFiltersOfType(TestTokens.AdminToken.class).accept("application/json").get("/q/openapi?format=json")
                .then().statusCode(200)
                .body("components.securitySchemes.bearer.scheme", equalTo("bearer"))
                .body("paths.'/api/v1/hosts'.get.security", notNullValue())
                .body("paths.'/api/v1/hosts'.get.parameters.name", hasItems("limit", "cursor", "label", "adminState"))
                .body("paths.'/api/v1/campaigns/{id}/migrations'.get.parameters.name", hasItem("batch"))
                .body("info.description", containsString("Authorize"));
    }

    @Test
    void swaggerUiIsServedWithoutATokenAndItsCallsNeedOne() {
        given().noFiltersOfType(TestTokens.AdminToken.class).get("/q/swagger-ui/").then().statusCode(200)
                .body(containsString("swagger"));
        given().noFiltersOfType(TestTokens.AdminToken.class).get("/api/v1/hosts?limit=1").then().statusCode(401);
    }
}
