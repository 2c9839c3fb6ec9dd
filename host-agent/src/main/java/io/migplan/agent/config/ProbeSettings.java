package io.migplan.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hibernate.validator.constraints.time.DurationMin;

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
 *   command: {exec: [/usr/local/bin/nvml-probe, --json], timeout: 1500ms}
 *   inventoryMaxAge: 30s             # optional; default: the agent's scanInterval
 * </pre>
 *
 * @param defaultBackend the backend of every vendor {@code byVendor} does not name
 * @param rulesFile null: the built-in rules
 * @param inventoryMaxAge null: the agent's scan interval
 */
public record ProbeSettings(
    @JsonProperty("default") ProbeBackendChoice defaultBackend,
    Map<@NotBlank(message = "must name drivers") String, @NotNull(message = "must name a probe backend") ProbeBackendChoice>
        byVendor,
    Path rulesFile,
    @Valid Command command,
    @DurationMin(nanos = 0, inclusive = false, message = "must be a positive duration") Duration inventoryMaxAge) {
  /**
   * The command's deadline unless configured: below the scheduler's 2 s probe deadline
   * (migplan.probe.timeout), so the agent's UNKNOWN with a reason arrives before the scheduler
   * gives up on the whole host.
   */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(1500);

  public static final ProbeSettings DEFAULTS = new ProbeSettings(null, null, null, null, null);

  /**
   * The external tool of the {@code command} backend.
   *
   * @param exec the program and each argument (no shell); empty: no command configured
   * @param timeout for the whole batch
   */
  public record Command(
      List<@NotBlank(message = "must not hold blank arguments") String> exec,
      @DurationMin(nanos = 0, inclusive = false, message = "must be a positive duration") Duration timeout) {
    @JsonCreator
    public Command {
      exec = exec == null ? List.of() : ConfigReader.copy(exec);
      timeout = timeout == null ? DEFAULT_COMMAND_TIMEOUT : timeout;
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
    return new ProbeSettings(defaultBackend, byVendor, rulesFile, new Command(exec, timeout), inventoryMaxAge);
  }

  public ProbeSettings withInventoryMaxAge(Duration maxAge) {
    return new ProbeSettings(defaultBackend, byVendor, rulesFile, command, maxAge);
  }

  /** Checks the section on its own, as the agent config does; fails naming the first bad field. */
  public void validate() {
    try {
      ConfigReader.check(this);
    } catch (InvalidConfigException e) {
      throw e.under("probes");
    }
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
