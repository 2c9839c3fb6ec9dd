package io.migplan.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Capacity;
import java.util.List;
import org.junit.jupiter.api.Test;

class NvidiaMixedSizeModelTest {
  @Test
  void sizesMixWhileFramebufferRemains() {
    Capacity c = NvidiaMixedSizeModel.of(NvidiaEqualSizeModelTest.t4Demands(), List.of("nvidia-233"));
    assertThat(c.getPoolTotalMap()).containsEntry("framebuffer_mib", 16384L);
    assertThat(c.getPoolFreeMap()).containsEntry("framebuffer_mib", 8192L);
    assertThat(CapacityModels.fits(c, "nvidia-232")).isEqualTo(2); // 8 GiB left / 4 GiB
    assertThat(CapacityModels.fits(c, "nvidia-230")).isEqualTo(8);
    assertThat(CapacityModels.fits(c, "nvidia-234")).isZero();
    Capacity next = CapacityModels.afterCreate(c, "nvidia-232");
    assertThat(CapacityModels.fits(next, "nvidia-231")).isEqualTo(2);
    assertThat(CapacityModels.fits(next, "nvidia-232")).isEqualTo(1);
    assertThat(next.getUsedInstances()).isEqualTo(2);
  }
}
