package io.migplan.scheduler.bench;

import io.migplan.scheduler.evacuation.EvacuationProblemBuilder;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationPlanner;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.PlanLimits;
import io.migplan.scheduler.placement.TargetFinder;
import io.migplan.scheduler.placement.filter.AntiAffinityFilter;
import io.migplan.scheduler.placement.filter.HostFilter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The product's evacuation problem builder (the placement filters and the stored verdicts of a
 * generated fleet held as the scheduler holds it, {@link FleetSnapshot}) and the planner on its
 * problem, timed in one JVM: the first build and plan (cold), then the median of {@code --runs}
 * (warm). What {@code POST /api/v1/plans/evacuation} does between admission and storing the plan,
 * without the database and the REST layer. Not a test: it judges nothing.
 *
 * <p>Prints per case the timings (and the build's CPU time on its thread, which a loaded machine
 * changes less than its wall time), the eligible entries, the unplaced VMs and a hash of the migrations
 * (the same hash means the same plan).
 *
 * <p>Usage: {@code EvacuationBuildBench [--sizes 1000,5000] [--runs 5] [--seed 42] [--cases 1host,5pct]}.
 */
public final class EvacuationBuildBench {

    public static void main(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].substring(2), args[i + 1]);
        }
        int[] sizes = Arrays.stream(opts.getOrDefault("sizes", "1000,5000").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        int runs = Integer.parseInt(opts.getOrDefault("runs", "5"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        List<String> cases = List.of(opts.getOrDefault("cases", "1host,5pct").split(","));
        List<HostFilter> filters = TargetFinder.cheapFilters(false).stream()
                .filter(f -> !(f instanceof AntiAffinityFilter)).toList();
        EvacuationPlanner planner = new EvacuationPlanner();
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        System.out.printf(Locale.ROOT, "%-6s %-6s %6s %10s %10s %10s %12s %10s %12s %8s %8s %10s%n", "hosts", "case",
                "vms", "build_cold", "plan_cold", "build_ms", "build_cpu_ms", "plan_ms", "eligible", "unplaced", "heap_mb", "plan_hash");
        for (int size : sizes) {
            Fleet fleet = FleetGenerator.generate(size, seed);
            Instant now = Instant.now();
            FleetSnapshot held = FleetSnapshot.of(fleet, now, seed);
            EvacuationProblemBuilder builder = new EvacuationProblemBuilder(filters, held::cached, batches -> {
                throw new IllegalStateException("every verdict is stored; asked " + batches.size() + " batches");
            });
            for (String name : cases) {
                int count = switch (name) {
                    case "1host" -> 1;
                    case "5pct" -> Math.max(1, size / 20);
                    default -> throw new IllegalArgumentException("--cases takes 1host and 5pct, got " + name);
                };
                Set<String> evacuating = FleetGenerator.pickEvacuation(fleet, count, seed);
                long[] build = new long[runs + 1];
                long[] plan = new long[runs + 1];
                long[] buildCpu = new long[runs + 1];
                EvacuationProblem problem = null;
                EvacuationPlan result = null;
                long heap = 0;
                for (int i = 0; i <= runs; i++) {
                    long c0 = cpu.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    problem = builder.build(size + "-" + count, held.snapshot(), evacuating, now);
                    long t1 = System.nanoTime();
                    buildCpu[i] = (cpu.getCurrentThreadCpuTime() - c0) / 1_000_000;
                    result = planner.plan(problem, PlanLimits.forProblem(problem.vms().size()), p -> { });
                    long t2 = System.nanoTime();
                    build[i] = (t1 - t0) / 1_000_000;
                    plan[i] = (t2 - t1) / 1_000_000;
                    heap = Math.max(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                }
                long eligible = problem.vms().stream().mapToLong(v -> v.eligible().size()).sum();
                System.out.printf(Locale.ROOT, "%-6d %-6s %6d %10d %10d %10d %12d %10d %12d %8d %8d %10s%n", size,
                        name, problem.vms().size(), build[0], plan[0],
                        median(Arrays.copyOfRange(build, 1, runs + 1)),
                        median(Arrays.copyOfRange(buildCpu, 1, runs + 1)), median(Arrays.copyOfRange(plan, 1, runs + 1)),
                        eligible, result.unplaced().size(), heap >> 20,
                        Integer.toHexString(result.migrations().hashCode()));
            }
        }
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
