package io.migplan.agent.inventory;

import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.Problem;
import java.util.List;

/** What one scan of the mdev part of sysfs found; every list is sorted. */
public record MdevInventory(
    List<ParentDevice> parents, List<DeviceInstance> instances, List<Problem> problems) {
  public MdevInventory {
    parents = List.copyOf(parents);
    instances = List.copyOf(instances);
    problems = List.copyOf(problems);
  }
}
