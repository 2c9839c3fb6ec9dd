package io.migplan.agent.cli;

import io.migplan.agent.sim.FleetSimulator;
import io.migplan.agent.sim.FleetSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Generates (or reuses) a fleet and runs all its agents in this process until interrupted. */
@Command(
    name = "simulate",
    description = "Run a simulated fleet of host agents reporting to a scheduler.",
    mixinStandardHelpOptions = true)
final class SimulateCommand implements Callable<Integer> {
  @Option(names = "--hosts", required = true, description = "number of hosts (1-99)")
  int hosts;

  @Option(names = "--scheduler", required = true, description = "scheduler host:port")
  String scheduler;

  @Option(names = "--dir", required = true, description = "where host trees are written or reused")
  Path dir;

  @Option(names = "--seed", defaultValue = "1", description = "seed of every random choice (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--release", defaultValue = FleetSpec.DEFAULT_RELEASE, description = "release of every host (default: ${DEFAULT-VALUE})")
  String release;

  @Override
  public Integer call() throws Exception {
    FleetSimulator.RunningFleet fleet =
        FleetSimulator.start(new FleetSpec(hosts, seed, release), dir, scheduler);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  fleet.close();
                  stopped.countDown();
                },
                "fleet-shutdown"));
    for (FleetSimulator.SimulatedHost h : fleet.hosts()) {
      System.out.println(h.hostId() + " " + h.endpoint());
    }
    System.out.flush();
    stopped.await();
    return 0;
  }
}
