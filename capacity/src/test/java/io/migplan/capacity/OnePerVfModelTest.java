package io.migplan.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.TypeDemand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnePerVfModelTest {
  private static final Map<String, TypeDemand> DEMANDS = Map.of(
      "nvidia-1145", TypeDemand.newBuilder().putResources("framebuffer_mib", 1024).setMaxInstances(2).build(),
      "nvidia-1146", TypeDemand.newBuilder().putResources("framebuffer_mib", 2048).setMaxInstances(1).build());

  private static List<Capacity> group(int vfs) {
    List<Capacity> out = new ArrayList<>();
    for (int i = 0; i < vfs; i++) {
      out.add(OnePerVfModel.of("0000:59:00.0", DEMANDS, 0, 0));
    }
    return out;
  }

  @Test
  void aVfHoldsOneVgpuAndTheBoardWideMaxBoundsTheGroup() {
    List<Capacity> g = group(4);
    assertThat(OnePerVfModel.fitsInGroup(g, "nvidia-1145")).isEqualTo(2);
    g = OnePerVfModel.afterCreateInGroup(g, "nvidia-1145");
    assertThat(g.get(0).getUsedInstances()).isEqualTo(1);
    assertThat(OnePerVfModel.fits(g.get(0), "nvidia-1145")).isZero();
    assertThat(OnePerVfModel.fits(g.get(1), "nvidia-1145")).isEqualTo(1);
    assertThat(OnePerVfModel.fitsInGroup(g, "nvidia-1145")).isEqualTo(1);
    assertThat(OnePerVfModel.fitsInGroup(g, "nvidia-1146")).as("locked to 1 GiB").isZero();
    g = OnePerVfModel.afterCreateInGroup(g, "nvidia-1145");
    assertThat(OnePerVfModel.fitsInGroup(g, "nvidia-1145")).isZero();
  }

  @Test
  void migBackedTypesNeitherLockNorRespectTheLock() {
    Map<String, TypeDemand> mig = Map.of(
        "nvidia-1414", TypeDemand.newBuilder().putResources("framebuffer_mib", 18432).putResources("gpu_instance_slices", 1).build(),
        "nvidia-1415", TypeDemand.newBuilder().putResources("framebuffer_mib", 36864).putResources("gpu_instance_slices", 2).build());
    List<Capacity> g = List.of(OnePerVfModel.of("pf", mig, 0, 0), OnePerVfModel.of("pf", mig, 0, 0));
    g = OnePerVfModel.afterCreateInGroup(g, "nvidia-1414");
    assertThat(g.get(1).getLockedFramebufferMib()).isZero();
    assertThat(OnePerVfModel.fitsInGroup(g, "nvidia-1415")).isEqualTo(1);
  }
}
