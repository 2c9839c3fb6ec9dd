package io.migplan.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.agent.TestTrees;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    assertThat(c.release()).isEqualTo("2025.1");
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
}
