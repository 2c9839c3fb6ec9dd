package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.placement.HostView;
import io.migplan.scheduler.placement.PlacementRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A host must have the VM's vCPUs and memory free, where free is what the host offers to
 * VMs minus the sum over the VMs it runs now. Rejects with {@code INSUFFICIENT_CPU} and/or
 * {@code INSUFFICIENT_MEMORY}. No overcommit and no reserve yet: both are policies to add
 * here when the operators ask for them.
 */
public final class CpuMemoryFilter implements HostFilter {

    public static final String INSUFFICIENT_CPU = "INSUFFICIENT_CPU";
    public static final String INSUFFICIENT_MEMORY = "INSUFFICIENT_MEMORY";

    @Override
    public List<Reason> filter(PlacementRequest request, HostView host) {
        if (request.vcpus() <= host.freeCpus() && request.memoryMib() <= host.freeMemoryMib()) {
            return List.of();
        }
        List<Reason> out = new ArrayList<>(2);
        if (request.vcpus() > host.freeCpus()) {
            out.add(new Reason(INSUFFICIENT_CPU, "host " + host.id() + ": not enough CPU for VM " + request.vmName()
                    + " (requested " + request.vcpus() + " vCPUs, free " + Math.max(host.freeCpus(), 0)
                    + " of " + host.cpus() + ")", "insufficient CPU"));
        }
        if (request.memoryMib() > host.freeMemoryMib()) {
            out.add(new Reason(INSUFFICIENT_MEMORY, "host " + host.id() + ": not enough memory for VM "
                    + request.vmName() + " (requested " + request.memoryMib() + " MiB, free "
                    + Math.max(host.freeMemoryMib(), 0) + " of " + host.memoryMib() + " MiB)", "insufficient memory"));
        }
        return out;
    }
}
