package io.migplan.scheduler.evacuation.planner;

import io.migplan.scheduler.evacuation.planner.domain.Target;
import io.migplan.scheduler.evacuation.planner.domain.VmMove;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline: first fit decreasing over the same input. VMs largest demand first (the
 * solver's difficulty order), each to the first eligible target, in the filters' order, that
 * still has room by the same capacity arithmetic. No balance, no release or failure-domain
 * preference beyond the order of the eligible lists. Same plan shape as {@link EvacuationPlanner}.
 */
public final class GreedyEvacuationPlanner {

    public static final String NAME = "greedy-ffd";

    public EvacuationPlan plan(EvacuationProblem problem, PlanLimits limits) {
        long start = System.nanoTime();
        EvacuationModel model = EvacuationModel.of(problem);
        CapacityLedger ledger = model.newLedger();
        Map<String, Target> assignment = new HashMap<>();
        for (VmMove vm : model.hardestFirst()) {
            Target target = ledger.firstFit(vm);
            if (target != null) {
                ledger.place(vm, target);
                assignment.put(vm.uuid(), target);
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return PlanAssembler.assemble(NAME, model, assignment, limits, false, millis,
                assignment.size() + "/" + model.vms().size() + " placed", false);
    }

    /**
     * The VMs (by UUID, in the order placed) that {@link #plan} would leave unplaced, without
     * assembling a plan (no waves, no reasons): a quick test of whether a set of VMs fits.
     */
    public List<String> unplaced(EvacuationProblem problem) {
        EvacuationModel model = EvacuationModel.of(problem);
        CapacityLedger ledger = model.newLedger();
        List<String> out = new ArrayList<>();
        for (VmMove vm : model.hardestFirst()) {
            Target target = ledger.firstFit(vm);
            if (target != null) {
                ledger.place(vm, target);
            } else {
                out.add(vm.uuid());
            }
        }
        return out;
    }
}
