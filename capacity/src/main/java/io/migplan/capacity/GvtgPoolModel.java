package io.migplan.capacity;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.TypeDemand;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Intel GVT-g: every vGPU takes aperture memory ({@code low_gm_mib}), hidden graphics memory
 * ({@code high_gm_mib}) and fence registers ({@code fences}) from pools shared by all types, so
 * any create lowers every type's count and types mix freely (KERNEL-FACTS.md section 3).
 *
 * <p>Pools on a known iGPU ({@link #fromHardware}): low = aperture − 128 MiB, high = (GGTT −
 * aperture) − 384 MiB, fences = total − 4, the host reserves HOST_LOW_GM_SIZE, HOST_HIGH_GM_SIZE
 * and HOST_FENCE of gvt.h. The agent cannot read aperture or GGTT size from the mdev tree, so a
 * scan uses {@link #infer}: the smallest pools consistent with the current counts (see {@link
 * SharedPoolModel}). On FACTS.md's worked example that reproduces 5/4/2/1 after one V5_4 and the
 * same counts after a further create as the true pools do.
 *
 * <p>Limitation: at boot the driver leaves the fence term out of {@code available_instances}
 * (FACTS.md section 3c), so a fence pool inferred before the first create may be too large on an
 * iGPU with few fences. It does not model the "aggregation" proposal, which is not in mainline.
 */
public final class GvtgPoolModel {
  public static final String LOW_GM = Resources.LOW_GM_MIB;
  public static final String HIGH_GM = Resources.HIGH_GM_MIB;
  public static final String FENCES = Resources.FENCES;
  /** HOST_LOW_GM_SIZE, aperture kept by the host (drivers/gpu/drm/i915/gvt/gvt.h). */
  static final long HOST_LOW_GM_MIB = 128;
  /** HOST_HIGH_GM_SIZE, hidden memory kept by the host (gvt.h). */
  static final long HOST_HIGH_GM_MIB = 384;
  /** HOST_FENCE, fence registers kept by the host (gvt.h). */
  static final long HOST_FENCES = 4;

  private GvtgPoolModel() {}

  /** Pools of an iGPU whose sizes are known, before any vGPU exists. */
  public static Capacity fromHardware(
      long apertureMib, long ggttMib, long fenceRegisters, Map<String, TypeDemand> demands) {
    long low = apertureMib - HOST_LOW_GM_MIB;
    long high = ggttMib - apertureMib - HOST_HIGH_GM_MIB;
    long fences = fenceRegisters - HOST_FENCES;
    return Capacity.newBuilder()
        .setRule(CapacityRule.CAPACITY_RULE_SHARED_POOL)
        .putPoolTotal(LOW_GM, low)
        .putPoolTotal(HIGH_GM, high)
        .putPoolTotal(FENCES, fences)
        .putPoolFree(LOW_GM, low)
        .putPoolFree(HIGH_GM, high)
        .putPoolFree(FENCES, fences)
        .putAllDemand(demands)
        .build();
  }

  public static Capacity infer(
      Map<String, TypeDemand> demands, Map<String, Integer> available, List<String> instanceTypes) {
    return SharedPoolModel.infer(CapacityRule.CAPACITY_RULE_SHARED_POOL, demands, available, instanceTypes);
  }

  /** What one vGPU takes, from its description's low_gm_mib, high_gm_mib and fences; empty if one is missing. */
  public static Optional<TypeDemand> demand(String lowMib, String highMib, String fences) {
    if (lowMib == null || highMib == null || fences == null) {
      return Optional.empty();
    }
    return Optional.of(
        TypeDemand.newBuilder()
            .putResources(LOW_GM, Long.parseLong(lowMib))
            .putResources(HIGH_GM, Long.parseLong(highMib))
            .putResources(FENCES, Long.parseLong(fences))
            .build());
  }
}
