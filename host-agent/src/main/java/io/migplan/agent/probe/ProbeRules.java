package io.migplan.agent.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.migplan.agent.config.InvalidConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The declarative vendor rules {@link RulesProbe} applies: one named rule per group of drivers
 * (the parent's bound driver: {@code nvidia}, {@code i915}, {@code mtty}, ...). Read from YAML
 * with Jackson and validated whole on load, so a bad file fails at agent start with the rule
 * and field named ({@link InvalidConfigException} for {@value #CONFIG_FIELD}), never
 * at the first probe. The format and the shipped defaults are documented
 * in {@code probe-rules.default.yaml}.
 *
 * <p>It holds what the rules say; it does not apply them.
 */
public final class ProbeRules {
  /** The classpath resource with the shipped defaults. */
  public static final String DEFAULT_RESOURCE = "/probe-rules.default.yaml";
  /** The config field a rules error is reported under. */
  public static final String CONFIG_FIELD = "probes.rulesFile";

  private static final Set<String> TOP_KEYS = Set.of("rules");
  private static final Set<String> RULE_KEYS =
      Set.of("name", "drivers", "migratable", "sameType", "sameBoard", "driverVersion", "reason");
  private static final Set<String> VERSION_KEYS =
      Set.of("forward", "maxMinorAhead", "backward", "maxMinorBehind");

  /** How far a target's driver may be from the source's in one direction. */
  public enum Reach {
    /** Not at all in this direction: only equal versions. */
    NONE("none"),
    /** Within the same release branch (first number), optionally a bounded minor distance. */
    SAME_MAJOR("same-major"),
    /** Any distance. */
    ANY("any");

    private final String key;

    Reach(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    static Optional<Reach> fromKey(String key) {
      return Arrays.stream(values()).filter(r -> r.key.equals(key)).findFirst();
    }

    static String keys() {
      return String.join(", ", Arrays.stream(values()).map(Reach::key).toList());
    }
  }

  /**
   * The driver version rule: {@code forward} for a newer target, {@code backward} for an older
   * one; {@code maxMinorAhead}/{@code maxMinorBehind} bound the distance of the second number
   * within one branch (null = unbounded).
   */
  public record VersionRule(Reach forward, Integer maxMinorAhead, Reach backward, Integer maxMinorBehind) {}

  /** One named rule; {@code driverVersion} null means versions are not compared. */
  public record Rule(
      String name,
      List<String> drivers,
      boolean migratable,
      boolean sameType,
      boolean sameBoard,
      VersionRule driverVersion,
      String reason) {
    public Rule {
      drivers = List.copyOf(drivers);
    }
  }

  private final String source;
  private final List<Rule> rules;
  private final Map<String, Rule> byDriver;

  private ProbeRules(String source, List<Rule> rules) {
    this.source = source;
    this.rules = List.copyOf(rules);
    Map<String, Rule> map = new LinkedHashMap<>();
    for (Rule r : rules) {
      r.drivers().forEach(d -> map.put(d, r));
    }
    this.byDriver = Map.copyOf(map);
  }

  /** Where the rules came from, for messages: a file path or the default resource. */
  public String source() {
    return source;
  }

  public List<Rule> rules() {
    return rules;
  }

  /** The rule for a parent's driver, if any names it. */
  public Optional<Rule> forDriver(String driver) {
    return Optional.ofNullable(byDriver.get(driver));
  }

  /** The rules shipped with the agent. */
  public static ProbeRules defaults() {
    try (InputStream in = ProbeRules.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + DEFAULT_RESOURCE + " is missing from the agent jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "built-in " + DEFAULT_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads and validates a rules file. */
  public static ProbeRules load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw invalid(
          "rules file " + file + " could not be read: " + e.getMessage()
              + "; fix probes.rulesFile or remove it to use the built-in rules.");
    }
    return parse(text, "rules file " + file);
  }

  /** Parses and validates YAML; {@code source} names it in errors. */
  public static ProbeRules parse(String yaml, String source) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw invalid(source + ": not valid YAML: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw invalid(source + ": must be a mapping with a 'rules' list");
    }
    unknownKeys(root, TOP_KEYS, source + ":");
    JsonNode list = root.get("rules");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw invalid(source + ": field 'rules' must be a non-empty list of rules");
    }
    List<Rule> rules = new ArrayList<>();
    Map<String, String> driverOwner = new LinkedHashMap<>();
    Set<String> names = new TreeSet<>();
    for (int i = 0; i < list.size(); i++) {
      Rule rule = rule(list.get(i), i, source);
      String where = where(source, rule.name(), i);
      if (!names.add(rule.name())) {
        throw invalid(where + ", field 'name': the name is used by an earlier rule; names must be unique");
      }
      for (String d : rule.drivers()) {
        String owner = driverOwner.putIfAbsent(d, rule.name());
        if (owner != null) {
          throw invalid(
              where + ", field 'drivers': driver '" + d + "' is already governed by rule '" + owner
                  + "'; a driver may appear in one rule only");
        }
      }
      rules.add(rule);
    }
    return new ProbeRules(source, rules);
  }

  private static Rule rule(JsonNode node, int index, String source) {
    String unnamed = source + ": rule #" + index + " (rules[" + index + "])";
    if (node == null || !node.isObject()) {
      throw invalid(unnamed + ": must be a mapping with name, drivers and checks");
    }
    JsonNode nameNode = node.get("name");
    if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()) {
      throw invalid(unnamed + ", field 'name': every rule needs a non-blank name");
    }
    String name = nameNode.asText().strip();
    String where = where(source, name, index);
    unknownKeys(node, RULE_KEYS, where + ",");
    JsonNode driversNode = node.get("drivers");
    if (driversNode == null || !driversNode.isArray() || driversNode.isEmpty()) {
      throw invalid(
          where + ", field 'drivers': must be a non-empty list of driver names such as [nvidia]");
    }
    List<String> drivers = new ArrayList<>();
    for (JsonNode d : driversNode) {
      if (!d.isTextual() || d.asText().isBlank()) {
        throw invalid(where + ", field 'drivers': '" + d + "' is not a driver name");
      }
      drivers.add(d.asText().strip());
    }
    boolean migratable = bool(node, "migratable", true, where);
    boolean sameType = bool(node, "sameType", true, where);
    boolean sameBoard = bool(node, "sameBoard", false, where);
    VersionRule version = versionRule(node.get("driverVersion"), where);
    String reason = "";
    JsonNode reasonNode = node.get("reason");
    if (reasonNode != null && !reasonNode.isNull()) {
      if (!reasonNode.isTextual()) {
        throw invalid(where + ", field 'reason': must be a sentence");
      }
      reason = reasonNode.asText().strip();
    }
    return new Rule(name, drivers, migratable, sameType, sameBoard, version, reason);
  }

  private static VersionRule versionRule(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw invalid(
          where + ", field 'driverVersion': must be a mapping such as {forward: same-major, backward: none}");
    }
    unknownKeys(node, VERSION_KEYS, where + ", in 'driverVersion',");
    Reach forward = reach(node, "forward", where);
    Reach backward = reach(node, "backward", where);
    Integer ahead = window(node, "maxMinorAhead", forward, "forward", where);
    Integer behind = window(node, "maxMinorBehind", backward, "backward", where);
    return new VersionRule(forward, ahead, backward, behind);
  }

  private static Reach reach(JsonNode node, String key, String where) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return Reach.NONE;
    }
    return Reach.fromKey(v.asText())
        .filter(r -> v.isTextual())
        .orElseThrow(
            () ->
                invalid(
                    where + ", field 'driverVersion." + key + "': '" + v.asText() + "' is not one of " + Reach.keys()));
  }

  private static Integer window(JsonNode node, String key, Reach reach, String reachKey, String where) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    String field = where + ", field 'driverVersion." + key + "'";
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
      throw invalid(field + ": must be a whole number of at least 0, got '" + v.asText() + "'");
    }
    if (reach != Reach.SAME_MAJOR) {
      throw invalid(
          field + ": only bounds '" + reachKey + ": same-major', but " + reachKey + " is '" + reach.key() + "'");
    }
    return v.asInt();
  }

  private static boolean bool(JsonNode node, String key, boolean fallback, String where) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw invalid(where + ", field '" + key + "': must be true or false, got '" + v.asText() + "'");
    }
    return v.asBoolean();
  }

  private static void unknownKeys(JsonNode node, Set<String> known, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw invalid(
            where + " field '" + key + "': unknown; known fields are " + String.join(", ", new TreeSet<>(known)));
      }
    }
  }

  private static String where(String source, String name, int index) {
    return source + ": rule '" + name + "' (rules[" + index + "])";
  }

  /** A rules file that cannot be used, reported under the config field {@value #CONFIG_FIELD}. */
  private static InvalidConfigException invalid(String message) {
    return new InvalidConfigException(CONFIG_FIELD, message);
  }
}
