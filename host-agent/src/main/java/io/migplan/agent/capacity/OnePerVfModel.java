package io.migplan.agent.capacity;

import io.migplan.agent.inventory.TypeAttributes;
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
 * types, which have no description). MIG-backed types ({@code gpu_instance_slices}) neither set
 * nor respect the lock: MIG slices of different sizes coexist.
 *
 * <p>{@link #fits} answers for one VF; {@link #fitsInGroup} for a physical GPU, which is the
 * count a planner should use. It does not model MIG slice placement.
 */
public final class OnePerVfModel {
  private OnePerVfModel() {}

  /** 1 when this VF is free and the group's lock allows the type, else 0. */
  public static int fits(Capacity vf, String typeId) {
    TypeDemand demand = vf.getDemandMap().get(typeId);
    if (demand == null || vf.getUsedInstances() > 0 || !lockAllows(vf.getLockedFramebufferMib(), demand)) {
      return 0;
    }
    return 1;
  }

  public static Capacity afterCreate(Capacity vf, String typeId) {
    Models.requireFits(fits(vf, typeId), vf, typeId);
    return vf.toBuilder()
        .setUsedInstances(1)
        .setLockedFramebufferMib(lockAfter(vf.getLockedFramebufferMib(), vf.getDemandMap().get(typeId)))
        .build();
  }

  /** How many more of a type the VFs of one physical GPU take: free VFs, bounded by max_instance. */
  public static int fitsInGroup(List<Capacity> vfs, String typeId) {
    int free = 0;
    int used = 0;
    TypeDemand demand = null;
    for (Capacity vf : vfs) {
      used += vf.getUsedInstances();
      if (fits(vf, typeId) > 0) {
        free++;
        demand = vf.getDemandMap().get(typeId);
      }
    }
    if (demand == null) {
      return 0;
    }
    return demand.getMaxInstances() > 0 ? Math.max(0, Math.min(free, demand.getMaxInstances() - used)) : free;
  }

  /** The group after one vGPU of a type is created on its first free VF (in the given order). */
  public static List<Capacity> afterCreateInGroup(List<Capacity> vfs, String typeId) {
    Models.requireFits(fitsInGroup(vfs, typeId), vfs.isEmpty() ? Capacity.getDefaultInstance() : vfs.get(0), typeId);
    List<Capacity> next = new ArrayList<>();
    boolean placed = false;
    long lock = 0;
    for (Capacity vf : vfs) {
      if (!placed && fits(vf, typeId) > 0) {
        Capacity taken = afterCreate(vf, typeId);
        lock = taken.getLockedFramebufferMib();
        next.add(taken);
        placed = true;
      } else {
        next.add(vf);
      }
    }
    long groupLock = lock;
    next.replaceAll(vf -> vf.toBuilder().setLockedFramebufferMib(groupLock).build());
    return next;
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
    if (demand == null || demand.containsResources(TypeAttributes.GPU_INSTANCE_SLICES)) {
      return 0;
    }
    return demand.getResourcesOrDefault(TypeAttributes.FRAMEBUFFER_MIB, 0L);
  }

  private static boolean lockAllows(long locked, TypeDemand demand) {
    long size = lockOf(demand);
    return locked == 0 || size == 0 || locked == size;
  }

  private static long lockAfter(long locked, TypeDemand demand) {
    long size = lockOf(demand);
    return locked != 0 ? locked : size;
  }
}
