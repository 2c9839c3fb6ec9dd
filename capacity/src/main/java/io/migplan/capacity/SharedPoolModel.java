package io.migplan.capacity;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.TypeDemand;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Arithmetic of resource pools shared by every type of a parent (GVT-g, mtty, mdpy, mbochs), and
 * of independent per-type counts, which are the same arithmetic with one pool per type.
 *
 * <p>A type fits {@code min over its resources r of floor(pool_free[r] / demand[r])} more times;
 * creating one takes its demand from every pool, which is how those drivers recompute {@code
 * available_instances} after each create (KERNEL-FACTS.md sections 2 and 3).
 *
 * <p>{@link #infer} decides pool sizes from what sysfs shows, since no driver exposes them: each
 * pool's free amount is the smallest one consistent with every type's current count, {@code
 * max over types T of available(T) * demand_r(T)}, and its total adds the demand of the instances
 * present. That estimate reproduces every current count exactly and never promises more than the
 * driver would later (it is a lower bound of the true free amount). It does not model vendor
 * quirks beyond that (see {@link GvtgPoolModel} for GVT-g's boot-time fences).
 */
public final class SharedPoolModel {
  private SharedPoolModel() {}

  static int headroom(CapacityUnit u, int t) {
    long fits = Long.MAX_VALUE;
    long[] need = u.need[t];
    for (int r = 0; r < need.length; r++) {
      if (need[r] > 0) {
        fits = Math.min(fits, Math.max(0, u.poolFree[r]) / need[r]);
      }
    }
    // A type that takes nothing the model counts is one it knows nothing about.
    return fits == Long.MAX_VALUE ? 0 : (int) Math.min(Integer.MAX_VALUE, fits);
  }

  /** In type order, each new instance takes its demand from every pool while all still have it. */
  static int overflow(CapacityUnit u, int[] added) {
    long[] free = u.poolFree.clone();
    int over = 0;
    for (int t = 0; t < added.length; t++) {
      int n = added[t];
      if (n == 0) {
        continue;
      }
      long[] need = u.need[t];
      long fit = Long.MAX_VALUE;
      for (int r = 0; r < need.length; r++) {
        if (need[r] > 0) {
          fit = Math.min(fit, Math.max(0, free[r]) / need[r]);
        }
      }
      int placed = fit == Long.MAX_VALUE ? 0 : (int) Math.min(n, fit);
      for (int r = 0; r < need.length; r++) {
        free[r] -= placed * need[r];
      }
      over += n - placed;
    }
    return over;
  }

  static void apply(CapacityUnit u, int t, int sign) {
    long[] need = u.need[t];
    for (int r = 0; r < need.length; r++) {
      u.poolFree[r] -= sign * need[r];
    }
  }

  /**
   * A pool model from the demands of the listed types, their current {@code available_instances}
   * and the types of the instances present (see the class comment for the inference).
   */
  public static Capacity infer(
      CapacityRule rule, Map<String, TypeDemand> demands, Map<String, Integer> available, List<String> instanceTypes) {
    Map<String, Long> free = new TreeMap<>();
    for (Map.Entry<String, TypeDemand> type : demands.entrySet()) {
      long count = Math.max(0, available.getOrDefault(type.getKey(), 0));
      for (Map.Entry<String, Long> need : type.getValue().getResourcesMap().entrySet()) {
        free.merge(need.getKey(), count * need.getValue(), Math::max);
      }
    }
    Map<String, Long> total = new TreeMap<>(free);
    for (String typeId : instanceTypes) {
      TypeDemand demand = demands.get(typeId);
      if (demand != null) {
        demand.getResourcesMap().forEach((resource, amount) -> total.merge(resource, amount, Long::sum));
      }
    }
    return Capacity.newBuilder()
        .setRule(rule)
        .setUsedInstances(instanceTypes.size())
        .putAllUsedByType(NvidiaEqualSizeModel.countByType(instanceTypes))
        .putAllPoolTotal(total)
        .putAllPoolFree(free)
        .putAllDemand(demands)
        .build();
  }

  /** One resource per type, named by the type id: each type's count is its own. */
  public static Capacity independent(Map<String, Integer> available, List<String> instanceTypes) {
    Map<String, TypeDemand> demands = new TreeMap<>();
    for (String typeId : available.keySet()) {
      demands.put(typeId, TypeDemand.newBuilder().putResources(typeId, 1).build());
    }
    return infer(CapacityRule.CAPACITY_RULE_INDEPENDENT, demands, available, instanceTypes);
  }
}
