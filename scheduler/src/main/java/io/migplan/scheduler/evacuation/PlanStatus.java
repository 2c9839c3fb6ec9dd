package io.migplan.scheduler.evacuation;

/** Where a plan is. READY: every VM placed; INFEASIBLE: some VMs are unplaced, with reasons. */
public enum PlanStatus {
    SOLVING, READY, INFEASIBLE, FAILED, CANCELLED
}
