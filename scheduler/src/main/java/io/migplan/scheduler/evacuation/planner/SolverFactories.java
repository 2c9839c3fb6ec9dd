package io.migplan.scheduler.evacuation.planner;

import io.migplan.scheduler.evacuation.planner.domain.EvacuationSolution;
import io.migplan.scheduler.evacuation.planner.domain.VmMove;
import java.time.Duration;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.optaplanner.core.api.solver.SolverFactory;
import org.optaplanner.core.config.constructionheuristic.ConstructionHeuristicPhaseConfig;
import org.optaplanner.core.config.constructionheuristic.ConstructionHeuristicType;
import org.optaplanner.core.config.heuristic.selector.move.composite.UnionMoveSelectorConfig;
import org.optaplanner.core.config.heuristic.selector.move.generic.ChangeMoveSelectorConfig;
import org.optaplanner.core.config.heuristic.selector.move.generic.SwapMoveSelectorConfig;
import org.optaplanner.core.config.localsearch.LocalSearchPhaseConfig;
import org.optaplanner.core.config.localsearch.decider.acceptor.LocalSearchAcceptorConfig;
import org.optaplanner.core.config.localsearch.decider.forager.LocalSearchForagerConfig;
import org.optaplanner.core.config.phase.PhaseConfig;
import org.optaplanner.core.config.phase.custom.CustomPhaseConfig;
import org.optaplanner.core.config.solver.EnvironmentMode;
import org.optaplanner.core.config.solver.SolverConfig;
import org.optaplanner.core.config.solver.termination.TerminationCompositionStyle;
import org.optaplanner.core.config.solver.termination.TerminationConfig;

/**
 * Builds and caches the evacuation solver factories of one planner: building one parses the
 * domain and compiles the constraint network, so it is done once per distinct termination and
 * reused by every plan. Solvers themselves are cheap and built per plan. The cache belongs to its
 * planner (no static state) and holds at most {@link #MAX_CACHED} factories, least recently used
 * dropped first: terminations follow problem sizes and requested time limits, so their number is
 * not bounded by anything else.
 */
public final class SolverFactories {

    /** How the solution is constructed before local search. */
    public enum Construction {
        /** {@link LedgerConstruction}: first fit decreasing, best soft cost, plain arithmetic. The default. */
        LEDGER_FIRST_FIT_DECREASING,
        /** OptaPlanner's FIRST_FIT_DECREASING over full value ranges: exact but slow past a few hundred VMs. */
        OPTAPLANNER_FIRST_FIT_DECREASING
    }

    /**
     * Late acceptance with a 400-step window: OptaPlanner's recommended starting size for
     * late acceptance, and it escapes the plateaus that a change of one VM leaves in balance.
     */
    static final int LATE_ACCEPTANCE_SIZE = 400;

    /** Any soft score: the limit below means "no hard violation and no VM unplaced". */
    static final String ALL_PLACED_FEASIBLE = "0hard/0medium/" + Long.MIN_VALUE + "soft";

    /** {@code steps} null: stop on time; else on counted work only (then the durations are not used). */
    private record Key(Construction construction, Duration timeLimit, Duration unimproved, Duration giveUp,
            PlanLimits.Steps steps) {
    }

    /** A fixed seed: OptaPlanner's default one, written out so that no upgrade changes plans silently. */
    static final long RANDOM_SEED = 0L;

    /** Distinct terminations kept: one planner sees a few dozen problem sizes in a campaign. */
    static final int MAX_CACHED = 64;

