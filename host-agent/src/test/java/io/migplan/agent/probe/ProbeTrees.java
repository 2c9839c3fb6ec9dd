package io.migplan.agent.probe;

import static io.migplan.agent.TestTrees.populateParentDevice;
import static io.migplan.agent.TestTrees.write;

import io.migplan.agent.scan.HostScanner;
import io.migplan.agent.config.AgentConfig;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeQuestion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small two-GPU host with T4 types (one with version attributes) and an iGPU. */
final class ProbeTrees {
  static final String T4_A = "0000:3b:00.0";
  static final String T4_B = "0000:d8:00.0";
  static final String IGPU = "0000:00:02.0";
  static final String T231_SIGNATURE = "nvidia-231/T4/nvidia-550.90.07";

  private ProbeTrees() {}

  static void build(Path root) {
    try {
      Files.createDirectories(root.resolve("sys/bus/pci/drivers/nvidia"));
      for (String gpu : new String[] {T4_A, T4_B}) {
        populateParentDevice(root, gpu, "nvidia-231", 6, "vfio-pci", "GRID T4-2Q", null);
        populateParentDevice(root, gpu, "nvidia-232", 0, "vfio-pci", "GRID T4-4Q", null);
        Files.createSymbolicLink(
            root.resolve("sys/class/mdev_bus").resolve(gpu).resolve("driver"),
            root.resolve("sys/bus/pci/drivers/nvidia"));
      }
      write(root.resolve("sys/module/nvidia/version"), "550.90.07\n");
      // The seed thread's example: V5_4 reads its own string and accepts V5_2's too.
      Path v54 = populateParentDevice(root, IGPU, "i915-GVTg_V5_4", 4, "vfio-pci", "GVTg_V5_4", null);
      write(v54.resolve("version"), "00028086-193b-i915-GVTg_V5_4\n00028086-193b-i915-GVTg_V5_2\n");
      populateParentDevice(root, IGPU, "i915-GVTg_V5_8", 5, "vfio-pci", "GVTg_V5_8", null);
      Path v52 = populateParentDevice(root, IGPU, "i915-GVTg_V5_2", 2, "vfio-pci", "GVTg_V5_2", null);
      // An attribute the agent cannot read as a file: an unexpected fault, not an answer.
      Files.createDirectories(v52.resolve("migration_version"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HostSnapshot scan(Path root) {
    return new HostScanner(AgentConfig.builder().hostId("h1").release("1").root(root).cpus(4).memoryMib(1024L).build()).scan();
  }

  static ProbeQuestion q(String id, String targetType, String targetParent, String signature, String sourceType) {
    return ProbeQuestion.newBuilder().setId(id).setTargetTypeId(targetType).setTargetParent(targetParent)
        .setSourceSignature(signature).setSourceTypeId(sourceType).build();
  }
}
