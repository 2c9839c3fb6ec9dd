package io.migplan.scheduler.placement;

/**
 * Ranks eligible hosts: the score is the mean of the CPU share and the memory share the host
 * would still have free after taking the VM, times 100, to one decimal. A host left half
 * empty scores 50. This spreads load, like kube-scheduler's LeastAllocated, so a drained
 * host's VMs do not pile onto one target. It does not weigh device fragmentation or
 * failure domains yet.
 */
public final class Scorer {

    private Scorer() {
    }

    public static double score(PlacementRequest vm, HostView host) {
        double cpu = share(host.freeCpus() - vm.vcpus(), host.cpus());
        double memory = share(host.freeMemoryMib() - vm.memoryMib(), host.memoryMib());
        double score = 100 * (cpu + memory) / 2;
        // One decimal keeps scores readable and ties stable against floating-point noise.
        return Math.round(Math.max(0, Math.min(100, score)) * 10) / 10.0;
    }

    private static double share(double free, double total) {
        return total <= 0 ? 0 : Math.max(0, free) / total;
    }
}
