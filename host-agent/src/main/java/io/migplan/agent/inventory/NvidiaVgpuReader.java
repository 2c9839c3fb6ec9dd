package io.migplan.agent.inventory;

import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ParentKind;
import io.migplan.proto.v1.Problem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The second NVIDIA backend: vGPU 17+ on Ada, Hopper and Blackwell has no mdev. Each SR-IOV VF
 * has {@code /sys/bus/pci/devices/<VF>/nvidia/creatable_vgpu_types} (lines {@code <id> : <name>},
 * possibly under a header line) and {@code current_vgpu_type} (0 = none, else the id of the vGPU
 * on the VF); nvidia/OBSERVED.md section E.
 *
 * <p>Decides, for each such VF: a parent of kind {@code PARENT_KIND_NVIDIA_VGPU}; its types with
 * id {@code nvidia-<id>}, the id space of the mdev-era type directories (NVIDIA's global vGPU type
 * id, OBSERVED.md section A), so one type is one id on every host; available 1 when the type is
 * listed and the VF holds no vGPU, else 0; the vGPU present as a {@link DeviceInstance} with a
 * {@link VgpuDeviceIds derived id}, its type listed (available 0) even when the driver no longer
 * lists it as creatable. Lines that are not {@code <digits> : <name>} are skipped as the NVIDIA
 * parser does (header lines); an unreadable file is a {@link Problem} and the VF is still reported.
 *
 * <p>Does not create or delete vGPUs, and does not read placement or GPU instance ids.
 */
final class NvidiaVgpuReader {
  static final String CREATABLE = "creatable_vgpu_types";
  static final String CURRENT = "current_vgpu_type";
  /** The VF is passed to the VM as a PCI hostdev, so the device API is vfio-pci (gpu-operator#2594). */
  static final String DEVICE_API = "vfio-pci";

  private final HostRoot root;
  private final MdevInventoryReader facts;
  private final Map<String, String> driverVersions;

  NvidiaVgpuReader(HostRoot root, MdevInventoryReader facts, Map<String, String> driverVersions) {
    this.root = root;
    this.facts = facts;
    this.driverVersions = driverVersions;
  }

  void read(
      Set<String> mdevParents, List<ParentDevice.Builder> parents, List<DeviceInstance> instances, List<Problem> problems) {
    Path devices = root.resolve("sys/bus/pci/devices");
    for (Path entry : MdevInventoryReader.sortedEntries(devices, problems, "the PCI devices")) {
      String address = entry.getFileName().toString();
      if (mdevParents.contains(address)) {
        continue;
      }
      try {
        readVf(entry, address, parents, instances, problems);
      } catch (RuntimeException e) {
        problems.add(
            Problems.sysfs(
                entry,
                "vGPU device " + address + " could not be read (" + Problems.describe(e)
                    + "); check it with `nvidia-smi vgpu` and the driver log."));
      }
    }
  }

  private void readVf(
      Path entry, String address, List<ParentDevice.Builder> parents, List<DeviceInstance> instances, List<Problem> problems) {
    Path creatablePath = entry.resolve("nvidia").resolve(CREATABLE);
    Optional<String> creatable;
    boolean creatableBroken = false;
    try {
      creatable = SysfsValues.readTextIfPresent(creatablePath);
    } catch (IOException e) {
      creatable = Optional.of("");
      creatableBroken = true;
      problems.add(
          Problems.sysfs(
              creatablePath,
              "The creatable vGPU types of " + address + " could not be read (" + Problems.describe(e)
                  + "); the VF is reported without free types, check the NVIDIA vGPU manager."));
    }
    if (creatable.isEmpty()) {
      return; // not a vGPU 17+ VF
    }
    Path currentPath = entry.resolve("nvidia").resolve(CURRENT);
    String currentRaw = null;
    long current = -1; // unknown
    try {
      Optional<String> text = SysfsValues.readTextIfPresent(currentPath);
      if (text.isEmpty()) {
        problems.add(
            Problems.sysfs(
                currentPath,
                "vGPU device " + address + " has " + CREATABLE + " but no " + CURRENT
                    + "; no free type is reported for it, check the NVIDIA vGPU manager version."));
      } else {
        currentRaw = text.get();
        String v = currentRaw.strip();
        if (TypeAttributes.isDecimal(v)) {
          current = Long.parseLong(v);
        } else {
          problems.add(
              Problems.sysfs(
                  currentPath,
                  "vGPU device " + address + " has a " + CURRENT + " that is not a type id ('"
                      + Problems.excerpt(v) + "'); no free type is reported for it, check the NVIDIA vGPU manager."));
        }
      }
    } catch (IOException e) {
      problems.add(
          Problems.sysfs(
              currentPath,
              CURRENT + " of " + address + " could not be read (" + Problems.describe(e)
                  + "); no free type is reported for it, check the NVIDIA vGPU manager."));
    }

    ParentDevice.Builder parent =
        ParentDevice.newBuilder().setAddress(address).setKind(ParentKind.PARENT_KIND_NVIDIA_VGPU);
    facts.readParentFacts(entry, parent, driverVersions, problems);

    Map<String, DeviceType.Builder> types = new LinkedHashMap<>();
    if (!creatableBroken) {
      for (String line : creatable.get().split("\n", -1)) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String id = line.substring(0, colon).strip();
        if (!TypeAttributes.isDecimal(id)) {
          continue; // a header such as "ID : vGPU type"
        }
        String typeId = "nvidia-" + Long.parseLong(id);
        String name = line.substring(colon + 1).strip();
        types.putIfAbsent(
            typeId,
            DeviceType.newBuilder()
                .setTypeId(typeId)
                .setName(name)
                .setDeviceApi(DEVICE_API)
                .setAvailableInstances(current == 0 ? 1 : 0)
                .putAllAttributes(TypeAttributes.fromVgpuName(name))
                .putRaw(CREATABLE, line));
      }
    }
    if (current > 0) {
      String typeId = "nvidia-" + current;
      DeviceType.Builder present =
          types.computeIfAbsent(typeId, k -> DeviceType.newBuilder().setTypeId(k).setDeviceApi(DEVICE_API));
      present.setAvailableInstances(0).putRaw(CURRENT, currentRaw);
      Optional<String> id = VgpuDeviceIds.forAddress(address);
      if (id.isPresent()) {
        instances.add(
            DeviceInstance.newBuilder().setUuid(id.get()).setTypeId(typeId).setParentAddress(address).build());
      } else {
        problems.add(
            Problems.sysfs(
                entry,
                "vGPU device " + address + " holds vGPU type " + current
                    + " but its name is not a PCI address, so the vGPU cannot be given an id; check the sysfs layout."));
      }
    }
    List<MdevInventoryReader.RawType> raw = new ArrayList<>();
    types.values().stream()
        .sorted(java.util.Comparator.comparing(DeviceType.Builder::getTypeId))
        .forEach(t -> raw.add(new MdevInventoryReader.RawType(t, Optional.empty())));
    MdevInventoryReader.addTypes(parent, raw);
    parents.add(parent);
  }
}
