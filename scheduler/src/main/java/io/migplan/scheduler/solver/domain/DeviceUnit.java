package io.migplan.scheduler.solver.domain;

import io.migplan.proto.v1.CapacityRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One physical capacity that mdevs share, with the vendor's arithmetic for it: a GPU under
 * NVIDIA's equal-size rule, the physical function of SR-IOV VFs (one vGPU per VF), a shared
 * pool (GVT-g aperture, mtty ports), or a parent whose types count independently.
 *
 * <p>It decides how many of a set of new instances do not fit ({@link #overflow}); it does not
 * decide which VM gets which VF (the planner binds VFs after solving) nor whether a type is
 * compatible (the eligible lists already say so). Immutable once the problem is built.
 */
public final class DeviceUnit {

    private final String hostId;
    private final String id;
    private final CapacityRule rule;
    private final long lockedFramebufferMib;
    private final int usedInstances;
    /** Free VFs of a physical function; {@link Integer#MAX_VALUE} for other rules. */
    private final int freeSlots;
    private final List<String> freeVfs;
    private final String[] poolResources;
    private final long[] poolFree;
    private final List<String> typeIds = new ArrayList<>();
    private final List<Long> framebuffers = new ArrayList<>();
    private final List<Integer> maxInstances = new ArrayList<>();
    private final List<Integer> available = new ArrayList<>();
    private final List<long[]> poolDemand = new ArrayList<>();
    private int index = -1;

    public DeviceUnit(String hostId, String id, CapacityRule rule, long lockedFramebufferMib, int usedInstances,
            int freeSlots, List<String> freeVfs, Map<String, Long> poolFree) {
        this.hostId = hostId;
        this.id = id;
        this.rule = switch (rule) {
            case CAPACITY_RULE_NVIDIA_EQUAL_SIZE, CAPACITY_RULE_ONE_PER_VF, CAPACITY_RULE_SHARED_POOL,
                    CAPACITY_RULE_NVIDIA_MIXED_SIZE -> rule;
            // Without a model the only safe arithmetic is what sysfs says is free now, per type.
            default -> CapacityRule.CAPACITY_RULE_INDEPENDENT;
        };
        this.lockedFramebufferMib = lockedFramebufferMib;
        this.usedInstances = usedInstances;
        this.freeSlots = freeSlots;
        this.freeVfs = List.copyOf(freeVfs);
        this.poolResources = poolFree.keySet().stream().sorted().toArray(String[]::new);
        this.poolFree = new long[poolResources.length];
        for (int i = 0; i < poolResources.length; i++) {
            this.poolFree[i] = poolFree.get(poolResources[i]);
        }
    }

    /**
     * Adds a type while the problem is built and returns its index within this unit.
     *
     * @param maxInstances the type's own limit on an empty parent (NVIDIA max_instance)
     * @param available    what sysfs says is free now
     * @param resources    what one instance takes from the pools
     */
    public int addType(String typeId, long framebufferMib, int maxInstances, int available,
            Map<String, Long> resources) {
        int existing = typeIds.indexOf(typeId);
        if (existing >= 0) {
            return existing;
        }
        long[] demand = new long[poolResources.length];
        for (int i = 0; i < poolResources.length; i++) {
            demand[i] = resources.getOrDefault(poolResources[i], 0L);
        }
        typeIds.add(typeId);
        framebuffers.add(framebufferMib);
        this.maxInstances.add(maxInstances);
        this.available.add(available);
        poolDemand.add(demand);
        return typeIds.size() - 1;
    }

    public int typeIndex(String typeId) {
        return typeIds.indexOf(typeId);
    }

    public int typeCount() {
        return typeIds.size();
    }

    /**
     * How many of the new instances, counted per type index, this unit cannot hold on top of
     * what it holds now. Zero means they all fit.
     */
    public int overflow(int[] added) {
        return switch (rule) {
            case CAPACITY_RULE_NVIDIA_EQUAL_SIZE, CAPACITY_RULE_ONE_PER_VF -> equalSizeOverflow(added);
            case CAPACITY_RULE_SHARED_POOL, CAPACITY_RULE_NVIDIA_MIXED_SIZE -> poolOverflow(added);
            default -> independentOverflow(added);
        };
    }

    /**
     * NVIDIA equal-size: all vGPUs on one GPU share one framebuffer size (the locked one, else
     * the size most of the new ones ask for); instances of another size never fit, and the kept
     * size fits up to its max_instance minus what is there. For SR-IOV the unit is the physical
     * function: the same lock applies, and each new instance also needs a free VF.
     */
    private int equalSizeOverflow(int[] added) {
        int total = 0;
        long keep = lockedFramebufferMib;
        if (keep == 0) {
            keep = mostRequestedSize(added);
        }
        int kept = 0;
        int limit = Integer.MAX_VALUE;
        for (int t = 0; t < added.length; t++) {
            int n = added[t];
            if (n == 0) {
                continue;
            }
            total += n;
            if (framebuffers.get(t) == keep) {
                kept += n;
                limit = Math.min(limit, maxInstances.get(t) - usedInstances);
            }
        }
        limit = Math.min(Math.max(limit, 0), freeSlots);
        return (total - kept) + Math.max(0, kept - limit);
    }

    private long mostRequestedSize(int[] added) {
        long best = 0;
        int bestCount = 0;
        for (int t = 0; t < added.length; t++) {
            if (added[t] == 0) {
                continue;
            }
            long size = framebuffers.get(t);
            int count = 0;
            for (int u = 0; u < added.length; u++) {
                if (framebuffers.get(u) == size) {
                    count += added[u];
                }
            }
            // Ties keep the larger size: its instances are the harder ones to place elsewhere.
            if (count > bestCount || (count == bestCount && size > best)) {
                best = size;
                bestCount = count;
            }
        }
        return best;
    }

    /** Shared pools: every instance takes from every pool; counted in type order, those that no longer fit overflow. */
    private int poolOverflow(int[] added) {
        long[] free = poolFree.clone();
        int over = 0;
        for (int t = 0; t < added.length; t++) {
            long[] demand = poolDemand.get(t);
            for (int k = 0; k < added[t]; k++) {
                boolean fits = true;
                for (int r = 0; r < free.length; r++) {
                    fits &= free[r] >= demand[r];
                }
                if (fits) {
                    for (int r = 0; r < free.length; r++) {
                        free[r] -= demand[r];
                    }
                } else {
                    over++;
                }
            }
        }
        return over;
    }

    private int independentOverflow(int[] added) {
        int over = 0;
        for (int t = 0; t < added.length; t++) {
            over += Math.max(0, added[t] - available.get(t));
        }
        return over;
    }

    /**
     * A sentence on what the unit offers, for reasons: "0000:3b:00.0 (equal-size, locked to
     * 2048 MiB, 6 in use)".
     */
    public String describe() {
        StringBuilder b = new StringBuilder(id).append(" (");
        switch (rule) {
            case CAPACITY_RULE_NVIDIA_EQUAL_SIZE -> b.append("equal-size, ")
                    .append(lockedFramebufferMib == 0 ? "empty" : "locked to " + lockedFramebufferMib + " MiB, "
                            + usedInstances + " in use");
            case CAPACITY_RULE_ONE_PER_VF -> b.append("SR-IOV, ").append(freeSlots).append(" free VFs")
                    .append(lockedFramebufferMib == 0 ? "" : ", locked to " + lockedFramebufferMib + " MiB");
            case CAPACITY_RULE_SHARED_POOL, CAPACITY_RULE_NVIDIA_MIXED_SIZE -> {
                b.append("shared pool");
                for (int r = 0; r < poolResources.length; r++) {
                    b.append(", ").append(poolResources[r]).append(' ').append(poolFree[r]).append(" free");
                }
            }
            default -> b.append("independent counts");
        }
        return b.append(')').toString();
    }

    public String hostId() {
        return hostId;
    }

    public String id() {
        return id;
    }

    public CapacityRule rule() {
        return rule;
    }

    public long lockedFramebufferMib() {
        return lockedFramebufferMib;
    }

    public int usedInstances() {
        return usedInstances;
    }

    public List<String> freeVfs() {
        return freeVfs;
    }

    public String typeId(int typeIndex) {
        return typeIds.get(typeIndex);
    }

    public int maxInstances(int typeIndex) {
        return maxInstances.get(typeIndex);
    }

    public int index() {
        return index;
    }

    public void setIndex(int index) {
        this.index = index;
    }

    @Override
    public String toString() {
        return hostId + "/" + id;
    }
}
