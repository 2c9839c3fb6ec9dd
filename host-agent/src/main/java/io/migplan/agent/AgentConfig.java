package io.migplan.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.migplan.agent.probe.ProbeBackendChoice;
import io.migplan.agent.probe.ProbeSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The agent's typed, validated configuration: from YAML ({@link #load(Path)}, {@link
 * #parseYaml(String)}) or from code ({@link #builder()}). Every field has a default except the
 * host id and the release. A bad value fails with {@link InvalidConfigException} naming the field.
 *
 * <p>YAML keys are the field names: {@code hostId, release, failureDomain, labels, root,
 * listenAddress, port, advertiseAddress, schedulerTarget, scanInterval, heartbeatInterval,
   * callTimeout, cpus, memoryMib, driverVersion, probes, nvidiaMixedSizeParents}; {@code probeBackend}
   * is the older spelling of {@code probes.default} (see {@link ProbeSettings} for the section).
   * Durations read "30s", "500ms", "2m", "1h" or ISO-8601 ("PT30S").
 */
public final class AgentConfig {
  /** The agent's listening port unless configured; apart from the scheduler's 8080 (HTTP and gRPC). */
  public static final int DEFAULT_PORT = 9400;
  /** How often inventory is re-read; sysfs reads are cheap, but changes only matter at migration pace. */
  public static final Duration DEFAULT_SCAN_INTERVAL = Duration.ofSeconds(30);
  /** Liveness ping; the scheduler marks a host stale after a few missed beats. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
  /** Deadline of each call to the scheduler, so an unreachable one never blocks the agent. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);

  private static final Set<String> KEYS =
      Set.of(
          "hostId", "release", "failureDomain", "labels", "root", "listenAddress", "port",
          "advertiseAddress", "schedulerTarget", "scanInterval", "heartbeatInterval", "callTimeout",
          "cpus", "memoryMib", "driverVersion", "probeBackend", "probes", "nvidiaMixedSizeParents");

  private final String hostId;
  private final String release;
  private final String failureDomain;
  private final Map<String, String> labels;
  private final Path root;
  private final String listenAddress;
  private final int port;
  private final String advertiseAddress;
  private final String schedulerTarget;
  private final Duration scanInterval;
  private final Duration heartbeatInterval;
  private final Duration callTimeout;
  private final Integer cpus;
  private final Long memoryMib;
  private final String driverVersion;
  private final ProbeSettings probes;
  private final Set<String> nvidiaMixedSizeParents;

  private AgentConfig(Builder b) {
    this.hostId = b.hostId;
    this.release = b.release;
    this.failureDomain = b.failureDomain;
    this.labels = java.util.Collections.unmodifiableMap(new TreeMap<>(b.labels));
    this.root = b.root;
    this.listenAddress = b.listenAddress;
    this.port = b.port;
    this.advertiseAddress = b.advertiseAddress;
    this.schedulerTarget = b.schedulerTarget;
    this.scanInterval = b.scanInterval;
    this.heartbeatInterval = b.heartbeatInterval;
    this.callTimeout = b.callTimeout;
    this.cpus = b.cpus;
    this.memoryMib = b.memoryMib;
    this.driverVersion = b.driverVersion;
    this.probes = b.probes;
    this.nvidiaMixedSizeParents = Set.copyOf(b.nvidiaMixedSizeParents);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.hostId = hostId;
    b.release = release;
    b.failureDomain = failureDomain;
    b.labels = new TreeMap<>(labels);
    b.root = root;
    b.listenAddress = listenAddress;
    b.port = port;
    b.advertiseAddress = advertiseAddress;
    b.schedulerTarget = schedulerTarget;
    b.scanInterval = scanInterval;
    b.heartbeatInterval = heartbeatInterval;
    b.callTimeout = callTimeout;
    b.cpus = cpus;
    b.memoryMib = memoryMib;
    b.driverVersion = driverVersion;
    b.probes = probes;
    b.nvidiaMixedSizeParents = new java.util.TreeSet<>(nvidiaMixedSizeParents);
    return b;
  }

  public String hostId() {
    return hostId;
  }

  public String release() {
    return release;
  }

  public String failureDomain() {
    return failureDomain;
  }

  public Map<String, String> labels() {
    return labels;
  }

  public Path root() {
    return root;
  }

  public String listenAddress() {
    return listenAddress;
  }

  public int port() {
    return port;
  }

  public Optional<String> advertiseAddress() {
    return Optional.ofNullable(advertiseAddress);
  }

  public Optional<String> schedulerTarget() {
    return Optional.ofNullable(schedulerTarget);
  }

  public Duration scanInterval() {
    return scanInterval;
  }

  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  public Duration callTimeout() {
    return callTimeout;
  }

  public Optional<Integer> cpus() {
    return Optional.ofNullable(cpus);
  }

  public Optional<Long> memoryMib() {
    return Optional.ofNullable(memoryMib);
  }

  public Optional<String> driverVersion() {
    return Optional.ofNullable(driverVersion);
  }

  /** The backend for vendors the {@code probes.byVendor} map does not name. */
  public ProbeBackendChoice probeBackend() {
    return probes.defaultBackend();
  }

