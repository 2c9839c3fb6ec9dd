package io.migplan.scheduler.api.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.migplan.scheduler.testsupport.TwinFleet;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A VM named in a request by UUID or name, on a fleet where two hosts each run a VM called
 * {@code test}: a UUID names one VM, the shared name is refused as ambiguous with both UUIDs.
 */
@QuarkusTest
class VmReferenceTest {

    @Inject
    AgroalDataSource ds;

    SchedulerGrpc grpc;
    TwinFleet fleet;

    @BeforeEach
    void setUp() throws Exception {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
        fleet = TwinFleet.reportTo(grpc);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        grpc.close();
        fleet.close();
    }

    @Test
    void bothVmsOfTheSameNameAreListed() {
        given().get("/api/v1/vms").then().statusCode(200)
                .body("findAll { it.name == 'test' }.uuid", hasItems(TwinFleet.UUID_A, TwinFleet.UUID_B));
    }

    @Test
    void aNameVmsOnTwoHostsCarryIsRefusedWithBothUuidsAndHosts() {
        String message = "name 'test' matches 2 VMs: " + TwinFleet.UUID_A + " on host h-a, " + TwinFleet.UUID_B
                + " on host h-b; name the VM by its UUID";
        for (String path : new String[] {"/api/v1/vms/{id}", "/api/v1/vms/{id}/targets",
                "/api/v1/vms/{id}/targets?view=summary"}) {
            given().get(path, "test").then().statusCode(409)
                    .body("code", equalTo("AMBIGUOUS_NAME"))
                    .body("message", equalTo(message));
        }
    }

    @Test
    void aUuidNamesOneVm() {
        given().get("/api/v1/vms/{id}", TwinFleet.UUID_B).then().statusCode(200)
                .body("name", equalTo("test")).body("uuid", equalTo(TwinFleet.UUID_B)).body("host", equalTo("h-b"));
        given().get("/api/v1/vms/{id}/targets", TwinFleet.UUID_A).then().statusCode(200)
                .body("vm", equalTo("test")).body("sourceHost", equalTo("h-a"))
                .body("summary", containsString("hosts eligible"));
    }

    @Test
    void aReferenceNoVmHasIsNotFound() {
        given().get("/api/v1/vms/{id}", "nope").then().statusCode(404)
                .body("code", equalTo("NOT_FOUND")).body("message", equalTo("no VM with UUID or name 'nope'"));
    }
}
