package io.migplan.scheduler.evacuation.planner;

import static io.migplan.scheduler.evacuation.planner.Problems.T4_2Q;
import static io.migplan.scheduler.evacuation.planner.Problems.T4_4Q;
import static io.migplan.scheduler.evacuation.planner.Problems.gpuVm;
import static io.migplan.scheduler.evacuation.planner.Problems.host;
import static io.migplan.scheduler.evacuation.planner.Problems.limits;
import static io.migplan.scheduler.evacuation.planner.Problems.plainVm;
import static io.migplan.scheduler.evacuation.planner.Problems.problem;
import static io.migplan.scheduler.evacuation.planner.Problems.t4;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.bench.Fleet;
import io.migplan.scheduler.bench.FleetGenerator;
import io.migplan.scheduler.bench.PlanChecker;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan.Migration;
import io.migplan.scheduler.error.Reason;
import java.util.List;
import org.junit.jupiter.api.Test;

class GreedyEvacuationPlannerTest {

    private final GreedyEvacuationPlanner greedy = new GreedyEvacuationPlanner();

    @Test
    void takesTheFirstEligibleTargetWithRoomLargestVmFirst() {
        EvacuationProblem problem = problem(List.of(host("h1", 16, 4), host("h2", 64, 0)), List.of(
                plainVm("small", 4, "", "h1", "h2"), plainVm("big", 12, "", "h1", "h2")));
        EvacuationPlan plan = greedy.plan(problem, limits());
        // "big" goes first and fills h1 (12 of 12 free); "small" then finds h1 full.
        assertThat(plan.migrations()).extracting(Migration::vm, Migration::to).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("big", "h1"), org.assertj.core.groups.Tuple.tuple("small", "h2"));
    }

    @Test
    void respectsTheEqualSizeLockAndExplainsWhatIsLeft() {
        EvacuationProblem problem = problem(List.of(host("h1", 64, 0, t4("0000:3b:00.0", 2048, 2))), List.of(
                gpuVm("a", T4_4Q, 4096, "h1:0000:3b:00.0"), gpuVm("b", T4_2Q, 2048, "h1:0000:3b:00.0")));
        EvacuationPlan plan = greedy.plan(problem, limits());
        assertThat(plan.migrations()).extracting(Migration::vm).containsExactly("b");
        assertThat(plan.unplaced()).singleElement().satisfies(u -> {
            assertThat(u.vm()).isEqualTo("a");
            assertThat(u.reasons()).extracting(Reason::code).containsExactly("CAPACITY_EXHAUSTED", "NO_FREE_INSTANCE");
        });
    }

    @Test
    void namesTheVmsItWouldLeaveUnplacedWithoutPlanning() {
        EvacuationProblem problem = problem(List.of(host("h1", 64, 0, t4("0000:3b:00.0", 2048, 2))), List.of(
                gpuVm("a", T4_4Q, 4096, "h1:0000:3b:00.0"), gpuVm("b", T4_2Q, 2048, "h1:0000:3b:00.0")));
        assertThat(greedy.unplaced(problem)).containsExactly(
                greedy.plan(problem, limits()).unplaced().get(0).vmUuid());
        EvacuationProblem roomy = problem(List.of(host("h1", 16, 4), host("h2", 64, 0)), List.of(
                plainVm("small", 4, "", "h1", "h2"), plainVm("big", 12, "", "h1", "h2")));
        assertThat(greedy.unplaced(roomy)).isEmpty();
    }

    @Test
    void producesASoundCompletePlanOnAGeneratedFleet() {
        Fleet fleet = FleetGenerator.generate(50, 21);
        EvacuationProblem problem = fleet.evacuation("p-greedy", FleetGenerator.pickEvacuation(fleet, 5, 21));
        EvacuationPlan plan = greedy.plan(problem, limits());
        assertThat(PlanChecker.violations(problem, plan)).isEmpty();
        assertThat(plan.planner()).isEqualTo(GreedyEvacuationPlanner.NAME);
    }
}