  public ProbeSettings probes() {
    return probes;
  }

  /**
   * NVIDIA GPUs (PCI addresses, or "*" for all) the operator put in mixed-size mode. Sysfs shows
   * no mode, and an empty GPU reads the same in both, so this is how the agent knows before the
   * first vGPU (see capacity.ParentCapacities). Default: none.
   */
  public Set<String> nvidiaMixedSizeParents() {
    return nvidiaMixedSizeParents;
  }

  /**
   * Reads a YAML file; errors name the file and the field. A relative {@code root} is taken
   * relative to the file's directory.
   */
  public static AgentConfig load(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new IOException("agent config " + file + " could not be read: " + e.getMessage(), e);
    }
    try {
      AgentConfig config = parseYaml(text);
      if (!config.root().isAbsolute()) {
        // A relative root belongs to the file, so a config and its tree can move together.
        Path dir = file.toAbsolutePath().getParent();
        config = config.toBuilder().root(dir.resolve(config.root()).normalize()).build();
      }
      if (config.probes().rulesFile() != null && !config.probes().rulesFile().isAbsolute()) {
        // Like root: a rules file beside the config moves with it.
        Path dir = file.toAbsolutePath().getParent();
        config =
            config.toBuilder()
                .probes(config.probes().withRulesFile(dir.resolve(config.probes().rulesFile()).normalize()))
                .build();
      }
      return config;
    } catch (InvalidConfigException e) {
      throw new InvalidConfigException(e.field(), "agent config " + file + ": " + e.getMessage());
    }
  }

  public static AgentConfig parseYaml(String yaml) {
    JsonNode node;
    try {
      node = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw new InvalidConfigException("(document)", "not valid YAML: " + e.getMessage());
    }
    if (node == null || node.isMissingNode() || node.isNull()) {
      node = new ObjectMapper().createObjectNode();
    }
    if (!node.isObject()) {
      throw new InvalidConfigException("(document)", "must be a mapping of keys to values");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new InvalidConfigException(
            key,
            "unknown key '"
                + key
                + "'; known keys are "
                + KEYS.stream().sorted().collect(Collectors.joining(", ")));
      }
    }
    Builder b = builder();
    text(node, "hostId").ifPresent(b::hostId);
    text(node, "release").ifPresent(b::release);
    text(node, "failureDomain").ifPresent(b::failureDomain);
    if (node.has("labels") && !node.get("labels").isNull()) {
      JsonNode labels = node.get("labels");
      if (!labels.isObject()) {
        throw new InvalidConfigException("labels", "labels must be a mapping of strings to strings");
      }
      Map<String, String> map = new TreeMap<>();
      labels.fields().forEachRemaining(e -> {
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw new InvalidConfigException(
              "labels", "label '" + e.getKey() + "' must have a plain value");
        }
        map.put(e.getKey(), e.getValue().asText());
      });
      b.labels(map);
    }
    text(node, "root").ifPresent(r -> b.root(Path.of(r)));
    text(node, "listenAddress").ifPresent(b::listenAddress);
    integer(node, "port").ifPresent(p -> b.port((int) (long) p));
    text(node, "advertiseAddress").ifPresent(b::advertiseAddress);
    text(node, "schedulerTarget").ifPresent(b::schedulerTarget);
    text(node, "scanInterval").ifPresent(v -> b.scanInterval(parseDuration("scanInterval", v)));
    text(node, "heartbeatInterval")
        .ifPresent(v -> b.heartbeatInterval(parseDuration("heartbeatInterval", v)));
    text(node, "callTimeout").ifPresent(v -> b.callTimeout(parseDuration("callTimeout", v)));
    integer(node, "cpus").ifPresent(v -> b.cpus((int) (long) v));
    integer(node, "memoryMib").ifPresent(b::memoryMib);
    text(node, "driverVersion").ifPresent(b::driverVersion);
    b.probes(ProbeSettings.parse(node.get("probes"), text(node, "probeBackend")));
    if (node.has("nvidiaMixedSizeParents") && !node.get("nvidiaMixedSizeParents").isNull()) {
      JsonNode list = node.get("nvidiaMixedSizeParents");
      java.util.TreeSet<String> parents = new java.util.TreeSet<>();
      if (list.isValueNode()) {
        parents.add(list.asText());
      } else if (list.isArray()) {
        for (JsonNode item : list) {
          if (!item.isValueNode() || item.isNull()) {
            throw new InvalidConfigException(
                "nvidiaMixedSizeParents", "nvidiaMixedSizeParents must be a list of PCI addresses or \"*\"");
          }
          parents.add(item.asText());
        }
      } else {
        throw new InvalidConfigException(
            "nvidiaMixedSizeParents", "nvidiaMixedSizeParents must be a list of PCI addresses or \"*\"");
      }
      b.nvidiaMixedSizeParents(parents);
    }
    return b.build();
  }

  private static Optional<String> text(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isValueNode()) {
      throw new InvalidConfigException(key, key + " must be a plain value, not a list or mapping");
    }
    return Optional.of(v.asText());
  }

  private static Optional<Long> integer(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (v.isIntegralNumber()) {
      return Optional.of(v.asLong());
    }
    if (v.isTextual()) {
      try {
        return Optional.of(Long.parseLong(v.asText().strip()));
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw new InvalidConfigException(key, key + " must be a whole number, got '" + v.asText() + "'");
  }

  private static final Pattern SHORT_DURATION = Pattern.compile("^(\\d+)\\s*(ms|s|m|h)$");

  /** "30s", "500ms", "2m", "1h" or ISO-8601 ("PT30S"). */
  public static Duration parseDuration(String field, String value) {
    String v = value.strip();
    Matcher m = SHORT_DURATION.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      return Duration.parse(v);
    } catch (DateTimeParseException e) {
      throw new InvalidConfigException(
          field, field + " '" + value + "' is not a duration such as 30s, 500ms, 2m or PT30S");
    }
  }

  /** A configuration value that cannot be used; {@link #field()} names the key at fault. */
  public static final class InvalidConfigException extends IllegalArgumentException {
    private final String field;

    public InvalidConfigException(String field, String message) {
      super(message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  /** Builds a config in code; {@link #build()} validates and names the first bad field. */
  public static final class Builder {
    private String hostId;
    private String release;
    private String failureDomain = "";
    private Map<String, String> labels = new TreeMap<>();
    private Path root = Path.of("/");
    private String listenAddress = "0.0.0.0";
    private int port = DEFAULT_PORT;
    private String advertiseAddress;
    private String schedulerTarget;
    private Duration scanInterval = DEFAULT_SCAN_INTERVAL;
    private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
    private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
    private Integer cpus;
    private Long memoryMib;
    private String driverVersion;
    private ProbeSettings probes = ProbeSettings.DEFAULTS;
    private Set<String> nvidiaMixedSizeParents = new java.util.TreeSet<>();

    private Builder() {}

    public Builder hostId(String v) {
      hostId = v;
      return this;
    }

    public Builder release(String v) {
      release = v;
      return this;
    }

    public Builder failureDomain(String v) {
      failureDomain = v == null ? "" : v;
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
      advertiseAddress = blankToNull(v);
      return this;
    }

    public Builder schedulerTarget(String v) {
      schedulerTarget = blankToNull(v);
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

    public Builder driverVersion(String v) {
      driverVersion = blankToNull(v);
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
      nvidiaMixedSizeParents = new java.util.TreeSet<>(v == null ? Set.of() : v);
      return this;
    }

    public AgentConfig build() {
      require(hostId != null && !hostId.isBlank(), "hostId", "hostId is required and must not be blank");
      require(release != null && !release.isBlank(), "release", "release is required and must not be blank");
      require(root != null, "root", "root must be a directory path");
      require(
          listenAddress != null && !listenAddress.isBlank(),
          "listenAddress",
          "listenAddress must not be blank");
      // 0 asks the OS for a free port; 65535 is the largest TCP port.
      require(port >= 0 && port <= 65535, "port", "port must be between 0 and 65535, got " + port);
      require(
          schedulerTarget == null || schedulerTarget.contains(":"),
          "schedulerTarget",
          "schedulerTarget must be host:port, got '" + schedulerTarget + "'");
      positive(scanInterval, "scanInterval");
      positive(heartbeatInterval, "heartbeatInterval");
      positive(callTimeout, "callTimeout");
      require(cpus == null || cpus > 0, "cpus", "cpus must be positive, got " + cpus);
      require(
          memoryMib == null || memoryMib > 0,
          "memoryMib",
          "memoryMib must be positive, got " + memoryMib);
      require(probes != null, "probes", "probes must be set");
      probes.validate();
      for (String parent : nvidiaMixedSizeParents) {
        require(
            parent != null && !parent.isBlank(),
            "nvidiaMixedSizeParents",
            "nvidiaMixedSizeParents must hold PCI addresses or \"*\", not blanks");
      }
      Objects.requireNonNull(labels);
      for (var e : labels.entrySet()) {
        require(
            e.getKey() != null && !e.getKey().isBlank() && e.getValue() != null,
            "labels",
            "labels must have non-blank keys and non-null values");
      }
      return new AgentConfig(this);
    }

    private static void positive(Duration d, String field) {
      require(
          d != null && !d.isNegative() && !d.isZero(),
          field,
          field + " must be a positive duration, got " + d);
    }

    private static void require(boolean ok, String field, String message) {
      if (!ok) {
        throw new InvalidConfigException(field, message);
      }
    }

    private static String blankToNull(String v) {
      return v == null || v.isBlank() ? null : v.strip();
    }
  }
}
