package io.migplan.scheduler.campaign;

import java.util.function.LongSupplier;
import io.migplan.scheduler.campaign.planner.CampaignPlanner.BatchPlanner;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationPlanner;
import java.time.Duration;

/**
 * Watches one campaign plan being computed, for those who ask how far it is (another thread):
 * the batch evacuations solved so far, the one being solved and its best score. It also stops the
 * plan, by throwing {@link PlanStoppedException} before the next evacuation starts, once its time
 * limit is spent or its thread interrupted. It checks between evacuations only, so a plan may
 * overrun its limit by one batch evacuation, whose work is bounded by counted solver steps and
 * score calculations ({@code CampaignPlanner.steps}), not by a clock: a clock inside an
 * evacuation would make the plan depend on the machine's load, while this limit only ever stops
 * a plan, which then fails with the message below and is never stored half done. It does not
 * solve anything itself.
 */
final class PlanWatch {

    /** The plan was stopped before it was complete; the message says why. */
    static final class PlanStoppedException extends RuntimeException {
        PlanStoppedException(String message) {
            super(message, null, false, false);
        }
    }

    private final Duration timeLimit;
    private final LongSupplier nanoTime;
    private volatile long startNanos;
    private volatile int evacuations;
    private volatile String phase = "";
    private volatile String bestScore = "";

    /** @param timeLimit how long the plan may take from {@link #around}'s first evacuation on; null for no limit */
    PlanWatch(Duration timeLimit) {
        this(timeLimit, System::nanoTime);
    }

    /** @param nanoTime the monotonic clock the limit is measured on ({@link System#nanoTime}, or a test's) */
    PlanWatch(Duration timeLimit, LongSupplier nanoTime) {
        this.timeLimit = timeLimit;
        this.nanoTime = nanoTime;
    }

    /** A watch without a time limit, for plans made inside a caller's own transaction. */
    static PlanWatch unlimited() {
        return new PlanWatch(null);
    }

    /** {@code planner}, watched: each evacuation is counted and may be refused if the limit is spent. */
    BatchPlanner around(EvacuationPlanner planner) {
        startNanos = nanoTime.getAsLong();
        return (problem, limits) -> {
            check();
            phase = problem.id();
            bestScore = "";
            EvacuationPlan plan = planner.plan(problem, limits, p -> bestScore = p.score());
            evacuations++;
            return plan;
        };
    }

    private void check() {
        if (Thread.currentThread().isInterrupted()) {
            throw new PlanStoppedException("planning was interrupted (the scheduler is stopping)");
        }
        if (timeLimit != null && nanoTime.getAsLong() - startNanos > timeLimit.toNanos()) {
            throw new PlanStoppedException("planning did not finish within its time limit of "
                    + timeLimit.toSeconds() + " s (policy.timeLimitSeconds) after " + evacuations
                    + " batch evacuations; plan fewer hosts at once or allow more time");
        }
    }

    int evacuations() {
        return evacuations;
    }

    /** The evacuation being solved (or the last one), e.g. {@code camp-1a2b3c4d-v1-b3-r1}; empty before the first. */
    String phase() {
        return phase;
    }

    /** The best score so far of {@link #phase()}; empty until the solver has one. */
    String bestScore() {
        return bestScore;
    }
}
