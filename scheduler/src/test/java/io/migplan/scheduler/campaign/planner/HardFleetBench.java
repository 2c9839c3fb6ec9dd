package io.migplan.scheduler.campaign.planner;

import io.migplan.scheduler.bench.Fleet;
import io.migplan.scheduler.bench.FleetGenerator;
import io.migplan.scheduler.bench.FleetGenerator.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hard fleets for the campaign planner (see {@link FleetGenerator.Shape}): every host at the
 * older release and in scope, GPUs 70..90% full with two or three vGPU sizes per board, with and
 * without an empty spare host per board. Per case it plans the campaign twice and prints, side by
 * side, the planner's migrations, the naive order's and the lower bound, the plan time, and
 * whether the two plans were identical. Not a test; see docs/benchmarks.md for the command.
 *
 * <p>Arguments: {@code --hosts 100,300,1000} (sizes), {@code --seeds 1,2} and
 * {@code --policy 20,2,2,2,40,0} as CampaignBench's.
 */
public final class HardFleetBench {

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory
            .getThreadMXBean();

    private HardFleetBench() {
    }

    record Case(Shape shape, boolean spare) {
    }

    /** The shapes measured: dense mixed at two fills (no spare and spare), uneven boards, anti-affinity. */
    static List<Case> cases() {
        return List.of(
                new Case(Shape.denseMixed(0.80, 0.85), false),
                new Case(Shape.denseMixed(0.80, 0.85), true),
                new Case(Shape.denseMixed(0.70, 0.90), false),
                new Case(Shape.unevenLarge(0.75, 0.85), false),
                new Case(Shape.unevenLarge(0.75, 0.85), true),
                new Case(Shape.antiAffinity(0.80, 0.85), false));
    }

    public static void main(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int[] sizes = Arrays.stream(opts.getOrDefault("hosts", "100,300,1000").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        long[] seeds = Arrays.stream(opts.getOrDefault("seeds", "1,2").split(",")).mapToLong(Long::parseLong)
                .toArray();
        int[] p = Arrays.stream(opts.getOrDefault("policy", "20,2,2,2,40,0").split(","))
                .mapToInt(Integer::parseInt).toArray();
        CampaignPolicy policy = new CampaignPolicy(p[0], p[1], p[2], p[3], p[4], p[5]);
        String only = opts.getOrDefault("shape", "");

        // A small campaign first, so the timed ones run on compiled code and built solver factories.
        new CampaignPlanner().plan(CampaignBench.problem(
                FleetGenerator.generate(Shape.denseMixed(0.8, 0.85), 60, 99), "warm", false), policy);

        System.out.println("| shape | spare | hosts | seed | VMs | planner | naive | lower bound | planner / bound"
                + " | naive / bound | blocked (planner, naive) | plan s | plan and naive, CPU s | same plan twice |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        List<String> worse = new ArrayList<>();
        for (int hosts : sizes) {
            for (Case c : cases()) {
                if (!only.isEmpty() && !c.shape().name().startsWith(only)) {
                    continue;
                }
                for (long seed : seeds) {
                    Fleet fleet = FleetGenerator.generate(c.shape(), hosts, seed);
                    CampaignProblem problem = CampaignBench.problem(fleet, "hard", c.spare());
                    long cpu = THREADS.getCurrentThreadCpuTime();
                    CampaignPlan a = new CampaignPlanner().plan(problem, policy);
                    // The plan and the naive order, on this thread: CPU time is what a quiet machine's wall time would be.
                    double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9;
                    CampaignPlan b = new CampaignPlanner().plan(problem, policy);
                    CampaignPlan.Metrics m = a.metrics();
                    boolean same = a.batches().equals(b.batches()) && a.blocked().equals(b.blocked())
                            && a.heldBack().equals(b.heldBack()) && a.unmovable().equals(b.unmovable());
                    System.out.printf("| %s | %s | %,d | %d | %,d | %,d | %,d | %,d | %.4f | %.4f | %d, %d | %.1f | %.1f | %s |%n",
                            c.shape().name(), c.spare() ? "yes" : "no", hosts, seed, m.vms(), m.migrations(),
                            m.naive().migrations(), m.lowerBound(), m.migrations() / (double) m.lowerBound(),
                            m.naive().migrations() / (double) m.lowerBound(), m.blocked(), m.naive().blocked(),
                            m.planMillis() / 1000.0, cpuSeconds, same ? "yes" : "no");
                    if (m.blocked() > m.naive().blocked()
                            || m.blocked() == m.naive().blocked() && m.migrations() > m.naive().migrations()) {
                        worse.add(c.shape().name() + " " + hosts + "/" + seed);
                    }
                }
            }
        }
        System.out.println(worse.isEmpty() ? "never worse than naive" : "worse than naive: " + worse);
    }
}
