package io.migplan.scheduler.bench;

import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan.Migration;
import io.migplan.scheduler.evacuation.planner.EvacuationPlanner;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.GreedyEvacuationPlanner;
import io.migplan.scheduler.evacuation.planner.PlanLimits;
import io.migplan.scheduler.evacuation.planner.SolverFactories.Construction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Evacuation benchmark: generated fleets, the OptaPlanner planner and the greedy baseline side by
 * side in one warm JVM on the same instances. Not a test; run it with {@code bin/bench-evacuation}
 * (see docs/benchmarks.md).
 *
 * <p>Arguments: {@code --sizes 100,1000,5000} host counts; {@code --runs 5} timed runs per planner
 * (the median is reported); {@code --seed 42}; {@code --json DIR} also writes each fleet and
 * every plan as plain JSON; {@code --eligible} puts the eligible target lists into that JSON;
 * {@code --construction optaplanner} runs OptaPlanner's own first fit decreasing instead of the
 * ledger construction, for comparison.
 *
 * <p>{@code --cold --size 1000 --scenario 1host|5pct [--planner optaplanner|greedy] [--plan FILE]}
 * plans that one instance once, with no warm-up, and prints one JSON line: the time of the first
 * {@code plan()} in this JVM alone ({@code planMillis}) and with the problem build from the fleet
 * (eligible lists; {@code buildPlanMillis}). Start one JVM per cold run. {@code --plan FILE} writes
 * the plan as {@code --json} would (with {@code --eligible}, its eligible lists too).
 */
public final class EvacuationBench {

    /** Warm-up rounds on a small fleet before timing, so the JIT has compiled the hot paths. */
    static final int WARM_UP_ROUNDS = 8;
    /** A host this busy has no headroom left for bursts: the balance figure counts hosts pushed past it. */
    static final double HOT = 0.9;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        if (opts.containsKey("cold")) {
            cold(opts);
            return;
        }
        int[] sizes = Arrays.stream(opts.getOrDefault("sizes", "100,1000,5000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int runs = Integer.parseInt(opts.getOrDefault("runs", "5"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        Path json = opts.containsKey("json") ? Path.of(opts.get("json")) : null;
        boolean eligible = opts.containsKey("eligible");
        if (json != null) {
            Files.createDirectories(json);
        }

        EvacuationPlanner planner = new EvacuationPlanner("optaplanner".equals(opts.get("construction"))
                ? Construction.OPTAPLANNER_FIRST_FIT_DECREASING : Construction.LEDGER_FIRST_FIT_DECREASING);
        GreedyEvacuationPlanner greedy = new GreedyEvacuationPlanner();
        Fleet warm = FleetGenerator.generate(200, seed + 1);
        EvacuationProblem warmProblem = warm.evacuation("warm", FleetGenerator.pickEvacuation(warm, 10, seed + 1));
        for (int i = 0; i < WARM_UP_ROUNDS; i++) {
            planner.plan(warmProblem, PlanLimits.forProblem(warmProblem.vms().size()), p -> { });
            greedy.plan(warmProblem, PlanLimits.defaults());
        }

        System.out.printf(Locale.ROOT, "%-6s %-8s %-12s %6s %9s %6s %5s %8s %6s %7s %7s %7s %8s%n", "hosts", "evacuate",
                "planner", "vms", "median_ms", "hard", "moved", "unplaced", "waves", "sd_cpu", "max_cpu", "to_90pc",
                "touched");
        for (int size : sizes) {
            long t0 = System.nanoTime();
            Fleet fleet = FleetGenerator.generate(size, seed);
            long generated = (System.nanoTime() - t0) / 1_000_000;
            if (json != null) {
                JsonWriter.fleet(json.resolve("fleet-" + size + ".json"), fleet);
            }
            int fivePercent = Math.max(1, size / 20);
            for (int count : new int[] {1, fivePercent}) {
                String scenario = count == 1 ? "1host" : "5pct";
                Set<String> evacuating = FleetGenerator.pickEvacuation(fleet, count, seed);
                t0 = System.nanoTime();
                EvacuationProblem problem = fleet.evacuation(size + "-" + scenario, evacuating);
                long built = (System.nanoTime() - t0) / 1_000_000;
                PlanLimits limits = PlanLimits.forProblem(problem.vms().size());
                Result g = run(runs, () -> greedy.plan(problem, limits));
                Result o = run(runs, () -> planner.plan(problem, limits, p -> { }));
                for (Result r : List.of(g, o)) {
                    print(size, scenario, problem, r);
                    if (json != null) {
                        JsonWriter.plan(json.resolve("plan-" + size + "-" + scenario + "-" + r.plan().planner()
                                + ".json"), problem, r.plan(), eligible);
                    }
                }
                System.out.printf(Locale.ROOT, "#      fleet generated in %d ms, eligible lists (filters) in %d ms,"
                        + " mean eligible targets per VM %.0f%n", generated, built,
                        problem.vms().stream().mapToInt(v -> v.eligible().size()).average().orElse(0));
            }
        }
    }

    /**
     * One instance planned once in this (fresh) JVM: no warm-up round, so class loading, the solver
     * factory and the JIT's first compilations fall inside the figures, as in a fresh process per plan.
     * The fleet is generated first and not timed (the other planner reads it from a file, also untimed).
     */
    private static void cold(Map<String, String> opts) throws Exception {
        int size = Integer.parseInt(opts.getOrDefault("size", "1000"));
        String scenario = opts.getOrDefault("scenario", "5pct");
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        String which = opts.getOrDefault("planner", "optaplanner");
        if (!List.of("1host", "5pct").contains(scenario) || !List.of("optaplanner", "greedy").contains(which)) {
            throw new IllegalArgumentException("--scenario 1host|5pct, --planner optaplanner|greedy");
        }
        long t0 = System.nanoTime();
        Fleet fleet = FleetGenerator.generate(size, seed);
        long generated = (System.nanoTime() - t0) / 1_000_000;
        int count = "1host".equals(scenario) ? 1 : Math.max(1, size / 20);
        Set<String> evacuating = FleetGenerator.pickEvacuation(fleet, count, seed);

        long tb = System.nanoTime();
        EvacuationProblem problem = fleet.evacuation(size + "-" + scenario, evacuating);
        long tp = System.nanoTime();
        PlanLimits limits = PlanLimits.forProblem(problem.vms().size());
        EvacuationPlan plan = "greedy".equals(which) ? new GreedyEvacuationPlanner().plan(problem, limits)
                : new EvacuationPlanner().plan(problem, limits, p -> { });
        long te = System.nanoTime();

        if (opts.containsKey("plan")) {
            JsonWriter.plan(Path.of(opts.get("plan")), problem, plan, opts.containsKey("eligible"));
        }
        System.out.printf(Locale.ROOT, "{\"hosts\":%d,\"scenario\":\"%s\",\"planner\":\"%s\",\"vms\":%d,"
                + "\"fleetMillis\":%d,\"buildMillis\":%d,\"planMillis\":%d,\"buildPlanMillis\":%d,"
                + "\"migrations\":%d,\"unplaced\":%d,\"hard\":%d}%n", size, scenario, plan.planner(),
                problem.vms().size(), generated, (tp - tb) / 1_000_000, (te - tp) / 1_000_000, (te - tb) / 1_000_000,
                plan.migrations().size(), plan.unplaced().size(), PlanChecker.violations(problem, plan).size());
    }

    record Result(EvacuationPlan plan, long medianMillis) {
    }

    private static Result run(int runs, Supplier<EvacuationPlan> plan) {
        long[] times = new long[runs];
        EvacuationPlan last = null;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            last = plan.get();
            times[i] = (System.nanoTime() - t0) / 1_000_000;
        }
        Arrays.sort(times);
        return new Result(last, times[runs / 2]);
    }

