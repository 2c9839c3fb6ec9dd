package io.migplan.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.agent.TestTrees;
import io.migplan.agent.config.InvalidConfigException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProbeRulesTest {
  @TempDir Path dir;

  @Test
  void theShippedRulesCoverEveryVendorTheFactsSpeakOf() {
    ProbeRules rules = ProbeRules.defaults();
    assertThat(rules.source()).isEqualTo("built-in /probe-rules.default.yaml");
    ProbeRules.Rule nvidia = rules.forDriver("nvidia").orElseThrow();
    assertThat(nvidia.sameType()).isTrue();
    assertThat(nvidia.sameBoard()).isTrue();
    assertThat(nvidia.driverVersion())
        .isEqualTo(new ProbeRules.VersionRule(ProbeRules.Reach.SAME_MAJOR, null, ProbeRules.Reach.NONE, null));
    for (String notMigratable : new String[] {"i915", "mdpy", "mbochs", "vfio_ccw", "vfio_ap"}) {
      assertThat(rules.forDriver(notMigratable).orElseThrow().migratable()).as(notMigratable).isFalse();
    }
    ProbeRules.Rule mtty = rules.forDriver("mtty").orElseThrow();
    assertThat(mtty.migratable()).isTrue();
    assertThat(mtty.sameType()).isTrue();
    assertThat(mtty.driverVersion()).isNull();
    assertThat(rules.forDriver("amdgpu")).isEmpty();
  }

  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of("an unknown forward reach names the rule and driverVersion.forward",
            "rules:\n  - name: gpu\n    drivers: [nvidia]\n    driverVersion: {forward: sideways}\n",
            "rule 'gpu' (rules[0]), field 'driverVersion.forward': must be one of none, same-major, any, got 'sideways'"),
        Arguments.of("a misspelt field names the rule and the field",
            "rules:\n  - name: gpu\n    drivers: [nvidia]\n    sameBord: true\n",
            "rule 'gpu' (rules[0]), field 'sameBord': unknown"),
        Arguments.of("a misspelt version field names the rule and the field",
            "rules:\n  - name: gpu\n    drivers: [nvidia]\n    driverVersion: {forwards: any}\n",
            "rule 'gpu' (rules[0]), field 'driverVersion.forwards': unknown key; known keys here are backward, forward, maxMinorAhead, maxMinorBehind"),
        Arguments.of("a negative window names driverVersion.maxMinorAhead",
            "rules:\n  - name: gpu\n    drivers: [nvidia]\n    driverVersion: {forward: same-major, maxMinorAhead: -1}\n",
            "rule 'gpu' (rules[0]), field 'driverVersion.maxMinorAhead': must be a whole number of at least 0"),
        Arguments.of("a window without a same-major reach says what it would bound",
            "rules:\n  - name: gpu\n    drivers: [nvidia]\n    driverVersion: {forward: any, maxMinorAhead: 3}\n",
            "rule 'gpu' (rules[0]), field 'driverVersion.maxMinorAhead': only bounds 'forward: same-major', but forward is 'any'"),
        Arguments.of("a rule without a name is named by its position",
            "rules:\n  - drivers: [nvidia]\n",
            "rule #0 (rules[0]), field 'name': every rule needs a non-blank name"),
        Arguments.of("a rule without drivers names the drivers field",
            "rules:\n  - name: a\n    drivers: [mtty]\n  - name: gpu\n",
            "rule 'gpu' (rules[1]), field 'drivers': must be a non-empty list"),
        Arguments.of("a driver in two rules names both",
            "rules:\n  - name: a\n    drivers: [nvidia]\n  - name: b\n    drivers: [nvidia]\n",
            "rule 'b' (rules[1]), field 'drivers': driver 'nvidia' is already governed by rule 'a'"),
        Arguments.of("two rules of one name are refused",
            "rules:\n  - name: a\n    drivers: [nvidia]\n  - name: a\n    drivers: [mtty]\n",
            "rule 'a' (rules[1]), field 'name': the name is used by an earlier rule"),
        Arguments.of("a yes-or-no field must be a boolean",
            "rules:\n  - name: gpu\n    drivers: [nvidia]\n    migratable: perhaps\n",
            "rule 'gpu' (rules[0]), field 'migratable': must be true or false, got 'perhaps'"),
        Arguments.of("a file without rules says so",
            "vendors: {}\n", "field 'vendors': unknown"),
        Arguments.of("an empty rules list says so",
            "rules: []\n", "field 'rules': must be a non-empty list of rules"),
        Arguments.of("a file that is not YAML says so",
            "rules: [\n", "not valid YAML"),
        Arguments.of("a file that is a list instead of a mapping says so",
            "- name: gpu\n", ": must be a mapping of keys to values"),
        Arguments.of("a rule that is not a mapping is named by its position",
            "rules:\n  - nvidia\n", "rule #0 (rules[0]): must be a mapping"),
        Arguments.of("an empty rule is named by its position",
            "rules:\n  - \n", "rule #0 (rules[0]): must be a mapping with name, drivers and checks"),
        Arguments.of("a blank driver names its place in the list",
            "rules:\n  - name: gpu\n    drivers: [nvidia, ' ']\n",
            "rule 'gpu' (rules[0]), field 'drivers[1]': must be a driver name, got ''"),
        Arguments.of("drivers given as one word must still be a list",
            "rules:\n  - name: gpu\n    drivers: nvidia\n",
            "rule 'gpu' (rules[0]), field 'drivers': must be a list"),
        Arguments.of("a negative backward window names driverVersion.maxMinorBehind",
            "rules:\n  - name: gpu\n    drivers: [nvidia]\n    driverVersion: {backward: same-major, maxMinorBehind: -2}\n",
            "rule 'gpu' (rules[0]), field 'driverVersion.maxMinorBehind': must be a whole number of at least 0, got -2"),
        Arguments.of("a fractional window is not cut to a whole number",
            "rules:\n  - name: gpu\n    drivers: [nvidia]\n    driverVersion: {forward: same-major, maxMinorAhead: 1.5}\n",
            "rule 'gpu' (rules[0]), field 'driverVersion.maxMinorAhead': must be a whole number, got '1.5'"),
        Arguments.of("a reach given as a number is not read as a position in the list",
            "rules:\n  - name: gpu\n    drivers: [nvidia]\n    driverVersion: {forward: 1}\n",
            "rule 'gpu' (rules[0]), field 'driverVersion.forward': must be one of none, same-major, any, got '1'"),
        Arguments.of("a yes-or-no field given as a number is refused",
            "rules:\n  - name: gpu\n    drivers: [nvidia]\n    sameBoard: 1\n",
            "rule 'gpu' (rules[0]), field 'sameBoard': must be true or false, got '1'"),
        Arguments.of("a reason that is a list is refused",
            "rules:\n  - name: gpu\n    drivers: [nvidia]\n    migratable: false\n    reason: [a, b]\n",
            "rule 'gpu' (rules[0]), field 'reason': must be a plain value, not a list or mapping"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void aBadRulesFileFailsNamingTheRuleAndField(String sentence, String yaml, String expected) {
    Path file = dir.resolve("rules.yaml");
    TestTrees.write(file, yaml);
    assertThatThrownBy(() -> ProbeRules.load(file))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("probes.rulesFile");
          assertThat(e.getMessage()).startsWith("rules file " + file + ": ").contains(expected);
        });
  }

  @Test
  void aMissingRulesFileSaysHowToFixIt() {
    Path file = dir.resolve("absent.yaml");
    assertThatThrownBy(() -> ProbeRules.load(file))
        .hasMessageContaining("rules file " + file + " could not be read")
        .hasMessageContaining("fix probes.rulesFile or remove it");
  }
}