    private final Map<Key, SolverFactory<EvacuationSolution>> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, SolverFactory<EvacuationSolution>> eldest) {
            return size() > MAX_CACHED;
        }
    };

    /**
     * Stops at {@code timeLimit}; or when every VM is placed without hard violations and the
     * best score has not improved for {@code unimproved}; or when nothing improved for
     * {@code giveUp} even though some VM is unplaced (capacity ran out).
     */
    public synchronized SolverFactory<EvacuationSolution> get(Construction construction, Duration timeLimit,
            Duration unimproved, Duration giveUp) {
        return cache.computeIfAbsent(new Key(construction, timeLimit, unimproved, giveUp, null),
                k -> SolverFactory.create(config(k)));
    }

    /**
     * The factory for {@code limits}: {@link #get(Construction, Duration, Duration, Duration)} when they
     * stop on time, else one whose local search stops on {@link PlanLimits.Steps} alone, with no clock
     * at all, so that its plan is the same however loaded the machine is.
     */
    public synchronized SolverFactory<EvacuationSolution> get(Construction construction, PlanLimits limits) {
        if (limits.steps() == null) {
            return get(construction, limits.timeLimit(), limits.unimprovedLimit(), limits.giveUpLimit());
        }
        return cache.computeIfAbsent(new Key(construction, null, null, null, limits.steps()),
                k -> SolverFactory.create(config(k)));
    }

    /** A factory of its own, not cached, with the termination of {@link #get}: for a holder that keeps it. */
    static SolverFactory<EvacuationSolution> create(Construction construction, Duration timeLimit,
            Duration unimproved, Duration giveUp) {
        return SolverFactory.create(config(new Key(construction, timeLimit, unimproved, giveUp, null)));
    }

    /** How many factories are kept now. */
    synchronized int size() {
        return cache.size();
    }

    private static SolverConfig config(Key key) {
        if (key.steps() != null) {
            return config(key, null, counted(key.steps()));
        }
        TerminationConfig termination = new TerminationConfig()
                .withTerminationCompositionStyle(TerminationCompositionStyle.OR)
                .withTerminationConfigList(List.of(
                        new TerminationConfig().withSpentLimit(key.timeLimit()),
                        new TerminationConfig()
                                .withTerminationCompositionStyle(TerminationCompositionStyle.AND)
                                .withTerminationConfigList(List.of(
                                        new TerminationConfig().withBestScoreLimit(ALL_PLACED_FEASIBLE),
                                        new TerminationConfig().withUnimprovedSpentLimit(key.unimproved()))),
                        new TerminationConfig().withUnimprovedSpentLimit(key.giveUp())));
        return config(key, termination, null);
    }

    /**
     * Stops local search when every VM is placed without hard violations and the best score has not
     * improved for {@code unimproved} steps; or after {@code giveUp} steps without improvement; or
     * after {@code scoreCalculations}. Step counts are phase terminations in OptaPlanner (a solver
     * has no steps of its own), hence on the local search phase.
     */
    private static TerminationConfig counted(PlanLimits.Steps steps) {
        return new TerminationConfig()
                .withTerminationCompositionStyle(TerminationCompositionStyle.OR)
                .withTerminationConfigList(List.of(
                        new TerminationConfig()
                                .withTerminationCompositionStyle(TerminationCompositionStyle.AND)
                                .withTerminationConfigList(List.of(
                                        new TerminationConfig().withBestScoreLimit(ALL_PLACED_FEASIBLE),
                                        new TerminationConfig().withUnimprovedStepCountLimit(steps.unimproved()))),
                        new TerminationConfig().withUnimprovedStepCountLimit(steps.giveUp()),
                        new TerminationConfig().withScoreCalculationCountLimit(steps.scoreCalculations())));
    }

    private static SolverConfig config(Key key, TerminationConfig solverTermination,
            TerminationConfig localSearchTermination) {
        PhaseConfig<?> construction = key.construction() == Construction.LEDGER_FIRST_FIT_DECREASING
                ? new CustomPhaseConfig().withCustomPhaseCommandClassList(List.of(LedgerConstruction.class))
                : new ConstructionHeuristicPhaseConfig()
                        .withConstructionHeuristicType(ConstructionHeuristicType.FIRST_FIT_DECREASING);
        LocalSearchPhaseConfig localSearch = new LocalSearchPhaseConfig()
                .withMoveSelectorConfig(new UnionMoveSelectorConfig(List.of(
                        new ChangeMoveSelectorConfig(), new SwapMoveSelectorConfig())))
                .withAcceptorConfig(new LocalSearchAcceptorConfig().withLateAcceptanceSize(LATE_ACCEPTANCE_SIZE))
                .withForagerConfig(new LocalSearchForagerConfig().withAcceptedCountLimit(1))
                .withTerminationConfig(localSearchTermination);
        return new SolverConfig()
                .withSolutionClass(EvacuationSolution.class)
                .withEntityClasses(VmMove.class)
                .withConstraintProviderClass(EvacuationConstraintProvider.class)
                // Reproducible: the same problem and limits give the same plan, up to where a clock stops it
                // (never, with counted limits).
                .withEnvironmentMode(EnvironmentMode.REPRODUCIBLE)
                .withRandomSeed(RANDOM_SEED)
                .withTerminationConfig(solverTermination)
                .withPhases(construction, localSearch);
    }
}
