package io.migplan.agent;

import io.migplan.agent.scan.HostScanner;
import io.grpc.BindableService;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.protobuf.services.HealthStatusManager;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.config.InvalidConfigException;
import io.migplan.agent.scan.ObservedRelease;
import io.migplan.agent.scan.ReleaseSource;
import io.migplan.agent.grpc.AgentServiceImpl;
import io.migplan.agent.grpc.AgentTls;
import io.migplan.agent.grpc.CallLimits;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running host agent: scans the host under its root, serves {@code AgentService} (inventory
 * and probes) and, when a scheduler target is configured, reports to it, at once when its release
 * file changes ({@link #RELEASE_CHECK_INTERVAL}). Takes a changed config without a restart
 * ({@link #reloadFrom(Path)}, on SIGHUP) for what does not need one. The entry point for the CLI,
 * the simulator and other modules' tests.
 */
public final class HostAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HostAgent.class);
  /**
   * How often a release file is checked between scans (a stat; read only when it changed), so an
   * upgrade is reported within seconds rather than at the next scan (30 s by default).
   */
  public static final Duration RELEASE_CHECK_INTERVAL = Duration.ofSeconds(2);

  private volatile AgentConfig config;
  private volatile HostScanner scanner;
  private final SharedResources shared;
  private final AtomicReference<HostSnapshot> current = new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile boolean suspended;
  private Server server;
  private AgentTls tls;
  private Reporter reporter;
  private String endpoint;
  private ScheduledExecutorService ownWatch;
  private volatile ScheduledFuture<?> releaseWatch;

  private HostAgent(AgentConfig config, SharedResources shared) {
    this.config = config;
    this.scanner = new HostScanner(config);
    this.shared = shared;
  }

  /** Binds the server (port 0 = any free port), scans once and starts reporting. */
  public static HostAgent start(AgentConfig config) throws IOException {
    return start(config, null);
  }

  /**
   * As {@link #start(AgentConfig)}, but reporting on the shared executor and channel (many agents
   * in one process, as the simulator runs them); null means own resources, as a real host does.
   */
  public static HostAgent start(AgentConfig config, SharedResources shared) throws IOException {
    HostAgent agent = new HostAgent(config, shared);
    try {
      agent.startServing();
    } catch (IOException | RuntimeException e) {
      agent.close();
      throw e;
    }
    return agent;
  }

  private void startServing() throws IOException {
    // Nothing is served or reported for a host whose release cannot be read (ObservedRelease).
    String release = scanner.release().require();
    ProbeBackend probes = PerVendorProbe.create(config.probes(), scanner.root());
    Duration maxAge =
        config.probes().inventoryMaxAge() != null ? config.probes().inventoryMaxAge() : config.scanInterval();
    ProbeInventory probeInventory =
        new ProbeInventory(this::lastScan, this::scan, maxAge, System::currentTimeMillis);
    HealthStatusManager health = new HealthStatusManager();
    List<BindableService> services =
        List.of(
                new AgentServiceImpl(this::lastScan, this::scan, probeInventory, probes),
                health.getHealthService())
            .stream()
            .map(this::answeringOnlyWhenUp)
            .toList();
    config.limits().requireFitsHeap(Runtime.getRuntime().maxMemory());
    if (config.tls().isPresent()) {
      tls = AgentTls.load(config.tls().get(), config.hostId());
    } else if (shared == null) {
      LOG.warn("host {}: no tls configured, serving{} in plaintext", config.hostId(),
          config.schedulerTarget().map(t -> " and reporting to " + t).orElse(""));
    }
    server = GrpcTransport.startServer(config.listenAddress(), config.port(), services, tls,
        new CallLimits(config.limits()));
    int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    endpoint = hostPort(advertisedHost(), port);
    scanner.setAgentEndpoint(endpoint);
    HostSnapshot first = scan();
    LOG.info(
        "host {}: serving at {}{} (release {} from {}, root {}, {} parents, {} VMs, {} problems)",
        config.hostId(),
        endpoint,
        tls == null ? "" : " with mutual TLS",
        release,
        scanner.release().source().key(),
        scanner.root(),
        first.getParentsCount(),
        first.getVmsCount(),
        first.getProblemsCount());
    if (config.schedulerTarget().isPresent() && shared == null) {
      reporter =
          new Reporter(
              config.hostId(),
              config.schedulerTarget().get(),
              config.scanInterval(),
              config.heartbeatInterval(),
              config.callTimeout(),
              this::scan,
              scanner.generations()::advancePast,
              GrpcTransport.channel(config.schedulerTarget().get(), tls));
    } else if (config.schedulerTarget().isPresent()) {
      String target = config.schedulerTarget().get();
      reporter =
          Reporter.sharing(
              config.hostId(),
              target,
              config.scanInterval(),
              config.heartbeatInterval(),
              config.callTimeout(),
              this::scan,
              generation -> scanner.generations().advancePast(generation),
              shared.channel(target, tls),
              shared.executor(),
              shared.startDelay(config.hostId()),
              shared.listener());
    }
    if (reporter != null) {
      whenFleetReleased(reporter::start);
      // In a held fleet, watched once it reports: a change seen before that is in the first report anyway.
      long ms = RELEASE_CHECK_INTERVAL.toMillis();
      whenFleetReleased(() -> releaseWatch =
          watchExecutor().scheduleWithFixedDelay(this::checkRelease, ms, ms, TimeUnit.MILLISECONDS));
    }
  }

  /** Runs {@code task} now, or, for an agent of a simulated fleet, once its shared resources are released. */
  private void whenFleetReleased(Runnable task) {
    if (shared == null) {
      task.run();
    } else {
      shared.whenReleased(task);
    }
  }

  /** Where the release watch runs: the fleet's shared executor, or a thread of this agent's own. */
  private ScheduledExecutorService watchExecutor() {
    return shared == null ? ownWatchExecutor() : shared.executor();
  }

  private ScheduledExecutorService ownWatchExecutor() {
    ownWatch = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "release-watch-" + config.hostId());
      t.setDaemon(true);
      return t;
    });
    return ownWatch;
  }

  /** A release file that now reads another value (or fails another way) is reported at once. */
  private void checkRelease() {
    try {
      if (!suspended && scanner.release().changed()) {
        LOG.info("host {}: release source {} changed; reporting", config.hostId(), scanner.release().source().where());
        requestReport();
      }
    } catch (RuntimeException e) {
      LOG.warn("host {}: checking the release failed: {}", config.hostId(), e.toString());
    }
  }

  /** The release as the agent observes it now (read again); the last good one if a read fails. */
  public String release() {
    return scanner.release().observe().release();
  }

  /** While suspended, every call is answered UNAVAILABLE, as a host that went down would look. */
  private BindableService answeringOnlyWhenUp(BindableService service) {
    ServerInterceptor gate =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            if (!suspended) {
              return next.startCall(call, headers);
            }
            call.close(
                Status.UNAVAILABLE.withDescription("host " + config.hostId() + " is down"),
                new Metadata());
            return new ServerCall.Listener<>() {};
          }
        };
    ServerServiceDefinition gated = ServerInterceptors.intercept(service, gate);
    return () -> gated;
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

  /** As {@link #reportNow()} without waiting for the scheduler's answer. */
  public void requestReport() {
    if (reporter != null) {
      reporter.requestReport();
    }
  }

  /**
   * The agent stops answering (every call UNAVAILABLE) and stops reporting and heartbeating, as a
   * crashed host looks from outside, while keeping its port; {@link #resume()} undoes it.
   */
  public void suspend() {
    suspended = true;
    if (reporter != null) {
      reporter.pause();
    }
  }

  /** Answers again and reports at once. */
  public void resume() {
    suspended = false;
    if (reporter != null) {
      reporter.resume();
    }
  }

  public boolean isSuspended() {
    return suspended;
  }

  /**
   * Takes new host facts (where the release comes from, driver version, labels, CPUs and memory,
   * allocation, libvirt URI ...) as an agent restarted after an upgrade would, but keeps its
   * server, port, reporter and generation clock; the caller reports when it wants the scheduler to
   * know. A change to anything else is refused naming the key ({@link #restartOnlyChange}), as is
   * a new release source that cannot be read; either way the running config stays.
   *
   * @throws InvalidConfigException naming the key that cannot change this way, or the release key
   */
  public synchronized void reload(AgentConfig newConfig) {
    AgentConfig old = config;
    String key = restartOnlyChange(old, newConfig);
    if (key != null) {
      throw InvalidConfigException.of(key, "changed, which takes effect only when the agent restarts"
          + " (systemctl restart migplan-agent); nothing was reloaded");
    }
    ReleaseSource source = ReleaseSource.of(newConfig);
    ObservedRelease release = source.equals(scanner.release().source()) ? scanner.release() : new ObservedRelease(source);
    if (release != scanner.release()) {
      release.require();
    }
    HostScanner next = new HostScanner(newConfig, scanner.generations(), System::currentTimeMillis, release);
    next.setAgentEndpoint(endpoint);
    config = newConfig;
    scanner = next;
  }

  /**
   * The first key that differs between the configs and that a running agent cannot take: where it
   * listens and reports, how it authenticates (certificate files are re-read by themselves, see
   * tls.reloadPeriod), its timers, limits and probe backends; null when none does.
   */
  static String restartOnlyChange(AgentConfig a, AgentConfig b) {
    List<Object[]> keys = new ArrayList<>();
    keys.add(new Object[] {"hostId", a.hostId(), b.hostId()});
    keys.add(new Object[] {"root", a.root(), b.root()});
    keys.add(new Object[] {"listenAddress", a.listenAddress(), b.listenAddress()});
    keys.add(new Object[] {"port", a.port(), b.port()});
    keys.add(new Object[] {"advertiseAddress", a.advertiseAddress(), b.advertiseAddress()});
    keys.add(new Object[] {"schedulerTarget", a.schedulerTarget(), b.schedulerTarget()});
    keys.add(new Object[] {"tls", a.tls(), b.tls()});
    keys.add(new Object[] {"insecure", a.insecure(), b.insecure()});
    keys.add(new Object[] {"scanInterval", a.scanInterval(), b.scanInterval()});
    keys.add(new Object[] {"heartbeatInterval", a.heartbeatInterval(), b.heartbeatInterval()});
    keys.add(new Object[] {"callTimeout", a.callTimeout(), b.callTimeout()});
    keys.add(new Object[] {"probes", a.probes(), b.probes()});
    keys.add(new Object[] {"limits", a.limits(), b.limits()});
    for (Object[] k : keys) {
      if (!Objects.equals(k[1], k[2])) {
        return (String) k[0];
      }
    }
    return null;
  }

  /**
   * Reads the config file again and takes it ({@link #reload(AgentConfig)}), then reports: what
   * SIGHUP does. A file that cannot be read, is not valid or changes a key that needs a restart is
   * refused with a log line naming the key, and the agent keeps running on the config it has.
   *
   * @return whether the new config was taken
   */
  public boolean reloadFrom(Path file) {
    try {
      AgentConfig next = AgentConfig.load(file);
      reload(next);
    } catch (InvalidConfigException e) {
      LOG.error("host {}: config not reloaded ({}): {}; the agent keeps running on its config as it was",
          config.hostId(), e.field(), e.getMessage());
      return false;
    } catch (IOException e) {
      LOG.error("host {}: config not reloaded: {}; the agent keeps running on its config as it was",
          config.hostId(), e.getMessage());
      return false;
    }
    LOG.info("host {}: config reloaded from {} (release {} from {})", config.hostId(), file,
        scanner.release().lastGood().orElse("unknown"), scanner.release().source().key());
    requestReport();
    return true;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (releaseWatch != null) {
      releaseWatch.cancel(false);
    }
    if (ownWatch != null) {
      ownWatch.shutdownNow();
    }
    if (reporter != null) {
      reporter.close();
    }
    if (server != null) {
      GrpcTransport.stop(server);
    }
    if (tls != null) {
      tls.close();
    }
    LOG.info("host {}: stopped", config.hostId());
  }
}
