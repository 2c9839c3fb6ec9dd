package io.migplan.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.TypeDemand;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** KERNEL-FACTS.md section 2: the sample drivers' pools and how one create moves them. */
class SamplePoolModelsTest {
  private static TypeDemand d(String resource, long amount) {
    return TypeDemand.newBuilder().putResources(resource, amount).build();
  }

  @Test
  void mttyStartsAt24And12AndOneMtty2Leaves22And11() {
    Capacity c = SamplePoolModels.fresh("ports", SamplePoolModels.DEFAULT_MTTY_PORTS,
        Map.of("mtty-1", d("ports", 1), "mtty-2", d("ports", 2)));
    assertThat(CapacityModels.fits(c, "mtty-1")).isEqualTo(24);
    assertThat(CapacityModels.fits(c, "mtty-2")).isEqualTo(12);
    Capacity after = CapacityModels.afterCreate(c, "mtty-2");
    assertThat(CapacityModels.fits(after, "mtty-1")).isEqualTo(22);
    assertThat(CapacityModels.fits(after, "mtty-2")).isEqualTo(11);
  }

  @Test
  void mdpyOneCreateLowersEveryTypeByOne() {
    Capacity c = SamplePoolModels.fresh("devices", SamplePoolModels.DEFAULT_MDPY_DEVICES,
        Map.of("mdpy-vga", d("devices", 1), "mdpy-xga", d("devices", 1), "mdpy-hd", d("devices", 1)));
    Capacity after = CapacityModels.afterCreate(c, "mdpy-hd");
    assertThat(CapacityModels.fits(c, "mdpy-vga")).isEqualTo(4);
    assertThat(CapacityModels.fits(after, "mdpy-vga")).isEqualTo(3);
    assertThat(CapacityModels.fits(after, "mdpy-xga")).isEqualTo(3);
  }

  @Test
  void mbochsStartsAt64_16_4AndOneLargeLeaves48_12_3() {
    Capacity c = SamplePoolModels.fresh("memory_mib", SamplePoolModels.DEFAULT_MBOCHS_MIB,
        Map.of("mbochs-small", d("memory_mib", 4), "mbochs-medium", d("memory_mib", 16), "mbochs-large", d("memory_mib", 64)));
    assertThat(CapacityModels.fits(c, "mbochs-small")).isEqualTo(64);
    assertThat(CapacityModels.fits(c, "mbochs-medium")).isEqualTo(16);
    assertThat(CapacityModels.fits(c, "mbochs-large")).isEqualTo(4);
    Capacity after = CapacityModels.afterCreate(c, "mbochs-large");
    assertThat(CapacityModels.fits(after, "mbochs-small")).isEqualTo(48);
    assertThat(CapacityModels.fits(after, "mbochs-medium")).isEqualTo(12);
    assertThat(CapacityModels.fits(after, "mbochs-large")).isEqualTo(3);
  }

  @Test
  void independentCountsMoveOnlyTheirOwnType() {
    Capacity c = SharedPoolModel.independent(Map.of("vfio_ap-passthrough", 3, "other", 2), java.util.List.of());
    Capacity after = CapacityModels.afterCreate(c, "vfio_ap-passthrough");
    assertThat(CapacityModels.fits(after, "vfio_ap-passthrough")).isEqualTo(2);
    assertThat(CapacityModels.fits(after, "other")).isEqualTo(2);
  }
}
