package io.migplan.agent.scan;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.agent.TestTrees;
import io.migplan.agent.inventory.HostRoot;
import io.migplan.agent.config.AgentConfig;
import io.migplan.proto.v1.Host;
import io.migplan.proto.v1.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFactsReaderTest {
  @TempDir Path root;

  @Test
  void configOverridesWinOverTheHost() {
    TestTrees.write(root.resolve("proc/meminfo"), "MemTotal:       16318480 kB\n");
    AgentConfig config = AgentConfig.builder().hostId("h").release("r").root(root).cpus(12).memoryMib(4096L).build();
    Host host = new HostFactsReader(config, HostRoot.of(root), () -> 2).read(new ArrayList<>());
    assertThat(host.getCpus()).isEqualTo(12);
    assertThat(host.getMemoryMib()).isEqualTo(4096);
  }

  @Test
  void withoutOverridesMeminfoAndTheProcessorCountAreUsed() {
    TestTrees.write(root.resolve("proc/meminfo"), "MemTotal:       16318480 kB\nMemFree:  1 kB\n");
    AgentConfig config = AgentConfig.builder().hostId("h").release("r").root(root).build();
    List<Problem> problems = new ArrayList<>();
    Host host = new HostFactsReader(config, HostRoot.of(root), () -> 24).read(problems);
    assertThat(host.getCpus()).isEqualTo(24);
    // 16318480 KiB / 1024 = 15936.0 MiB
    assertThat(host.getMemoryMib()).isEqualTo(15936);
    assertThat(problems).isEmpty();
  }

  @Test
  void missingMeminfoIsAProblemWithTheFix() {
    AgentConfig config = AgentConfig.builder().hostId("h").release("r").root(root).build();
    List<Problem> problems = new ArrayList<>();
    Host host = new HostFactsReader(config, HostRoot.of(root), () -> 24).read(problems);
    assertThat(host.getMemoryMib()).isZero();
    assertThat(problems).singleElement().satisfies(p -> assertThat(p.getMessage()).contains("memoryMib"));
  }
}
