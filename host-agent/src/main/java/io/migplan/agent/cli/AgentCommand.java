package io.migplan.agent.cli;

import io.migplan.agent.sim.SimulateCommand;
import io.migplan.agent.bench.BenchScanCommand;
import io.migplan.agent.bench.BenchProbeCommand;
import io.migplan.agent.bench.BenchFleetCommand;
import io.migplan.agent.pki.PkiCommand;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code host-agent run | scan | simulate | warmup | pki}: the jar's main class. */
@Command(
    name = "host-agent",
    mixinStandardHelpOptions = true,
    version = "host-agent 0.1.0",
    description = "Reads mdev inventory, answers migration probes and reports to the scheduler.",
    subcommands = {
      RunCommand.class,
      ScanCommand.class,
      SimulateCommand.class,
      WarmupCommand.class,
      PkiCommand.class,
      BenchScanCommand.class,
      BenchProbeCommand.class,
      BenchFleetCommand.class
    })
public final class AgentCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: run, scan, simulate or pki");
  }

  public static void main(String[] args) {
    Optional<Path> launched = launcherRun(args);
    System.exit(launched.isPresent() ? RunCommand.runDirectly(launched.get()) : new CommandLine(new AgentCommand()).execute(args));
  }

  /**
   * The config file of {@code run --config FILE}, the one command line deploy/bin/migplan-agent
   * starts a serving agent with, which is then run without picocli; empty for every other command
   * line (any other spelling, option or command goes through picocli as before). Picocli reflects
   * over all eight commands on every start, and its classes are Java 5 bytecode, which a
   * class-data archive cannot hold: about 0.1 s of the start's CPU time (docs/benchmarks.md).
   */
  static Optional<Path> launcherRun(String[] args) {
    if (args.length == 3 && args[0].equals("run") && args[1].equals("--config")
        && !args[2].isEmpty() && !args[2].startsWith("-")) {
      return Optional.of(Path.of(args[2]));
    }
    return Optional.empty();
  }
}
