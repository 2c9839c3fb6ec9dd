package io.migplan.agent.scan;

import static io.migplan.agent.TestTrees.populateActiveDevice;
import static io.migplan.agent.TestTrees.populateParentDevice;
import static io.migplan.agent.TestTrees.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.agent.config.AgentConfig;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.Problem;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostScannerTest {
  @TempDir Path root;

  @Test
  void aHostWithSeveralBrokenThingsIsStillReportedWithEachProblemAndItsPathSortedByPath() throws Exception {
    Path bad = populateParentDevice(root, "0000:3b:00.0", "nvidia-231", 8, "vfio-pci", "GRID T4-2Q", null);
    write(bad.resolve("available_instances"), "n/a\n");
    populateParentDevice(root, "0000:3b:00.0", "nvidia-232", 4, "vfio-pci", "GRID T4-4Q", null);
    populateActiveDevice(root, "22222222-0000-0000-0000-000000000001", "0000:d8:00.0", "nvidia-232");
    populateActiveDevice(root, "22222222-0000-0000-0000-000000000002", "0000:d8:00.0", "nvidia-232");
    Files.delete(root.resolve("sys/bus/mdev/devices/22222222-0000-0000-0000-000000000002/mdev_type"));
    write(root.resolve("run/libvirt/qemu/broken.xml"), "<domstatus><domain>");
    write(root.resolve("run/libvirt/qemu/ok.xml"), "<domain><name>ok</name><vcpu>2</vcpu></domain>");

    HostSnapshot s = new HostScanner(AgentConfig.builder().hostId("h").release("r").root(root)
        .cpus(8).memoryMib(1024L).build()).scan();

    assertThat(s.getHost().getId()).isEqualTo("h");
    assertThat(s.getParentsList()).hasSize(2);
    assertThat(s.getInstancesList()).hasSize(1);
    assertThat(s.getVmsList()).hasSize(1);
    assertThat(s.getProblemsList()).extracting(Problem::getPath).containsExactly(
        root.resolve("run/libvirt/qemu/broken.xml").toString(),
        // Active, and held by no domain read (the broken file's VM may be the one using it).
        root.resolve("sys/bus/mdev/devices/22222222-0000-0000-0000-000000000001").toString(),
        root.resolve("sys/bus/mdev/devices/22222222-0000-0000-0000-000000000002/mdev_type").toString(),
        bad.resolve("available_instances").toString());
    assertThat(s.getGeneration()).isPositive();
    assertThat(s.getScannedAtUnixMs()).isPositive();
  }

  @Test
  void contentIgnoresOnlyGenerationAndScanTime() {
    HostScanner scanner = new HostScanner(AgentConfig.builder().hostId("h").release("r").root(root)
        .cpus(8).memoryMib(1024L).build());
    HostSnapshot a = scanner.scan();
    HostSnapshot b = scanner.scan();
    assertThat(b.getGeneration()).isGreaterThan(a.getGeneration());
    assertThat(HostScanner.content(b)).isEqualTo(HostScanner.content(a));
  }

  @Test
  void anActiveMdevIsAProblemOnlyWhileNoRunningDomainHoldsIt() throws Exception {
    populateParentDevice(root, "0000:3b:00.0", "nvidia-231", 8, "vfio-pci", "GRID T4-2Q", null);
    populateActiveDevice(root, "33333333-0000-0000-0000-000000000001", "0000:3b:00.0", "nvidia-231");
    populateActiveDevice(root, "33333333-0000-0000-0000-000000000002", "0000:3b:00.0", "nvidia-231");
    io.migplan.agent.SysfsTrees.domain(root, "holder", "5d3c8e10-0000-4000-8000-000000000001",
        io.migplan.agent.SysfsTrees.mdevHostdev("33333333-0000-0000-0000-000000000001"));

    HostSnapshot s = new HostScanner(AgentConfig.builder().hostId("h").release("r").root(root)
        .cpus(8).memoryMib(1024L).build()).scan();

    assertThat(s.getProblemsList()).singleElement().satisfies(p -> {
      assertThat(p.getPath()).isEqualTo(root.resolve("sys/bus/mdev/devices/33333333-0000-0000-0000-000000000002")
          .toString());
      assertThat(p.getSource()).isEqualTo(io.migplan.proto.v1.ProblemSource.PROBLEM_SOURCE_LIBVIRT);
      assertThat(p.getMessage()).startsWith("mdev 33333333-0000-0000-0000-000000000002 (nvidia-231 on 0000:3b:00.0)"
          + " is active but no running domain the agent read holds it");
    });
  }
}
