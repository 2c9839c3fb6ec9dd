package io.migplan.scheduler.evacuation.planner;

import io.migplan.scheduler.evacuation.planner.SolverFactories.Construction;
import io.migplan.scheduler.evacuation.planner.domain.EvacuationSolution;
import io.migplan.scheduler.evacuation.planner.domain.Target;
import io.migplan.scheduler.evacuation.planner.domain.VmMove;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.optaplanner.core.api.solver.Solver;

/**
 * Plans an evacuation with OptaPlanner: first fit decreasing construction, then local search
 * (change and swap moves, late acceptance) under {@link PlanLimits}, then
 * {@link PlanAssembler} turns the best solution into waves and reasons. It decides targets
 * among the eligible ones given; it does not compute eligibility, reserve capacity or run
 * migrations.
 *
 * <p>Thread-safe: plans may run concurrently, each under its own problem id (ids must be unique
 * among running plans); {@link #terminateEarly} may be called from any thread and makes the
 * running plan return its best solution so far, still assembled into a complete plan.
 */
public final class EvacuationPlanner {

    public static final String NAME = "optaplanner";

    /** Progress events no more often than this, so a listener is not flooded by small improvements. */
    private static final long PROGRESS_INTERVAL_MILLIS = 100;

    private final Construction construction;
    private final SolverFactories factories = new SolverFactories();
    private final Map<String, Solver<EvacuationSolution>> running = new ConcurrentHashMap<>();
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();

    public EvacuationPlanner() {
        this(Construction.LEDGER_FIRST_FIT_DECREASING);
    }

    public EvacuationPlanner(Construction construction) {
        this.construction = construction;
    }

    public EvacuationPlan plan(EvacuationProblem problem, PlanLimits limits, Consumer<PlanProgress> progress) {
        long start = System.nanoTime();
        EvacuationModel model = EvacuationModel.of(problem);
        EvacuationSolution input = model.newSolution();
        Solver<EvacuationSolution> solver = factories
                .get(construction, limits.timeLimit(), limits.unimprovedLimit(), limits.giveUpLimit())
                .buildSolver();
        int total = model.vms().size();
        long[] lastReport = {-PROGRESS_INTERVAL_MILLIS};
        solver.addEventListener(event -> {
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            if (elapsed - lastReport[0] >= PROGRESS_INTERVAL_MILLIS) {
                lastReport[0] = elapsed;
                progress.accept(new PlanProgress(problem.id(), elapsed, placed(event.getNewBestSolution()), total,
                        event.getNewBestScore().toString()));
            }
        });
        EvacuationSolution best;
        running.put(problem.id(), solver);
        try {
            if (cancelled.remove(problem.id())) {
                solver.terminateEarly();
            }
            best = input.getVms().isEmpty() ? input : solver.solve(input);
        } finally {
            running.remove(problem.id());
        }
        boolean stoppedEarly = solver.isTerminateEarly();
        long millis = (System.nanoTime() - start) / 1_000_000;
        Map<String, Target> assignment = new HashMap<>();
        best.getVms().stream().filter(VmMove::isAssigned).forEach(vm -> assignment.put(vm.name(), vm.getTarget()));
        String score = best.getScore() == null ? "" : best.getScore().toString();
        EvacuationPlan plan = PlanAssembler.assemble(NAME, model, assignment, limits, true, millis, score,
                stoppedEarly);
        progress.accept(new PlanProgress(problem.id(), millis, plan.migrations().size(), total, score));
        return plan;
    }

    /**
     * Stops the plan with this problem id at its best solution so far; a plan not yet started
     * stops as soon as it starts (the request is remembered until then). Returns whether a
     * running plan was found.
     */
    public boolean terminateEarly(String problemId) {
        Solver<EvacuationSolution> solver = running.get(problemId);
        if (solver == null) {
            cancelled.add(problemId);
            return false;
        }
        return solver.terminateEarly();
    }

    private static int placed(EvacuationSolution solution) {
        int n = 0;
        for (VmMove vm : solution.getVms()) {
            n += vm.isAssigned() ? 1 : 0;
        }
        return n;
    }
}
