package io.migplan.agent.inventory;

import io.migplan.capacity.GvtgPoolModel;
import io.migplan.capacity.NvidiaEqualSizeModel;
import io.migplan.capacity.NvidiaMixedSizeModel;
import io.migplan.capacity.OnePerVfModel;
import io.migplan.capacity.Resources;
import io.migplan.capacity.SamplePoolModels;
import io.migplan.capacity.SharedPoolModel;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ParentKind;
import io.migplan.proto.v1.TypeDemand;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Picks each parent's capacity rule and fills in its model from what a scan read.
 *
 * <p>The rule follows the driver that owns the types (the type id prefix):
 *
 * <ul>
 *   <li>nvidia on an SR-IOV VF (a {@code physfn} link, or a vGPU 17+ parent) → ONE_PER_VF, grouped
 *       by physical function;
 *   <li>nvidia otherwise → NVIDIA_MIXED_SIZE when the GPU is in mixed-size mode, else
 *       NVIDIA_EQUAL_SIZE. Sysfs has no mode attribute, so the agent knows it from the
 *       operator's configuration ({@code nvidiaMixedSizeParents}) or from what the driver shows:
 *       vGPUs of different sizes present, or a GPU holding vGPUs of one size while a type of
 *       another size still reads available &gt; 0 — both impossible in equal-size mode. An empty
 *       GPU looks the same in both modes, so only the configuration can tell there;
 *   <li>i915 → SHARED_POOL ({@link GvtgPoolModel}); mtty, mdpy, mbochs → SHARED_POOL ({@link
 *       SamplePoolModels});
 *   <li>anything else (vfio-ccw, vfio-ap, unknown vendors), or a vendor type whose description
 *       could not be read → INDEPENDENT, each type's own count.
 * </ul>
 *
 * It does not read files or report problems: the reader does that before.
 */
public final class ParentCapacities {
  private ParentCapacities() {}

  public static void assign(
      List<ParentDevice.Builder> parents, List<DeviceInstance> instances, Predicate<String> mixedSizeConfigured) {
    Map<String, List<String>> instanceTypes = new HashMap<>();
    for (DeviceInstance i : instances) {
      instanceTypes.computeIfAbsent(i.getParentAddress(), k -> new ArrayList<>()).add(i.getTypeId());
    }
    // The lock of a physical GPU comes from the vGPUs on any of its VFs.
    Map<String, Long> groupLocks = new HashMap<>();
    List<ParentDevice.Builder> vfParents = new ArrayList<>();
    for (ParentDevice.Builder parent : parents) {
      List<String> present = instanceTypes.getOrDefault(parent.getAddress(), List.of());
      String driver = driverOf(parent);
      if (parent.getKind() == ParentKind.PARENT_KIND_NVIDIA_VGPU || (driver.equals("nvidia") && isVf(parent))) {
        Map<String, TypeDemand> demands = vfDemands(parent);
        String group = parent.getPhysicalFunction().isEmpty() ? parent.getAddress() : parent.getPhysicalFunction();
        for (String typeId : present) {
          long lock = OnePerVfModel.lockOf(demands.get(typeId));
          if (lock > 0) {
            groupLocks.merge(group, lock, Math::max);
          }
        }
        vfParents.add(parent);
        continue;
      }
      parent.setCapacity(capacity(parent, driver, present, mixedSizeConfigured));
    }
    for (ParentDevice.Builder parent : vfParents) {
      String group = parent.getPhysicalFunction().isEmpty() ? parent.getAddress() : parent.getPhysicalFunction();
      int used = instanceTypes.getOrDefault(parent.getAddress(), List.of()).size();
      parent.setCapacity(
          OnePerVfModel.of(group, vfDemands(parent), used, groupLocks.getOrDefault(group, 0L)));
    }
  }

  private static Capacity capacity(
      ParentDevice.Builder parent, String driver, List<String> present, Predicate<String> mixedSizeConfigured) {
    Map<String, Integer> available = new TreeMap<>();
    for (DeviceType t : parent.getTypesList()) {
      available.put(t.getTypeId(), t.getAvailableInstances());
    }
    switch (driver) {
      case "nvidia" -> {
        Optional<Map<String, TypeDemand>> demands = allDemands(parent, ParentCapacities::nvidiaDemand);
        if (demands.isPresent()) {
          return mixedSize(parent, demands.get(), present, mixedSizeConfigured)
              ? NvidiaMixedSizeModel.of(demands.get(), present)
              : NvidiaEqualSizeModel.of(demands.get(), present);
        }
      }
      case "i915" -> {
        Optional<Map<String, TypeDemand>> demands = allDemands(parent, ParentCapacities::gvtgDemand);
        if (demands.isPresent()) {
          return GvtgPoolModel.infer(demands.get(), available, present);
        }
      }
      case "mtty", "mdpy", "mbochs" -> {
        Optional<Map<String, TypeDemand>> demands = allDemands(parent, ParentCapacities::sampleDemand);
        if (demands.isPresent()) {
          return SamplePoolModels.infer(demands.get(), available, present);
        }
      }
      default -> {
        // independent counts below
      }
    }
    return SharedPoolModel.independent(available, present);
  }

