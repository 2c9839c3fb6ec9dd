package io.migplan.agent.capacity;

import io.migplan.proto.v1.Capacity;

/**
 * One entry point for the scheduler, the simulator and the agent: how many more instances of a
 * type fit a parent's {@link Capacity}, and the capacity after creating one, by its rule. Each
 * rule's arithmetic lives in its own class; this only picks the class. It does not re-read
 * sysfs: a real host's {@code available_instances} after a change is the authority.
 */
public final class CapacityModels {
  private CapacityModels() {}

  public static int fits(Capacity capacity, String typeId) {
    return switch (capacity.getRule()) {
      case CAPACITY_RULE_NVIDIA_EQUAL_SIZE -> NvidiaEqualSizeModel.fits(capacity, typeId);
      case CAPACITY_RULE_NVIDIA_MIXED_SIZE -> NvidiaMixedSizeModel.fits(capacity, typeId);
      case CAPACITY_RULE_SHARED_POOL, CAPACITY_RULE_INDEPENDENT -> SharedPoolModel.fits(capacity, typeId);
      case CAPACITY_RULE_ONE_PER_VF -> OnePerVfModel.fits(capacity, typeId);
      default -> 0;
    };
  }

  /** @throws IllegalArgumentException when the type does not fit */
  public static Capacity afterCreate(Capacity capacity, String typeId) {
    return switch (capacity.getRule()) {
      case CAPACITY_RULE_NVIDIA_EQUAL_SIZE -> NvidiaEqualSizeModel.afterCreate(capacity, typeId);
      case CAPACITY_RULE_NVIDIA_MIXED_SIZE -> NvidiaMixedSizeModel.afterCreate(capacity, typeId);
      case CAPACITY_RULE_SHARED_POOL, CAPACITY_RULE_INDEPENDENT -> SharedPoolModel.afterCreate(capacity, typeId);
      case CAPACITY_RULE_ONE_PER_VF -> OnePerVfModel.afterCreate(capacity, typeId);
      default -> throw new IllegalArgumentException("no capacity rule to create " + typeId + " with");
    };
  }
}
