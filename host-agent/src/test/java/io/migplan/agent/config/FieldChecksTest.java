package io.migplan.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FieldChecksTest {
  private static String failure(Consumer<FieldChecks> run) {
    FieldChecks checks = new FieldChecks();
    run.accept(checks);
    try {
      checks.throwFirst();
      return null;
    } catch (InvalidConfigException e) {
      return e.getMessage();
    }
  }

  /** A record that checks itself: its name must not be blank. */
  private static SelfChecking named(String name) {
    return (checks, at) -> checks.notBlank(FieldChecks.path(at, "name"), name, "must not be blank");
  }

  static Stream<Arguments> checks() {
    Map<String, String> blankKey = new LinkedHashMap<>();
    blankKey.put(" ", "a");
    Map<String, String> nullValue = new LinkedHashMap<>();
    nullValue.put("pool", null);
    return Stream.of(
        Arguments.of("an absent required value", (Consumer<FieldChecks>) c -> c.notNull("f", null, "is required"),
            "f: is required"),
        Arguments.of("a blank string, quoted", (Consumer<FieldChecks>) c -> c.notBlank("f", " \t", "must not be blank"),
            "f: must not be blank, got ' \t'"),
        Arguments.of("a string of em spaces, white space as String.isBlank reads it",
            (Consumer<FieldChecks>) c -> c.notBlank("f", "\u2003", "must not be blank"), "f: must not be blank, got '\u2003'"),
        Arguments.of("an absent string, not quoted", (Consumer<FieldChecks>) c -> c.notBlank("f", null, "is required"),
            "f: is required"),
        Arguments.of("an empty list", (Consumer<FieldChecks>) c -> c.notEmpty("f", List.of(), "must list one"),
            "f: must list one"),
        Arguments.of("a blank list element, by index",
            (Consumer<FieldChecks>) c -> c.eachNotBlank("exec", Arrays.asList("a", ""), "no blanks"), "exec[1]: no blanks, got ''"),
        Arguments.of("an absent list element of records, by index",
            (Consumer<FieldChecks>) c -> c.eachChecked("groups", Arrays.asList(named("a"), null), "must be a mapping"),
            "groups[1]: must be a mapping"),
        Arguments.of("a list element's own problem, under its index",
            (Consumer<FieldChecks>) c -> c.eachChecked("groups", List.of(named("a"), named(" ")), "must be a mapping"),
            "groups[1].name: must not be blank, got ' '"),
        Arguments.of("a blank set element, by the set's name",
            (Consumer<FieldChecks>) c -> c.eachNotBlank("s", new LinkedHashSet<>(List.of("a", " ")), "no blanks"),
            "s: no blanks, got ' '"),
        Arguments.of("a blank map key, bracketed",
            (Consumer<FieldChecks>) c -> c.eachEntry("labels", blankKey, "blank key", "no value"), "labels[' ']: blank key, got ' '"),
        Arguments.of("a map value absent, under its key",
            (Consumer<FieldChecks>) c -> c.eachEntry("labels", nullValue, "blank key", "no value"), "labels.pool: no value"),
        Arguments.of("a number below its range", (Consumer<FieldChecks>) c -> c.within("port", -1, 0, 65535, "out"),
            "port: out, got -1"),
        Arguments.of("a number above its range", (Consumer<FieldChecks>) c -> c.within("port", 65536L, 0, 65535, "out"),
            "port: out, got 65536"),
        Arguments.of("a number below its least", (Consumer<FieldChecks>) c -> c.atLeast("cpus", 0, 1, "must be positive"),
            "cpus: must be positive, got 0"),
        Arguments.of("a ratio of zero", (Consumer<FieldChecks>) c -> c.ratio("r", 0.0), "r: must be between 0.1 and 64.0, got 0.0"),
        Arguments.of("a ratio that is not a number", (Consumer<FieldChecks>) c -> c.ratio("r", Double.NaN),
            "r: must be between 0.1 and 64.0, got NaN"),
        Arguments.of("an endless ratio", (Consumer<FieldChecks>) c -> c.ratio("r", Double.POSITIVE_INFINITY),
            "r: must be between 0.1 and 64.0, got Infinity"),
        Arguments.of("a zero duration", (Consumer<FieldChecks>) c -> c.positive("d", Duration.ZERO),
            "d: must be a positive duration, got PT0S"),
        Arguments.of("a negative duration", (Consumer<FieldChecks>) c -> c.notNegative("d", Duration.ofMillis(-1)),
            "d: must not be negative, got PT-0.001S"),
        Arguments.of("a duration past its most",
            (Consumer<FieldChecks>) c -> c.atMost("d", Duration.ofSeconds(61), Duration.ofMinutes(1), "must be at most 1m"),
            "d: must be at most 1m, got PT1M1S"),
        Arguments.of("a value its pattern does not match in whole",
            (Consumer<FieldChecks>) c -> c.matches("t", "a:b\n", Pattern.compile(".*:.*"), "must be host:port"),
            "t: must be host:port, got 'a:b\n'"));
  }

  @ParameterizedTest(name = "{0} is refused")
  @MethodSource("checks")
  void eachCheckRefusesItsValueWithTheSentence(String sentence, Consumer<FieldChecks> run, String message) {
    assertThat(failure(run)).isEqualTo(message);
  }

  @Test
  void absentValuesPassEveryCheckButThoseThatRequireOne() {
    assertThat(failure(c -> c.within("a", null, 0, 1, "x")
        .atLeast("b", null, 1, "x")
        .ratio("c", null)
        .positive("d", null)
        .notNegative("e", null)
        .atMost("f", null, Duration.ZERO, "x")
        .matches("g", null, Pattern.compile("y"), "x")
        .eachNotBlank("h", null, "x")
        .eachEntry("i", null, "x", "y"))).isNull();
  }

  @Test
  void valuesOnTheirBoundsPass() {
    assertThat(failure(c -> c.within("a", 0, 0, 65535, "x").within("b", 65535, 0, 65535, "x")
        .ratio("c", 0.1).ratio("d", 64.0).positive("e", Duration.ofNanos(1)).notNegative("f", Duration.ZERO)
        .atMost("g", Duration.ofMinutes(1), Duration.ofMinutes(1), "x").notBlank("h", "a", "x"))).isNull();
  }

  @Test
  void theFirstProblemByFieldPathIsReportedWhateverOrderTheChecksRanIn() {
    Consumer<FieldChecks> port = c -> c.within("port", 70000, 0, 65535, "must be between 0 and 65535");
    Consumer<FieldChecks> cpus = c -> c.atLeast("cpus", 0, 1, "must be positive");
    assertThat(failure(port.andThen(cpus))).isEqualTo("cpus: must be positive, got 0");
    assertThat(failure(cpus.andThen(port))).isEqualTo("cpus: must be positive, got 0");
    // On one field, the first by sentence.
    assertThat(failure(c -> c.notNull("a", null, "z last").notNull("a", null, "a first"))).isEqualTo("a: a first");
  }

  @Test
  void aSectionCheckedOnItsOwnNamesItsFieldsUnderItsPath() {
    SelfChecking section = (checks, at) -> checks.positive(FieldChecks.path(at, "timeout"), Duration.ZERO);
    assertThatThrownBy(() -> FieldChecks.check(section, "probes.command"))
        .isInstanceOfSatisfying(InvalidConfigException.class,
            e -> assertThat(e.field()).isEqualTo("probes.command.timeout"));
    assertThatThrownBy(() -> FieldChecks.check(section))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.field()).isEqualTo("timeout"));
    assertThatCode(() -> FieldChecks.check((SelfChecking) (checks, at) -> { })).doesNotThrowAnyException();
  }

  @Test
  void pathsJoinNamesIndexesAndKeys() {
    assertThat(FieldChecks.path("", "port")).isEqualTo("port");
    assertThat(FieldChecks.path("probes", "command")).isEqualTo("probes.command");
    assertThat(FieldChecks.index("groups", 2)).isEqualTo("groups[2]");
    assertThat(FieldChecks.key("labels", "pool")).isEqualTo("labels.pool");
    assertThat(FieldChecks.key("labels", "")).isEqualTo("labels['']");
  }
}
