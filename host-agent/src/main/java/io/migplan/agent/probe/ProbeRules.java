package io.migplan.agent.probe;

import static io.migplan.agent.config.FieldChecks.path;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.agent.config.ConfigReader;
import io.migplan.agent.config.FieldChecks;
import io.migplan.agent.config.InvalidConfigException;
import io.migplan.agent.config.SelfChecking;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The declarative vendor rules {@link RulesProbe} applies: one named rule per group of drivers
 * (the parent's bound driver: {@code nvidia}, {@code i915}, {@code mtty}, ...). Read from YAML
 * and checked whole on load, so a bad file fails at agent start with the rule and field named
 * ({@link InvalidConfigException} for {@value #CONFIG_FIELD}), never at the first probe. The
 * format and the shipped defaults are documented in {@code probe-rules.default.yaml}.
 *
 * <p>It holds what the rules say; it does not apply them.
 */
public final class ProbeRules {
  /** The classpath resource with the shipped defaults. */
  public static final String DEFAULT_RESOURCE = "/probe-rules.default.yaml";
  /** The config field a rules error is reported under. */
  public static final String CONFIG_FIELD = "probes.rulesFile";

  private static final Pattern IN_RULE = Pattern.compile("rules\\[(\\d+)\\](?:\\.(.+))?");

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

    @JsonValue
    public String key() {
      return key;
    }
  }

  /**
   * The driver version rule: {@code forward} for a newer target, {@code backward} for an older
   * one (both {@code none} unless given); {@code maxMinorAhead}/{@code maxMinorBehind} bound the
   * distance of the second number within one branch (null = unbounded).
   */
  public record VersionRule(Reach forward, Integer maxMinorAhead, Reach backward, Integer maxMinorBehind)
      implements SelfChecking {
    @JsonCreator
    public VersionRule {
      forward = forward == null ? Reach.NONE : forward;
      backward = backward == null ? Reach.NONE : backward;
    }

    @Override
    public void checkInto(FieldChecks checks, String at) {
      checks.atLeast(path(at, "maxMinorAhead"), maxMinorAhead, 0, "must be a whole number of at least 0");
      checks.atLeast(path(at, "maxMinorBehind"), maxMinorBehind, 0, "must be a whole number of at least 0");
    }
  }

  /**
   * One named rule; absent checks take their defaults (migratable, same type, any board), and
   * {@code driverVersion} null means versions are not compared.
   */
  public record Rule(
      String name,
      List<String> drivers,
      Boolean migratable,
      Boolean sameType,
      Boolean sameBoard,
      VersionRule driverVersion,
      String reason) implements SelfChecking {
    @JsonCreator
    public Rule {
      name = name == null ? null : name.strip();
      drivers = drivers == null ? null : drivers.stream().map(d -> d == null ? null : d.strip()).toList();
      migratable = migratable == null || migratable;
      sameType = sameType == null || sameType;
      sameBoard = sameBoard != null && sameBoard;
      reason = reason == null ? "" : reason.strip();
    }

    @Override
    public void checkInto(FieldChecks checks, String at) {
      checks.notBlank(path(at, "name"), name, "every rule needs a non-blank name");
      checks.notEmpty(path(at, "drivers"), drivers, "must be a non-empty list of driver names such as [nvidia]");
      checks.eachNotBlank(path(at, "drivers"), drivers, "must be a driver name");
      if (driverVersion != null) {
        driverVersion.checkInto(checks, path(at, "driverVersion"));
      }
    }
  }

  /** The file: a list of rules. */
  record Document(List<Rule> rules) implements SelfChecking {
    @Override
    public void checkInto(FieldChecks checks, String at) {
      checks.notEmpty(path(at, "rules"), rules, "must be a non-empty list of rules");
      checks.eachChecked(path(at, "rules"), rules, "must be a mapping with name, drivers and checks");
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

  /** Reads and checks a rules file. */
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

  /** Parses and checks YAML; {@code source} names it in errors. */
  public static ProbeRules parse(String yaml, String source) {
    JsonNode tree;
    try {
      tree = ConfigReader.read(yaml);
    } catch (InvalidConfigException e) {
      throw invalid(source + ": " + e.getMessage());
    }
    Document doc;
    try {
      doc = FieldChecks.check(ConfigReader.bind(tree, Document.class));
    } catch (InvalidConfigException e) {
      String where = where(tree, e.field());
      throw invalid(source + ": " + (where.isEmpty() ? "" : where + ": ") + e.detail());
    }
    Map<String, String> driverOwner = new LinkedHashMap<>();
    Map<String, Integer> names = new LinkedHashMap<>();
    for (int i = 0; i < doc.rules().size(); i++) {
      Rule rule = doc.rules().get(i);
      String at = source + ": " + rule(rule.name(), i);
      if (names.putIfAbsent(rule.name(), i) != null) {
        throw invalid(at + ", field 'name': the name is used by an earlier rule; names must be unique");
      }
      for (String d : rule.drivers()) {
        String owner = driverOwner.putIfAbsent(d, rule.name());
        if (owner != null) {
          throw invalid(
              at + ", field 'drivers': driver '" + d + "' is already governed by rule '" + owner
                  + "'; a driver may appear in one rule only");
        }
      }
      VersionRule v = rule.driverVersion();
      if (v != null) {
        window(at, "maxMinorAhead", v.maxMinorAhead(), "forward", v.forward());
        window(at, "maxMinorBehind", v.maxMinorBehind(), "backward", v.backward());
      }
    }
    return new ProbeRules(source, doc.rules());
  }

  /** A minor-version bound only means something within one branch. */
  private static void window(String at, String key, Integer bound, String reachKey, Reach reach) {
    if (bound != null && reach != Reach.SAME_MAJOR) {
      throw invalid(
          at + ", field 'driverVersion." + key + "': only bounds '" + reachKey + ": same-major', but "
              + reachKey + " is '" + reach.key() + "'");
    }
  }

  /**
   * "rule 'gpu' (rules[0]), field 'driverVersion.forward'" for a field of a rule, "field 'x'" for
   * any other, nothing for the whole file.
   */
  private static String where(JsonNode tree, String field) {
    Matcher m = IN_RULE.matcher(field);
    if (!m.matches()) {
      return InvalidConfigException.DOCUMENT.equals(field) ? "" : "field '" + field + "'";
    }
    int index = Integer.parseInt(m.group(1));
    JsonNode name = tree.path("rules").path(index).path("name");
    String rule = rule(name.isValueNode() ? name.asText().strip() : null, index);
    return m.group(2) == null ? rule : rule + ", field '" + m.group(2) + "'";
  }

  private static String rule(String name, int index) {
    return name == null || name.isBlank()
        ? "rule #" + index + " (rules[" + index + "])"
        : "rule '" + name + "' (rules[" + index + "])";
  }

  /** A rules file that cannot be used, reported under the config field {@value #CONFIG_FIELD}. */
  private static InvalidConfigException invalid(String message) {
    return new InvalidConfigException(CONFIG_FIELD, message);
  }
}
