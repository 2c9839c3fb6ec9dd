package io.migplan.scheduler.evacuation.planner.justifications;

import org.optaplanner.core.api.score.stream.ConstraintJustification;

/** More vCPUs planned onto a host than it has free. */
public record CpuOverload(String host, int usedCpus, int addedCpus, int cpus) implements ConstraintJustification {

    public int over() {
        return usedCpus + addedCpus - cpus;
    }

    public String message() {
        return "host " + host + ": " + over() + " vCPUs over its " + cpus + " (" + usedCpus + " in use, "
                + addedCpus + " planned in)";
    }
}
