package io.migplan.scheduler.evacuation;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.capacity.CapacityUnit;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.scheduler.bench.Fleet;
import io.migplan.scheduler.bench.FleetGenerator;
import io.migplan.scheduler.bench.FleetGenerator.Shape;
import io.migplan.scheduler.bench.FleetSnapshot;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationPlanner;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.TargetSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.VmSpec;
import io.migplan.scheduler.evacuation.planner.PlanLimits;
import io.migplan.scheduler.placement.TargetFinder;
import io.migplan.scheduler.placement.filter.AntiAffinityFilter;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The VFs of one SR-IOV function are one GPU to the planner, so an evacuation offers a VM one
 * free VF per function (the first), not every VF: the same plan from a problem a function's VFs
 * times smaller.
 */
class SrIovOptionsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final PlanLimits.Steps STEPS = new PlanLimits.Steps(300, 900, 2_000_000L);

    private final Fleet fleet = FleetGenerator.generate(Shape.denseMixed(0.6, 0.8), 45, 17);
    private final FleetSnapshot held = FleetSnapshot.of(fleet, NOW, 3);
    private final EvacuationProblem problem = new EvacuationProblemBuilder(TargetFinder.cheapFilters(false).stream()
            .filter(f -> !(f instanceof AntiAffinityFilter)).toList(), held::cached, batches -> {
                throw new AssertionError("every verdict is stored");
            }).build("p", held.snapshot(), FleetGenerator.pickEvacuation(fleet, 4, 5), NOW);

    @Test
    void aVmIsOfferedTheFirstFreeVfOfEachFunction() {
        ClusterSnapshot snapshot = held.snapshot();
        int sriov = 0;
        for (VmSpec vm : problem.vms()) {
            Set<String> functions = new HashSet<>();
            for (TargetSpec t : vm.eligible()) {
                HostView host = snapshot.host(t.host()).orElseThrow().view();
                ParentView vf = parent(host, t.parents().get(0));
                if (vf.capacity().getRule() != CapacityRule.CAPACITY_RULE_ONE_PER_VF) {
                    continue;
                }
                sriov++;
                String function = CapacityUnit.unitId(vf.address(), vf.capacity());
                assertThat(functions.add(t.host() + "/" + function)).as("one VF of " + function).isTrue();
                String type = vm.devices().get(0).typeId();
                assertThat(firstFreeVf(host, function, type)).isEqualTo(vf.address());
            }
        }
        assertThat(sriov).as("the fleet has SR-IOV targets").isPositive();
    }

    @Test
    void plansAsIfEveryFreeVfWereOffered() {
        EvacuationProblem everyVf = new EvacuationProblem(problem.id(), problem.hosts(),
                problem.vms().stream().map(this::withEveryFreeVf).toList(), problem.evacuating());
        assertThat(everyVf.vms().stream().mapToInt(v -> v.eligible().size()).sum())
                .isGreaterThan(problem.vms().stream().mapToInt(v -> v.eligible().size()).sum());

        PlanLimits limits = PlanLimits.forProblem(problem.vms().size()).withSteps(STEPS);
        EvacuationPlan collapsed = new EvacuationPlanner().plan(problem, limits, p -> { });
        EvacuationPlan expanded = new EvacuationPlanner().plan(everyVf, limits, p -> { });

        assertThat(collapsed.unplaced()).isEqualTo(expanded.unplaced());
        assertThat(collapsed.migrations()).isNotEmpty().isEqualTo(expanded.migrations());
    }

    /** The VM's eligible list with each function's VF replaced by all its VFs free for the type. */
    private VmSpec withEveryFreeVf(VmSpec vm) {
        Map<TargetSpec, Boolean> out = new LinkedHashMap<>();
        for (TargetSpec t : vm.eligible()) {
            HostView host = held.snapshot().host(t.host()).orElseThrow().view();
            ParentView vf = parent(host, t.parents().get(0));
            if (vf.capacity().getRule() != CapacityRule.CAPACITY_RULE_ONE_PER_VF) {
                out.put(t, true);
                continue;
            }
            String function = CapacityUnit.unitId(vf.address(), vf.capacity());
            for (String free : freeVfs(host, function, vm.devices().get(0).typeId())) {
                out.put(new TargetSpec(t.host(), List.of(free)), true);
            }
        }
        return new VmSpec(vm.uuid(), vm.name(), vm.sourceHost(), vm.vcpus(), vm.memoryMib(), vm.devices(),
                vm.antiAffinityGroup(), vm.sourceFailureDomain(), List.copyOf(out.keySet()), vm.ineligibleReasons());
    }

    private static String firstFreeVf(HostView host, String function, String type) {
        return freeVfs(host, function, type).get(0);
    }

    private static List<String> freeVfs(HostView host, String function, String type) {
        List<ParentView> with = host.parentsWith(type);
        List<String> out = new ArrayList<>();
        for (int k = 0; k < with.size(); k++) {
            ParentView p = with.get(k);
            if (host.availableOn(type, k) > 0 && CapacityUnit.unitId(p.address(), p.capacity()).equals(function)) {
                out.add(p.address());
            }
        }
        return out;
    }

    private static ParentView parent(HostView host, String address) {
        return host.parents().stream().filter(p -> p.address().equals(address)).findFirst().orElseThrow();
    }
}
