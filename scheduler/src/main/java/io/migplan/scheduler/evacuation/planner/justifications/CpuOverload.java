package io.migplan.scheduler.evacuation.planner.justifications;

import org.optaplanner.core.api.score.stream.ConstraintJustification;

/**
 * More vCPUs planned onto a host than it may give VMs.
 *
 * @param allocatableCpus what the host may give VMs, after its ratio and reservation
 * @param capacity        the same in words: "96 allocatable (64 CPUs x 1.5, 0 reserved)", or "64"
 */
public record CpuOverload(String host, int usedCpus, int addedCpus, int allocatableCpus, String capacity)
        implements ConstraintJustification {

    public int over() {
        return usedCpus + addedCpus - allocatableCpus;
    }

    public String message() {
        return "host " + host + ": " + over() + " vCPUs over its " + capacity + " (" + usedCpus + " in use, "
                + addedCpus + " planned in)";
    }
}
