package io.migplan.capacity;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.TypeDemand;
import java.util.List;
import java.util.Map;

/**
 * NVIDIA time-sliced vGPU in mixed-size mode (vGPU 17+, Volta and later; FACTS.md section 3a):
 * vGPUs of different framebuffer sizes share one GPU while framebuffer remains, and each type
 * stays within its own {@code max_instance}.
 *
 * <p>Model: {@code pool_total/pool_free["framebuffer_mib"]}, {@code used_by_type}, and per type
 * {@code demand.resources.framebuffer_mib} and {@code max_instances}. The total is the GPU's
 * framebuffer, {@code max over types of framebuffer x max_instance} ("max_instance = GPU
 * framebuffer / type framebuffer", nvidia/OBSERVED.md section A); the free part is the total less
 * the vGPUs present. A type fits {@code min(free / framebuffer, max_instances - used of that
 * type)} more times.
 *
 * <p>It does not model where the driver places vGPUs inside the framebuffer (fragmentation), nor
 * the lower maximum counts some boards have in this mode (the agent's {@code available_instances}
 * stays the authority there).
 */
public final class NvidiaMixedSizeModel {
  static final String FRAMEBUFFER = Resources.FRAMEBUFFER_MIB;

  private NvidiaMixedSizeModel() {}

  static int headroom(CapacityUnit u, int t) {
    long framebuffer = u.size[t];
    int pool = framebufferPool(u);
    if (framebuffer <= 0 || pool < 0) {
      return 0;
    }
    long free = Math.max(0, u.poolFree[pool]);
    return (int) Math.max(0, Math.min(free / framebuffer, (long) u.max[t] - u.usedByType[t]));
  }

  /** In type order, each new instance fits while framebuffer and its type's max_instance allow. */
  static int overflow(CapacityUnit u, int[] added) {
    int pool = framebufferPool(u);
    long free = pool < 0 ? 0 : u.poolFree[pool];
    int over = 0;
    for (int t = 0; t < added.length; t++) {
      int n = added[t];
      if (n == 0) {
        continue;
      }
      long framebuffer = u.size[t];
      long byMemory = framebuffer <= 0 ? 0 : Math.max(0, free) / framebuffer;
      int fit = (int) Math.max(0, Math.min(Math.min(n, byMemory), (long) u.max[t] - u.usedByType[t]));
      free -= fit * framebuffer;
      over += n - fit;
    }
    return over;
  }

  static void apply(CapacityUnit u, int t, int sign) {
    int pool = framebufferPool(u);
    if (pool >= 0) {
      u.poolFree[pool] -= sign * u.size[t];
    }
  }

  private static int framebufferPool(CapacityUnit u) {
    for (int r = 0; r < u.pools.length; r++) {
      if (u.pools[r].equals(FRAMEBUFFER)) {
        return r;
      }
    }
    return -1;
  }

  public static Capacity of(Map<String, TypeDemand> demands, List<String> instanceTypes) {
    long total = 0;
    for (TypeDemand demand : demands.values()) {
      total = Math.max(total, demand.getResourcesOrDefault(FRAMEBUFFER, 0L) * demand.getMaxInstances());
    }
    long used = 0;
    for (String typeId : instanceTypes) {
      TypeDemand demand = demands.get(typeId);
      if (demand != null) {
        used += demand.getResourcesOrDefault(FRAMEBUFFER, 0L);
      }
    }
    return Capacity.newBuilder()
        .setRule(CapacityRule.CAPACITY_RULE_NVIDIA_MIXED_SIZE)
        .setUsedInstances(instanceTypes.size())
        .putAllUsedByType(NvidiaEqualSizeModel.countByType(instanceTypes))
        .putPoolTotal(FRAMEBUFFER, total)
        .putPoolFree(FRAMEBUFFER, total - used)
        .putAllDemand(demands)
        .build();
  }
}
