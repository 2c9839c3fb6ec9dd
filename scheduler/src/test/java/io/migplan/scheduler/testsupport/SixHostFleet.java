package io.migplan.scheduler.testsupport;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.restassured.RestAssured;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The campaign tests' small simulated fleet (six hosts: T4, T4, V100, V100, T4, T4, a quarter
 * full, seed 11), reporting to the scheduler under test over real gRPC, on an empty inventory.
 */
public final class SixHostFleet {

    private SixHostFleet() {
    }

    /** Clears the inventory, starts the fleet in {@code dir} and waits until every host has reported. */
    public static RunningFleet start(AgroalDataSource ds, Path dir) throws Exception {
        Inventory.clear(ds);
        RunningFleet fleet = FleetSimulator.start(FleetSpec.of(6, 11L), dir, "127.0.0.1:" + RestAssured.port);
        await("every simulated host reported").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/api/v1/hosts").then().extract().jsonPath().getList("id").size() >= 6);
        return fleet;
    }

    /** Stops the fleet (if it started) and clears the inventory, so a campaign left running holds nothing. */
    public static void stop(AgroalDataSource ds, RunningFleet fleet) {
        if (fleet != null) {
            fleet.close();
        }
        Inventory.clear(ds);
    }
}
