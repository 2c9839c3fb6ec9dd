package io.migplan.agent.capacity;

import io.migplan.proto.v1.Capacity;

/** Checks shared by the model classes. */
final class Models {
  private Models() {}

  static void requireFits(int fits, Capacity capacity, String typeId) {
    if (fits <= 0) {
      throw new IllegalArgumentException(
          "no free instance of " + typeId + " under rule " + capacity.getRule() + " (fits 0)");
    }
  }
}
