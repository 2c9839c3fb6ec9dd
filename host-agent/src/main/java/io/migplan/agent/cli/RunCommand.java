package io.migplan.agent.cli;

import io.migplan.agent.HostAgent;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.config.InvalidConfigException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * Serves one host until SIGTERM/SIGINT, then closes the server and the reporter cleanly. SIGHUP
 * ({@code systemctl reload migplan-agent}) reads the config file again ({@link
 * HostAgent#reloadFrom}); a bad one is refused in the log and the agent runs on.
 */
@Command(name = "run", description = "Run the agent for this host.", mixinStandardHelpOptions = true)
final class RunCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "agent YAML config file")
  Path config;

  /**
   * Runs the agent on {@code config} as picocli would run this command, exit status included: a
   * failure escaping {@link #call()} prints its stack trace and exits 1, as picocli's {@code
   * execute} does.
   */
  static int runDirectly(Path config) {
    RunCommand command = new RunCommand();
    command.config = config;
    try {
      return command.call();
    } catch (Exception e) {
      e.printStackTrace();
      return 1;
    }
  }

  @Override
  public Integer call() throws Exception {
    AgentConfig cfg;
    HostAgent agent;
    // Installed before the agent starts, which reports at once: a SIGHUP (systemctl reload) from then
    // on re-reads the config instead of ending the process, and one during the start is taken after it.
    AtomicReference<HostAgent> started = new AtomicReference<>();
    AtomicBoolean reloadAsked = new AtomicBoolean();
    Signal.handle(new Signal("HUP"), signal -> {
      reloadAsked.set(true);
      HostAgent a = started.get();
      if (a != null) {
        a.reloadFrom(config);
      }
    });
    try {
      cfg = AgentConfig.load(config);
      if (cfg.plaintextRefusal().isPresent()) {
        System.err.println("agent config " + config + ": " + cfg.plaintextRefusal().get());
        return 2;
      }
      // Starting loads the probe rules file, whose errors are config errors too.
      agent = HostAgent.start(cfg);
    } catch (InvalidConfigException e) {
      System.err.println("invalid config (" + e.field() + "): " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  agent.close();
                  stopped.countDown();
                },
                "agent-shutdown"));
    started.set(agent);
    if (reloadAsked.get()) {
      agent.reloadFrom(config); // asked while starting (a reload asked since is done by the handler too: harmless)
    }
    System.out.println(cfg.hostId() + " " + agent.endpoint());
    stopped.await();
    return 0;
  }
}
