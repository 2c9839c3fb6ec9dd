package io.migplan.scheduler.testsupport;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import java.nio.file.Path;

/**
 * The campaign tests' small simulated fleet (six hosts: T4, T4, V100, V100, T4, T4, a quarter
 * full, seed 11), reporting to the scheduler under test over real gRPC, on an empty inventory.
 */
public final class SixHostFleet {

    private SixHostFleet() {
    }

    /** Clears the inventory, starts the fleet in {@code dir} and waits until every host has reported. */
    public static RunningFleet start(AgroalDataSource ds, Path dir) throws Exception {
        return SimulatedFleet.start(ds, FleetSpec.of(6, 11L), dir);
    }

    /** Stops the fleet (if it started) and clears the inventory, so a campaign left running holds nothing. */
    public static void stop(AgroalDataSource ds, RunningFleet fleet) {
        SimulatedFleet.stop(ds, fleet);
    }
}