  /** See the class comment: configured, or shown by the driver's own counts. */
  static boolean mixedSize(
      ParentDevice.Builder parent, Map<String, TypeDemand> demands, List<String> present, Predicate<String> configured) {
    if (configured.test(parent.getAddress())) {
      return true;
    }
    long lock = 0;
    for (String typeId : present) {
      TypeDemand d = demands.get(typeId);
      if (d == null) {
        continue;
      }
      long size = d.getResourcesOrDefault(TypeAttributes.FRAMEBUFFER_MIB, 0L);
      if (lock != 0 && size != lock) {
        return true;
      }
      lock = size;
    }
    if (lock == 0) {
      return false;
    }
    for (DeviceType t : parent.getTypesList()) {
      TypeDemand d = demands.get(t.getTypeId());
      if (d != null && t.getAvailableInstances() > 0 && d.getResourcesOrDefault(TypeAttributes.FRAMEBUFFER_MIB, 0L) != lock) {
        return true;
      }
    }
    return false;
  }

  /** framebuffer_mib and max_instance from the parsed description; empty when either is missing. */
  static Optional<TypeDemand> nvidiaDemand(DeviceType type) {
    String framebuffer = type.getAttributesMap().get(TypeAttributes.FRAMEBUFFER_MIB);
    String max = type.getAttributesMap().get(TypeAttributes.MAX_INSTANCE);
    if (framebuffer == null || max == null) {
      return Optional.empty();
    }
    return Optional.of(NvidiaEqualSizeModel.demand(Long.parseLong(framebuffer), Integer.parseInt(max)));
  }

  /** low_gm_mib, high_gm_mib and fences from the parsed description; empty if one is missing. */
  static Optional<TypeDemand> gvtgDemand(DeviceType type) {
    Map<String, String> a = type.getAttributesMap();
    return GvtgPoolModel.demand(
        a.get(TypeAttributes.LOW_GM_MIB), a.get(TypeAttributes.HIGH_GM_MIB), a.get(TypeAttributes.FENCES));
  }

  /** What one instance of a sample type takes; empty for other drivers or unparsed types. */
  static Optional<TypeDemand> sampleDemand(DeviceType type) {
    Map<String, String> a = type.getAttributesMap();
    return switch (TypeAttributes.driverOf(type.getTypeId())) {
      case "mtty" -> SamplePoolModels.amount(Resources.PORTS, a.get(TypeAttributes.PORTS));
      case "mdpy" -> SamplePoolModels.amount(Resources.DEVICES, "1");
      case "mbochs" -> SamplePoolModels.amount(Resources.MEMORY_MIB, a.get(TypeAttributes.MEMORY_MIB));
      default -> Optional.empty();
    };
  }

  private static Map<String, TypeDemand> vfDemands(ParentDevice.Builder parent) {
    Map<String, TypeDemand> out = new TreeMap<>();
    for (DeviceType t : parent.getTypesList()) {
      TypeDemand.Builder d = TypeDemand.newBuilder();
      Map<String, String> a = t.getAttributesMap();
      long framebuffer = parseLong(a.get(TypeAttributes.FRAMEBUFFER_MIB));
      if (framebuffer > 0) {
        d.putResources(TypeAttributes.FRAMEBUFFER_MIB, framebuffer);
      }
      long slices = parseLong(a.get(TypeAttributes.GPU_INSTANCE_SLICES));
      if (slices > 0) {
        d.putResources(TypeAttributes.GPU_INSTANCE_SLICES, slices);
      }
      long max = parseLong(a.get(TypeAttributes.MAX_INSTANCE));
      if (max > 0) {
        d.setMaxInstances((int) max);
      }
      out.put(t.getTypeId(), d.build());
    }
    return out;
  }

  private static Optional<Map<String, TypeDemand>> allDemands(
      ParentDevice.Builder parent, java.util.function.Function<DeviceType, Optional<TypeDemand>> demandOf) {
    Map<String, TypeDemand> out = new TreeMap<>();
    for (DeviceType t : parent.getTypesList()) {
      Optional<TypeDemand> d = demandOf.apply(t);
      if (d.isEmpty()) {
        return Optional.empty();
      }
      out.put(t.getTypeId(), d.get());
    }
    return Optional.of(out);
  }

  private static boolean isVf(ParentDevice.Builder parent) {
    return parent.getKind() == ParentKind.PARENT_KIND_NVIDIA_VGPU || !parent.getPhysicalFunction().isEmpty();
  }

  /** The driver owning a parent's types; "" when they disagree or there are none. */
  static String driverOf(ParentDevice.Builder parent) {
    String driver = null;
    for (DeviceType t : parent.getTypesList()) {
      String d = TypeAttributes.driverOf(t.getTypeId());
      if (driver == null) {
        driver = d;
      } else if (!driver.equals(d)) {
        return "";
      }
    }
    return driver == null ? "" : driver;
  }

  private static long parseLong(String value) {
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
