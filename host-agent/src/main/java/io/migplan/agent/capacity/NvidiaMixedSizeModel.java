package io.migplan.agent.capacity;

import io.migplan.agent.inventory.TypeAttributes;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.TypeDemand;
import java.util.List;
import java.util.Map;

/**
 * NVIDIA time-sliced vGPU in mixed-size mode (vGPU 17+, Volta and later; FACTS.md section 3a):
 * vGPUs of different framebuffer sizes share one GPU while framebuffer remains.
 *
 * <p>Model: {@code pool_total/pool_free["framebuffer_mib"]} and per type {@code
 * demand.resources.framebuffer_mib} and {@code max_instances}. The total is the GPU's
 * framebuffer, {@code max over types of framebuffer x max_instance} ("max_instance = GPU
 * framebuffer / type framebuffer", nvidia/OBSERVED.md section A); the free part is the total less
 * the vGPUs present. A type fits {@code min(free / framebuffer, max_instances)} more times.
 *
 * <p>It does not model where the driver places vGPUs inside the framebuffer (fragmentation), nor
 * each type's own count against its {@code max_instance}: Capacity has no per-type used count.
 */
public final class NvidiaMixedSizeModel {
  static final String FRAMEBUFFER = TypeAttributes.FRAMEBUFFER_MIB;

  private NvidiaMixedSizeModel() {}

  public static int fits(Capacity capacity, String typeId) {
    TypeDemand demand = capacity.getDemandMap().get(typeId);
    if (demand == null) {
      return 0;
    }
    long framebuffer = demand.getResourcesOrDefault(FRAMEBUFFER, 0L);
    if (framebuffer <= 0) {
      return 0;
    }
    long free = Math.max(0, capacity.getPoolFreeOrDefault(FRAMEBUFFER, 0L));
    return (int) Math.min(free / framebuffer, demand.getMaxInstances());
  }

  public static Capacity afterCreate(Capacity capacity, String typeId) {
    Models.requireFits(fits(capacity, typeId), capacity, typeId);
    long framebuffer = capacity.getDemandMap().get(typeId).getResourcesOrThrow(FRAMEBUFFER);
    return capacity.toBuilder()
        .putPoolFree(FRAMEBUFFER, capacity.getPoolFreeOrDefault(FRAMEBUFFER, 0L) - framebuffer)
        .setUsedInstances(capacity.getUsedInstances() + 1)
        .build();
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
        .putPoolTotal(FRAMEBUFFER, total)
        .putPoolFree(FRAMEBUFFER, total - used)
        .putAllDemand(demands)
        .build();
  }
}
