package io.migplan.scheduler.evacuation;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationPlanner;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.PlanLimits;
import io.migplan.scheduler.placement.TargetFinder;
import io.migplan.scheduler.placement.filter.AntiAffinityFilter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The start-up warm-up runs the real path (filters, builder, solver, assembly) on its made-up
 * fleet: every VM of the emptied hosts is planned, vGPU VMs included, and no agent is asked (the
 * builder's ask would throw).
 */
class PlannerWarmUpTest {

    @Test
    void eachRoundPlansEveryVmOfTheEmptiedHostsThroughTheFiltersAndTheSolver() {
        PlannerWarmUp warm = new PlannerWarmUp(TargetFinder.cheapFilters(false).stream()
                .filter(f -> !(f instanceof AntiAffinityFilter)).toList());
        EvacuationPlanner planner = new EvacuationPlanner();
        List<EvacuationPlan> plans = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            EvacuationProblem problem = warm.problem("warm-up-" + round);
            plans.add(planner.plan(problem, PlanLimits.forProblem(problem.vms().size()), p -> { }));
        }

        assertThat(plans).hasSize(3).allSatisfy(plan -> {
            assertThat(plan.unplaced()).isEmpty();
            assertThat(plan.migrations()).hasSize(PlannerWarmUp.VMS);
            assertThat(plan.migrations()).filteredOn(m -> !m.types().isEmpty()).as("vGPU VMs")
                    .hasSize(PlannerWarmUp.EVACUATED * 4);
        });
    }
}
