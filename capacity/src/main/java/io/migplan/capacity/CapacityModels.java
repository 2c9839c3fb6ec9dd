package io.migplan.capacity;

import io.migplan.proto.v1.Capacity;

/**
 * One entry point for the agent and its simulator, over a parent's {@link Capacity} message: how
 * many more instances of a type fit, and the capacity after creating one, by its rule. Each
 * rule's arithmetic lives in its own class and is reached through {@link CapacityUnit}, the
 * form the scheduler's planners count with, so both sides answer alike. It does not re-read
 * sysfs: a real host's {@code available_instances} after a change is the authority.
 */
public final class CapacityModels {
  private CapacityModels() {}

  public static int fits(Capacity capacity, String typeId) {
    return CapacityUnit.of(capacity).headroom(typeId);
  }

  /** @throws IllegalArgumentException when the type does not fit */
  public static Capacity afterCreate(Capacity capacity, String typeId) {
    if (!CapacityUnit.modelled(capacity.getRule())) {
      throw new IllegalArgumentException("no capacity rule to create " + typeId + " with");
    }
    CapacityUnit unit = CapacityUnit.of(capacity);
    int t = unit.typeIndex(typeId);
    if (t < 0) {
      throw new IllegalArgumentException(
          "no free instance of " + typeId + " under rule " + capacity.getRule() + " (the model does not know it)");
    }
    unit.create(t);
    return unit.toCapacity(capacity);
  }
}
