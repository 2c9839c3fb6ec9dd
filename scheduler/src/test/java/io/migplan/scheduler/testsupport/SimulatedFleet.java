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
 * A simulated fleet of any shape reporting to the scheduler under test over real gRPC, on an
 * empty inventory: the set-up of the tests that run campaigns on the simulator (through the
 * REST loop or the {@code migplan} command line, {@link MigplanCli}). It decides nothing about
 * the fleet; the {@link FleetSpec} does.
 */
public final class SimulatedFleet {

    /** How long every host may take to report: agents start and report on their own threads. */
    static final Duration REPORTED_WITHIN = Duration.ofSeconds(60);

    private SimulatedFleet() {
    }

    /** Clears the inventory, starts {@code spec}'s fleet in {@code dir} and waits until every host has reported. */
    public static RunningFleet start(AgroalDataSource ds, FleetSpec spec, Path dir) throws Exception {
        Inventory.clear(ds);
        RunningFleet fleet = FleetSimulator.start(spec, dir, "127.0.0.1:" + RestAssured.port);
        int hosts = spec.hosts();
        await("every simulated host reported").atMost(REPORTED_WITHIN).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/api/v1/hosts").then().extract().jsonPath().getList("id").size() >= hosts);
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
