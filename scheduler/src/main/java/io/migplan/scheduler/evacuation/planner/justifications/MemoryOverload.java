package io.migplan.scheduler.evacuation.planner.justifications;

import org.optaplanner.core.api.score.stream.ConstraintJustification;

/** More memory planned onto a host than it has free. */
public record MemoryOverload(String host, long usedMemoryMib, long addedMemoryMib, long memoryMib)
        implements ConstraintJustification {

    public long overMib() {
        return usedMemoryMib + addedMemoryMib - memoryMib;
    }

    public String message() {
        return "host " + host + ": " + overMib() + " MiB of memory over its " + memoryMib + " MiB ("
                + usedMemoryMib + " in use, " + addedMemoryMib + " planned in)";
    }
}
