package io.migplan.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.agent.TestTrees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProbeSettingsTest {
  static final String HEAD = "hostId: h1\nrelease: r1\n";
  @TempDir Path dir;

  @Test
  void theProbesSectionChoosesABackendPerVendor() {
    AgentConfig c = AgentConfig.parseYaml(HEAD + """
        probes:
          default: same-signature
          byVendor: {nvidia: rules, mtty: command, i915: version-attribute}
          rulesFile: /etc/migplan/probe-rules.yaml
          command: {exec: [/usr/local/bin/nvml-probe, --json], timeout: 2s}
          inventoryMaxAge: 5s
        """);
    ProbeSettings p = c.probes();
    assertThat(c.probeBackend()).isEqualTo(ProbeBackendChoice.SAME_SIGNATURE);
    assertThat(p.byVendor()).isEqualTo(Map.of(
        "nvidia", ProbeBackendChoice.RULES, "mtty", ProbeBackendChoice.COMMAND,
        "i915", ProbeBackendChoice.VERSION_ATTRIBUTE));
    assertThat(p.choiceFor("nvidia")).isEqualTo(ProbeBackendChoice.RULES);
    assertThat(p.choiceFor("mdpy")).isEqualTo(ProbeBackendChoice.SAME_SIGNATURE);
    assertThat(p.rulesFile()).isEqualTo(Path.of("/etc/migplan/probe-rules.yaml"));
    assertThat(p.commandExec()).containsExactly("/usr/local/bin/nvml-probe", "--json");
    assertThat(p.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.inventoryMaxAge()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void withoutTheSectionEveryVendorGetsAutoAndTheOlderKeyStillSetsTheDefault() {
    assertThat(AgentConfig.parseYaml(HEAD).probes()).isEqualTo(ProbeSettings.DEFAULTS);
    assertThat(ProbeSettings.DEFAULTS.commandTimeout()).isEqualTo(Duration.ofMillis(1500));
    AgentConfig legacy = AgentConfig.parseYaml(HEAD + "probeBackend: version-attribute\nprobes: {byVendor: {nvidia: rules}}\n");
    assertThat(legacy.probeBackend()).isEqualTo(ProbeBackendChoice.VERSION_ATTRIBUTE);
    assertThat(legacy.probes().choiceFor("nvidia")).isEqualTo(ProbeBackendChoice.RULES);
  }

  static Stream<Arguments> badSections() {
    return Stream.of(
        Arguments.of("an unknown default backend", "probes: {default: guess}\n", "probes.default",
            "probes.default: must be one of version-attribute, same-signature, auto, rules, command, got 'guess'"),
        Arguments.of("an unknown backend for a vendor", "probes: {byVendor: {nvidia: nvml}}\n", "probes.byVendor.nvidia",
            "probes.byVendor.nvidia: must be one of version-attribute, same-signature, auto, rules, command, got 'nvml'"),
        Arguments.of("both spellings of the default", "probeBackend: auto\nprobes: {default: rules}\n", "probeBackend",
            "probeBackend: the older spelling of probes.default; set only probes.default"),
        Arguments.of("the command backend without a command", "probes: {byVendor: {nvidia: command}}\n",
            "probes.command.exec", "probes.byVendor.nvidia chooses 'command' but probes.command.exec is not set"),
        Arguments.of("a command given as one string", "probes: {command: {exec: /bin/tool --json}}\n",
            "probes.command.exec", "probes.command.exec: must be a list"),
        Arguments.of("a command timeout that is not a duration", "probes: {command: {exec: [t], timeout: soon}}\n",
            "probes.command.timeout", "probes.command.timeout: must be a duration such as 30s, 500ms, 2m or PT30S, got 'soon'"),
        Arguments.of("a zero command timeout", "probes: {command: {exec: [t], timeout: 0s}}\n",
            "probes.command.timeout", "probes.command.timeout: must be a positive duration, got PT0S"),
        Arguments.of("a misspelt key", "probes: {byVendors: {nvidia: rules}}\n", "probes.byVendors",
            "probes.byVendors: unknown key; known keys here are byVendor, command, default, inventoryMaxAge, rulesFile"),
        Arguments.of("a list instead of a section", "probes: [rules]\n", "probes", "probes: must be a mapping"),
        Arguments.of("the older key with a bad value", "probeBackend: guess\n", "probeBackend",
            "probeBackend: must be one of version-attribute, same-signature, auto, rules, command, got 'guess'"),
        Arguments.of("a blank vendor", "probes: {byVendor: {'': rules}}\n", "probes.byVendor['']",
            "probes.byVendor['']: must name drivers, got ''"),
        Arguments.of("a vendor without a backend", "probes: {byVendor: {nvidia: ~}}\n", "probes.byVendor.nvidia",
            "probes.byVendor.nvidia: must name a probe backend"),
        Arguments.of("a backend given as a number", "probes: {default: 2}\n", "probes.default",
            "probes.default: must be one of version-attribute, same-signature, auto, rules, command, got '2'"),
        Arguments.of("a blank argument of the command", "probes: {command: {exec: [tool, '']}}\n", "probes.command.exec[1]",
            "probes.command.exec[1]: must not hold blank arguments, got ''"),
        Arguments.of("a misspelt command key", "probes: {command: {exec: [t], timout: 1s}}\n", "probes.command.timout",
            "probes.command.timout: unknown key; known keys here are exec, maxConcurrent, maxWait, timeout"),
        Arguments.of("a zero inventory age", "probes: {inventoryMaxAge: 0s}\n", "probes.inventoryMaxAge",
            "probes.inventoryMaxAge: must be a positive duration, got PT0S"),
        Arguments.of("the default backend command without a command", "probes: {default: command}\n",
            "probes.command.exec", "probes.default chooses 'command' but probes.command.exec is not set"));
  }

  @ParameterizedTest(name = "{0} fails naming {2}")
  @MethodSource("badSections")
  void badValuesFailNamingTheField(String sentence, String yaml, String field, String message) {
    assertThatThrownBy(() -> AgentConfig.parseYaml(HEAD + yaml))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.getMessage()).contains(message);
        });
  }

  @Test
  void aRelativeRulesFileIsRelativeToTheConfigFile() throws Exception {
    Path file = dir.resolve("etc/agent.yaml");
    TestTrees.write(file, HEAD + "probes: {rulesFile: rules/probe-rules.yaml}\n");
    assertThat(AgentConfig.load(file).probes().rulesFile())
        .isEqualTo(dir.resolve("etc/rules/probe-rules.yaml").toAbsolutePath());
  }

  @Test
  void theBuilderValidatesTheSectionToo() {
    assertThatThrownBy(() -> AgentConfig.builder().hostId("h").release("r")
            .probes(ProbeSettings.DEFAULTS.withDefaultBackend(ProbeBackendChoice.COMMAND)).build())
        .isInstanceOfSatisfying(InvalidConfigException.class,
            e -> assertThat(e.field()).isEqualTo("probes.command.exec"));
    assertThat(AgentConfig.builder().hostId("h").release("r")
            .probes(ProbeSettings.DEFAULTS.withCommand(List.of("/bin/true"), Duration.ofSeconds(1))
                .withDefaultBackend(ProbeBackendChoice.COMMAND)).build().probeBackend())
        .isEqualTo(ProbeBackendChoice.COMMAND);
  }

  @Test
  void theSectionCheckedOnItsOwnNamesItsFieldsUnderProbes() {
    assertThatThrownBy(() -> ProbeSettings.DEFAULTS.withInventoryMaxAge(Duration.ofSeconds(-1)).validate())
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("probes.inventoryMaxAge");
          assertThat(e.getMessage()).isEqualTo("probes.inventoryMaxAge: must be a positive duration, got PT-1S");
        });
    assertThatThrownBy(() -> ProbeSettings.DEFAULTS.withCommand(List.of("t"), Duration.ZERO).validate())
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.field()).isEqualTo("probes.command.timeout"));
  }
}
