package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A host must have the VM's vCPUs and memory free, where free is what the host may give VMs
 * (its {@link io.migplan.capacity.ComputeAllocation}: floor((CPUs - reserved) x ratio), and
 * likewise memory) minus the sum over the VMs it runs now. Rejects with {@code INSUFFICIENT_CPU}
 * and/or {@code INSUFFICIENT_MEMORY}, showing the numbers: "requested 4 vCPUs, free 2 of 96
 * allocatable (64 CPUs x 1.5, 0 reserved)"; a host without overcommit or reservation reads
 * "free 2 of 64", as before ratios. It does not decide the ratios (see
 * {@code inventory.AllocationPolicy}).
 */
public final class CpuMemoryFilter implements HostFilter {

    public static final String INSUFFICIENT_CPU = "INSUFFICIENT_CPU";
    public static final String INSUFFICIENT_MEMORY = "INSUFFICIENT_MEMORY";

    public static final String TALLY_CPU = "insufficient CPU";
    public static final String TALLY_MEMORY = "insufficient memory";

    @Override
    public Reads reads() {
        return Reads.SIZE;
    }

    @Override
    public List<Rejection> filter(PlacementRequest request, HostView host) {
        boolean cpu = lacksCpu(request, host.freeCpus());
        boolean memory = lacksMemory(request, host.freeMemoryMib());
        if (!cpu && !memory) {
            return List.of();
        }
        List<Rejection> out = new ArrayList<>(2);
        if (cpu) {
            out.add(new Rejection(INSUFFICIENT_CPU, "host " + host.id() + ": not enough CPU for VM " + request.vmName()
                    + " (requested " + request.vcpus() + " vCPUs, free " + Math.max(host.freeCpus(), 0)
                    + " of " + host.allocation().describeCpus(host.cpus()) + ")", TALLY_CPU));
        }
        if (memory) {
            out.add(new Rejection(INSUFFICIENT_MEMORY, "host " + host.id() + ": not enough memory for VM "
                    + request.vmName() + " (requested " + request.memoryMib() + " MiB, free "
                    + Math.max(host.freeMemoryMib(), 0) + " of " + host.allocation().describeMemory(host.memoryMib())
                    + ")", TALLY_MEMORY));
        }
        return out;
    }

    /** The CPU rule on its own, for callers that hold a host's free vCPUs rather than its view. */
    public static boolean lacksCpu(PlacementRequest request, int freeCpus) {
        return request.vcpus() > freeCpus;
    }

    /** The memory rule on its own, for callers that hold a host's free memory rather than its view. */
    public static boolean lacksMemory(PlacementRequest request, long freeMemoryMib) {
        return request.memoryMib() > freeMemoryMib;
    }
}
