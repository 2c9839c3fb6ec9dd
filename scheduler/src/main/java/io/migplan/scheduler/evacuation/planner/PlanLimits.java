package io.migplan.scheduler.evacuation.planner;

import java.time.Duration;

/**
 * How long to plan and how many migrations may run at once.
 *
 * @param timeLimit         hard stop for the solver, whatever the score
 * @param unimprovedLimit   stop once every VM is placed without hard violations and the best
 *                          score has not improved for this long
 * @param giveUpLimit       stop when the best score has not improved for this long even though
 *                          some VM is still unplaced (capacity is exhausted, waiting cannot help)
 * @param maxOutboundPerHost migrations leaving one host at once (libvirt and network bound)
 * @param maxInboundPerHost  migrations arriving at one host at once
 * @param maxParallel        migrations running in the whole cluster at once
 * @param steps              when set, local search stops on counted work ({@link Steps}) instead of
 *                           {@code unimprovedLimit} and {@code giveUpLimit}, and {@code timeLimit}
 *                           is not applied: the plan no longer depends on how fast the machine is
 */
public record PlanLimits(Duration timeLimit, Duration unimprovedLimit, Duration giveUpLimit,
        int maxOutboundPerHost, int maxInboundPerHost, int maxParallel, Steps steps) {

    /**
     * A termination counted in solver work, so that the same problem gives the same plan on a
     * quiet or a loaded machine (the solver runs {@code REPRODUCIBLE} with a fixed seed).
     *
     * @param unimproved        once every VM is placed without hard violations, stop after this many
     *                          local search steps without a better best score
     * @param giveUp            stop after this many steps without a better best score whatever it is
     * @param scoreCalculations stop after this many score calculations: bounds the work of a plan whose
     *                          steps are slow to find an accepted move (a step is not bounded otherwise)
     */
    public record Steps(int unimproved, int giveUp, long scoreCalculations) {

        public Steps {
            if (unimproved < 1 || giveUp < 1 || scoreCalculations < 1) {
                throw new IllegalArgumentException("step limits must be at least 1, got unimproved " + unimproved
                        + ", give up " + giveUp + ", score calculations " + scoreCalculations);
            }
        }
    }

    /** Limits that stop on time (the evacuation APIs'): no step counts. */
    public PlanLimits(Duration timeLimit, Duration unimprovedLimit, Duration giveUpLimit, int maxOutboundPerHost,
            int maxInboundPerHost, int maxParallel) {
        this(timeLimit, unimprovedLimit, giveUpLimit, maxOutboundPerHost, maxInboundPerHost, maxParallel, null);
    }

    public PlanLimits {
        if (maxOutboundPerHost < 1 || maxInboundPerHost < 1 || maxParallel < 1) {
            throw new IllegalArgumentException("migration limits must be at least 1, got outbound "
                    + maxOutboundPerHost + ", inbound " + maxInboundPerHost + ", parallel " + maxParallel);
        }
        if (timeLimit.isNegative() || timeLimit.isZero()) {
            throw new IllegalArgumentException("time limit must be positive, got " + timeLimit);
        }
    }

    /**
     * Defaults: 30 s is what an operator waits for an interactive plan; 1 s without improvement
     * once everything is placed (the construction is already balanced, local search polishes);
     * 3 s without improvement while something is unplaced. Two outbound and two inbound per host
     * follow libvirt's practice of a few concurrent live migrations per host (bandwidth bound);
     * 20 cluster-wide is a placeholder for the campaign policy, which sets it per fleet.
     */
    public static PlanLimits defaults() {
        return new PlanLimits(Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(3), 2, 2, 20);
    }

    /**
     * Defaults with the unimproved limits scaled to the problem: local search gains in proportion
     * to the VMs it can move, so a 10-VM evacuation should not wait as long as a 2,500-VM one.
     * About 0.1 ms per VM, at least 16 ms, at most 2 s, rounded up to a power of two so that
     * solver factories (cached per termination) stay few; giving up takes three times as long.
     */
    public static PlanLimits forProblem(int vms) {
        long millis = Long.highestOneBit(Math.max(16, Math.min(2048, vms / 10)) * 2L - 1);
        return defaults().withUnimprovedLimits(Duration.ofMillis(millis), Duration.ofMillis(3 * millis));
    }

    public PlanLimits withTimeLimit(Duration limit) {
        return new PlanLimits(limit, unimprovedLimit, giveUpLimit, maxOutboundPerHost, maxInboundPerHost, maxParallel,
                steps);
    }

    public PlanLimits withUnimprovedLimits(Duration unimproved, Duration giveUp) {
        return new PlanLimits(timeLimit, unimproved, giveUp, maxOutboundPerHost, maxInboundPerHost, maxParallel,
                steps);
    }

    public PlanLimits withWaveLimits(int outbound, int inbound, int parallel) {
        return new PlanLimits(timeLimit, unimprovedLimit, giveUpLimit, outbound, inbound, parallel, steps);
    }

    /** These limits stopping on counted work instead of time (see {@link Steps}). */
    public PlanLimits withSteps(Steps counted) {
        return new PlanLimits(timeLimit, unimprovedLimit, giveUpLimit, maxOutboundPerHost, maxInboundPerHost,
                maxParallel, counted);
    }
}
