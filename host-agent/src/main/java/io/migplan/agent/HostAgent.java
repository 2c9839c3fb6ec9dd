package io.migplan.agent;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import io.migplan.agent.grpc.AgentServiceImpl;
import io.migplan.agent.grpc.GrpcTransport;
import io.migplan.agent.probe.PerVendorProbe;
import io.migplan.agent.probe.ProbeBackend;
import io.migplan.agent.probe.ProbeInventory;
import io.migplan.agent.report.Reporter;
import io.migplan.proto.v1.HostSnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running host agent: scans the host under its root, serves {@code AgentService} (inventory
 * and probes) and, when a scheduler target is configured, reports to it. The entry point for the
 * CLI, the simulator and other modules' tests.
 */
public final class HostAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostAgent.class);

  private final AgentConfig config;
  private final HostScanner scanner;
  private final AtomicReference<HostSnapshot> current = new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private Server server;
  private Reporter reporter;
  private String endpoint;

  private HostAgent(AgentConfig config) {
    this.config = config;
    this.scanner = new HostScanner(config);
  }

  /** Binds the server (port 0 = any free port), scans once and starts reporting. */
  public static HostAgent start(AgentConfig config) throws IOException {
    HostAgent agent = new HostAgent(config);
    try {
      agent.startServing();
    } catch (IOException | RuntimeException e) {
      agent.close();
      throw e;
    }
    return agent;
  }

  private void startServing() throws IOException {
    ProbeBackend probes = PerVendorProbe.create(config.probes(), scanner.root());
    Duration maxAge =
        config.probes().inventoryMaxAge() != null ? config.probes().inventoryMaxAge() : config.scanInterval();
    ProbeInventory probeInventory =
        new ProbeInventory(this::lastScan, this::scan, maxAge, System::currentTimeMillis);
    HealthStatusManager health = new HealthStatusManager();
    List<BindableService> services =
        List.of(
            new AgentServiceImpl(this::lastScan, this::scan, probeInventory, probes),
            health.getHealthService());
    server = GrpcTransport.startServer(config.listenAddress(), config.port(), services);
    int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    endpoint = hostPort(advertisedHost(), port);
    scanner.setAgentEndpoint(endpoint);
    HostSnapshot first = scan();
    LOG.info(
        "host {}: serving at {} (root {}, {} parents, {} VMs, {} problems)",
        config.hostId(),
        endpoint,
        scanner.root(),
        first.getParentsCount(),
        first.getVmsCount(),
        first.getProblemsCount());
    if (config.schedulerTarget().isPresent()) {
      reporter =
          new Reporter(
              config.hostId(),
              config.schedulerTarget().get(),
              config.scanInterval(),
              config.heartbeatInterval(),
              config.callTimeout(),
              this::scan,
              scanner.generations()::advancePast);
      reporter.start();
    }
  }

  private String advertisedHost() {
    if (config.advertiseAddress().isPresent()) {
      return config.advertiseAddress().get();
    }
    String listen = config.listenAddress();
    try {
      if (InetAddress.getByName(listen).isAnyLocalAddress()) {
        // Bound to every interface: loopback is the one address sure to reach it. Production
        // configs set advertiseAddress to the host's routable name.
        return "127.0.0.1";
      }
    } catch (UnknownHostException e) {
      // A name that does not resolve here is still what the operator wants advertised.
    }
    return listen;
  }

  private static String hostPort(String host, int port) {
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  public AgentConfig config() {
    return config;
  }

  /** The port the agent's server is bound to. */
  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** host:port as reported in {@code host.agent_endpoint}. */
  public String endpoint() {
    return endpoint;
  }

  /** Re-reads the host now and makes the result the current inventory. */
  public HostSnapshot scan() {
    HostSnapshot snapshot = scanner.scan();
    current.set(snapshot);
    return snapshot;
  }

  HostSnapshot lastScan() {
    HostSnapshot snapshot = current.get();
    return snapshot == null ? scan() : snapshot;
  }

  /** Scans and reports to the scheduler now (no-op without a scheduler target). */
  public void reportNow() {
    if (reporter != null) {
      reporter.reportNow();
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (reporter != null) {
      reporter.close();
    }
    if (server != null) {
      GrpcTransport.stop(server);
    }
    LOG.info("host {}: stopped", config.hostId());
  }
}
