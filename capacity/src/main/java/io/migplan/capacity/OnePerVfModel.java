package io.migplan.capacity;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.TypeDemand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * NVIDIA on SR-IOV GPUs (Ampere and later, mdev on VFs or vGPU 17+ without mdev): each VF holds
 * at most one vGPU, and the VFs of one physical GPU ({@code group} = the PF's address) share its
 * framebuffer, so {@code max_instance} counts over the whole group (FACTS.md section 3b).
 *
 * <p>Model per VF: {@code used_instances} 0 or 1; {@code locked_framebuffer_mib} = the size of
 * the group's time-sliced vGPUs (equal-size mode, as on a whole GPU), 0 when none; per type
 * {@code framebuffer_mib} and the board-wide {@code max_instances} (0 = not known, as for vGPU 17+
 * types, which have no description: then only free VFs bound it). MIG-backed types ({@code
 * gpu_instance_slices}) neither set nor respect the lock: MIG slices of different sizes coexist.
 *
 * <p>The unit a planner counts with is the group ({@link CapacityUnit#ofFunction}): free VFs,
 * bounded by max_instance and the lock, with the size-lock arithmetic of {@link
 * NvidiaEqualSizeModel}. It does not model MIG slice placement.
 */
public final class OnePerVfModel {
  private OnePerVfModel() {}

  /** 1 when this VF is free and the group's lock allows the type, else 0. */
  public static int fits(Capacity vf, String typeId) {
    return CapacityUnit.ofFunction(vf.getGroup(), List.of(vf)).headroom(typeId) > 0 ? 1 : 0;
  }

  public static Capacity afterCreate(Capacity vf, String typeId) {
    return CapacityModels.afterCreate(vf, typeId);
  }

  /** How many more of a type the VFs of one physical GPU take: free VFs, bounded by max_instance. */
  public static int fitsInGroup(List<Capacity> vfs, String typeId) {
    return CapacityUnit.ofFunction("", vfs).headroom(typeId);
  }

  /** The group after one vGPU of a type is created on its first free VF (in the given order). */
  public static List<Capacity> afterCreateInGroup(List<Capacity> vfs, String typeId) {
    CapacityUnit group = CapacityUnit.ofFunction("", vfs);
    int t = group.typeIndex(typeId);
    if (t < 0) {
      throw new IllegalArgumentException("no free instance of " + typeId + " on " + group.describe());
    }
    group.create(t);
    List<Capacity> next = new ArrayList<>();
    boolean placed = false;
    for (Capacity vf : vfs) {
      if (!placed && vf.getUsedInstances() == 0) {
        vf = afterCreate(vf, typeId);
        placed = true;
      }
      next.add(vf.toBuilder().setLockedFramebufferMib(group.lockedFramebufferMib()).build());
    }
    return next;
  }

  static int headroom(CapacityUnit u, int t) {
    if (!NvidiaEqualSizeModel.lockAllows(u.locked, u.size[t])) {
      return 0;
    }
    int slots = Math.max(0, u.freeSlots);
    return u.max[t] > 0 ? Math.max(0, Math.min(slots, u.max[t] - u.used)) : slots;
  }

  static int overflow(CapacityUnit u, int[] added) {
    return NvidiaEqualSizeModel.lockedOverflow(u, added, true);
  }

  static void apply(CapacityUnit u, int t, int sign) {
    u.freeSlots -= sign;
    if (sign > 0 && u.locked == 0) {
      u.locked = u.size[t];
    } else if (sign < 0 && u.used == 0) {
      u.locked = 0;
    }
  }

  /** One VF's model; the lock is the group's, computed by the caller over all its VFs. */
  public static Capacity of(String physicalFunction, Map<String, TypeDemand> demands, int usedOnVf, long groupLock) {
    return Capacity.newBuilder()
        .setRule(CapacityRule.CAPACITY_RULE_ONE_PER_VF)
        .setGroup(physicalFunction)
        .setUsedInstances(usedOnVf)
        .setLockedFramebufferMib(groupLock)
        .putAllDemand(demands)
        .build();
  }

  /** The lock a vGPU of this demand puts on its group (0 for MIG-backed or unknown sizes). */
  public static long lockOf(TypeDemand demand) {
    if (demand == null || demand.containsResources(Resources.GPU_INSTANCE_SLICES)) {
      return 0;
    }
    return demand.getResourcesOrDefault(Resources.FRAMEBUFFER_MIB, 0L);
  }
}
