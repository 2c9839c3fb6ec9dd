package io.migplan.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.TypeDemand;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class GvtgPoolModelTest {
  static final List<String> TYPES = List.of("i915-GVTg_V5_8", "i915-GVTg_V5_4", "i915-GVTg_V5_2", "i915-GVTg_V5_1");

  /** The fixed type table of KERNEL-FACTS.md section 3. */
  static Map<String, TypeDemand> demands() {
    Map<String, TypeDemand> d = new TreeMap<>();
    d.put("i915-GVTg_V5_8", GvtgPoolModel.demand("64", "384", "4").orElseThrow());
    d.put("i915-GVTg_V5_4", GvtgPoolModel.demand("128", "512", "4").orElseThrow());
    d.put("i915-GVTg_V5_2", GvtgPoolModel.demand("256", "1024", "4").orElseThrow());
    d.put("i915-GVTg_V5_1", GvtgPoolModel.demand("512", "2048", "4").orElseThrow());
    return d;
  }

  private static List<Integer> counts(Capacity c) {
    return TYPES.stream().map(t -> CapacityModels.fits(c, t)).toList();
  }

  @Test
  void workedExampleReads7521AtBootAnd5421AfterOneV5_4() {
    // FACTS.md 3c: aperture 1024 MiB, GGTT 4 GiB, 32 fences.
    Capacity boot = GvtgPoolModel.fromHardware(1024, 4096, 32, demands());
    assertThat(boot.getPoolTotalMap()).containsEntry("low_gm_mib", 896L).containsEntry("high_gm_mib", 2688L).containsEntry("fences", 28L);
    assertThat(counts(boot)).containsExactly(7, 5, 2, 1);

    Capacity after = CapacityModels.afterCreate(boot, "i915-GVTg_V5_4");

    assertThat(counts(after)).containsExactly(5, 4, 2, 1);
    assertThat(after.getPoolFreeMap()).containsEntry("low_gm_mib", 768L).containsEntry("high_gm_mib", 2176L).containsEntry("fences", 24L);
  }

  @Test
  void poolsInferredFromTheBootCountsGiveTheSameCountsAfterTheSameCreate() {
    Map<String, Integer> atBoot = Map.of("i915-GVTg_V5_8", 7, "i915-GVTg_V5_4", 5, "i915-GVTg_V5_2", 2, "i915-GVTg_V5_1", 1);
    Capacity inferred = GvtgPoolModel.infer(demands(), atBoot, List.of());
    assertThat(counts(inferred)).containsExactly(7, 5, 2, 1);
    assertThat(counts(CapacityModels.afterCreate(inferred, "i915-GVTg_V5_4"))).containsExactly(5, 4, 2, 1);
  }

  @Test
  void aSmallApertureListsOnlyV5_8AndV5_4() {
    // 256 MiB aperture: 128 MiB of low GM for guests, so V5_8 = 2 and V5_4 = 1 (FACTS.md 4b).
    Capacity small = GvtgPoolModel.fromHardware(256, 4096, 32, demands());
    assertThat(counts(small)).containsExactly(2, 1, 0, 0);
  }
}
