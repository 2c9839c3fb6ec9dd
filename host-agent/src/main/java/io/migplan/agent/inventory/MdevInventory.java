package io.migplan.agent.inventory;

import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.Problem;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What one scan of the mdev part of sysfs found; every list is sorted. */
public record MdevInventory(
    List<ParentDevice> parents, List<DeviceInstance> instances, List<Problem> problems) {
  public MdevInventory {
    parents = List.copyOf(parents);
    instances = List.copyOf(instances);
    problems = List.copyOf(problems);
  }

  /**
   * VF address -> device id of the vGPUs that VMs hold as PCI hostdevs (vGPU 17+, no mdev), so a
   * VM's {@code <hostdev type='pci'>} names the same device as the inventory.
   */
  public Map<String, String> pciDeviceIds() {
    Map<String, String> ids = new TreeMap<>();
    for (DeviceInstance i : instances) {
      if (VgpuDeviceIds.isDerived(i.getUuid())) {
        ids.put(i.getParentAddress(), i.getUuid());
      }
    }
    return ids;
  }
}
