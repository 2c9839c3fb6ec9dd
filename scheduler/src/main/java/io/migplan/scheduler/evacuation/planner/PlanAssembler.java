package io.migplan.scheduler.evacuation.planner;

import io.migplan.proto.v1.CapacityRule;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan.Metrics;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan.Migration;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan.Unplaced;
import io.migplan.scheduler.evacuation.planner.domain.DeviceUnit;
import io.migplan.scheduler.evacuation.planner.domain.Slot;
import io.migplan.scheduler.evacuation.planner.domain.Target;
import io.migplan.scheduler.evacuation.planner.domain.VmMove;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an assignment (VM to target or none) into a plan that can be executed as is:
 * <ol>
 * <li>replays the assignment, hardest VM first, through a fresh {@link CapacityLedger}; a VM
 * that does not fit there is a hard violation and is taken out, so the plan never overfills;</li>
 * <li>optionally offers each VM still without a target its cheapest fitting target (a safety
 * net for a solver stopped early);</li>
 * <li>binds SR-IOV placements to concrete free VFs, in VM name (then UUID) order;</li>
 * <li>orders migrations into waves ({@link WavePlanner}) and explains every unplaced VM
 * ({@link UnplacedExplainer}).</li>
 * </ol>
 * Every VM of the problem ends in exactly one of migrations and unplaced.
 */
final class PlanAssembler {

    /** VMs by name, then UUID: names are for display and unique per host only. */
    private static final Comparator<VmMove> BY_NAME = Comparator.comparing(VmMove::name).thenComparing(VmMove::uuid);

    private PlanAssembler() {
    }

    static EvacuationPlan assemble(String planner, EvacuationModel model, Map<String, Target> assignment,
            PlanLimits limits, boolean fill, long solveMillis, String bestScore, boolean terminatedEarly) {
        CapacityLedger ledger = model.newLedger();
        Map<String, Target> placed = new HashMap<>();
        List<VmMove> order = model.hardestFirst();
        int violations = 0;
        for (VmMove vm : order) {
            Target target = assignment.get(vm.uuid());
            if (target == null) {
                continue;
            }
            if (ledger.fits(vm, target)) {
                ledger.place(vm, target);
                placed.put(vm.uuid(), target);
            } else {
                violations++;
            }
        }
        if (fill) {
            for (VmMove vm : order) {
                if (!placed.containsKey(vm.uuid())) {
                    Target target = ledger.cheapestFit(vm);
                    if (target != null) {
                        ledger.place(vm, target);
                        placed.put(vm.uuid(), target);
                    }
                }
            }
        }

        Map<String, List<String>> devices = bindDevices(model, placed);
        List<WavePlanner.Move> moves = model.vms().stream().filter(vm -> placed.containsKey(vm.uuid()))
                .map(vm -> new WavePlanner.Move(vm.uuid(), vm.sourceHost(), placed.get(vm.uuid()).host().id()))
                .toList();
        Map<String, Integer> waves = WavePlanner.plan(moves, limits.maxOutboundPerHost(), limits.maxInboundPerHost(),
                limits.maxParallel());

        List<Migration> migrations = new ArrayList<>();
        List<Unplaced> unplaced = new ArrayList<>();
        Set<String> touched = new HashSet<>();
        for (VmMove vm : model.vms()) {
            Target target = placed.get(vm.uuid());
            if (target == null) {
                unplaced.add(new Unplaced(vm.name(), vm.uuid(), vm.sourceHost(),
                        UnplacedExplainer.explain(vm, model.spec(vm.uuid()), ledger)));
            } else {
                migrations.add(new Migration(vm.name(), vm.uuid(), vm.sourceHost(), target.host().id(),
                        devices.get(vm.uuid()), vm.deviceTypes(), waves.get(vm.uuid())));
                touched.add(vm.sourceHost());
                touched.add(target.host().id());
            }
        }
        migrations.sort(Comparator.comparingInt(Migration::wave).thenComparing(Migration::vm)
                .thenComparing(Migration::vmUuid));
        unplaced.sort(Comparator.comparing(Unplaced::vm).thenComparing(Unplaced::vmUuid));
        int waveCount = waves.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return new EvacuationPlan(model.problem().id(), planner, migrations, unplaced,
                new Metrics(migrations.size(), waveCount, touched.size(), solveMillis, violations, bestScore,
                        terminatedEarly));
    }

    /** Per VM (by UUID), the parent each of its devices lands on; SR-IOV slots get distinct free VFs. */
    private static Map<String, List<String>> bindDevices(EvacuationModel model, Map<String, Target> placed) {
        Map<DeviceUnit, Integer> nextVf = new HashMap<>();
        Map<String, List<String>> out = new HashMap<>();
        model.vms().stream().filter(vm -> placed.containsKey(vm.uuid()))
                .sorted(BY_NAME)
                .forEach(vm -> {
                    List<String> parents = new ArrayList<>();
                    for (Slot slot : placed.get(vm.uuid()).slots()) {
                        DeviceUnit unit = slot.unit();
                        if (unit.rule() == CapacityRule.CAPACITY_RULE_ONE_PER_VF) {
                            int i = nextVf.merge(unit, 1, Integer::sum) - 1;
                            // The ledger admitted no more VMs than free VFs, so i is in range.
                            parents.add(unit.freeVfs().get(i));
                        } else {
                            parents.add(slot.parent());
                        }
                    }
                    out.put(vm.uuid(), parents);
                });
        return out;
    }
}
