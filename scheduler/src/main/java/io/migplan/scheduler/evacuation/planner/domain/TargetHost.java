package io.migplan.scheduler.evacuation.planner.domain;

import io.migplan.capacity.ComputeAllocation;
import java.util.Map;

/**
 * A host that may receive VMs, as fixed capacity: what it may give VMs (its CPUs and memory under
 * its {@link ComputeAllocation}: ratios and reservations) and what its staying VMs already use. It
 * decides the load arithmetic the balance constraint uses, as shares of what is allocatable; it
 * does not decide eligibility.
 */
public final class TargetHost {

    /** Utilisation is counted in thousandths so the squared penalty stays in integer arithmetic. */
    public static final long PER_MILLE = 1000;

    private final String id;
    private final int releaseRank;
    private final int cpus;
    private final int usedCpus;
    private final long memoryMib;
    private final long usedMemoryMib;
    private final ComputeAllocation allocation;
    private final int allocatableCpus;
    private final long allocatableMemoryMib;
    private final String failureDomain;
    private final Map<String, Integer> antiAffinityGroups;
    private final int index;
    private int failureDomainIndex;

    public TargetHost(int index, String id, int releaseRank, int cpus, int usedCpus, long memoryMib,
            long usedMemoryMib, String failureDomain, Map<String, Integer> antiAffinityGroups) {
        this(index, id, releaseRank, cpus, usedCpus, memoryMib, usedMemoryMib, failureDomain, antiAffinityGroups,
                ComputeAllocation.NONE);
    }

    public TargetHost(int index, String id, int releaseRank, int cpus, int usedCpus, long memoryMib,
            long usedMemoryMib, String failureDomain, Map<String, Integer> antiAffinityGroups,
            ComputeAllocation allocation) {
        this.index = index;
        this.allocation = allocation;
        // Counted once: the solver asks for free room on every move it tries.
        this.allocatableCpus = allocation.allocatableCpus(cpus);
        this.allocatableMemoryMib = allocation.allocatableMemoryMib(memoryMib);
        this.id = id;
        this.releaseRank = releaseRank;
        this.cpus = cpus;
        this.usedCpus = usedCpus;
        this.memoryMib = memoryMib;
        this.usedMemoryMib = usedMemoryMib;
        this.failureDomain = failureDomain == null ? "" : failureDomain;
        this.antiAffinityGroups = Map.copyOf(antiAffinityGroups);
    }

    public int freeCpus() {
        return allocatableCpus - usedCpus;
    }

    public long freeMemoryMib() {
        return allocatableMemoryMib - usedMemoryMib;
    }

    public int allocatableCpus() {
        return allocatableCpus;
    }

    public long allocatableMemoryMib() {
        return allocatableMemoryMib;
    }

    /** "96 allocatable (64 CPUs x 1.5, 0 reserved)", or "64" without ratio or reservation. */
    public String describeCpus() {
        return allocation.describeCpus(cpus);
    }

    /** As {@link #describeCpus()}, for memory. */
    public String describeMemory() {
        return allocation.describeMemory(memoryMib);
    }

    public int residents(String group) {
        return group.isEmpty() ? 0 : antiAffinityGroups.getOrDefault(group, 0);
    }

    /**
     * What adding this much load costs in squared utilisation (CPU and memory, per mille,
     * divided by 1000 to keep a host's share below 2,000 points): convex, so two half-full
     * hosts cost less than one full and one empty.
     */
    public long loadPenalty(long addedCpus, long addedMemoryMib) {
        return squaredDelta(usedCpus, addedCpus, allocatableCpus)
                + squaredDelta(usedMemoryMib, addedMemoryMib, allocatableMemoryMib);
    }

    private static long squaredDelta(long used, long added, long total) {
        if (total <= 0) {
            return 0;
        }
        long before = used * PER_MILLE / total;
        long after = (used + added) * PER_MILLE / total;
        return (after * after - before * before) / PER_MILLE;
    }

    public String id() {
        return id;
    }

    public int releaseRank() {
        return releaseRank;
    }

    public int cpus() {
        return cpus;
    }

    public int usedCpus() {
        return usedCpus;
    }

    public long memoryMib() {
        return memoryMib;
    }

    public long usedMemoryMib() {
        return usedMemoryMib;
    }

    public String failureDomain() {
        return failureDomain;
    }

    public int index() {
        return index;
    }

    /** Position of the failure domain in the problem's domain list, for array-indexed counting. */
    public int failureDomainIndex() {
        return failureDomainIndex;
    }

    public void setFailureDomainIndex(int failureDomainIndex) {
        this.failureDomainIndex = failureDomainIndex;
    }

    @Override
    public String toString() {
        return id;
    }
}
