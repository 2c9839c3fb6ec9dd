package io.migplan.agent.probe;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.agent.AgentConfig;
import io.migplan.agent.AgentConfig.InvalidConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code probes} section of the agent config: which backend answers for which vendor (the
 * target parent's driver), where the rules come from, how the vendor command runs and how old the
 * inventory the probes read may be. Validated here, with errors naming the field ({@code
 * probes.byVendor.nvidia}); loading the rules file is {@link ProbeRules}' job.
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
 * @param rulesFile null: the built-in rules
 * @param commandExec empty: no command configured
 * @param inventoryMaxAge null: the agent's scan interval
 */
public record ProbeSettings(
    ProbeBackendChoice defaultBackend,
    Map<String, ProbeBackendChoice> byVendor,
    Path rulesFile,
    List<String> commandExec,
    Duration commandTimeout,
    Duration inventoryMaxAge) {
  /**
   * The command's deadline unless configured: below the scheduler's 2 s probe deadline
   * (migplan.probe.timeout), so the agent's UNKNOWN with a reason arrives before the scheduler
   * gives up on the whole host.
   */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(1500);

  public static final ProbeSettings DEFAULTS =
      new ProbeSettings(ProbeBackendChoice.AUTO, Map.of(), null, List.of(), DEFAULT_COMMAND_TIMEOUT, null);

  private static final Set<String> KEYS = Set.of("default", "byVendor", "rulesFile", "command", "inventoryMaxAge");
  private static final Set<String> COMMAND_KEYS = Set.of("exec", "timeout");

  public ProbeSettings {
    byVendor = Map.copyOf(new TreeMap<>(byVendor));
    commandExec = List.copyOf(commandExec);
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

  public ProbeSettings withDefaultBackend(ProbeBackendChoice choice) {
    return new ProbeSettings(choice, byVendor, rulesFile, commandExec, commandTimeout, inventoryMaxAge);
  }

  public ProbeSettings withByVendor(Map<String, ProbeBackendChoice> map) {
    return new ProbeSettings(defaultBackend, map, rulesFile, commandExec, commandTimeout, inventoryMaxAge);
  }

  public ProbeSettings withRulesFile(Path file) {
    return new ProbeSettings(defaultBackend, byVendor, file, commandExec, commandTimeout, inventoryMaxAge);
  }

  public ProbeSettings withCommand(List<String> exec, Duration timeout) {
    return new ProbeSettings(defaultBackend, byVendor, rulesFile, exec, timeout, inventoryMaxAge);
  }

  public ProbeSettings withInventoryMaxAge(Duration maxAge) {
    return new ProbeSettings(defaultBackend, byVendor, rulesFile, commandExec, commandTimeout, maxAge);
  }

  /** Fails naming the first bad field. */
  public void validate() {
    if (defaultBackend == null) {
      throw new InvalidConfigException("probes.default", "probes.default must be set");
    }
    for (var e : byVendor.entrySet()) {
      if (e.getKey().isBlank() || e.getValue() == null) {
        throw new InvalidConfigException(
            "probes.byVendor", "probes.byVendor must map driver names to one of " + ProbeBackendChoice.keys());
      }
    }
    if (commandTimeout == null || commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new InvalidConfigException(
          "probes.command.timeout", "probes.command.timeout must be a positive duration, got " + commandTimeout);
    }
    if (inventoryMaxAge != null && (inventoryMaxAge.isNegative() || inventoryMaxAge.isZero())) {
      throw new InvalidConfigException(
          "probes.inventoryMaxAge", "probes.inventoryMaxAge must be a positive duration, got " + inventoryMaxAge);
    }
    if (commandExec.stream().anyMatch(s -> s == null || s.isBlank())) {
      throw new InvalidConfigException("probes.command.exec", "probes.command.exec must not hold blank arguments");
    }
    if (commandExec.isEmpty()) {
      String chooser =
          defaultBackend == ProbeBackendChoice.COMMAND
              ? "probes.default"
              : byVendor.entrySet().stream()
                  .filter(e -> e.getValue() == ProbeBackendChoice.COMMAND)
                  .map(e -> "probes.byVendor." + e.getKey())
                  .findFirst()
                  .orElse(null);
      if (chooser != null) {
        throw new InvalidConfigException(
            "probes.command.exec",
            chooser + " chooses 'command' but probes.command.exec is not set; give the program and its"
                + " arguments as a list, e.g. [/usr/local/bin/nvml-probe, --json]");
      }
    }
  }

  /**
   * Reads the YAML section; {@code legacyDefault} is the older top-level {@code probeBackend} key,
   * which may stand for {@code probes.default} but not beside it.
   */
  public static ProbeSettings parse(JsonNode node, Optional<String> legacyDefault) {
    ProbeSettings s = DEFAULTS;
    if (legacyDefault.isPresent()) {
      s = s.withDefaultBackend(choice("probeBackend", legacyDefault.get()));
    }
    if (node == null || node.isNull()) {
      return s;
    }
    if (!node.isObject()) {
      throw new InvalidConfigException("probes", "probes must be a mapping such as {default: auto, byVendor: {nvidia: rules}}");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new InvalidConfigException(
            "probes." + key, "unknown key 'probes." + key + "'; known keys are " + String.join(", ", new TreeSet<>(KEYS)));
      }
    }
    Optional<String> def = text(node, "default", "probes.default");
    if (def.isPresent()) {
      if (legacyDefault.isPresent()) {
        throw new InvalidConfigException(
            "probeBackend", "probeBackend is the older spelling of probes.default; set only probes.default");
      }
      s = s.withDefaultBackend(choice("probes.default", def.get()));
    }
    JsonNode vendors = node.get("byVendor");
    if (vendors != null && !vendors.isNull()) {
      if (!vendors.isObject()) {
        throw new InvalidConfigException("probes.byVendor", "probes.byVendor must map driver names to backends, e.g. {nvidia: rules}");
      }
      Map<String, ProbeBackendChoice> map = new TreeMap<>();
      for (var it = vendors.fields(); it.hasNext(); ) {
        var e = it.next();
        String field = "probes.byVendor." + e.getKey();
        if (!e.getValue().isTextual()) {
          throw new InvalidConfigException(field, field + " must be one of " + ProbeBackendChoice.keys());
        }
        map.put(e.getKey(), choice(field, e.getValue().asText()));
      }
      s = s.withByVendor(map);
    }
    Optional<String> rules = text(node, "rulesFile", "probes.rulesFile");
    if (rules.isPresent() && !rules.get().isBlank()) {
      s = s.withRulesFile(Path.of(rules.get().strip()));
    }
    JsonNode command = node.get("command");
    if (command != null && !command.isNull()) {
      if (!command.isObject()) {
        throw new InvalidConfigException("probes.command", "probes.command must be a mapping {exec: [...], timeout: 1500ms}");
      }
      for (Iterator<String> it = command.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!COMMAND_KEYS.contains(key)) {
          throw new InvalidConfigException(
              "probes.command." + key, "unknown key 'probes.command." + key + "'; known keys are exec, timeout");
        }
      }
      JsonNode exec = command.get("exec");
      List<String> argv = new ArrayList<>();
      if (exec != null && !exec.isNull()) {
        if (!exec.isArray()) {
          // A single string would invite splitting on spaces, i.e. shell rules; the argv is explicit.
          throw new InvalidConfigException(
              "probes.command.exec", "probes.command.exec must be a list: the program, then each argument");
        }
        for (JsonNode a : exec) {
          if (!a.isValueNode() || a.isNull()) {
            throw new InvalidConfigException("probes.command.exec", "probes.command.exec must hold plain strings");
          }
          argv.add(a.asText());
        }
      }
      Duration timeout =
          text(command, "timeout", "probes.command.timeout")
              .map(v -> AgentConfig.parseDuration("probes.command.timeout", v))
              .orElse(DEFAULT_COMMAND_TIMEOUT);
      s = s.withCommand(argv, timeout);
    }
    Optional<String> maxAge = text(node, "inventoryMaxAge", "probes.inventoryMaxAge");
    if (maxAge.isPresent()) {
      s = s.withInventoryMaxAge(AgentConfig.parseDuration("probes.inventoryMaxAge", maxAge.get()));
    }
    s.validate();
    return s;
  }

  private static ProbeBackendChoice choice(String field, String value) {
    return ProbeBackendChoice.fromKey(value.strip())
        .orElseThrow(
            () -> new InvalidConfigException(field, field + " '" + value + "' is not one of " + ProbeBackendChoice.keys()));
  }

  private static Optional<String> text(JsonNode node, String key, String field) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isValueNode()) {
      throw new InvalidConfigException(field, field + " must be a plain value, not a list or mapping");
    }
    return Optional.of(v.asText());
  }
}
