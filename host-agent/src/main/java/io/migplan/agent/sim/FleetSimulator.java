package io.migplan.agent.sim;

import io.grpc.Server;
import io.migplan.agent.HostAgent;
import io.migplan.agent.SharedResources;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.grpc.GrpcTransport;
import io.migplan.agent.pki.PkiDirectory;
import io.migplan.identity.CertificateAuthority;
import io.migplan.agent.report.Reporter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a generated fleet in one process: one {@link HostAgent} per host, each on its own loopback
 * port answering probes, all reporting to one scheduler through one shared channel and a few
 * shared threads. Every agent is built first (servers, TLS contexts, first scans); then they connect
 * and report, their first reports spread over a seeded start window from that moment (a fleet of
 * hosts starts its agents on as many machines, not on the scheduler's cores). The running fleet takes
 * operations ({@link RunningFleet#migrateVm}, {@link RunningFleet#upgradeHost}, {@link
 * RunningFleet#failHost}, {@link RunningFleet#recoverHost}) in Java or, once {@link
 * RunningFleet#startControlServer} is called, over gRPC ({@code migplan.v1.SimulatorService}).
 *
 * <p>Decides nothing about the hosts' contents ({@link FleetGenerator} does) nor what an operation
 * may do ({@link FleetOperations} does).
 */
public final class FleetSimulator {
  private FleetSimulator() {}

  /** One simulated host as it runs. */
  public record SimulatedHost(String hostId, String endpoint, Path root, HostAgent agent) {}

  /** A host as the control API shows it. */
  public record HostStatus(
      String host, String endpoint, String release, String driverVersion, String board, boolean failed, int vms) {}

  /** Where a VM went: its hosts and the parent of each of its mdevs on the target. */
  public record Migration(String vm, String sourceHost, String targetHost, List<String> targetParents) {}

  /**
   * How the fleet runs.
   *
   * @param threads threads shared by every agent's reporting
   * @param startSpread first reports are spread uniformly over this window (seeded per host);
   *     null = 10 ms per host, at most the heartbeat interval
   * @param scanInterval null = each agent's config (default 30 s)
   * @param heartbeatInterval null = each agent's config (default 10 s)
   * @param callTimeout null = each agent's config (default 5 s)
   * @param listener told of every acknowledged report
   * @param pki a directory with a CA ({@code host-agent pki init}): each host serves and reports
   *     with mutual TLS under a certificate of its own, issued there when missing; null: plaintext
   */
  public record Options(
      int threads,
      Duration startSpread,
      Duration scanInterval,
      Duration heartbeatInterval,
      Duration callTimeout,
      Reporter.Listener listener,
      Path pki) {
    /**
     * Four threads: reporting is blocking calls of a few milliseconds each; four keep a scheduler
     * on the same two cores busy without the simulator taking its CPU.
     */
    public static final int DEFAULT_THREADS = 4;
    /** 10 ms per host = at most 100 first reports a second, what one scheduler takes calmly. */
    static final Duration SPREAD_PER_HOST = Duration.ofMillis(10);

    public static Options defaults() {
      return new Options(DEFAULT_THREADS, null, null, null, null, Reporter.Listener.NONE, null);
    }

    public Options withThreads(int n) {
      return new Options(n, startSpread, scanInterval, heartbeatInterval, callTimeout, listener, pki);
    }

    public Options withStartSpread(Duration d) {
      return new Options(threads, d, scanInterval, heartbeatInterval, callTimeout, listener, pki);
    }

    public Options withIntervals(Duration scan, Duration heartbeat) {
      return new Options(threads, startSpread, scan, heartbeat, callTimeout, listener, pki);
    }

    public Options withCallTimeout(Duration d) {
      return new Options(threads, startSpread, scanInterval, heartbeatInterval, d, listener, pki);
    }

    public Options withListener(Reporter.Listener l) {
      return new Options(threads, startSpread, scanInterval, heartbeatInterval, callTimeout, l, pki);
    }

    /** Mutual TLS with certificates of the CA in {@code dir} (null: plaintext). */
    public Options withPki(Path dir) {
      return new Options(threads, startSpread, scanInterval, heartbeatInterval, callTimeout, listener, dir);
    }
  }

  /** The running fleet; closing it stops every agent, the control server and the shared threads. */
  public static final class RunningFleet implements AutoCloseable {
    private final List<SimulatedHost> hosts;
    private final Map<String, SimulatedHost> byId;
    private final SharedResources shared;
    private final Map<String, Duration> startDelays;
    private final FleetOperations operations;
    private Server control;

    private RunningFleet(
        List<SimulatedHost> hosts, SharedResources shared, Map<String, Duration> startDelays) throws IOException {
      this.hosts = List.copyOf(hosts);
      this.byId = new LinkedHashMap<>();
      hosts.forEach(h -> byId.put(h.hostId(), h));
      this.shared = shared;
      this.startDelays = Map.copyOf(startDelays);
      this.operations = new FleetOperations(this.hosts);
    }

    public List<SimulatedHost> hosts() {
      return hosts;
    }

    public SimulatedHost host(String hostId) {
      SimulatedHost h = byId.get(hostId);
      if (h == null) {
        throw new IllegalArgumentException("no simulated host " + hostId);
      }
      return h;
    }

    /** The seeded delay before the host's first report (its heartbeats keep that phase). */
    public Duration startDelay(String hostId) {
      return startDelays.getOrDefault(hostId, Duration.ZERO);
    }

    /** Channels to schedulers the fleet opened: one per scheduler target, whatever the host count. */
    public int schedulerChannels() {
      return shared.channelCount();
    }

    public List<HostStatus> listHosts() {
      return operations.listHosts();
    }

    public HostStatus status(String hostId) {
      return operations.status(hostId);
    }

    /** The host a VM runs on now. */
    public Optional<String> hostOf(String vm) {
      return operations.hostOf(vm);
    }

    /** Every VM of the fleet by name, in name order. */
    public List<String> vms() {
      return operations.vms();
    }

    /**
     * Moves a VM to {@code targetHost}, onto {@code targetParent} when not blank; the hosts
     * re-report at once. Throws {@link SimulationException} when refused (nothing changed).
     */
    public Migration migrateVm(String vm, String targetHost, String targetParent) {
      return operations.migrateVm(vm, targetHost, targetParent);
    }

    /** New release and, when not blank, driver version; the host re-reports at once. */
    public HostStatus upgradeHost(String hostId, String release, String driverVersion) {
      return operations.upgradeHost(hostId, release, driverVersion);
    }

    /** The host stops answering (UNAVAILABLE) and stops reporting and heartbeating. */
    public HostStatus failHost(String hostId) {
      return operations.failHost(hostId);
    }

    /** The host answers and reports again. */
    public HostStatus recoverHost(String hostId) {
      return operations.recoverHost(hostId);
    }

    FleetOperations operations() {
      return operations;
    }

    /** Serves {@code migplan.v1.SimulatorService}; returns the bound port (0 = any free port). */
    public synchronized int startControlServer(String address, int port) throws IOException {
      if (control != null) {
        throw new IllegalStateException("the control server already runs on port " + control.getPort());
      }
      control = GrpcTransport.startServer(address, port, List.of(new SimulatorServiceImpl(this)));
      return ((InetSocketAddress) control.getListenSockets().get(0)).getPort();
    }

    @Override
    public void close() {
      synchronized (this) {
        if (control != null) {
          GrpcTransport.stop(control);
        }
      }
      for (SimulatedHost h : hosts) {
        h.agent().close();
      }
      shared.close();
    }
  }

  /** Generates the fleet under {@code dir} (or reuses the trees already there) and starts it. */
  public static RunningFleet start(FleetSpec spec, Path dir, String schedulerTarget) throws IOException {
    return start(spec, dir, schedulerTarget, Options.defaults());
  }

  /**
   * As {@link #start(FleetSpec, Path, String)} with options.
   *
   * @param schedulerTarget "host:port" of the scheduler's InventoryService, or null not to report
   */
  public static RunningFleet start(FleetSpec spec, Path dir, String schedulerTarget, Options options)
      throws IOException {
    return start(spec.validate(), dir, schedulerTarget, options, FleetGenerator.Slice.all(spec));
  }

  /** As {@link #start(FleetSpec, Path, String, Options)} with the hosts of {@code slice} only. */
  public static RunningFleet start(
      FleetSpec spec, Path dir, String schedulerTarget, Options options, FleetGenerator.Slice slice)
      throws IOException {
    List<FleetGenerator.GeneratedHost> generated = FleetGenerator.generate(spec, dir, slice);
    return run(generated, startDelays(spec.seed(), spec.hosts(), generated, options), schedulerTarget, options);
  }

  /**
   * Writes the hosts of an exported fleet under {@code dir} ({@link FleetTrees}: refused, with
   * nothing written, unless every host's tree reads back as the file says) and starts them. The
   * hosts' first reports are spread as a spec's are, from a fixed seed.
   *
   * @param schedulerTarget "host:port" of the scheduler's InventoryService, or null not to report
   * @throws FleetFile.InvalidFleetException naming the host and field the simulator cannot run
   */
  public static RunningFleet start(FleetFile fleet, Path dir, String schedulerTarget, Options options)
      throws IOException {
    List<FleetGenerator.GeneratedHost> written = FleetTrees.write(fleet, dir);
    return run(written, startDelays(FLEET_FILE_SEED, written.size(), written, options), schedulerTarget, options);
  }

  /** {@link #start(FleetFile, Path, String, Options)} with the default options. */
  public static RunningFleet start(FleetFile fleet, Path dir, String schedulerTarget) throws IOException {
    return start(fleet, dir, schedulerTarget, Options.defaults());
  }

  /** The seed of a fleet file's start delays: any fixed value keeps restarts alike. */
  static final long FLEET_FILE_SEED = 1L;

  private static RunningFleet run(List<FleetGenerator.GeneratedHost> generated, Map<String, Duration> delays,
      String schedulerTarget, Options options) throws IOException {
    PkiDirectory pki = options.pki() == null ? null : new PkiDirectory(options.pki());
    CertificateAuthority ca = pki == null ? null : pki.loadCa();
    SharedResources shared =
        SharedResources.held(
            options.threads(), id -> delays.getOrDefault(id, Duration.ZERO), options.listener());
    // Agents start on every core (binding a port and a first scan each); a failure closes those
    // already started, whichever they are.
    List<SimulatedHost> started = Collections.synchronizedList(new ArrayList<>());
    try {
      Parallel.map(generated.size(), i -> {
        FleetGenerator.GeneratedHost g = generated.get(i);
        AgentConfig.Builder config =
            withReleaseFile(g.config(), g.root()).toBuilder().listenAddress("127.0.0.1").port(0)
                .schedulerTarget(schedulerTarget);
        if (options.scanInterval() != null) {
          config.scanInterval(options.scanInterval());
        }
        if (options.heartbeatInterval() != null) {
          config.heartbeatInterval(options.heartbeatInterval());
        }
        if (options.callTimeout() != null) {
          config.callTimeout(options.callTimeout());
        }
        if (pki != null) {
          config.tls(pki.hostTls(ca, g.hostId(), SIMULATED_CERTIFICATE_VALIDITY));
        }
        HostAgent agent = HostAgent.start(config.build(), shared);
        SimulatedHost host = new SimulatedHost(g.hostId(), agent.endpoint(), g.root(), agent);
        started.add(host);
        return host;
      });
      List<SimulatedHost> ordered = new ArrayList<>(started);
      ordered.sort(java.util.Comparator.comparing(SimulatedHost::hostId));
      // Every agent built (TLS contexts, servers, first scans): now they connect and report, with
      // their delays counted from here, as agents each started on a host of their own would.
      shared.release();
      return new RunningFleet(ordered, shared, delays);
    } catch (IOException | RuntimeException e) {
      started.forEach(h -> h.agent().close());
      shared.close();
      throw e;
    }
  }

  /**
   * A tree generated before hosts had a release file names its release in agent.yaml: it gets the
   * file, so that its upgrades are observed like every other host's.
   */
  static AgentConfig withReleaseFile(AgentConfig config, Path root) throws IOException {
    if (config.releaseFile().isPresent() || config.release().isEmpty()) {
      return config;
    }
    Path file = root.resolve(FleetGenerator.RELEASE_FILE);
    if (!java.nio.file.Files.exists(file)) {
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.writeString(file, config.release().get() + "\n");
    }
    return config.toBuilder().releaseFile(file).build();
  }

  /**
   * Issues the certificate of each host that has none yet in {@code pki} (a directory with a CA),
   * on every core: one EC P-256 key pair and signature per host.
   */
  public static void issueCertificates(List<FleetGenerator.GeneratedHost> hosts, Path pki) throws IOException {
    PkiDirectory files = new PkiDirectory(pki);
    CertificateAuthority ca = files.loadCa();
    Parallel.map(hosts.size(), i -> files.hostTls(ca, hosts.get(i).hostId(), SIMULATED_CERTIFICATE_VALIDITY));
  }

  /** A simulated host's certificate: long enough for any run, short enough to be visibly throwaway. */
  static final Duration SIMULATED_CERTIFICATE_VALIDITY = Duration.ofDays(30);

  /**
   * Each host's first-report delay, uniform in [0, spread) from a stream of its own, so the same
   * seed starts the fleet in the same order and adding a host moves no other.
   */
  static Map<String, Duration> startDelays(
      FleetSpec spec, List<FleetGenerator.GeneratedHost> hosts, Options options) {
    return startDelays(spec.seed(), spec.hosts(), hosts, options);
  }

  /** {@link #startDelays(FleetSpec, List, Options)} of a fleet of {@code fleetSize} hosts and that seed. */
  static Map<String, Duration> startDelays(
      long seed, int fleetSize, List<FleetGenerator.GeneratedHost> hosts, Options options) {
    Duration spread = options.startSpread();
    if (spread == null) {
      Duration cap = options.heartbeatInterval() != null ? options.heartbeatInterval() : AgentConfig.DEFAULT_HEARTBEAT_INTERVAL;
      spread = Options.SPREAD_PER_HOST.multipliedBy(fleetSize);
      spread = spread.compareTo(cap) > 0 ? cap : spread;
    }
    Map<String, Duration> delays = new HashMap<>();
    long spreadMs = spread.toMillis();
    for (int i = 0; i < hosts.size(); i++) {
      // A different stream from the tree's (JITTER_SALT), so jitter never shifts generated values.
      int index = hosts.get(i).index();
      long ms = spreadMs <= 0 ? 0 : FleetGenerator.random(seed ^ JITTER_SALT, index).nextLong(spreadMs);
      delays.put(hosts.get(i).hostId(), Duration.ofMillis(ms));
    }
    return delays;
  }

  /**
   * Separates a host's jitter stream from its tree stream; any non-zero constant does. This is
   * the fractional part of the square root of 2 (SHA-512's first initial hash word).
   */
  private static final long JITTER_SALT = 0x6A09E667F3BCC908L;
}
