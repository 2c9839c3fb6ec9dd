package io.migplan.capacity;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.TypeDemand;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One physical capacity that mdevs share, in the compact form planners count with: a GPU under
 * NVIDIA's equal-size or mixed-size rule, the virtual functions of one SR-IOV GPU (one vGPU per
 * VF), a pool shared by every type (GVT-g, the kernel samples), or a parent whose types count
 * independently. Its types are indexed once ({@link #typeIndex}); the arithmetic of each rule
 * lives in the rule's own class ({@link NvidiaEqualSizeModel}, {@link NvidiaMixedSizeModel},
 * {@link OnePerVfModel}, {@link SharedPoolModel}) and this class only holds the numbers and picks
 * the rule.
 *
 * <p>It answers three questions: how many more of one type fit now ({@link #headroom}), how many
 * of a set of new instances would not fit ({@link #overflow}, the solver's question), and what the
 * unit looks like after an instance is created or removed ({@link #create}, {@link #remove}, the
 * campaign simulation's and the agent's). A type the model has no demand for never fits.
 *
 * <p>It does not decide compatibility, which VF a vGPU binds to, or anything about hosts. Mutable
 * through {@link #create} and {@link #remove} only; {@link #copy} before changing a shared one.
 */
public final class CapacityUnit {

  final String id;
  final CapacityRule rule;
  final String[] typeIds;
  /** Whether {@link #typeIds} is in order (a whole unit), so a lookup can bisect it. */
  private final boolean sorted;
  /** The framebuffer that locks a GPU (equal size, one per VF; 0 for MIG) or that it takes (mixed size). */
  final long[] size;
  /** A type's own limit (NVIDIA max_instance); 0 when not known. */
  final int[] max;
  final String[] pools;
  /** [type][pool]: what one instance takes from each pool. */
  final long[][] need;

  long locked;
  int used;
  final int[] usedByType;
  final long[] poolFree;
  /** Free VFs of a one-per-VF unit; {@link Integer#MAX_VALUE} for every other rule. */
  int freeSlots;

  /** @param types the types to count, in this order, those without a demand left out; null: all, sorted */
  private CapacityUnit(String id, CapacityRule rule, Map<String, TypeDemand> demands, Map<String, Long> poolFree,
      long locked, int used, Map<String, Integer> usedByType, int freeSlots, List<String> types) {
    this.id = id;
    this.rule = rule;
    if (types == null) {
      this.typeIds = demands.keySet().toArray(String[]::new);
      Arrays.sort(typeIds);
      this.sorted = true;
    } else {
      this.typeIds = types.stream().filter(demands::containsKey).toArray(String[]::new);
      this.sorted = false;
    }
    this.pools = poolFree.keySet().toArray(String[]::new);
    Arrays.sort(pools);
    this.size = new long[typeIds.length];
    this.max = new int[typeIds.length];
    this.need = new long[typeIds.length][pools.length];
    this.usedByType = new int[typeIds.length];
    for (int t = 0; t < typeIds.length; t++) {
      TypeDemand d = demands.get(typeIds[t]);
      size[t] = rule == CapacityRule.CAPACITY_RULE_ONE_PER_VF ? OnePerVfModel.lockOf(d)
          : d.getResourcesOrDefault(Resources.FRAMEBUFFER_MIB, 0L);
      max[t] = d.getMaxInstances();
      for (int r = 0; r < pools.length; r++) {
        need[t][r] = d.getResourcesOrDefault(pools[r], 0L);
      }
      this.usedByType[t] = usedByType.getOrDefault(typeIds[t], 0);
    }
    this.poolFree = new long[pools.length];
    for (int r = 0; r < pools.length; r++) {
      this.poolFree[r] = poolFree.get(pools[r]);
    }
    this.locked = locked;
    this.used = used;
    this.freeSlots = freeSlots;
  }

  private CapacityUnit(CapacityUnit other) {
    this.id = other.id;
    this.rule = other.rule;
    this.typeIds = other.typeIds;
    this.sorted = other.sorted;
    this.size = other.size;
    this.max = other.max;
    this.pools = other.pools;
    this.need = other.need;
    this.locked = other.locked;
    this.used = other.used;
    this.usedByType = other.usedByType.clone();
    this.poolFree = other.poolFree.clone();
    this.freeSlots = other.freeSlots;
  }

  private CapacityUnit(CapacityUnit other, int[] keep) {
    this.id = other.id;
    this.rule = other.rule;
    this.typeIds = new String[keep.length];
    this.sorted = false;
    this.size = new long[keep.length];
    this.max = new int[keep.length];
    this.need = new long[keep.length][];
    this.usedByType = new int[keep.length];
    for (int k = 0; k < keep.length; k++) {
      int t = keep[k];
      typeIds[k] = other.typeIds[t];
      size[k] = other.size[t];
      max[k] = other.max[t];
      need[k] = other.need[t];
      usedByType[k] = other.usedByType[t];
    }
    this.pools = other.pools;
    this.poolFree = other.poolFree.clone();
    this.locked = other.locked;
    this.used = other.used;
    this.freeSlots = other.freeSlots;
  }

  /**
   * The same unit, numbers and all, with only the given types, indexed in the given order: a
   * planner that counts a handful of types keeps its arrays that short. Every rule answers for a
   * subset of types exactly as for the whole.
   *
   * @throws IllegalArgumentException for a type the model does not know
   */
  public CapacityUnit restrict(List<String> typeIds) {
    int[] keep = new int[typeIds.size()];
    for (int k = 0; k < keep.length; k++) {
      keep[k] = typeIndex(typeIds.get(k));
      if (keep[k] < 0) {
        throw new IllegalArgumentException(typeIds.get(k) + " is not a type of " + describe());
      }
    }
    return new CapacityUnit(this, keep);
  }

  /**
   * The unit of one parent from its model. A parent reported without a model (rule unspecified)
   * counts its types independently, each at what sysfs says is free now ({@code available}): the
   * only safe arithmetic without one.
   *
   * @param available type id -> available_instances as reported; read only without a model
   */
  public static CapacityUnit of(String id, Capacity capacity, Map<String, Integer> available) {
    return of(id, capacity, available, null);
  }

  /**
   * {@link #of(String, Capacity, Map)} counting only {@code types}, in that order (those the model
   * has no demand for are left out): what {@link #restrict} gives, without reading the others.
   */
  public static CapacityUnit of(String id, Capacity capacity, Map<String, Integer> available, List<String> types) {
    Capacity c = capacity;
    if (!modelled(c.getRule())) {
      c = SharedPoolModel.independent(available, List.of()).toBuilder()
          .setUsedInstances(capacity.getUsedInstances()).build();
    }
    int slots = c.getRule() == CapacityRule.CAPACITY_RULE_ONE_PER_VF
        ? (c.getUsedInstances() > 0 ? 0 : 1) : Integer.MAX_VALUE;
    return new CapacityUnit(id, c.getRule(), c.getDemandMap(), c.getPoolFreeMap(), c.getLockedFramebufferMib(),
        c.getUsedInstances(), c.getUsedByTypeMap(), slots, types);
  }

  /** The unit of one parent whose model is complete (the agent's own view). */
  public static CapacityUnit of(Capacity capacity) {
    return of("", capacity, Map.of());
  }

  /**
   * The unit of the VFs of one physical GPU (their {@code group}): each VF holds one vGPU, the
   * lock and the board-wide max_instance are the group's.
   */
  public static CapacityUnit ofFunction(String id, List<Capacity> vfs) {
    return ofFunction(id, vfs, null);
  }

  /** {@link #ofFunction(String, List)} counting only {@code types}, in that order (see {@link #of(String, Capacity, Map, List)}). */
  public static CapacityUnit ofFunction(String id, List<Capacity> vfs, List<String> types) {
    Map<String, TypeDemand> demands = new HashMap<>();
    Map<String, Integer> usedByType = new HashMap<>();
    long locked = 0;
    int used = 0;
    int free = 0;
    for (Capacity vf : vfs) {
      if (types == null) {
        vf.getDemandMap().forEach(demands::putIfAbsent);
        vf.getUsedByTypeMap().forEach((t, n) -> usedByType.merge(t, n, Integer::sum));
      } else {
        for (String t : types) {
          TypeDemand d = demands.containsKey(t) ? null : vf.getDemandMap().get(t);
          if (d != null) {
            demands.put(t, d);
          }
          int n = vf.getUsedByTypeOrDefault(t, 0);
          if (n > 0) {
            usedByType.merge(t, n, Integer::sum);
          }
        }
      }
      locked = Math.max(locked, vf.getLockedFramebufferMib());
      used += vf.getUsedInstances();
      if (vf.getUsedInstances() == 0) {
        free++;
      }
    }
    return new CapacityUnit(id, CapacityRule.CAPACITY_RULE_ONE_PER_VF, demands, Map.of(), locked, used, usedByType,
        free, types);
  }

  /**
   * Which unit a parent's instances count against: an SR-IOV VF's physical function (its {@code
   * group}), shared by all its VFs ({@link #ofFunction}); any other parent is a unit of its own.
   */
  public static String unitId(String parentAddress, Capacity capacity) {
    return capacity.getRule() == CapacityRule.CAPACITY_RULE_ONE_PER_VF && !capacity.getGroup().isEmpty()
        ? capacity.getGroup() : parentAddress;
  }

  /** Whether the rule has arithmetic of its own; anything else is counted as independent types. */
  public static boolean modelled(CapacityRule rule) {
    return switch (rule) {
      case CAPACITY_RULE_NVIDIA_EQUAL_SIZE, CAPACITY_RULE_NVIDIA_MIXED_SIZE, CAPACITY_RULE_SHARED_POOL,
          CAPACITY_RULE_ONE_PER_VF, CAPACITY_RULE_INDEPENDENT -> true;
      default -> false;
    };
  }

  /** The index of a type within this unit; -1 when the model has no demand for it. */
  public int typeIndex(String typeId) {
    if (sorted) {
      int t = Arrays.binarySearch(typeIds, typeId);
      return t < 0 ? -1 : t;
    }
    // A restricted unit holds the few types a planner asked for.
    for (int t = 0; t < typeIds.length; t++) {
      if (typeIds[t].equals(typeId)) {
        return t;
      }
    }
    return -1;
  }

  public int typeCount() {
    return typeIds.length;
  }

  public String typeId(int type) {
    return typeIds[type];
  }

  /** How many more instances of a type fit now, on their own. */
  public int headroom(int type) {
    return switch (rule) {
      case CAPACITY_RULE_NVIDIA_EQUAL_SIZE -> NvidiaEqualSizeModel.headroom(this, type);
      case CAPACITY_RULE_NVIDIA_MIXED_SIZE -> NvidiaMixedSizeModel.headroom(this, type);
      case CAPACITY_RULE_ONE_PER_VF -> OnePerVfModel.headroom(this, type);
      default -> SharedPoolModel.headroom(this, type);
    };
  }

  /** {@link #headroom(int)} by type id; 0 for a type the model does not know. */
  public int headroom(String typeId) {
    int t = typeIndex(typeId);
    return t < 0 ? 0 : headroom(t);
  }

  /**
   * How many more instances of a type one parent of this unit takes now: an SR-IOV VF takes one
   * while it is free and its function has room; any other parent is the unit itself.
   *
   * @param instancesOnParent instances on that parent now (for a VF, 0 or 1)
   */
  public int parentHeadroom(int type, int instancesOnParent) {
    int room = headroom(type);
    if (rule == CapacityRule.CAPACITY_RULE_ONE_PER_VF) {
      return instancesOnParent == 0 && room > 0 ? 1 : 0;
    }
    return room;
  }

  /**
   * How many of the new instances, counted per type index, this unit cannot hold on top of what
   * it holds now; 0 when they all fit. Never more than their number.
   */
  public int overflow(int[] added) {
    return switch (rule) {
      case CAPACITY_RULE_NVIDIA_EQUAL_SIZE -> NvidiaEqualSizeModel.overflow(this, added);
      case CAPACITY_RULE_NVIDIA_MIXED_SIZE -> NvidiaMixedSizeModel.overflow(this, added);
      case CAPACITY_RULE_ONE_PER_VF -> OnePerVfModel.overflow(this, added);
      default -> SharedPoolModel.overflow(this, added);
    };
  }

  /**
   * Records one more instance of a type.
   *
   * @throws IllegalArgumentException when it does not fit
   */
  public void create(int type) {
    if (headroom(type) <= 0) {
      throw new IllegalArgumentException("no free instance of " + typeIds[type] + " on " + describe());
    }
    apply(type, 1);
  }

  /**
   * Records that an instance of a type is gone: its resources return, and a GPU or function left
   * empty loses its size lock.
   *
   * @throws IllegalArgumentException when the unit holds no instance
   */
  public void remove(int type) {
    if (used <= 0) {
      throw new IllegalArgumentException("no instance of " + typeIds[type] + " to remove from " + describe());
    }
    apply(type, -1);
  }

  private void apply(int type, int sign) {
    used += sign;
    usedByType[type] = Math.max(0, usedByType[type] + sign);
    switch (rule) {
      case CAPACITY_RULE_NVIDIA_EQUAL_SIZE -> NvidiaEqualSizeModel.apply(this, type, sign);
      case CAPACITY_RULE_NVIDIA_MIXED_SIZE -> NvidiaMixedSizeModel.apply(this, type, sign);
      case CAPACITY_RULE_ONE_PER_VF -> OnePerVfModel.apply(this, type, sign);
      default -> SharedPoolModel.apply(this, type, sign);
    }
  }

  /** An independent copy of the numbers (the types are shared; they never change). */
  public CapacityUnit copy() {
    return new CapacityUnit(this);
  }

  /** {@code base} with this unit's numbers: lock, instances present and free pools. */
  public Capacity toCapacity(Capacity base) {
    Capacity.Builder b = base.toBuilder().setLockedFramebufferMib(locked).setUsedInstances(used);
    for (int r = 0; r < pools.length; r++) {
      if (base.getPoolFreeOrDefault(pools[r], 0L) != poolFree[r]) {
        b.putPoolFree(pools[r], poolFree[r]);
      }
    }
    for (int t = 0; t < typeIds.length; t++) {
      int before = base.getUsedByTypeOrDefault(typeIds[t], 0);
      if (usedByType[t] == before) {
        continue;
      }
      if (usedByType[t] > 0) {
        b.putUsedByType(typeIds[t], usedByType[t]);
      } else {
        b.removeUsedByType(typeIds[t]);
      }
    }
    return b.build();
  }

  /**
   * A phrase on what the unit offers, for reasons: "0000:3b:00.0 (equal-size, locked to 2048
   * MiB, 6 in use)".
   */
  public String describe() {
    StringBuilder b = new StringBuilder(id).append(" (");
    switch (rule) {
      case CAPACITY_RULE_NVIDIA_EQUAL_SIZE -> b.append("equal-size, ")
          .append(locked == 0 ? "empty" : "locked to " + locked + " MiB, " + used + " in use");
      case CAPACITY_RULE_ONE_PER_VF -> b.append("SR-IOV, ").append(freeSlots).append(" free VFs")
          .append(locked == 0 ? "" : ", locked to " + locked + " MiB");
      case CAPACITY_RULE_SHARED_POOL, CAPACITY_RULE_NVIDIA_MIXED_SIZE -> {
        b.append(rule == CapacityRule.CAPACITY_RULE_SHARED_POOL ? "shared pool" : "mixed-size");
        for (int r = 0; r < pools.length; r++) {
          b.append(", ").append(pools[r]).append(' ').append(poolFree[r]).append(" free");
        }
      }
      default -> b.append("independent counts");
    }
    return b.append(')').toString();
  }

  public String id() {
    return id;
  }

  public CapacityRule rule() {
    return rule;
  }

  public long lockedFramebufferMib() {
    return locked;
  }

  public int usedInstances() {
    return used;
  }

  /** A type's own limit (NVIDIA max_instance), 0 when not known. */
  public int maxInstances(int type) {
    return max[type];
  }

  /** The framebuffer one instance of a type locks or takes, 0 when it has none. */
  public long framebufferMib(int type) {
    return size[type];
  }

  @Override
  public String toString() {
    return describe() + " " + Arrays.toString(typeIds);
  }
}
