package io.migplan.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.agent.TestTrees;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class FleetSpecTest {
  static final String YAML = """
      seed: 42
      groups:
        - {name: t4, board: T4, hosts: 4, gpusPerHost: 2, release: "2025.1", driverVersion: "550.90.07", cpus: 64,
           memoryMib: 524288, fill: 0.75,
           vmMix: [{type: nvidia-231, weight: 3, vcpus: 8, memoryMib: 16384}, {type: nvidia-232, weight: 1, vcpus: 8, memoryMib: 32768}]}
        - {name: v100, board: V100, hosts: 2}
        - {name: p40, board: P40, hosts: 1, gpusPerHost: 4, release: "2024.4", driverVersion: "535.161.07"}
      failureDomains: [rack-a, rack-b, rack-c]
      """;

  @TempDir Path dir;

  @Test
  void aYamlSpecReadsEveryFieldAndFillsDefaults() throws Exception {
    Path file = dir.resolve("fleet.yaml");
    TestTrees.write(file, YAML);
    FleetSpec spec = FleetSpec.load(file);

    assertThat(spec.seed()).isEqualTo(42);
    assertThat(spec.hosts()).isEqualTo(7);
    assertThat(spec.failureDomains()).containsExactly("rack-a", "rack-b", "rack-c");
    FleetSpec.HostGroup t4 = spec.groups().get(0);
    assertThat(t4).isEqualTo(new FleetSpec.HostGroup("t4", "T4", 4, 2, "2025.1", "550.90.07", 64, 524288, 0.75,
        List.of(new FleetSpec.VmShape("nvidia-231", 3, 8, 16384), new FleetSpec.VmShape("nvidia-232", 1, 8, 32768))));
    FleetSpec.HostGroup v100 = spec.groups().get(1);
    assertThat(v100.gpusPerHost()).isEqualTo(1);
    assertThat(v100.release()).isEqualTo(FleetSpec.DEFAULT_RELEASE);
    assertThat(v100.driverVersion()).isEqualTo(FleetSpec.DEFAULT_DRIVER_VERSION);
    assertThat(v100.vmMix()).extracting(FleetSpec.VmShape::type).containsExactlyElementsOf(GpuBoard.V100.popularTypes());
    assertThat(spec.groups().get(2).driverVersion()).isEqualTo("535.161.07");

    // Groups take consecutive hosts; failure domains go round.
    assertThat(spec.layout()).extracting(FleetSpec.HostGroup::name)
        .containsExactly("t4", "t4", "t4", "t4", "v100", "v100", "p40");
    assertThat(spec.failureDomainOf(1)).isEqualTo("rack-a");
    assertThat(spec.failureDomainOf(4)).isEqualTo("rack-a");
    assertThat(spec.hostId(7)).isEqualTo("host-07");
  }

  @Test
  void jsonIsReadTheSameWay() {
    FleetSpec spec = FleetSpec.parse("""
        {"seed": 7, "groups": [{"name": "a", "board": "P40", "hosts": 3, "fill": 0.5,
          "vmMix": [{"type": "nvidia-156", "weight": 2}]}]}
        """);
    assertThat(spec.groups().get(0).vmMix()).containsExactly(new FleetSpec.VmShape("nvidia-156", 2, 8, 16384));
    assertThat(spec.failureDomains()).isEqualTo(FleetSpec.DEFAULT_FAILURE_DOMAINS);
  }

  @Test
  void theDefaultFleetAlternatesT4AndV100InPairsAndNumbersLargeFleetsWithFourDigits() {
    FleetSpec six = FleetSpec.of(6, 1);
    assertThat(six.layout()).extracting(FleetSpec.HostGroup::board)
        .containsExactly("T4", "T4", "V100", "V100", "T4", "T4");
    assertThat(FleetSpec.of(1, 1).groups()).hasSize(1);
    FleetSpec big = FleetSpec.of(1000, 1);
    assertThat(big.hostId(1)).isEqualTo("host-0001");
    assertThat(big.hostId(1000)).isEqualTo("host-1000");
    assertThat(big.layout()).hasSize(1000);
  }

  @ParameterizedTest(name = "{0} is refused")
  @CsvSource(delimiter = '|', value = {
      "groups[0].board               | 'groups: [{name: a, board: K80, hosts: 1}]'",
      "groups[0].hosts               | 'groups: [{name: a, board: T4}]'",
      "groups[0].hosts               | 'groups: [{name: a, board: T4, hosts: 0}]'",
      "groups[0].fill                | 'groups: [{name: a, board: T4, hosts: 1, fill: 1.5}]'",
      "groups[0].fill                | 'groups: [{name: a, board: T4, hosts: 1, fill: full}]'",
      "groups[0].gpusPerHost         | 'groups: [{name: a, board: T4, hosts: 1, gpusPerHost: 9}]'",
      "groups[0].driverVersion       | 'groups: [{name: a, board: T4, hosts: 1, driverVersion: latest}]'",
      "groups[1].name                | 'groups: [{name: a, board: T4, hosts: 1}, {name: a, board: V100, hosts: 1}]'",
      "groups[0].vmMix[1].type       | 'groups: [{name: a, board: T4, hosts: 1, vmMix: [{type: nvidia-231}, {type: nvidia-105}]}]'",
      "groups[0].vmMix[0].weight     | 'groups: [{name: a, board: T4, hosts: 1, vmMix: [{type: nvidia-231, weight: 0}]}]'",
      "groups[0].vmMix[0].memoryMib  | 'groups: [{name: a, board: T4, hosts: 1, memoryMib: 1024, vmMix: [{type: nvidia-231, memoryMib: 2048}]}]'",
      "groups[0].colour              | 'groups: [{name: a, board: T4, hosts: 1, colour: red}]'",
      "groups[0].cpuAllocationRatio  | 'groups: [{name: a, board: T4, hosts: 1, cpuAllocationRatio: 0}]'",
      "groups[0].memoryAllocationRatio | 'groups: [{name: a, board: T4, hosts: 1, memoryAllocationRatio: 65}]'",
      "groups[0].reservedCpus        | 'groups: [{name: a, board: T4, hosts: 1, cpus: 8, reservedCpus: 9}]'",
      "groups[0].reservedMemoryMib   | 'groups: [{name: a, board: T4, hosts: 1, memoryMib: 65536, reservedMemoryMib: 70000}]'",
      "groups[0].vmMix[0].vcpus      | 'groups: [{name: a, board: T4, hosts: 1, cpus: 4, vmMix: [{type: nvidia-231, vcpus: 8}]}]'",
      "failureDomains[1]             | 'failureDomains: [r1, r1]\ngroups: [{name: a, board: T4, hosts: 1}]'",
      "groups                        | 'seed: 3'",
      "groups                        | 'groups: [{name: a, board: T4, hosts: 6000}, {name: b, board: T4, hosts: 6000}]'",
      "seed                          | 'seed: abc\ngroups: [{name: a, board: T4, hosts: 1}]'",
      "fleet                         | 'fleet: 3'",
  })
  void aBadValueIsRefusedWithItsFieldNamed(String field, String yaml) {
    String text = yaml.replace("\\n", "\n");
    assertThatThrownBy(() -> FleetSpec.parse(text))
        .isInstanceOfSatisfying(FleetSpec.InvalidSpecException.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.getMessage()).contains(field);
        });
  }

  static Stream<Arguments> checksWithoutATestBefore() {
    String g = "groups: [{name: a, board: T4, hosts: 1";
    return Stream.of(
        Arguments.of("a negative interleave", "interleave: -1\n" + g + "}]", "interleave: must be 0 or more, got -1"),
        Arguments.of("an empty list of failure domains", "failureDomains: []\n" + g + "}]",
            "failureDomains: must list at least one domain"),
        Arguments.of("a blank failure domain", "failureDomains: [r1, ' ']\n" + g + "}]",
            "failureDomains[1]: must not be blank, got ' '"),
        Arguments.of("an empty list of groups", "groups: []", "groups: must list at least one host group"),
        Arguments.of("groups given as one mapping", "groups: {name: a, board: T4, hosts: 1}", "groups: must be a list"),
        Arguments.of("an empty group", "groups: [~]", "groups[0]: must be a mapping"),
        Arguments.of("a group without a name", "groups: [{board: T4, hosts: 1}]",
            "groups[0].name: must be lower-case letters, digits and dashes"),
        Arguments.of("an upper-case group name", "groups: [{name: T4, board: T4, hosts: 1}]",
            "groups[0].name: must be lower-case letters, digits and dashes, got 'T4'"),
        Arguments.of("a group without a board", "groups: [{name: a, hosts: 1}]", "groups[0].board: is required"),
        Arguments.of("a fractional host count, which is not cut to a whole number", "groups: [{name: a, board: T4, hosts: 1.5}]",
            "groups[0].hosts: must be a whole number, got '1.5'"),
        Arguments.of("no GPUs per host", g + ", gpusPerHost: 0}]", "groups[0].gpusPerHost: must be between 1 and 8, got 0"),
        Arguments.of("a blank release", g + ", release: ''}]", "groups[0].release: must not be blank, got ''"),
        Arguments.of("no CPUs", g + ", cpus: 0}]", "groups[0].cpus: must be positive, got 0"),
        Arguments.of("no memory", g + ", memoryMib: 0}]", "groups[0].memoryMib: must be positive, got 0"),
        Arguments.of("a negative fill", g + ", fill: -0.1}]", "groups[0].fill: must be a fraction between 0 and 1, got -0.1"),
        Arguments.of("an empty VM mix", g + ", vmMix: []}]", "groups[0].vmMix: must list at least one VM shape"),
        Arguments.of("a VM shape without a type", g + ", vmMix: [{weight: 2}]}]", "groups[0].vmMix[0].type: is required"),
        Arguments.of("a VM without vCPUs", g + ", vmMix: [{type: nvidia-231, vcpus: 0}]}]",
            "groups[0].vmMix[0].vcpus: must be positive, got 0"),
        Arguments.of("a VM without memory", g + ", vmMix: [{type: nvidia-231, memoryMib: 0}]}]",
            "groups[0].vmMix[0].memoryMib: must be positive, got 0"),
        Arguments.of("a misspelt VM key", g + ", vmMix: [{type: nvidia-231, vcpu: 2}]}]",
            "groups[0].vmMix[0].vcpu: unknown key; known keys here are memoryMib, type, vcpus, weight"),
        Arguments.of("a document that is a list", "- a", "must be a mapping of keys to values"));
  }

  @ParameterizedTest(name = "{0} is refused with the field and value named")
  @MethodSource("checksWithoutATestBefore")
  void eachCheckNamesTheFieldAndTheValue(String sentence, String yaml, String message) {
    assertThatThrownBy(() -> FleetSpec.parse(yaml)).isInstanceOf(FleetSpec.InvalidSpecException.class).hasMessage(message);
  }

  static Stream<Arguments> boundsWithoutATestBefore() {
    String g = "groups: [{name: a, board: T4, hosts: 1";
    return Stream.of(
        Arguments.of("negative reserved CPUs", g + ", reservedCpus: -1}]", "groups[0].reservedCpus: must be 0 or more, got -1"),
        Arguments.of("negative reserved memory", g + ", reservedMemoryMib: -1}]",
            "groups[0].reservedMemoryMib: must be 0 or more, got -1"),
        Arguments.of("more GPUs than a chassis holds", g + ", gpusPerHost: 9}]",
            "groups[0].gpusPerHost: must be between 1 and 8, got 9"),
        Arguments.of("a fill past full", g + ", fill: 1.5}]", "groups[0].fill: must be a fraction between 0 and 1, got 1.5"),
        Arguments.of("a blank VM type", g + ", vmMix: [{type: ' '}]}]", "groups[0].vmMix[0].type: is required, got ' '"),
        Arguments.of("an empty VM shape", g + ", vmMix: [~]}]", "groups[0].vmMix[0]: must be a mapping"),
        Arguments.of("a driver version that is not dotted numbers", g + ", driverVersion: 550.x}]",
            "groups[0].driverVersion: must look like 550.90.07, got '550.x'"),
        Arguments.of("faults in two groups: the first by field path is named",
            "groups: [{name: a, board: T4, hosts: 0}, {name: B, board: T4, hosts: 1}]",
            "groups[0].hosts: must be at least 1, got 0"));
  }

  @ParameterizedTest(name = "{0} is refused with the field and value named")
  @MethodSource("boundsWithoutATestBefore")
  void eachBoundNamesTheFieldAndTheValue(String sentence, String yaml, String message) {
    assertThatThrownBy(() -> FleetSpec.parse(yaml)).isInstanceOf(FleetSpec.InvalidSpecException.class).hasMessage(message);
  }

  @Test
  void aSpecFileThatFailsNamesTheFileAndTheField() {
    Path file = dir.resolve("fleet.yaml");
    TestTrees.write(file, "groups: [{name: a, board: K80, hosts: 1}]\n");
    assertThatThrownBy(() -> FleetSpec.load(file))
        .isInstanceOfSatisfying(FleetSpec.InvalidSpecException.class, e -> {
          assertThat(e.field()).isEqualTo("groups[0].board");
          assertThat(e.getMessage()).startsWith("fleet spec " + file + ": groups[0].board: must be one of T4, ")
              .endsWith(", got 'K80'");
        });
  }

  @Test
  void aSpecBuiltInCodeIsCheckedBeforeHostsAreGenerated() {
    FleetSpec empty = new FleetSpec(1, List.of(), FleetSpec.DEFAULT_FAILURE_DOMAINS, 0);
    assertThatThrownBy(() -> FleetGenerator.generate(empty, dir))
        .isInstanceOfSatisfying(FleetSpec.InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("groups"));
    assertThatThrownBy(() -> FleetSpec.of(FleetSpec.MAX_HOSTS + 1, 1))
        .hasMessage("hosts: must be between 1 and 10000, got 10001");
  }

  @Test
  void seedAndInterleaveHaveDefaultsToo() {
    FleetSpec spec = FleetSpec.parse("groups: [{name: a, board: T4, hosts: 3}]");
    assertThat(spec.seed()).isEqualTo(1);
    assertThat(spec.interleave()).isZero();
    FleetSpec.HostGroup g = spec.groups().get(0);
    assertThat(g).isEqualTo(new FleetSpec.HostGroup("a", "T4", 3, 1, FleetSpec.DEFAULT_RELEASE,
        FleetSpec.DEFAULT_DRIVER_VERSION, 64, 512 * 1024, 0.5, g.vmMix()));
    assertThat(g.vmMix()).allSatisfy(v -> assertThat(v).isEqualTo(new FleetSpec.VmShape(v.type(), 1, 8, 16384)));
  }

  @Test
  void theCampaignBenchmarkFleetIsReadAsItsCommentSays() throws Exception {
    FleetSpec spec = FleetSpec.load(Path.of("../bench/campaign-1000.yaml"));
    assertThat(spec.hosts()).isEqualTo(1000);
    assertThat(spec.seed()).isEqualTo(2019);
    assertThat(spec.failureDomains()).containsExactly("rack-a", "rack-b", "rack-c", "rack-d");
    assertThat(spec.groups()).extracting(FleetSpec.HostGroup::board).containsOnly("T4", "V100", "P40");
    assertThat(spec.groups()).filteredOn(g -> g.name().endsWith("-spare"))
        .allSatisfy(g -> assertThat(g.fill()).isZero()).hasSize(3);
  }
}
