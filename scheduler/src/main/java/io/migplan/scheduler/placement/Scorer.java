package io.migplan.scheduler.placement;

import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.HostView;

/**
 * Ranks eligible hosts: the score is the mean of the CPU share and the memory share the host
 * would still have free after taking the VM, times 100, to one decimal, of what the host may
 * give VMs (its allocatable CPUs and memory, after ratios and reservations). A host left half
 * empty scores 50. This spreads load, like kube-scheduler's LeastAllocated, so a drained
 * host's VMs do not pile onto one target. It does not weigh device fragmentation or
 * failure domains yet.
 */
public final class Scorer {

    private Scorer() {
    }

    public static double score(PlacementRequest vm, HostView host) {
        return score(vm, host.allocatableCpus(), host.freeCpus(), host.allocatableMemoryMib(), host.freeMemoryMib());
    }

    /** The same score from a host's numbers, for callers that hold them rather than its view. */
    public static double score(PlacementRequest vm, int cpus, int freeCpus, long memoryMib, long freeMemoryMib) {
        double cpu = share(freeCpus - vm.vcpus(), cpus);
        double memory = share(freeMemoryMib - vm.memoryMib(), memoryMib);
        double score = 100 * (cpu + memory) / 2;
        // One decimal keeps scores readable and ties stable against floating-point noise.
        return Math.round(Math.max(0, Math.min(100, score)) * 10) / 10.0;
    }

    private static double share(double free, double total) {
        return total <= 0 ? 0 : Math.max(0, free) / total;
    }
}
