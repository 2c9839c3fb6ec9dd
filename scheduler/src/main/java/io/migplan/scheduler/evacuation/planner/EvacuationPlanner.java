package io.migplan.scheduler.evacuation.planner;

import io.migplan.scheduler.evacuation.planner.SolverFactories.Construction;
import io.migplan.scheduler.evacuation.planner.domain.EvacuationSolution;
import io.migplan.scheduler.evacuation.planner.domain.Target;
import io.migplan.scheduler.evacuation.planner.domain.VmMove;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.optaplanner.core.api.solver.Solver;

/**
 * Plans an evacuation with OptaPlanner: first fit decreasing construction, then local search
 * (change and swap moves, late acceptance) under {@link PlanLimits}, then
 * {@link PlanAssembler} turns the best solution into waves and reasons. It decides targets
 * among the eligible ones given; it does not compute eligibility, reserve capacity or run
 * migrations.
 *
 * <p>{@link #plan} solves on the caller's thread and returns when the limits stop it: what the
 * campaign planner does for each batch, and the benchmarks. Thread-safe: plans may run
 * concurrently. Plans solved in the background, with progress and a cancel, are
 * {@link EvacuationJobs}, which builds and assembles them the same way.
 */
public final class EvacuationPlanner {

    public static final String NAME = "optaplanner";

    /** Progress events no more often than this, so a listener is not flooded by small improvements. */
    static final long PROGRESS_INTERVAL_MILLIS = 100;

    private final Construction construction;
    private final SolverFactories factories = new SolverFactories();

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
        Solver<EvacuationSolution> solver = factories.get(construction, limits).buildSolver();
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
        EvacuationSolution best = input.getVms().isEmpty() ? input : solver.solve(input);
        long millis = (System.nanoTime() - start) / 1_000_000;
        EvacuationPlan plan = assemble(model, best, limits, millis, solver.isTerminateEarly());
        progress.accept(new PlanProgress(problem.id(), millis, plan.migrations().size(), total,
                plan.metrics().bestScore()));
        return plan;
    }

    /** The plan of a best solution: its assignment checked and completed by {@link PlanAssembler}. */
    static EvacuationPlan assemble(EvacuationModel model, EvacuationSolution best, PlanLimits limits, long millis,
            boolean stoppedEarly) {
        Map<String, Target> assignment = new HashMap<>();
        best.getVms().stream().filter(VmMove::isAssigned).forEach(vm -> assignment.put(vm.uuid(), vm.getTarget()));
        String score = best.getScore() == null ? "" : best.getScore().toString();
        return PlanAssembler.assemble(NAME, model, assignment, limits, true, millis, score, stoppedEarly);
    }

    static int placed(EvacuationSolution solution) {
        int n = 0;
        for (VmMove vm : solution.getVms()) {
            n += vm.isAssigned() ? 1 : 0;
        }
        return n;
    }
}
