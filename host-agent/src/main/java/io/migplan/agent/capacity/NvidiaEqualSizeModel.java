package io.migplan.agent.capacity;

import io.migplan.agent.inventory.TypeAttributes;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.TypeDemand;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * NVIDIA time-sliced vGPU in equal-size mode, the driver default (FACTS.md section 3a): a GPU
 * with vGPUs of framebuffer F accepts only types of size F, up to each type's {@code
 * max_instance} counted over all vGPUs present; an empty GPU accepts any type.
 *
 * <p>Model: {@code locked_framebuffer_mib} (0 = none), {@code used_instances}, and per type
 * {@code demand.resources.framebuffer_mib} and {@code max_instances}. A type fits {@code
 * max_instances - used} more times when the GPU is unlocked or locked to its size, else 0.
 *
 * <p>It assumes "heterogeneous time-slice profiles" (2B beside 2Q): on GPUs without it the driver
 * shows only the type present, so the agent's {@code available_instances} stays the authority.
 */
public final class NvidiaEqualSizeModel {
  private NvidiaEqualSizeModel() {}

  public static int fits(Capacity capacity, String typeId) {
    TypeDemand demand = capacity.getDemandMap().get(typeId);
    if (demand == null) {
      return 0;
    }
    long framebuffer = demand.getResourcesOrDefault(TypeAttributes.FRAMEBUFFER_MIB, 0L);
    long locked = capacity.getLockedFramebufferMib();
    if (locked != 0 && locked != framebuffer) {
      return 0;
    }
    return Math.max(0, demand.getMaxInstances() - capacity.getUsedInstances());
  }

  public static Capacity afterCreate(Capacity capacity, String typeId) {
    Models.requireFits(fits(capacity, typeId), capacity, typeId);
    return capacity.toBuilder()
        .setLockedFramebufferMib(
            capacity.getDemandMap().get(typeId).getResourcesOrThrow(TypeAttributes.FRAMEBUFFER_MIB))
        .setUsedInstances(capacity.getUsedInstances() + 1)
        .build();
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
        locked = Math.max(locked, demand.getResourcesOrDefault(TypeAttributes.FRAMEBUFFER_MIB, 0L));
      }
    }
    return Capacity.newBuilder()
        .setRule(CapacityRule.CAPACITY_RULE_NVIDIA_EQUAL_SIZE)
        .setLockedFramebufferMib(locked)
        .setUsedInstances(instanceTypes.size())
        .putAllDemand(demands)
        .build();
  }

  /** framebuffer_mib and max_instance from the parsed description; empty when either is missing. */
  public static Optional<TypeDemand> demand(DeviceType type) {
    String framebuffer = type.getAttributesMap().get(TypeAttributes.FRAMEBUFFER_MIB);
    String max = type.getAttributesMap().get(TypeAttributes.MAX_INSTANCE);
    if (framebuffer == null || max == null) {
      return Optional.empty();
    }
    return Optional.of(demand(Long.parseLong(framebuffer), Integer.parseInt(max)));
  }

  /** What one vGPU of a type with this framebuffer and max_instance takes. */
  public static TypeDemand demand(long framebufferMib, int maxInstances) {
    return TypeDemand.newBuilder()
        .putResources(TypeAttributes.FRAMEBUFFER_MIB, framebufferMib)
        .setMaxInstances(maxInstances)
        .build();
  }
}
