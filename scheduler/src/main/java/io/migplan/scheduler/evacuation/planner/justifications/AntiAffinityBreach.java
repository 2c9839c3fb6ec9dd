package io.migplan.scheduler.evacuation.planner.justifications;

import org.optaplanner.core.api.score.stream.ConstraintJustification;

/** VMs of one anti-affinity group planned onto a host that already has, or gets, another. */
public record AntiAffinityBreach(String host, String group, int plannedIn, int residents)
        implements ConstraintJustification {

    /** Moved VMs that break the rule: all of them when the group is already there, else all but one. */
    public int breaking() {
        return residents > 0 ? plannedIn : plannedIn - 1;
    }

    public String message() {
        return "host " + host + ": " + breaking() + " VM(s) of anti-affinity group " + group + " too many ("
                + residents + " already there, " + plannedIn + " planned in)";
    }
}
