package io.migplan.agent.sim;

import io.migplan.agent.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Generates (or reuses) a fleet from a spec file or from {@code --hosts/--seed}, or writes the
 * hosts of a fleet file a scheduler exported ({@code --fleet}), runs all its agents in this process and serves {@code migplan.v1.SimulatorService} until interrupted.
 */
@Command(
    name = "simulate",
    description = "Run a simulated fleet of host agents reporting to a scheduler.",
    mixinStandardHelpOptions = true)
public final class SimulateCommand implements Callable<Integer> {
  /** Beside the agents' 9400 and the scheduler's 8080. */
  static final int DEFAULT_CONTROL_PORT = 9390;

  public static final class Fleet {
    @Option(names = "--hosts", description = "number of hosts of the default T4/V100 fleet (1-" + FleetSpec.MAX_HOSTS + ")")
    public Integer hosts;

    @Option(names = "--spec", description = "fleet spec, YAML or JSON (see host-agent/README.md)")
    public Path spec;

    @Option(names = "--fleet", description = "fleet file exported by a scheduler (GET /api/v1/inventory/export,"
        + " docs/fleet-format.md): its hosts are written under --dir, which must not hold them yet")
    public Path fleet;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Fleet fleetChoice;

  @Option(names = "--scheduler", required = true, description = "scheduler host:port")
  String scheduler;

  /** How the simulated agents speak to the scheduler: mutual TLS with a CA, or plaintext said out loud. */
  public static final class Transport {
    @Option(names = "--pki", description = "directory of a CA (host-agent pki init): every host gets its own certificate"
        + " (issued there under hosts/ when missing) and speaks mutual TLS")
    public Path pki;

    @Option(names = "--insecure", description = "report and serve in plaintext (a scheduler without TLS)")
    public boolean insecure;
  }

  @ArgGroup(exclusive = true, multiplicity = "1", heading = "Transport (one is required):%n")
  Transport transport;

  @Option(names = "--dir", required = true, description = "where host trees are written or reused")
  Path dir;

  @Option(names = "--seed", defaultValue = "1", description = "seed of the default fleet (default: ${DEFAULT-VALUE}); a spec has its own")
  long seed;

  @Option(names = "--release", defaultValue = FleetSpec.DEFAULT_RELEASE, description = "release of the default fleet (default: ${DEFAULT-VALUE})")
  String release;

  @Option(names = "--control-port", defaultValue = "" + DEFAULT_CONTROL_PORT, description = "port of SimulatorService (default: ${DEFAULT-VALUE}; 0 = any)")
  int controlPort;

  @Option(names = "--control-address", defaultValue = "127.0.0.1", description = "address of SimulatorService (default: ${DEFAULT-VALUE})")
  String controlAddress;

  @Option(names = "--threads", defaultValue = "" + FleetSimulator.Options.DEFAULT_THREADS, description = "threads shared by all agents' reporting (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--start-spread", description = "spread of the first reports, e.g. 10s (default: 10ms per host, at most the heartbeat interval)")
  String startSpread;

  @CommandLine.Spec CommandLine.Model.CommandSpec commandSpec;

  @Override
  public Integer call() throws Exception {
    FleetSimulator.Options options = FleetSimulator.Options.defaults().withThreads(threads).withPki(transport.pki);
    if (startSpread != null) {
      options = options.withStartSpread(duration("--start-spread", startSpread, commandSpec));
    }
    FleetSimulator.RunningFleet fleet;
    if (fleetChoice.fleet != null) {
      try {
        fleet = FleetSimulator.start(FleetFile.read(fleetChoice.fleet), dir, scheduler, options);
      } catch (FleetFile.InvalidFleetException e) {
        throw new CommandLine.ParameterException(commandSpec.commandLine(), "invalid fleet file"
            + (e.field().isEmpty() ? "" : " (" + e.field() + ")") + ": " + e.getMessage());
      }
    } else {
      fleet = FleetSimulator.start(fleetSpec(fleetChoice, seed, release, commandSpec), dir, scheduler, options);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  fleet.close();
                  stopped.countDown();
                },
                "fleet-shutdown"));
    int port = fleet.startControlServer(controlAddress, controlPort);
    for (FleetSimulator.SimulatedHost h : fleet.hosts()) {
      System.out.println(h.hostId() + " " + h.endpoint());
    }
    System.out.println("control " + controlAddress + ":" + port);
    System.out.flush();
    stopped.await();
    return 0;
  }

  public static FleetSpec fleetSpec(Fleet choice, long seed, String release, CommandLine.Model.CommandSpec cmd)
      throws java.io.IOException {
    try {
      return choice.spec != null ? FleetSpec.load(choice.spec) : FleetSpec.of(choice.hosts, seed, release);
    } catch (FleetSpec.InvalidSpecException e) {
      throw new CommandLine.ParameterException(cmd.commandLine(), "invalid fleet spec (" + e.field() + "): " + e.getMessage());
    }
  }

  public static Duration duration(String option, String value, CommandLine.Model.CommandSpec cmd) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cmd.commandLine(), option + ": " + e.getMessage());
    }
  }
}
