package io.migplan.agent.config;

import static io.migplan.agent.config.FieldChecks.path;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.migplan.capacity.ComputeAllocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The agent's configuration: from YAML ({@link #load(Path)}, {@link #parseYaml(String)}) or from
 * code ({@link #builder()}), checked either way. Every field has a default except the host id and
 * where the release comes from: exactly one of {@code release} (a fixed value: tests, the
 * simulator's older trees), {@code releaseFile} or {@code releaseCommand} (what a real host uses,
 * so that an upgrade is observed rather than typed). A bad value fails with {@link
 * InvalidConfigException} naming the field.
 *
 * <p>YAML keys are the field names; {@code probeBackend} is the older spelling of {@code
 * probes.default} (see {@link ProbeSettings} for the section). Durations are read by {@link
 * Durations}: "30s", "500ms", "2m", "1h" or ISO-8601 ("PT30S").
 *
 * @param release a fixed release ({@link ReleaseText}'s rule)
 * @param releaseFile a file whose first non-blank line is the release, read at every scan and
 *     watched between scans (relative to the config file's directory when loaded from one)
 * @param releaseCommand a program whose first line of output is the release, run at every scan
 * @param root sysfs, /proc and /run/libvirt are read under it
 * @param port 0 asks the OS for a free port
 * @param advertiseAddress how the scheduler reaches this agent; default: the listen address
 * @param schedulerTarget host:port of the scheduler's InventoryService; empty: do not report
 * @param cpus overrides what the host reports
 * @param memoryMib overrides MemTotal of /proc/meminfo
 * @param cpuAllocationRatio vCPUs VMs may have per CPU (Nova's {@code cpu_allocation_ratio}); absent:
 *     not reported, and the scheduler takes 1.0 unless a central rule says otherwise
 * @param memoryAllocationRatio memory VMs may have per MiB (Nova's {@code ram_allocation_ratio}); as above
 * @param reservedCpus CPUs kept for the host itself (Nova's {@code reserved_host_cpus}); default 0
 * @param reservedMemoryMib memory kept for the host itself (Nova's {@code reserved_host_memory_mb}); default 0.
 *     VMs may be given floor((cpus - reservedCpus) x cpuAllocationRatio) vCPUs, and likewise memory
 *     ({@link ComputeAllocation})
 * @param driverVersion overrides /sys/module/&lt;driver&gt;/version
 * @param nvidiaMixedSizeParents NVIDIA GPUs (PCI addresses, or "*" for all) the operator put in
 *     mixed-size mode. Sysfs shows no mode, and an empty GPU reads the same in both, so this is
 *     how the agent knows before the first vGPU (see inventory.ParentCapacities). Default: none.
 * @param limits what callers may ask of the agent's server at once and per call ({@link AgentLimits})
 * @param tls mutual TLS with the scheduler ({@link TlsSettings}); absent: plaintext, which {@code
 *     run} accepts only with {@code insecure: true}
 * @param insecure the operator's explicit consent to serve and report in plaintext (a trial, a
 *     developer's machine); refused beside {@code tls}
 * @param libvirtUri how a libvirt client reaches this host's hypervisor (reported for the libvirt
 *     executor); absent: {@code qemu+tls://<hostId>/system} ({@link #effectiveLibvirtUri()})
 */
public record AgentConfig(
    String hostId,
    Optional<String> release,
    Optional<Path> releaseFile,
    Optional<ReleaseCommand> releaseCommand,
    String failureDomain,
    Map<String, String> labels,
    Path root,
    String listenAddress,
    Integer port,
    Optional<String> advertiseAddress,
    Optional<String> schedulerTarget,
    Duration scanInterval,
    Duration heartbeatInterval,
    Duration callTimeout,
    Optional<Integer> cpus,
    Optional<Long> memoryMib,
    Optional<Double> cpuAllocationRatio,
    Optional<Double> memoryAllocationRatio,
    Integer reservedCpus,
    Long reservedMemoryMib,
    Optional<String> driverVersion,
    ProbeSettings probes,
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) Set<String> nvidiaMixedSizeParents,
    AgentLimits limits,
    Optional<TlsSettings> tls,
    Boolean insecure,
    Optional<String> libvirtUri) implements SelfChecking {
  /** The agent's listening port unless configured; apart from the scheduler's 8080 (HTTP and gRPC). */
  public static final int DEFAULT_PORT = 9400;
  /** How often inventory is re-read; sysfs reads are cheap, but changes only matter at migration pace. */
  public static final Duration DEFAULT_SCAN_INTERVAL = Duration.ofSeconds(30);
  /** Liveness ping; the scheduler marks a host stale after a few missed beats. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
  /** Deadline of each call to the scheduler, so an unreachable one never blocks the agent. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);

  /** The scheduler's bound on a host's CPUs (SnapshotValidator.MAX_CPUS): more cannot be reserved. */
  public static final int MAX_RESERVED_CPUS = 65_536;
  /** The scheduler's bound on a host's memory, 1 PiB (SnapshotValidator.MAX_MEMORY_MIB). */
  public static final long MAX_RESERVED_MEMORY_MIB = 1L << 30;

  /** A scheduler target names a host and a port. */
  private static final Pattern HOST_PORT = Pattern.compile(".*:.*");

  /** The older top-level spelling of {@code probes.default}. */
  private static final String LEGACY_PROBE_BACKEND = "probeBackend";

  /** Absent values take their defaults; blank optional strings are absent. */
  @JsonCreator
  public AgentConfig {
    failureDomain = failureDomain == null ? "" : failureDomain;
    labels = labels == null ? Map.of() : ConfigReader.copy(labels);
    root = root == null ? Path.of("/") : root;
    listenAddress = listenAddress == null ? "0.0.0.0" : listenAddress;
    port = port == null ? DEFAULT_PORT : port;
    advertiseAddress = stripped(advertiseAddress);
    schedulerTarget = stripped(schedulerTarget);
    scanInterval = scanInterval == null ? DEFAULT_SCAN_INTERVAL : scanInterval;
    heartbeatInterval = heartbeatInterval == null ? DEFAULT_HEARTBEAT_INTERVAL : heartbeatInterval;
    callTimeout = callTimeout == null ? DEFAULT_CALL_TIMEOUT : callTimeout;
    cpus = cpus == null ? Optional.empty() : cpus;
    memoryMib = memoryMib == null ? Optional.empty() : memoryMib;
    cpuAllocationRatio = cpuAllocationRatio == null ? Optional.empty() : cpuAllocationRatio;
    memoryAllocationRatio = memoryAllocationRatio == null ? Optional.empty() : memoryAllocationRatio;
    reservedCpus = reservedCpus == null ? 0 : reservedCpus;
    reservedMemoryMib = reservedMemoryMib == null ? 0L : reservedMemoryMib;
    driverVersion = stripped(driverVersion);
    probes = probes == null ? ProbeSettings.DEFAULTS : probes;
    nvidiaMixedSizeParents = nvidiaMixedSizeParents == null ? Set.of() : ConfigReader.copy(nvidiaMixedSizeParents);
    limits = limits == null ? AgentLimits.DEFAULTS : limits;
    tls = tls == null ? Optional.empty() : tls;
    insecure = insecure != null && insecure;
    release = stripped(release);
    releaseFile = releaseFile == null ? Optional.empty() : releaseFile.filter(p -> !p.toString().isBlank());
    releaseCommand = releaseCommand == null ? Optional.empty() : releaseCommand;
    libvirtUri = stripped(libvirtUri);
  }

  /** Each value within its own bounds; the sections' values by their own checks. */
  @Override
  public void checkInto(FieldChecks checks, String at) {
    checks.notBlank(path(at, "hostId"), hostId, "is required and must not be blank");
    checks.eachEntry(path(at, "labels"), labels, "must have non-blank keys", "must have a plain value");
    checks.notBlank(path(at, "listenAddress"), listenAddress, "must not be blank");
    checks.within(path(at, "port"), port, 0, 65535, "must be between 0 and 65535");
    schedulerTarget.ifPresent(t -> checks.matches(path(at, "schedulerTarget"), t, HOST_PORT, "must be host:port"));
    checks.positive(path(at, "scanInterval"), scanInterval);
    checks.positive(path(at, "heartbeatInterval"), heartbeatInterval);
    checks.positive(path(at, "callTimeout"), callTimeout);
    cpus.ifPresent(v -> checks.atLeast(path(at, "cpus"), v, 1, "must be positive"));
    memoryMib.ifPresent(v -> checks.atLeast(path(at, "memoryMib"), v, 1, "must be positive"));
    cpuAllocationRatio.ifPresent(v -> checks.ratio(path(at, "cpuAllocationRatio"), v));
    memoryAllocationRatio.ifPresent(v -> checks.ratio(path(at, "memoryAllocationRatio"), v));
    checks.within(path(at, "reservedCpus"), reservedCpus, 0, MAX_RESERVED_CPUS, "must be between 0 and " + MAX_RESERVED_CPUS);
    checks.within(path(at, "reservedMemoryMib"), reservedMemoryMib, 0, MAX_RESERVED_MEMORY_MIB,
        "must be between 0 and " + MAX_RESERVED_MEMORY_MIB);
    checks.eachNotBlank(path(at, "nvidiaMixedSizeParents"), nvidiaMixedSizeParents,
        "must hold PCI addresses or \"*\", not blanks");
    releaseCommand.ifPresent(r -> r.checkInto(checks, path(at, "releaseCommand")));
    probes.checkInto(checks, path(at, "probes"));
    limits.checkInto(checks, path(at, "limits"));
  }

  /** The keys that say where the release comes from; exactly one is set. */
  static final String RELEASE_KEYS = "release, releaseFile or releaseCommand";

  /** Exactly one source of the release, and a fixed one by {@link ReleaseText}'s rule. */
  private void requireOneReleaseSource() {
    int set = (release.isPresent() ? 1 : 0) + (releaseFile.isPresent() ? 1 : 0) + (releaseCommand.isPresent() ? 1 : 0);
    if (set == 0) {
      throw InvalidConfigException.of("release", "is required: set one of " + RELEASE_KEYS
          + " (a real host should use releaseFile or releaseCommand, so that an upgrade is observed)");
    }
    if (set > 1) {
      String field = releaseCommand.isPresent() ? "releaseCommand" : "releaseFile";
      throw InvalidConfigException.of(field, "is set beside another of " + RELEASE_KEYS + "; set exactly one");
    }
    release.ifPresent(r -> {
      String why = ReleaseText.problem(r);
      if (why != null) {
        throw InvalidConfigException.of("release", why + ", got '" + r + "'");
      }
    });
    if (releaseCommand.isPresent() && releaseCommand.get().exec().isEmpty()) {
      throw InvalidConfigException.of("releaseCommand.exec",
          "is required: the program and its arguments as a list, e.g. [dpkg-query, -W, -f, '${Version}', nova-compute]");
    }
  }

  /** The longest libvirt URI accepted: the scheduler's bound on names (its Texts.MAX_NAME). */
  public static final int MAX_LIBVIRT_URI = 256;

  /** The libvirt URI reported: the configured one, else {@code qemu+tls://<hostId>/system}. */
  public String effectiveLibvirtUri() {
    return libvirtUri.orElse("qemu+tls://" + hostId + "/system");
  }

  /** A URI with a scheme, within {@link #MAX_LIBVIRT_URI} characters, without spaces or control characters. */
  private void requireLibvirtUri() {
    if (libvirtUri.isEmpty()) {
      return;
    }
    String uri = libvirtUri.get();
    if (uri.length() > MAX_LIBVIRT_URI) {
      throw InvalidConfigException.of("libvirtUri", "is " + uri.length() + " characters long, at most " + MAX_LIBVIRT_URI);
    }
    String why;
    try {
      java.net.URI parsed = new java.net.URI(uri);
      why = parsed.getScheme() == null ? "has no scheme" : null;
    } catch (java.net.URISyntaxException e) {
      why = "is not a URI (" + e.getReason() + " at index " + e.getIndex() + ")";
    }
    if (why != null) {
      throw InvalidConfigException.of("libvirtUri", why + "; write it as libvirt does, e.g. qemu+tls://"
          + hostId + "/system, got '" + uri + "'");
    }
  }

  private static Optional<String> stripped(Optional<String> v) {
    return v == null ? Optional.empty() : v.map(String::strip).filter(s -> !s.isEmpty());
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.hostId = hostId;
    b.release = release.orElse(null);
    b.releaseFile = releaseFile.orElse(null);
    b.releaseCommand = releaseCommand.orElse(null);
    b.libvirtUri = libvirtUri.orElse(null);
    b.failureDomain = failureDomain;
    b.labels = new TreeMap<>(labels);
    b.root = root;
    b.listenAddress = listenAddress;
    b.port = port;
    b.advertiseAddress = advertiseAddress.orElse(null);
    b.schedulerTarget = schedulerTarget.orElse(null);
    b.scanInterval = scanInterval;
    b.heartbeatInterval = heartbeatInterval;
    b.callTimeout = callTimeout;
    b.cpus = cpus.orElse(null);
    b.memoryMib = memoryMib.orElse(null);
    b.cpuAllocationRatio = cpuAllocationRatio.orElse(null);
    b.memoryAllocationRatio = memoryAllocationRatio.orElse(null);
    b.reservedCpus = reservedCpus;
    b.reservedMemoryMib = reservedMemoryMib;
    b.driverVersion = driverVersion.orElse(null);
    b.probes = probes;
    b.nvidiaMixedSizeParents = new TreeSet<>(nvidiaMixedSizeParents);
    b.limits = limits;
    b.tls = tls.orElse(null);
    b.insecure = insecure;
    return b;
  }

  /**
   * The CPU and memory rule this agent reports (absent ratios as 1.0, the scheduler's default); a
   * scheduler's central rule may still override it.
   */
  public ComputeAllocation allocation() {
    return new ComputeAllocation(cpuAllocationRatio.orElse(1.0), memoryAllocationRatio.orElse(1.0), reservedCpus,
        reservedMemoryMib);
  }

  /**
   * A reservation cannot exceed the CPUs or memory the config itself sets; against what the host
   * reports the scheduler checks it (it refuses such a report naming the field).
   */
  private void requireReservationsWithinOverrides() {
    if (cpus.isPresent() && reservedCpus > cpus.get()) {
      throw InvalidConfigException.of(
          "reservedCpus", "must be at most cpus (" + cpus.get() + "), got " + reservedCpus);
    }
    if (memoryMib.isPresent() && reservedMemoryMib > memoryMib.get()) {
      throw InvalidConfigException.of(
          "reservedMemoryMib", "must be at most memoryMib (" + memoryMib.get() + "), got " + reservedMemoryMib);
    }
  }

  /** The backend for vendors the {@code probes.byVendor} map does not name. */
  public ProbeBackendChoice probeBackend() {
    return probes.defaultBackend();
  }

  /**
   * Reads a YAML file; errors name the file and the field. A relative {@code root} or {@code
   * probes.rulesFile} is taken relative to the file's directory, so a config and its tree can move
   * together.
   */
  public static AgentConfig load(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IOException("agent config " + file + " could not be read: " + e.getMessage(), e);
    }
    AgentConfig config;
    try {
      config = parseYaml(text);
    } catch (InvalidConfigException e) {
      throw e.in("agent config " + file);
    }
    Path dir = file.toAbsolutePath().getParent();
    Builder b = config.toBuilder();
    if (!config.root().isAbsolute()) {
      b.root(dir.resolve(config.root()).normalize());
    }
    Path rules = config.probes().rulesFile();
    if (rules != null && !rules.isAbsolute()) {
      b.probes(config.probes().withRulesFile(dir.resolve(rules).normalize()));
    }
    config.tls().ifPresent(t -> b.tls(t.withPaths(p -> p.isAbsolute() ? p : dir.resolve(p).normalize())));
    config.releaseFile().filter(p -> !p.isAbsolute()).ifPresent(p -> b.releaseFile(dir.resolve(p).normalize()));
    return b.build();
  }

  public static AgentConfig parseYaml(String yaml) {
    JsonNode node = ConfigReader.read(yaml);
    if (node instanceof ObjectNode doc && doc.hasNonNull(LEGACY_PROBE_BACKEND)) {
      moveLegacyProbeBackend(doc);
    }
    return validated(ConfigReader.bind(node, AgentConfig.class));
  }

  /** {@code probeBackend: x} stands for {@code probes: {default: x}}, but not beside it. */
  private static void moveLegacyProbeBackend(ObjectNode doc) {
    JsonNode legacy = doc.remove(LEGACY_PROBE_BACKEND);
    ProbeBackendChoice choice;
    try {
      choice = ConfigReader.bind(legacy, ProbeBackendChoice.class);
    } catch (InvalidConfigException e) {
      throw e.under(LEGACY_PROBE_BACKEND);
    }
    if (!doc.hasNonNull("probes")) {
      doc.putObject("probes");
    }
    if (doc.get("probes") instanceof ObjectNode probes) {
      if (probes.hasNonNull("default")) {
        throw InvalidConfigException.of(
            LEGACY_PROBE_BACKEND, "the older spelling of probes.default; set only probes.default");
      }
      probes.put("default", choice.key());
    }
  }

  private static AgentConfig validated(AgentConfig config) {
    FieldChecks.check(config);
    config.requireOneReleaseSource();
    config.requireLibvirtUri();
    config.requireReservationsWithinOverrides();
    config.probes().requireCommandWhereChosen();
    config.tls().ifPresent(TlsSettings::requireComplete);
    if (config.insecure() && config.tls().isPresent()) {
      throw InvalidConfigException.of("insecure", "is true beside tls; set tls for mutual TLS, or only insecure: true for plaintext");
    }
    return config;
  }

  /**
   * Why this config may not run as a real host's agent, or empty when it may: in plaintext anyone
   * on the network could call the agent (list VMs, start probes) and read or forge its reports, so
   * it takes {@code tls} or the operator's explicit {@code insecure: true}. Tests and the simulator
   * build plaintext configs in code; the {@code run} command asks this.
   */
  public Optional<String> plaintextRefusal() {
    if (tls.isPresent() || insecure) {
      return Optional.empty();
    }
    return Optional.of("no tls is configured, so the agent would serve"
        + schedulerTarget.map(t -> " and report to " + t).orElse("")
        + " in plaintext: set tls (ca, cert, key) for mutual TLS with the scheduler, or insecure: true"
        + " to run without TLS on a network you trust");
  }

  /** Builds a config in code; {@link #build()} checks it like a file and names the first bad field. */
  public static final class Builder {
    private String hostId;
    private String release;
    private Path releaseFile;
    private ReleaseCommand releaseCommand;
    private String libvirtUri;
    private String failureDomain;
    private Map<String, String> labels = new TreeMap<>();
    private Path root;
    private String listenAddress;
    private Integer port;
    private String advertiseAddress;
    private String schedulerTarget;
    private Duration scanInterval;
    private Duration heartbeatInterval;
    private Duration callTimeout;
    private Integer cpus;
    private Long memoryMib;
    private Double cpuAllocationRatio;
    private Double memoryAllocationRatio;
    private Integer reservedCpus;
    private Long reservedMemoryMib;
    private String driverVersion;
    private ProbeSettings probes = ProbeSettings.DEFAULTS;
    private Set<String> nvidiaMixedSizeParents = new TreeSet<>();
    private AgentLimits limits = AgentLimits.DEFAULTS;
    private TlsSettings tls;
    private boolean insecure;

    private Builder() {}

    public Builder hostId(String v) {
      hostId = v;
      return this;
    }

    /** A fixed release; clears a release file or command set before, as a config has only one. */
    public Builder release(String v) {
      release = v;
      if (v != null) {
        releaseFile = null;
        releaseCommand = null;
      }
      return this;
    }

    /** The release read from this file; clears a fixed release or command set before. */
    public Builder releaseFile(Path v) {
      releaseFile = v;
      if (v != null) {
        release = null;
        releaseCommand = null;
      }
      return this;
    }

    /** The release printed by this command; clears a fixed release or file set before. */
    public Builder releaseCommand(ReleaseCommand v) {
      releaseCommand = v;
      if (v != null) {
        release = null;
        releaseFile = null;
      }
      return this;
    }

    public Builder libvirtUri(String v) {
      libvirtUri = v;
      return this;
    }

    public Builder failureDomain(String v) {
      failureDomain = v;
      return this;
    }

    public Builder labels(Map<String, String> v) {
      labels = new TreeMap<>(v == null ? Map.of() : v);
      return this;
    }

    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public Builder root(Path v) {
      root = v;
      return this;
    }

    public Builder listenAddress(String v) {
      listenAddress = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder advertiseAddress(String v) {
      advertiseAddress = v;
      return this;
    }

    public Builder schedulerTarget(String v) {
      schedulerTarget = v;
      return this;
    }

    public Builder scanInterval(Duration v) {
      scanInterval = v;
      return this;
    }

    public Builder heartbeatInterval(Duration v) {
      heartbeatInterval = v;
      return this;
    }

    public Builder callTimeout(Duration v) {
      callTimeout = v;
      return this;
    }

    public Builder cpus(Integer v) {
      cpus = v;
      return this;
    }

    public Builder memoryMib(Long v) {
      memoryMib = v;
      return this;
    }

    public Builder cpuAllocationRatio(Double v) {
      cpuAllocationRatio = v;
      return this;
    }

    public Builder memoryAllocationRatio(Double v) {
      memoryAllocationRatio = v;
      return this;
    }

    public Builder reservedCpus(Integer v) {
      reservedCpus = v;
      return this;
    }

    public Builder reservedMemoryMib(Long v) {
      reservedMemoryMib = v;
      return this;
    }

    public Builder driverVersion(String v) {
      driverVersion = v;
      return this;
    }

    /** The default backend ({@code probes.default}). */
    public Builder probeBackend(ProbeBackendChoice v) {
      probes = probes.withDefaultBackend(v);
      return this;
    }

    public Builder probes(ProbeSettings v) {
      probes = v;
      return this;
    }

    public Builder nvidiaMixedSizeParents(Set<String> v) {
      nvidiaMixedSizeParents = new TreeSet<>(v == null ? Set.of() : v);
      return this;
    }

    public Builder limits(AgentLimits v) {
      limits = v;
      return this;
    }

    /** Mutual TLS with the scheduler; null: plaintext. */
    public Builder tls(TlsSettings v) {
      tls = v;
      return this;
    }

    public Builder insecure(boolean v) {
      insecure = v;
      return this;
    }

    public AgentConfig build() {
      return validated(
          new AgentConfig(
              hostId, Optional.ofNullable(release), Optional.ofNullable(releaseFile),
              Optional.ofNullable(releaseCommand), failureDomain, labels, root, listenAddress, port,
              Optional.ofNullable(advertiseAddress), Optional.ofNullable(schedulerTarget),
              scanInterval, heartbeatInterval, callTimeout, Optional.ofNullable(cpus),
              Optional.ofNullable(memoryMib), Optional.ofNullable(cpuAllocationRatio),
              Optional.ofNullable(memoryAllocationRatio), reservedCpus, reservedMemoryMib,
              Optional.ofNullable(driverVersion), probes,
              nvidiaMixedSizeParents, limits, Optional.ofNullable(tls), insecure, Optional.ofNullable(libvirtUri)));
    }
  }
}
