package io.migplan.scheduler.evacuation.planner.domain;

import java.util.Comparator;

/**
 * Harder VMs first, as first-fit-decreasing wants: largest framebuffer (the scarcest thing,
 * and an equal-size lock follows it), then most devices, vCPUs, memory, fewest eligible
 * targets; the name, then the UUID (names are unique per host only) last so the order is total
 * and deterministic. Sorted ascending =
 * easiest first, as OptaPlanner's difficulty comparators expect.
 */
public final class VmDifficulty implements Comparator<VmMove> {

    public static final Comparator<VmMove> HARDEST_FIRST = new VmDifficulty().reversed();

    private static final Comparator<VmMove> ORDER = Comparator.comparingLong(VmMove::largestFramebufferMib)
            .thenComparingInt(v -> v.deviceTypes().size())
            .thenComparingInt(VmMove::vcpus)
            .thenComparingLong(VmMove::memoryMib)
            .thenComparing(v -> -v.getEligible().getSize())
            .thenComparing(Comparator.comparing(VmMove::name).thenComparing(VmMove::uuid).reversed());

    @Override
    public int compare(VmMove a, VmMove b) {
        return ORDER.compare(a, b);
    }
}
