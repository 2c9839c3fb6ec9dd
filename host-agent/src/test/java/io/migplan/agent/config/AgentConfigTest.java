package io.migplan.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.agent.TestTrees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AgentConfigTest {
  @TempDir Path dir;

  @Test
  void everyKeyIsReadFromYaml() {
    AgentConfig c = AgentConfig.parseYaml("""
        hostId: gpu-node-17
        release: "2025.1"
        failureDomain: rack-b
        labels:
          pool: gpu-t4
          tier: gold
        root: /srv/fake-root
        listenAddress: 10.1.2.3
        port: 9500
        advertiseAddress: gpu-node-17.dc1
        schedulerTarget: scheduler.dc1:8080
        scanInterval: 1m
        heartbeatInterval: 2500ms
        callTimeout: PT3S
        cpus: 96
        memoryMib: 786432
        driverVersion: 550.90.07
        probeBackend: same-signature
        """);
    assertThat(c.hostId()).isEqualTo("gpu-node-17");
    assertThat(c.release()).contains("2025.1");
    assertThat(c.failureDomain()).isEqualTo("rack-b");
    assertThat(c.labels()).containsExactly(java.util.Map.entry("pool", "gpu-t4"), java.util.Map.entry("tier", "gold"));
    assertThat(c.root()).isEqualTo(Path.of("/srv/fake-root"));
    assertThat(c.listenAddress()).isEqualTo("10.1.2.3");
    assertThat(c.port()).isEqualTo(9500);
    assertThat(c.advertiseAddress()).contains("gpu-node-17.dc1");
    assertThat(c.schedulerTarget()).contains("scheduler.dc1:8080");
    assertThat(c.scanInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofMillis(2500));
    assertThat(c.callTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.cpus()).contains(96);
    assertThat(c.memoryMib()).contains(786432L);
    assertThat(c.driverVersion()).contains("550.90.07");
    assertThat(c.probeBackend()).isEqualTo(ProbeBackendChoice.SAME_SIGNATURE);
  }

  @Test
  void defaultsApplyWhenOnlyTheRequiredKeysAreGiven() {
    AgentConfig c = AgentConfig.parseYaml("hostId: h1\nrelease: r1\n");
    assertThat(c.root()).isEqualTo(Path.of("/"));
    assertThat(c.listenAddress()).isEqualTo("0.0.0.0");
    assertThat(c.port()).isEqualTo(9400);
    assertThat(c.advertiseAddress()).isEmpty();
    assertThat(c.schedulerTarget()).isEmpty();
    assertThat(c.scanInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.cpus()).isEmpty();
    assertThat(c.memoryMib()).isEmpty();
    assertThat(c.driverVersion()).isEmpty();
    assertThat(c.probeBackend()).isEqualTo(ProbeBackendChoice.AUTO);
    assertThat(c.failureDomain()).isEmpty();
    assertThat(c.labels()).isEmpty();
  }

  @Test
  void badValuesFailNamingTheField() {
    assertField("release: r1\n", "hostId");
    assertField("hostId: '  '\nrelease: r1\n", "hostId");
    assertField("hostId: h1\n", "release");
    assertField("hostId: h1\nrelease: r1\nport: 70000\n", "port");
    assertField("hostId: h1\nrelease: r1\nport: ninety\n", "port");
    assertField("hostId: h1\nrelease: r1\nscanInterval: soon\n", "scanInterval");
    assertField("hostId: h1\nrelease: r1\nheartbeatInterval: 0s\n", "heartbeatInterval");
    assertField("hostId: h1\nrelease: r1\nprobeBackend: guess\n", "probeBackend");
    assertField("hostId: h1\nrelease: r1\ncpus: 0\n", "cpus");
    assertField("hostId: h1\nrelease: r1\nschedulerTarget: nohostport\n", "schedulerTarget");
    assertField("hostId: h1\nrelease: r1\nlabels: [a, b]\n", "labels");
    assertField("hostId: h1\nrelease: r1\nhostname: typo\n", "hostname");
    assertThatThrownBy(() -> AgentConfig.parseYaml("hostId: h1\nrelease: r1\nport: 70000\n"))
        .hasMessage("port: must be between 0 and 65535, got 70000");
  }

  @Test
  void aRelativeRootInAFileIsRelativeToTheFile() throws Exception {
    Path file = dir.resolve("host-01/agent.yaml");
    TestTrees.write(file, "hostId: host-01\nrelease: r1\nroot: .\n");
    assertThat(AgentConfig.load(file).root()).isEqualTo(dir.resolve("host-01").toAbsolutePath());
  }

  @Test
  void theBuilderValidatesToo() {
    assertThatThrownBy(() -> AgentConfig.builder().release("r").build())
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.field()).isEqualTo("hostId"));
  }

  private static void assertField(String yaml, String field) {
    assertThatThrownBy(() -> AgentConfig.parseYaml(yaml))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
          assertThat(e.field()).isEqualTo(field);
          assertThat(e.getMessage()).contains(field);
        });
  }

  static Stream<Arguments> checksWithoutATestBefore() {
    return Stream.of(
        Arguments.of("a negative port", "port: -1", "port: must be between 0 and 65535, got -1"),
        Arguments.of("a port written as a fraction, which is not cut to a whole number", "port: 9400.5",
            "port: must be a whole number, got '9400.5'"),
        Arguments.of("a blank listen address", "listenAddress: ' '", "listenAddress: must not be blank, got ' '"),
        Arguments.of("a scan interval that is not a duration", "scanInterval: abc",
            "scanInterval: must be a duration such as 30s, 500ms, 2m or PT30S, got 'abc'"),
        Arguments.of("a duration without a unit", "scanInterval: 30",
            "scanInterval: must be a duration such as 30s, 500ms, 2m or PT30S, got '30'"),
        Arguments.of("a zero scan interval", "scanInterval: 0ms", "scanInterval: must be a positive duration, got PT0S"),
        Arguments.of("a negative call timeout", "callTimeout: PT-1S", "callTimeout: must be a positive duration, got PT-1S"),
        Arguments.of("a duration given as a list", "heartbeatInterval: [10s]",
            "heartbeatInterval: must be a plain value, not a list or mapping"),
        Arguments.of("no memory", "memoryMib: 0", "memoryMib: must be positive, got 0"),
        Arguments.of("negative CPUs", "cpus: -4", "cpus: must be positive, got -4"),
        Arguments.of("a label without a value", "labels: {pool: ~}", "labels.pool: must have a plain value"),
        Arguments.of("a label whose value is a list", "labels: {pool: [a]}",
            "labels.pool: must be a plain value, not a list or mapping"),
        Arguments.of("a blank label key", "labels: {' ': a}", "labels[' ']: must have non-blank keys, got ' '"),
        Arguments.of("a blank mixed-size parent", "nvidiaMixedSizeParents: [' ']",
            "nvidiaMixedSizeParents: must hold PCI addresses or \"*\", not blanks, got ' '"),
        Arguments.of("a host id that is a list", "hostId: [a]", "hostId: must be a plain value, not a list or mapping"),
        Arguments.of("a misspelt key", "hostname: typo",
            "hostname: unknown key; known keys here are advertiseAddress, callTimeout, cpuAllocationRatio, cpus,"
                + " driverVersion, failureDomain, heartbeatInterval, hostId, insecure, labels, libvirtUri, limits,"
                + " listenAddress, memoryAllocationRatio, memoryMib, nvidiaMixedSizeParents, port, probes, release,"
                + " releaseCommand, releaseFile, reservedCpus, reservedMemoryMib, root, scanInterval, schedulerTarget,"
                + " tls"),
        Arguments.of("a CPU ratio of zero", "cpuAllocationRatio: 0", "cpuAllocationRatio: must be between 0.1 and 64.0, got 0.0"),
        Arguments.of("a CPU ratio past 64", "cpuAllocationRatio: 100", "cpuAllocationRatio: must be between 0.1 and 64.0, got 100.0"),
        Arguments.of("a memory ratio below 0.1", "memoryAllocationRatio: 0.05",
            "memoryAllocationRatio: must be between 0.1 and 64.0, got 0.05"),
        Arguments.of("negative reserved CPUs", "reservedCpus: -1", "reservedCpus: must be between 0 and 65536, got -1"),
        Arguments.of("negative reserved memory", "reservedMemoryMib: -1",
            "reservedMemoryMib: must be between 0 and 1073741824, got -1"),
        Arguments.of("more CPUs reserved than the configured CPUs", "cpus: 8\nreservedCpus: 9",
            "reservedCpus: must be at most cpus (8), got 9"),
        Arguments.of("more memory reserved than the configured memory", "memoryMib: 1024\nreservedMemoryMib: 2048",
            "reservedMemoryMib: must be at most memoryMib (1024), got 2048"));
  }

  @Test
  void ratiosAndReservationsAreReadAndTheirRuleIsNovas() {
    AgentConfig c = AgentConfig.parseYaml("""
        hostId: h1
        release: r1
        cpus: 64
        cpuAllocationRatio: 1.5
        memoryAllocationRatio: 1.0
        reservedCpus: 4
        reservedMemoryMib: 8192
        """);
    assertThat(c.cpuAllocationRatio()).contains(1.5);
    assertThat(c.memoryAllocationRatio()).contains(1.0);
    assertThat(c.reservedCpus()).isEqualTo(4);
    assertThat(c.reservedMemoryMib()).isEqualTo(8192L);
    // floor((64 - 4) x 1.5) = 90 vCPUs for VMs.
    assertThat(c.allocation().allocatableCpus(64)).isEqualTo(90);
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void withoutRatiosNothingIsOvercommittedOrReserved() {
    AgentConfig c = AgentConfig.parseYaml("hostId: h1\nrelease: r1\n");
    assertThat(c.cpuAllocationRatio()).isEmpty();
    assertThat(c.memoryAllocationRatio()).isEmpty();
    assertThat(c.reservedCpus()).isZero();
    assertThat(c.reservedMemoryMib()).isZero();
    assertThat(c.allocation()).isEqualTo(io.migplan.capacity.ComputeAllocation.NONE);
  }

  @ParameterizedTest(name = "{0} is refused with the field and value named")
  @MethodSource("checksWithoutATestBefore")
  void eachCheckNamesTheFieldAndTheValue(String sentence, String yaml, String message) {
    assertThatThrownBy(() -> AgentConfig.parseYaml("hostId: h1\nrelease: r1\n" + yaml + "\n"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(message);
  }

  static Stream<Arguments> boundsWithoutATestBefore() {
    return Stream.of(
        Arguments.of("more reserved CPUs than the scheduler takes", "reservedCpus: 65537",
            "reservedCpus: must be between 0 and 65536, got 65537"),
        Arguments.of("more reserved memory than the scheduler takes", "reservedMemoryMib: 1073741825",
            "reservedMemoryMib: must be between 0 and 1073741824, got 1073741825"),
        Arguments.of("a zero call timeout", "callTimeout: 0s", "callTimeout: must be a positive duration, got PT0S"),
        Arguments.of("a blank listen address", "listenAddress: ''", "listenAddress: must not be blank, got ''"),
        Arguments.of("a memory ratio past 64", "memoryAllocationRatio: 64.5",
            "memoryAllocationRatio: must be between 0.1 and 64.0, got 64.5"),
        Arguments.of("a ratio that is not a number", "cpuAllocationRatio: 'NaN'",
            "cpuAllocationRatio: must be between 0.1 and 64.0, got NaN"),
        Arguments.of("limits past their most", "limits: {maxConcurrentCalls: 1025}",
            "limits.maxConcurrentCalls: must be between 1 and 1024, got 1025"),
        Arguments.of("a batch past its most", "limits: {maxQuestionsPerBatch: 50001}",
            "limits.maxQuestionsPerBatch: must be between 1 and 50000, got 50001"),
        Arguments.of("more runs of the tool at once than allowed", "probes: {command: {exec: [t], maxConcurrent: 65}}",
            "probes.command.maxConcurrent: must be between 1 and 64, got 65"),
        Arguments.of("a blank argument first", "probes: {command: {exec: [' ', t]}}",
            "probes.command.exec[0]: must not hold blank arguments, got ' '"),
        Arguments.of("two faults: the first by field path is named", "port: 70000\ncpus: 0\nscanInterval: 0s",
            "cpus: must be positive, got 0"),
        Arguments.of("faults in two sections: the first by field path is named",
            "probes: {inventoryMaxAge: 0s}\nlimits: {maxConcurrentCalls: 0}",
            "limits.maxConcurrentCalls: must be between 1 and 1024, got 0"));
  }

  @ParameterizedTest(name = "{0} is refused with the field and value named")
  @MethodSource("boundsWithoutATestBefore")
  void eachBoundNamesTheFieldAndTheValue(String sentence, String yaml, String message) {
    assertThatThrownBy(() -> AgentConfig.parseYaml("hostId: h1\nrelease: r1\n" + yaml + "\n"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(message);
  }

  static Stream<Arguments> releaseCommandsWithoutATestBefore() {
    return Stream.of(
        Arguments.of("a zero command timeout", "hostId: h1\nreleaseCommand: {exec: [rpm], timeout: 0s}\n",
            "releaseCommand.timeout: must be a positive duration, got PT0S"),
        Arguments.of("a blank first argument", "hostId: h1\nreleaseCommand: {exec: ['', -q]}\n",
            "releaseCommand.exec[0]: must not hold blank arguments, got ''"),
        Arguments.of("a blank host id beside a bad command: the host id is named first",
            "hostId: ' '\nreleaseCommand: {exec: [rpm], timeout: 2m}\n",
            "hostId: is required and must not be blank, got ' '"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releaseCommandsWithoutATestBefore")
  void aReleaseCommandIsCheckedUnderItsKey(String name, String yaml, String message) {
    assertThatThrownBy(() -> AgentConfig.parseYaml(yaml)).isInstanceOf(InvalidConfigException.class).hasMessage(message);
  }

  @Test
  void theBuilderChecksEachSectionUnderItsKey() {
    assertThatThrownBy(() -> AgentConfig.builder().hostId("h").release("r")
            .limits(AgentLimits.DEFAULTS.withMaxQuestionsPerBatch(0)).build())
        .hasMessage("limits.maxQuestionsPerBatch: must be between 1 and 50000, got 0");
    assertThatThrownBy(() -> AgentConfig.builder().hostId("h").releaseCommand(new ReleaseCommand(java.util.List.of("rpm"),
            Duration.ofMinutes(2))).build())
        .hasMessage("releaseCommand.timeout: must be at most 1m, got PT2M");
    assertThatThrownBy(() -> AgentConfig.builder().hostId("h").release("r").label("", "a").build())
        .hasMessage("labels['']: must have non-blank keys, got ''");
  }

  @Test
  void aDocumentThatIsNotAMappingOfKeysFailsAsAWhole() {
    assertThatThrownBy(() -> AgentConfig.parseYaml("- hostId: h1\n"))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("(document)");
          assertThat(e.getMessage()).isEqualTo("must be a mapping of keys to values");
        });
    assertThatThrownBy(() -> AgentConfig.parseYaml("hostId: [h1\n"))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("(document)");
          assertThat(e.getMessage()).startsWith("not valid YAML: ");
        });
  }

  @Test
  void aBadFileNamesTheFileAndTheField() {
    Path file = dir.resolve("agent.yaml");
    TestTrees.write(file, "hostId: h1\nrelease: r1\nscanInterval: abc\n");
    assertThatThrownBy(() -> AgentConfig.load(file))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("scanInterval");
          assertThat(e.getMessage()).isEqualTo(
              "agent config " + file + ": scanInterval: must be a duration such as 30s, 500ms, 2m or PT30S, got 'abc'");
        });
  }

  @Test
  void plainValuesAreReadAsWrittenWhateverTheirYamlType() {
    AgentConfig c = AgentConfig.parseYaml("""
        hostId: 17
        release: 2025
        port: "9500"
        labels: {tier: 1, gold: true}
        advertiseAddress: ''
        schedulerTarget: '  sched:8080 '
        nvidiaMixedSizeParents: "*"
        """);
    assertThat(c.hostId()).isEqualTo("17");
    assertThat(c.release()).contains("2025");
    assertThat(c.port()).isEqualTo(9500);
    assertThat(c.labels()).containsExactly(java.util.Map.entry("gold", "true"), java.util.Map.entry("tier", "1"));
    assertThat(c.advertiseAddress()).isEmpty();
    assertThat(c.schedulerTarget()).contains("sched:8080");
    assertThat(c.nvidiaMixedSizeParents()).containsExactly("*");
  }

  @Test
  void anEmptyValueTakesTheDefault() {
    AgentConfig c = AgentConfig.parseYaml("hostId: h1\nrelease: r1\nport:\nscanInterval:\nprobes:\nlabels:\n");
    assertThat(c.port()).isEqualTo(AgentConfig.DEFAULT_PORT);
    assertThat(c.scanInterval()).isEqualTo(AgentConfig.DEFAULT_SCAN_INTERVAL);
    assertThat(c.probes()).isEqualTo(ProbeSettings.DEFAULTS);
    assertThat(c.labels()).isEmpty();
  }

  @Test
  void theBuilderChecksEveryBoundLikeAFile() {
    AgentConfig.Builder ok = AgentConfig.builder().hostId("h").release("r");
    assertThat(ok.port(0).build().port()).as("0 asks the OS for a free port").isZero();
    assertThatThrownBy(() -> ok.port(65536).build()).hasMessage("port: must be between 0 and 65535, got 65536");
    assertThatThrownBy(() -> AgentConfig.builder().hostId("h").release("r").heartbeatInterval(Duration.ZERO).build())
        .hasMessage("heartbeatInterval: must be a positive duration, got PT0S");
    assertThatThrownBy(() -> AgentConfig.builder().hostId("h").release("r").memoryMib(-1L).build())
        .hasMessage("memoryMib: must be positive, got -1");
    assertThatThrownBy(() -> AgentConfig.builder().hostId("h").release("r").schedulerTarget("sched").build())
        .hasMessage("schedulerTarget: must be host:port, got 'sched'");
  }

  @Test
  void theShippedExampleIsReadWithTheValuesItDocuments() throws Exception {
    AgentConfig c = AgentConfig.load(Path.of("../deploy/config/agent.yaml"));
    assertThat(c.hostId()).isEqualTo("gpu-host-17");
    // A real host's release is observed, never typed.
    assertThat(c.release()).isEmpty();
    assertThat(c.releaseFile()).contains(Path.of("/etc/migplan-release"));
    assertThat(c.effectiveLibvirtUri()).isEqualTo("qemu+tls://gpu-host-17.example.net/system");
    assertThat(c.labels()).containsExactly(java.util.Map.entry("pool", "gpu-a"));
    assertThat(c.root()).isEqualTo(Path.of("/"));
    assertThat(c.port()).isEqualTo(9400);
    assertThat(c.schedulerTarget()).contains("scheduler.example.net:8443");
    assertThat(c.tls()).hasValueSatisfying(t -> {
      assertThat(t.cert()).isEqualTo(Path.of("/etc/migplan/pki/gpu-host-17.pem"));
      assertThat(t.reloadPeriod()).isEqualTo(TlsSettings.DEFAULT_RELOAD_PERIOD);
    });
    assertThat(c.plaintextRefusal()).isEmpty();
    assertThat(c.scanInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.probes().choiceFor("nvidia")).isEqualTo(ProbeBackendChoice.RULES);
    assertThat(c.probes().choiceFor("i915")).isEqualTo(ProbeBackendChoice.AUTO);
  }

  static Stream<Arguments> releaseSources() {
    return Stream.of(
        Arguments.of("none of the three", "hostId: h1\n",
            "release: is required: set one of release, releaseFile or releaseCommand (a real host should use"
                + " releaseFile or releaseCommand, so that an upgrade is observed)"),
        Arguments.of("a file beside a fixed release", "hostId: h1\nrelease: r1\nreleaseFile: /etc/migplan-release\n",
            "releaseFile: is set beside another of release, releaseFile or releaseCommand; set exactly one"),
        Arguments.of("a command beside a file",
            "hostId: h1\nreleaseFile: /etc/r\nreleaseCommand: {exec: [dpkg-query, -W]}\n",
            "releaseCommand: is set beside another of release, releaseFile or releaseCommand; set exactly one"),
        Arguments.of("a command without a program", "hostId: h1\nreleaseCommand: {timeout: 2s}\n",
            "releaseCommand.exec: is required: the program and its arguments as a list, e.g. [dpkg-query, -W, -f,"
                + " '${Version}', nova-compute]"),
        Arguments.of("a command with a blank argument", "hostId: h1\nreleaseCommand: {exec: [rpm, ' ']}\n",
            "releaseCommand.exec[1]: must not hold blank arguments, got ' '"),
        Arguments.of("a command timeout past a minute", "hostId: h1\nreleaseCommand: {exec: [rpm], timeout: 2m}\n",
            "releaseCommand.timeout: must be at most 1m, got PT2M"),
        Arguments.of("a fixed release past the scheduler's bound", "hostId: h1\nrelease: " + "9".repeat(257) + "\n",
            "release: is 257 characters long, at most 256, got '" + "9".repeat(257) + "'"),
        Arguments.of("a fixed release without a letter or digit", "hostId: h1\nrelease: '--'\n",
            "release: has no letter or digit, so it cannot be ordered against other releases, got '--'"),
        Arguments.of("a libvirt URI without a scheme", "hostId: h1\nrelease: r1\nlibvirtUri: h1/system\n",
            "libvirtUri: has no scheme; write it as libvirt does, e.g. qemu+tls://h1/system, got 'h1/system'"),
        Arguments.of("a libvirt URI with a space", "hostId: h1\nrelease: r1\nlibvirtUri: qemu+tls://h 1/system\n",
            "libvirtUri: is not a URI (Illegal character in authority at index 11); write it as libvirt does,"
                + " e.g. qemu+tls://h1/system, got 'qemu+tls://h 1/system'"),
        Arguments.of("an overlong libvirt URI", "hostId: h1\nrelease: r1\nlibvirtUri: qemu://" + "h".repeat(250) + "\n",
            "libvirtUri: is 257 characters long, at most 256"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("releaseSources")
  void exactlyOneReleaseSourceAndALibvirtUriAreRequiredAndChecked(String name, String yaml, String message) {
    assertThatThrownBy(() -> AgentConfig.parseYaml(yaml))
        .isInstanceOf(InvalidConfigException.class).hasMessage(message);
  }

  @Test
  void aReleaseFileIsTakenRelativeToTheConfigAndACommandKeepsItsArguments() throws Exception {
    Path file = dir.resolve("conf/agent.yaml");
    TestTrees.write(file, "hostId: host-01\nreleaseFile: ../etc/migplan-release\n");
    AgentConfig c = AgentConfig.load(file);
    assertThat(c.release()).isEmpty();
    assertThat(c.releaseFile()).contains(dir.resolve("etc/migplan-release"));
    assertThat(c.effectiveLibvirtUri()).isEqualTo("qemu+tls://host-01/system");

    AgentConfig cmd = AgentConfig.parseYaml(
        "hostId: h1\nreleaseCommand: {exec: [dpkg-query, -W, -f, '${Version}', nova-compute]}\n"
            + "libvirtUri: qemu+ssh://root@h1.example.net/system\n");
    assertThat(cmd.releaseCommand().orElseThrow().exec())
        .containsExactly("dpkg-query", "-W", "-f", "${Version}", "nova-compute");
    assertThat(cmd.releaseCommand().orElseThrow().timeout()).isEqualTo(ReleaseCommand.DEFAULT_TIMEOUT);
    assertThat(cmd.effectiveLibvirtUri()).isEqualTo("qemu+ssh://root@h1.example.net/system");
    // The builder keeps one source: the last one set.
    assertThat(cmd.toBuilder().release("2025.1").build().releaseCommand()).isEmpty();
  }
}