    private static void print(int size, String scenario, EvacuationProblem problem, Result r) {
        EvacuationPlan plan = r.plan();
        int violations = PlanChecker.violations(problem, plan).size();
        double[] balance = balance(problem, plan);
        System.out.printf(Locale.ROOT, "%-6d %-8s %-12s %6d %9d %6d %5d %8d %6d %7.4f %7.3f %7d %8d%n", size, scenario,
                plan.planner(), problem.vms().size(), r.medianMillis(), violations, plan.migrations().size(),
                plan.unplaced().size(), plan.metrics().waves(), balance[0], balance[1], (int) balance[2],
                plan.metrics().hostsTouched());
    }

    /**
     * [0] standard deviation of CPU utilisation over all hosts that may receive VMs, after the
     * plan; [1] the highest CPU utilisation among hosts that received a VM; [2] hosts the plan
     * pushed from below 90% CPU to 90% or more.
     */
    static double[] balance(EvacuationProblem problem, EvacuationPlan plan) {
        Map<String, Integer> vcpus = new HashMap<>();
        problem.vms().forEach(v -> vcpus.put(v.name(), v.vcpus()));
        Map<String, Integer> in = new HashMap<>();
        for (Migration m : plan.migrations()) {
            in.merge(m.to(), vcpus.get(m.vm()), Integer::sum);
        }
        List<Double> utilisation = new ArrayList<>();
        double max = 0;
        int pushed = 0;
        for (HostSpec h : problem.hosts()) {
            if (problem.evacuating().contains(h.id())) {
                continue;
            }
            double u = (h.usedCpus() + in.getOrDefault(h.id(), 0)) / (double) h.cpus();
            pushed += h.usedCpus() < HOT * h.cpus() && u >= HOT ? 1 : 0;
            utilisation.add(u);
            if (in.containsKey(h.id())) {
                max = Math.max(max, u);
            }
        }
        double mean = utilisation.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double var = utilisation.stream().mapToDouble(u -> (u - mean) * (u - mean)).average().orElse(0);
        return new double[] {Math.sqrt(var), max, pushed};
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            out.put(key, flag ? "true" : args[++i]);
        }
        return out;
    }
}
