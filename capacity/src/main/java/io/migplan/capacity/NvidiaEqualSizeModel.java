package io.migplan.capacity;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.TypeDemand;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * NVIDIA time-sliced vGPU in equal-size mode, the driver default (FACTS.md section 3a): a GPU
 * with vGPUs of framebuffer F accepts only types of size F, up to each type's {@code
 * max_instance} counted over all vGPUs present; an empty GPU accepts any type.
 *
 * <p>Model: {@code locked_framebuffer_mib} (0 = none), {@code used_instances}, and per type
 * {@code demand.resources.framebuffer_mib} and {@code max_instances}. A type fits {@code
 * max_instances - used} more times when the GPU is unlocked or locked to its size, else 0.
 *
 * <p>Several new instances at once ({@link #overflow}): on an empty GPU the size most of them ask
 * for is kept (ties to the larger size, the harder one to place elsewhere), the others overflow,
 * and the kept ones fit up to the smallest {@code max_instances - used} among their types.
 *
 * <p>It assumes "heterogeneous time-slice profiles" (2B beside 2Q): on GPUs without it the driver
 * shows only the type present, so the agent's {@code available_instances} stays the authority.
 */
public final class NvidiaEqualSizeModel {
  private NvidiaEqualSizeModel() {}

  static int headroom(CapacityUnit u, int t) {
    if (!lockAllows(u.locked, u.size[t]) || u.max[t] <= 0) {
      return 0;
    }
    return Math.max(0, u.max[t] - u.used);
  }

  static int overflow(CapacityUnit u, int[] added) {
    return lockedOverflow(u, added, false);
  }

  static void apply(CapacityUnit u, int t, int sign) {
    if (sign > 0) {
      u.locked = u.size[t];
    } else if (u.used == 0) {
      u.locked = 0;
    }
  }

  /**
   * The size-lock arithmetic, shared with {@link OnePerVfModel}: new instances of sizes other
   * than the kept one overflow; kept ones fit up to the smallest {@code max - used} of their
   * types and the unit's free slots. A size of 0 (MIG-backed) neither locks nor is locked out.
   *
   * @param unknownMaxUnbounded whether a type with no known max_instance is bounded by slots
   *     alone (SR-IOV vGPU 17+ types) rather than not fitting at all
   */
  static int lockedOverflow(CapacityUnit u, int[] added, boolean unknownMaxUnbounded) {
    long keep = u.locked != 0 ? u.locked : mostRequestedSize(u, added);
    int total = 0;
    int kept = 0;
    int limit = Integer.MAX_VALUE;
    for (int t = 0; t < added.length; t++) {
      int n = added[t];
      if (n == 0) {
        continue;
      }
      total += n;
      if (lockAllows(keep, u.size[t])) {
        kept += n;
        if (u.max[t] > 0) {
          limit = Math.min(limit, u.max[t] - u.used);
        } else if (!unknownMaxUnbounded) {
          limit = 0;
        }
      }
    }
    limit = Math.min(Math.max(limit, 0), u.freeSlots);
    return (total - kept) + Math.max(0, kept - limit);
  }

  /** Whether a GPU locked to {@code locked} (0 = none) takes an instance of {@code size} (0 = no lock). */
  static boolean lockAllows(long locked, long size) {
    return locked == 0 || size == 0 || locked == size;
  }

  private static long mostRequestedSize(CapacityUnit u, int[] added) {
    long best = 0;
    int bestCount = 0;
    for (int t = 0; t < added.length; t++) {
      if (added[t] == 0 || u.size[t] == 0) {
        continue;
      }
      long size = u.size[t];
      int count = 0;
      for (int s = 0; s < added.length; s++) {
        if (u.size[s] == size) {
          count += added[s];
        }
      }
      if (count > bestCount || (count == bestCount && size > best)) {
        best = size;
        bestCount = count;
      }
    }
    return best;
  }

  /**
   * The model of one GPU from its types' demands and the types of its vGPUs. The lock is the
   * framebuffer of the vGPUs present (they share one in this mode).
   */
  public static Capacity of(Map<String, TypeDemand> demands, List<String> instanceTypes) {
    long locked = 0;
    for (String typeId : instanceTypes) {
      TypeDemand demand = demands.get(typeId);
      if (demand != null) {
        locked = Math.max(locked, demand.getResourcesOrDefault(Resources.FRAMEBUFFER_MIB, 0L));
      }
    }
    return Capacity.newBuilder()
        .setRule(CapacityRule.CAPACITY_RULE_NVIDIA_EQUAL_SIZE)
        .setLockedFramebufferMib(locked)
        .setUsedInstances(instanceTypes.size())
        .putAllUsedByType(countByType(instanceTypes))
        .putAllDemand(demands)
        .build();
  }

  /** What one vGPU of a type with this framebuffer and max_instance takes. */
  public static TypeDemand demand(long framebufferMib, int maxInstances) {
    return TypeDemand.newBuilder()
        .putResources(Resources.FRAMEBUFFER_MIB, framebufferMib)
        .setMaxInstances(maxInstances)
        .build();
  }

  /** Type id -> instances of it, from the types of the instances present. */
  static Map<String, Integer> countByType(List<String> instanceTypes) {
    Map<String, Integer> out = new TreeMap<>();
    instanceTypes.forEach(t -> out.merge(t, 1, Integer::sum));
    return out;
  }
}
