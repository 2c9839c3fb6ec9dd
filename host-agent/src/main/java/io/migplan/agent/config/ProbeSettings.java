package io.migplan.agent.config;

import static io.migplan.agent.config.FieldChecks.path;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code probes} section of the agent config: which backend answers for which vendor (the
 * target parent's driver), where the rules come from, how the vendor command runs and how old the
 * inventory the probes read may be. Loading the rules file is {@code probe.ProbeRules}' job.
 *
 * <pre>
 * probes:
 *   default: auto                    # auto | version-attribute | same-signature | rules | command
 *   byVendor: {nvidia: rules, mtty: same-signature}
 *   rulesFile: /etc/migplan/probe-rules.yaml   # optional; built-in rules otherwise
 *   command: {exec: [/usr/local/bin/nvml-probe, --json], timeout: 1500ms, maxConcurrent: 2, maxWait: 500ms}
 *   inventoryMaxAge: 30s             # optional; default: the agent's scanInterval
 * </pre>
 *
 * @param defaultBackend the backend of every vendor {@code byVendor} does not name
 * @param rulesFile null: the built-in rules
 * @param inventoryMaxAge null: the agent's scan interval
 */
public record ProbeSettings(
    @JsonProperty("default") ProbeBackendChoice defaultBackend,
    Map<String, ProbeBackendChoice> byVendor,
    Path rulesFile,
    Command command,
    Duration inventoryMaxAge) implements SelfChecking {
  /**
   * The command's deadline unless configured: below the scheduler's 2 s probe deadline
   * (migplan.probe.timeout), so the agent's UNKNOWN with a reason arrives before the scheduler
   * gives up on the whole host.
   */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(1500);

  /**
   * Runs of the tool at once unless configured: a vendor tool (an NVML wrapper) opens the GPUs'
   * device files and may take a core for its time; the scheduler asks one host from a query and
   * from its background refresh at about the same time.
   */
  public static final int DEFAULT_COMMAND_MAX_CONCURRENT = 2;
  /**
   * How long a batch waits for a run to end when {@code maxConcurrent} run already: with the
   * default timeout it still ends within the scheduler's 2 s probe deadline.
   */
  public static final Duration DEFAULT_COMMAND_MAX_WAIT = Duration.ofMillis(500);

  static final int MAX_COMMAND_CONCURRENT = 64;
  /** A batch waiting longer for a turn would outlast any caller's deadline many times over. */
  static final Duration MAX_COMMAND_WAIT = Duration.ofMinutes(1);

  public static final ProbeSettings DEFAULTS = new ProbeSettings(null, null, null, null, null);

  /**
   * The external tool of the {@code command} backend.
   *
   * @param exec the program and each argument (no shell); empty: no command configured
   * @param timeout for the whole batch
   * @param maxConcurrent runs of the tool at once, never more
   * @param maxWait how long a batch waits for a run to end when {@code maxConcurrent} run already;
   *     then the call is refused RESOURCE_EXHAUSTED, which the scheduler asks again later (an
   *     UNKNOWN verdict would be stored until the host's inventory changes)
   */
  public record Command(List<String> exec, Duration timeout, Integer maxConcurrent, Duration maxWait)
      implements SelfChecking {
    @JsonCreator
    public Command {
      exec = exec == null ? List.of() : ConfigReader.copy(exec);
      timeout = timeout == null ? DEFAULT_COMMAND_TIMEOUT : timeout;
      maxConcurrent = maxConcurrent == null ? DEFAULT_COMMAND_MAX_CONCURRENT : maxConcurrent;
      maxWait = maxWait == null ? DEFAULT_COMMAND_MAX_WAIT : maxWait;
    }

    public Command(List<String> exec, Duration timeout) {
      this(exec, timeout, null, null);
    }

    @Override
    public void checkInto(FieldChecks checks, String at) {
      checks.eachNotBlank(path(at, "exec"), exec, "must not hold blank arguments");
      checks.positive(path(at, "timeout"), timeout);
      checks.within(path(at, "maxConcurrent"), maxConcurrent, 1, MAX_COMMAND_CONCURRENT,
          "must be between 1 and " + MAX_COMMAND_CONCURRENT);
      checks.notNegative(path(at, "maxWait"), maxWait);
      checks.atMost(path(at, "maxWait"), maxWait, MAX_COMMAND_WAIT, "must be at most 1m");
    }
  }

  /** Absent values take their defaults: backend {@code auto}, no vendor choices, no command. */
  @JsonCreator
  public ProbeSettings {
    defaultBackend = defaultBackend == null ? ProbeBackendChoice.AUTO : defaultBackend;
    byVendor = byVendor == null ? Map.of() : ConfigReader.copy(byVendor);
    rulesFile = rulesFile == null || rulesFile.toString().isBlank() ? null : rulesFile;
    command = command == null ? new Command(null, null) : command;
  }

  /** The backend for a vendor (a parent's driver); the default for any other. */
  public ProbeBackendChoice choiceFor(String vendor) {
    return byVendor.getOrDefault(vendor, defaultBackend);
  }

  /** Every backend some vendor (or the default) is configured with. */
  public Set<ProbeBackendChoice> choices() {
    Set<ProbeBackendChoice> all = new TreeSet<>(byVendor.values());
    all.add(defaultBackend);
    return all;
  }

  public Optional<Path> rulesFileIfSet() {
    return Optional.ofNullable(rulesFile);
  }

  /** The command's program and arguments; empty when none is configured. */
  public List<String> commandExec() {
    return command.exec();
  }

  public Duration commandTimeout() {
    return command.timeout();
  }

  public int commandMaxConcurrent() {
    return command.maxConcurrent();
  }

  public Duration commandMaxWait() {
    return command.maxWait();
  }

  public ProbeSettings withDefaultBackend(ProbeBackendChoice choice) {
    return new ProbeSettings(choice, byVendor, rulesFile, command, inventoryMaxAge);
  }

  public ProbeSettings withByVendor(Map<String, ProbeBackendChoice> map) {
    return new ProbeSettings(defaultBackend, map, rulesFile, command, inventoryMaxAge);
  }

  public ProbeSettings withRulesFile(Path file) {
    return new ProbeSettings(defaultBackend, byVendor, file, command, inventoryMaxAge);
  }

  public ProbeSettings withCommand(List<String> exec, Duration timeout) {
    return new ProbeSettings(defaultBackend, byVendor, rulesFile,
        new Command(exec, timeout, command.maxConcurrent(), command.maxWait()), inventoryMaxAge);
  }

  /** The same command, run at most {@code maxConcurrent} times at once, a batch waiting {@code maxWait} for a turn. */
  public ProbeSettings withCommandConcurrency(int maxConcurrent, Duration maxWait) {
    return new ProbeSettings(defaultBackend, byVendor, rulesFile,
        new Command(command.exec(), command.timeout(), maxConcurrent, maxWait), inventoryMaxAge);
  }

  public ProbeSettings withInventoryMaxAge(Duration maxAge) {
    return new ProbeSettings(defaultBackend, byVendor, rulesFile, command, maxAge);
  }

  @Override
  public void checkInto(FieldChecks checks, String at) {
    checks.eachEntry(path(at, "byVendor"), byVendor, "must name drivers", "must name a probe backend");
    command.checkInto(checks, path(at, "command"));
    checks.positive(path(at, "inventoryMaxAge"), inventoryMaxAge);
  }

  /** Checks the section on its own, as the agent config does; fails naming the first bad field. */
  public void validate() {
    FieldChecks.check(this, "probes");
    requireCommandWhereChosen();
  }

  /** A backend that runs a command needs one; the constraints cannot say which key chose it. */
  void requireCommandWhereChosen() {
    if (!command.exec().isEmpty()) {
      return;
    }
    String chooser =
        defaultBackend == ProbeBackendChoice.COMMAND
            ? "probes.default"
            : byVendor.entrySet().stream()
                .filter(e -> e.getValue() == ProbeBackendChoice.COMMAND)
                .map(e -> "probes.byVendor." + e.getKey())
                .findFirst()
                .orElse(null);
    if (chooser != null) {
      throw InvalidConfigException.of(
          "probes.command.exec",
          chooser + " chooses 'command' but probes.command.exec is not set; give the program and its"
              + " arguments as a list, e.g. [/usr/local/bin/nvml-probe, --json]");
    }
  }
}
