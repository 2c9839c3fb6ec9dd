package io.migplan.scheduler.evacuation;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.capacity.CapacityUnit;
import io.migplan.scheduler.bench.Fleet;
import io.migplan.scheduler.bench.FleetGenerator;
import io.migplan.scheduler.bench.FleetGenerator.Shape;
import io.migplan.scheduler.bench.FleetSnapshot;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationPlanner;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.ParentSpec;
import io.migplan.scheduler.evacuation.planner.PlanLimits;
import io.migplan.scheduler.placement.TargetFinder;
import io.migplan.scheduler.placement.filter.AntiAffinityFilter;
import io.migplan.scheduler.placement.filter.HostFilter;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.HostView.TypeView;
import io.migplan.scheduler.testsupport.Views;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The capacity units an evacuation problem takes from the snapshot (made once per host view and
 * shared by every plan) count exactly as the units the planner reads from each parent's model:
 * on generated fleets of every shape, the plan is the same either way.
 */
class SnapshotUnitsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    /** Counted, so both plans stop at the same step whatever the machine does. */
    private static final PlanLimits.Steps STEPS = new PlanLimits.Steps(300, 900, 2_000_000L);

    static Stream<Arguments> fleets() {
        return Stream.of(
                Arguments.of("benchmark fleet", FleetGenerator.generate(60, 7)),
                Arguments.of("dense mixed", FleetGenerator.generate(Shape.denseMixed(0.8, 0.9), 40, 11)),
                Arguments.of("uneven large", FleetGenerator.generate(Shape.unevenLarge(0.7, 0.9), 40, 13)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fleets")
    void plansTheSameWithTheSnapshotsUnitsAsWithTheModelsRead(String name, Fleet fleet) {
        FleetSnapshot held = FleetSnapshot.of(fleet, NOW, 3);
        List<HostFilter> filters = TargetFinder.cheapFilters(false).stream()
                .filter(f -> !(f instanceof AntiAffinityFilter)).toList();
        EvacuationProblem problem = new EvacuationProblemBuilder(filters, held::cached, batches -> {
            throw new AssertionError("every verdict is stored");
        }).build("p", held.snapshot(), FleetGenerator.pickEvacuation(fleet, 4, 5), NOW);
        assertThat(problem.hosts().stream().flatMap(h -> h.parents().stream()))
                .as("the problem carries the snapshot's units").isNotEmpty().allMatch(p -> p.unit() != null);

        EvacuationProblem readFromModels = new EvacuationProblem(problem.id(),
                problem.hosts().stream().map(SnapshotUnitsTest::withoutUnits).toList(), problem.vms(),
                problem.evacuating());
        PlanLimits limits = PlanLimits.forProblem(problem.vms().size()).withSteps(STEPS);
        EvacuationPlan shared = new EvacuationPlanner().plan(problem, limits, p -> { });
        EvacuationPlan read = new EvacuationPlanner().plan(readFromModels, limits, p -> { });

        assertThat(shared.migrations()).isNotEmpty().isEqualTo(read.migrations());
        assertThat(shared.unplaced()).isEqualTo(read.unplaced());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fleets")
    void aHostViewsUnitsAreItsModelsOrItsReportedFreeInstances(String name, Fleet fleet) {
        for (var e : FleetSnapshot.of(fleet, NOW, 3).snapshot().hosts()) {
            HostView h = e.view();
            for (int k = 0; k < h.parents().size(); k++) {
                ParentView p = h.parents().get(k);
                CapacityUnit unit = h.planningUnitAt(k);
                assertThat(unit).isNotNull();
                CapacityUnit modelled = h.capacityUnit(p.address());
                if (modelled != null) {
                    assertThat(unit).as("the very unit placement counts with").isSameAs(modelled);
                } else {
                    // No model: each type independently, at what the agent reported free.
                    for (TypeView t : p.types()) {
                        assertThat(unit.headroom(t.typeId())).as(p.address() + " " + t.typeId())
                                .isEqualTo(t.availableInstances());
                    }
                }
                for (TypeView t : p.types()) {
                    assertThat(h.availableAt(k)).containsEntry(t.typeId(), t.availableInstances());
                }
            }
        }
    }

    private static HostSpec withoutUnits(HostSpec h) {
        return new HostSpec(h.id(), h.release(), h.releaseRank(), h.cpus(), h.usedCpus(), h.memoryMib(),
                h.usedMemoryMib(), h.failureDomain(), h.parents().stream()
                        .map(p -> new ParentSpec(p.address(), p.board(), p.capacity(), p.available())).toList(),
                Map.copyOf(h.antiAffinityGroups()), h.allocation());
    }
}
