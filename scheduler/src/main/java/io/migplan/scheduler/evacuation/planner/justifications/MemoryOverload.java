package io.migplan.scheduler.evacuation.planner.justifications;

import org.optaplanner.core.api.score.stream.ConstraintJustification;

/**
 * More memory planned onto a host than it may give VMs.
 *
 * @param allocatableMemoryMib what the host may give VMs, after its ratio and reservation
 * @param capacity             the same in words: "393216 MiB allocatable (262144 MiB x 1.5, 0 MiB reserved)",
 *                             or "262144 MiB"
 */
public record MemoryOverload(String host, long usedMemoryMib, long addedMemoryMib, long allocatableMemoryMib,
        String capacity) implements ConstraintJustification {

    public long overMib() {
        return usedMemoryMib + addedMemoryMib - allocatableMemoryMib;
    }

    public String message() {
        return "host " + host + ": " + overMib() + " MiB of memory over its " + capacity + " ("
                + usedMemoryMib + " in use, " + addedMemoryMib + " planned in)";
    }
}
