package io.migplan.scheduler.campaign;

import io.migplan.scheduler.bench.FleetGenerator;
import io.migplan.scheduler.bench.FleetGenerator.Shape;
import io.migplan.scheduler.bench.FleetSnapshot;
import io.migplan.scheduler.campaign.CampaignPlanning.Computed;
import io.migplan.scheduler.campaign.CampaignPlanning.Inputs;
import io.migplan.scheduler.campaign.CampaignStore.Settings;
import io.migplan.scheduler.campaign.planner.CampaignBench;
import io.migplan.scheduler.campaign.planner.CampaignPlan;
import io.migplan.scheduler.campaign.planner.CampaignPlanner;
import io.migplan.scheduler.campaign.planner.CampaignPolicy;
import io.migplan.scheduler.evacuation.planner.EvacuationPlanner;
import io.migplan.scheduler.bench.Fleet;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The product's campaign computation ({@link CampaignPlanning#compute}: the problem built from the
 * snapshot and the stored verdicts, the planner, the naive order, the plan's rows) beside the
 * planner alone on the same hard fleet ({@code HardFleetBench}'s problem), in one JVM, alternating:
 * what the request costs beyond the planner, without the database, the agents or the HTTP layer.
 * Prints per run the thread's CPU time, the wall time, planMillis and the migrations. Not a test.
 *
 * <p>Arguments: {@code --hosts 300}, {@code --seed 1}, {@code --fill 0.80,0.85}, {@code --runs 3},
 * {@code --policy 20,2,2,2,40,0}, {@code --only product|planner}.
 */
public final class CampaignComputeBench {

    private CampaignComputeBench() {
    }

    public static void main(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int hosts = Integer.parseInt(opts.getOrDefault("hosts", "300"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "1"));
        String[] fill = opts.getOrDefault("fill", "0.80,0.85").split(",");
        int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
        String only = opts.getOrDefault("only", "");
        int[] p = Arrays.stream(opts.getOrDefault("policy", "20,2,2,2,40,0").split(","))
                .mapToInt(Integer::parseInt).toArray();
        Fleet fleet = FleetGenerator.generate(Shape.denseMixed(Double.parseDouble(fill[0]),
                Double.parseDouble(fill[1])), hosts, seed);
        Instant now = Instant.now();
        FleetSnapshot held = FleetSnapshot.allUp(fleet, now, seed);
        System.out.printf("fleet: %d hosts, %d VMs, seed %d%n", hosts, fleet.vms().size(), seed);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        for (int run = 1; run <= runs; run++) {
            if (!only.equals("planner")) {
                long c0 = cpu.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                Computed plan = product(held, p, now);
                var m = plan.plan().metrics();
                System.out.printf("run %d product: cpu %.1f s, wall %.1f s, planMillis %d, migrations %d,"
                        + " naive %d, lower bound %d%n", run, (cpu.getCurrentThreadCpuTime() - c0) / 1e9,
                        (System.nanoTime() - t0) / 1e9, m.planMillis(),
                        plan.migrations().size(), m.naive().migrations(), m.lowerBound());
            }
            if (!only.equals("product")) {
                long c0 = cpu.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                CampaignPlan plan = new CampaignPlanner().plan(CampaignBench.problem(fleet, "bench", false),
                        new CampaignPolicy(p[0], p[1], p[2], p[3], p[4], p[5]));
                var m = plan.metrics();
                System.out.printf("run %d planner: cpu %.1f s, wall %.1f s, planMillis %d, naive %d ms, migrations %d,"
                        + " naive %d, lower bound %d%n", run, (cpu.getCurrentThreadCpuTime() - c0) / 1e9,
                        (System.nanoTime() - t0) / 1e9, m.planMillis(), m.naive().planMillis(), m.migrations(),
                        m.naive().migrations(), m.lowerBound());
            }
        }
    }

    /** The whole fleet in scope, as {@code CampaignRequestBench} asks the scheduler for it. */
    static Computed product(FleetSnapshot held, int[] p, Instant now) {
        List<String> scope = held.snapshot().hosts().stream().map(e -> e.view().id()).toList();
        Settings settings = new Settings(scope, p[0], p[1], p[2], p[3], p[4], p[5], false, true, 0, null, 600);
        Inputs in = new Inputs(0, held.snapshot(), "2025.1", "2025.2", settings, scope, Set.of(), 0);
        EvacuationPlanner evacuations = new EvacuationPlanner();
        return CampaignPlanning.compute("bench", in, held::cached, (problem, limits) -> evacuations.plan(problem,
                limits, progress -> {
                }), now);
    }
}
