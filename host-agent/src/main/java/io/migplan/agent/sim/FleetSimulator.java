package io.migplan.agent.sim;

import io.migplan.agent.AgentConfig;
import io.migplan.agent.HostAgent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a generated fleet in one process: one {@link HostAgent} per host, each on its own
 * ephemeral loopback port, all reporting to one scheduler. Decides nothing about the hosts'
 * contents ({@link FleetGenerator} does).
 */
public final class FleetSimulator {
  private FleetSimulator() {}

  /** One simulated host as it runs. */
  public record SimulatedHost(String hostId, String endpoint, Path root, HostAgent agent) {}

  /** The running fleet; closing it stops every agent. */
  public static final class RunningFleet implements AutoCloseable {
    private final List<SimulatedHost> hosts;

    private RunningFleet(List<SimulatedHost> hosts) {
      this.hosts = List.copyOf(hosts);
    }

    public List<SimulatedHost> hosts() {
      return hosts;
    }

    public SimulatedHost host(String hostId) {
      return hosts.stream()
          .filter(h -> h.hostId().equals(hostId))
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no simulated host " + hostId));
    }

    @Override
    public void close() {
      for (SimulatedHost h : hosts) {
        h.agent().close();
      }
    }
  }

  /**
   * Generates the fleet under {@code dir} (or reuses the trees already there) and starts it.
   *
   * @param schedulerTarget "host:port" of the scheduler's InventoryService, or null not to report
   */
  public static RunningFleet start(FleetSpec spec, Path dir, String schedulerTarget)
      throws IOException {
    List<SimulatedHost> started = new ArrayList<>();
    try {
      for (FleetGenerator.GeneratedHost generated : FleetGenerator.generate(spec, dir)) {
        AgentConfig config =
            generated.config().toBuilder()
                .listenAddress("127.0.0.1")
                .port(0)
                .schedulerTarget(schedulerTarget)
                .build();
        HostAgent agent = HostAgent.start(config);
        started.add(new SimulatedHost(generated.hostId(), agent.endpoint(), generated.root(), agent));
      }
    } catch (IOException | RuntimeException e) {
      new RunningFleet(started).close();
      throw e;
    }
    return new RunningFleet(started);
  }
}
