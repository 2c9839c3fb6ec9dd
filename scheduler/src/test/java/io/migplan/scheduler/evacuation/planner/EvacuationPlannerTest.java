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
import io.migplan.scheduler.evacuation.planner.EvacuationPlan.Unplaced;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.VmSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EvacuationPlannerTest {

    private static final EvacuationPlanner PLANNER = new EvacuationPlanner();

    @Test
    void placesEveryVmOfAGeneratedFleetOrSaysWhyNot() {
        Fleet fleet = FleetGenerator.generate(40, 7);
        EvacuationProblem problem = fleet.evacuation("p-fleet", FleetGenerator.pickEvacuation(fleet, 4, 7));
        List<PlanProgress> progress = new ArrayList<>();
        EvacuationPlan plan = PLANNER.plan(problem, limits(), progress::add);

        assertThat(PlanChecker.violations(problem, plan)).isEmpty();
        assertThat(plan.migrations().size() + plan.unplaced().size()).isEqualTo(problem.vms().size());
        assertThat(plan.metrics().hardViolations()).isZero();
        assertThat(progress).isNotEmpty();
        assertThat(progress.get(progress.size() - 1).placed()).isEqualTo(plan.migrations().size());
    }

    @Test
    void neverLeavesMoreUnplacedThanGreedy() {
        Fleet fleet = FleetGenerator.generate(60, 11);
        EvacuationProblem problem = fleet.evacuation("p-fleet", FleetGenerator.pickEvacuation(fleet, 6, 11));
        EvacuationPlan ours = PLANNER.plan(problem, limits(), p -> { });
        EvacuationPlan greedy = new GreedyEvacuationPlanner().plan(problem, limits());
        assertThat(ours.unplaced().size()).isLessThanOrEqualTo(greedy.unplaced().size());
        assertThat(PlanChecker.violations(problem, greedy)).isEmpty();
    }

    /** A target of 16 CPUs with 12 vCPUs in use, under {@code allocation}. */
    private static HostSpec target(io.migplan.capacity.ComputeAllocation allocation) {
        return new HostSpec("h1", "2025.2", 1, 16, 12, 262_144, 0, "rack-h1", List.of(), Map.of(), allocation);
    }

    @Test
    void anEvacuationThatFitsOnlyWithOvercommitIsPlacedUnderARatio() {
        List<VmSpec> vms = List.of(plainVm("a", 8, "", "h1"), plainVm("b", 8, "", "h1"));
        EvacuationPlan oneToOne = PLANNER.plan(problem(List.of(target(io.migplan.capacity.ComputeAllocation.NONE)),
                vms), limits(), p -> { });
        assertThat(oneToOne.migrations()).isEmpty();
        assertThat(oneToOne.unplaced()).hasSize(2);

        // floor(16 x 2.0) = 32 vCPUs: 12 in use, 16 planned in.
        EvacuationProblem overcommitted = problem(List.of(target(new io.migplan.capacity.ComputeAllocation(2.0, 1.0, 0,
                0))), vms);
        EvacuationPlan plan = PLANNER.plan(overcommitted, limits(), p -> { });
        assertThat(plan.migrations()).hasSize(2);
        assertThat(PlanChecker.violations(overcommitted, plan)).isEmpty();
        assertThat(new GreedyEvacuationPlanner().plan(overcommitted, limits()).migrations()).hasSize(2);
    }

    @Test
    void anEvacuationThatWouldFitIsRefusedWhenReservationsTakeTheRoom() {
        // floor((16 - 6) x 2.0) = 20 vCPUs: 12 in use leaves 8, room for one VM of 8, not two.
        EvacuationProblem reserved = problem(List.of(target(new io.migplan.capacity.ComputeAllocation(2.0, 1.0, 6,
                0))), List.of(plainVm("a", 8, "", "h1"), plainVm("b", 8, "", "h1")));
        EvacuationPlan plan = PLANNER.plan(reserved, limits(), p -> { });
        assertThat(plan.migrations()).hasSize(1);
        assertThat(plan.unplaced()).hasSize(1);
        assertThat(plan.unplaced().get(0).reasons().toString())
                .contains("8 vCPUs, 0 of 20 allocatable (16 CPUs x 2.0, 6 reserved) free");
        assertThat(PlanChecker.violations(reserved, plan)).isEmpty();
    }

    @Test
    void spreadsVmsWhereTheGreedyBaselineFillsTheFirstHost() {
        EvacuationProblem problem = problem(List.of(host("h1", 32, 0), host("h2", 32, 0)), List.of(
                plainVm("a", 8, "", "h1", "h2"), plainVm("b", 8, "", "h1", "h2"),
                plainVm("c", 8, "", "h1", "h2"), plainVm("d", 8, "", "h1", "h2")));
        Map<String, Long> ours = perHost(PLANNER.plan(problem, limits(), p -> { }));
        Map<String, Long> greedy = perHost(new GreedyEvacuationPlanner().plan(problem, limits()));
        assertThat(ours).containsEntry("h1", 2L).containsEntry("h2", 2L);
        assertThat(greedy).containsEntry("h1", 4L);
    }

    @Test
    void twoVmsOfTheSameNameFromTwoHostsAreBothPlacedEachByItsUuid() {
        // libvirt keeps a name unique on one host only: two hosts may each run a VM called "test".
        VmSpec onA = new VmSpec("uuid-a", "test", "h-a", 8, 4096, List.of(), "", "rack-src",
                List.of(new EvacuationProblem.TargetSpec("h1", List.of())), List.of());
        VmSpec onB = new VmSpec("uuid-b", "test", "h-b", 8, 4096, List.of(), "", "rack-src",
                List.of(new EvacuationProblem.TargetSpec("h1", List.of())), List.of());
        EvacuationProblem problem = new EvacuationProblem("p-twins", List.of(host("h1", 32, 0)), List.of(onA, onB),
                Set.of("h-a", "h-b"));

        for (EvacuationPlan plan : List.of(PLANNER.plan(problem, limits(), p -> { }),
                new GreedyEvacuationPlanner().plan(problem, limits()))) {
            assertThat(plan.unplaced()).as(plan.planner()).isEmpty();
            assertThat(plan.migrations()).as(plan.planner())
                    .extracting(Migration::vm, Migration::vmUuid, Migration::from, Migration::to).containsExactly(
                            org.assertj.core.groups.Tuple.tuple("test", "uuid-a", "h-a", "h1"),
                            org.assertj.core.groups.Tuple.tuple("test", "uuid-b", "h-b", "h1"));
            assertThat(plan.metrics().migrations()).isEqualTo(2);
        }
    }

    @Test
    void keepsAntiAffinityWithVmsAlreadyOnTheTarget() {
        EvacuationProblem problem = problem(List.of(host("h1", 64, 0, Map.of("db", 1)), host("h2", 64, 60)),
                List.of(plainVm("a", 4, "db", "h1", "h2"), plainVm("b", 4, "db", "h1", "h2")));
        EvacuationPlan plan = PLANNER.plan(problem, limits(), p -> { });
        assertThat(plan.migrations()).extracting(Migration::vm, Migration::to).containsExactly(
                org.assertj.core.groups.Tuple.tuple(plan.migrations().get(0).vm(), "h2"));
        Unplaced left = plan.unplaced().get(0);
        assertThat(left.reasons()).extracting(Reason::code).contains("CAPACITY_EXHAUSTED", "ANTI_AFFINITY");
    }

    @Test
    void reportsTheFiltersReasonsWhenNothingIsEligible() {
        VmSpec stuck = new VmSpec("uuid-a", "a", "src", 4, 4096, List.of(), "", "rack-src", List.of(),
                List.of(new Reason("NO_FREE_INSTANCE", "0/40 hosts eligible: 40 no free nvidia-231")));
        EvacuationPlan plan = PLANNER.plan(problem(List.of(host("h1", 64, 0)), List.of(stuck)), limits(), p -> { });
        assertThat(plan.migrations()).isEmpty();
        assertThat(plan.unplaced()).singleElement().satisfies(u -> assertThat(u.reasons())
                .extracting(Reason::code).containsExactly("NO_ELIGIBLE_TARGET", "NO_FREE_INSTANCE"));
    }

    @Test
    void namesTheDeviceTypeThatRanOutWithNumbers() {
        // One GPU locked to 2Q with 7 of 8 used: room for one of the two VMs.
        EvacuationProblem problem = problem(List.of(host("h1", 64, 0, t4("0000:3b:00.0", 2048, 7))), List.of(
                gpuVm("a", T4_2Q, 2048, "h1:0000:3b:00.0"), gpuVm("b", T4_2Q, 2048, "h1:0000:3b:00.0")));
        EvacuationPlan plan = PLANNER.plan(problem, limits(), p -> { });
        assertThat(plan.migrations()).hasSize(1);
        Unplaced left = plan.unplaced().get(0);
        assertThat(left.reasons().get(0).code()).isEqualTo("CAPACITY_EXHAUSTED");
        assertThat(left.reasons().get(0).message())
                .contains("every eligible target (1) lacked room", "after placing higher-priority VMs",
                        "1 no free nvidia-231");
        assertThat(left.reasons().get(1).message()).contains("host h1", "locked to 2048 MiB", "max 8");
    }

    @Test
    void putsEachSizeOnAGpuOfItsOwnSize() {
        EvacuationProblem problem = problem(List.of(host("h1", 64, 0, t4("0000:3b:00.0", 2048, 6),
                t4("0000:d8:00.0", 0, 0))), List.of(
                gpuVm("big", T4_4Q, 4096, "h1:0000:3b:00.0", "h1:0000:d8:00.0"),
                gpuVm("small", T4_2Q, 2048, "h1:0000:3b:00.0", "h1:0000:d8:00.0")));
        EvacuationPlan plan = PLANNER.plan(problem, limits(), p -> { });
        Map<String, String> device = plan.migrations().stream()
                .collect(Collectors.toMap(Migration::vm, m -> m.devices().get(0)));
        assertThat(device).containsEntry("big", "0000:d8:00.0").containsEntry("small", "0000:3b:00.0");
        assertThat(PlanChecker.violations(problem, plan)).isEmpty();
    }

    @Test
    void bindsDistinctFreeVfsOfOnePhysicalFunction() {
        Fleet fleet = FleetGenerator.generate(30, 3);
        EvacuationProblem problem = fleet.evacuation("p-vf", FleetGenerator.pickEvacuation(fleet, 5, 3));
        EvacuationPlan plan = PLANNER.plan(problem, limits(), p -> { });
        List<String> vfs = plan.migrations().stream().filter(m -> m.types().stream().anyMatch(t -> t.contains("a40")))
                .map(m -> m.to() + " " + m.devices().get(0)).toList();
        assertThat(vfs).isNotEmpty().doesNotHaveDuplicates();
        assertThat(PlanChecker.violations(problem, plan)).isEmpty();
    }

    @Test
    void ordersMigrationsIntoWavesWithinTheLimits() {
        Fleet fleet = FleetGenerator.generate(40, 9);
        EvacuationProblem problem = fleet.evacuation("p-waves", FleetGenerator.pickEvacuation(fleet, 3, 9));
        EvacuationPlan plan = PLANNER.plan(problem, limits().withWaveLimits(2, 1, 4), p -> { });
        Map<Integer, List<Migration>> waves = plan.migrations().stream()
                .collect(Collectors.groupingBy(Migration::wave));
        waves.values().forEach(w -> {
            assertThat(w).hasSizeLessThanOrEqualTo(4);
            assertThat(w.stream().collect(Collectors.groupingBy(Migration::from, Collectors.counting())).values())
                    .allMatch(n -> n <= 2);
            assertThat(w.stream().collect(Collectors.groupingBy(Migration::to, Collectors.counting())).values())
                    .allMatch(n -> n <= 1);
        });
        assertThat(plan.metrics().waves()).isEqualTo(waves.size());
        assertThat(Set.copyOf(waves.keySet())).isEqualTo(
                java.util.stream.IntStream.rangeClosed(1, waves.size()).boxed().collect(Collectors.toSet()));
    }

    @Test
    void optaplannersOwnFirstFitDecreasingReachesTheSamePlacements() {
        Fleet fleet = FleetGenerator.generate(20, 13);
        EvacuationProblem problem = fleet.evacuation("p-ffd", FleetGenerator.pickEvacuation(fleet, 2, 13));
        EvacuationPlan plan = new EvacuationPlanner(SolverFactories.Construction.OPTAPLANNER_FIRST_FIT_DECREASING)
                .plan(problem, limits(), p -> { });
        EvacuationPlan ledger = PLANNER.plan(problem, limits(), p -> { });
        assertThat(PlanChecker.violations(problem, plan)).isEmpty();
        assertThat(plan.unplaced()).hasSameSizeAs(ledger.unplaced());
    }

    @Test
    void scalesTheUnimprovedLimitsWithTheProblem() {
        assertThat(PlanLimits.forProblem(10).unimprovedLimit()).isEqualTo(Duration.ofMillis(16));
        assertThat(PlanLimits.forProblem(500).unimprovedLimit()).isEqualTo(Duration.ofMillis(64));
        assertThat(PlanLimits.forProblem(2500).unimprovedLimit()).isEqualTo(Duration.ofMillis(256));
        assertThat(PlanLimits.forProblem(1_000_000).unimprovedLimit()).isEqualTo(Duration.ofMillis(2048));
        assertThat(PlanLimits.forProblem(2500).giveUpLimit()).isEqualTo(Duration.ofMillis(768));
    }

    private static Map<String, Long> perHost(EvacuationPlan plan) {
        return plan.migrations().stream().collect(Collectors.groupingBy(Migration::to, Collectors.counting()));
    }
}
