package io.migplan.scheduler.evacuation.planner;

/**
 * A new best solution during planning.
 *
 * @param placed   VMs with a target in that solution
 * @param total    VMs to move
 * @param score    the solver's score, e.g. "0hard/-3medium/-120400soft"
 */
public record PlanProgress(String problemId, long elapsedMillis, int placed, int total, String score) {
}
