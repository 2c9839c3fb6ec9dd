package io.migplan.scheduler.evacuation.planner;

import io.migplan.scheduler.error.Reason;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.VmSpec;
import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.evacuation.planner.domain.Target;
import io.migplan.scheduler.evacuation.planner.domain.VmMove;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Says why a VM is unplaced, against the final placement of everything else: no eligible
 * target at all (the filters' reasons, as given), or which capacity ran out on its eligible
 * targets once the other VMs were placed, counted per cause with an example that has numbers.
 * It decides nothing about placement.
 */
public final class UnplacedExplainer {

    public static final String NO_ELIGIBLE_TARGET = "NO_ELIGIBLE_TARGET";
    public static final String CAPACITY_EXHAUSTED = "CAPACITY_EXHAUSTED";
    public static final String PLANNING_STOPPED = "PLANNING_STOPPED";

    private UnplacedExplainer() {
    }

    /**
     * @param ledger every placed VM already in it
     */
    public static List<Reason> explain(VmMove vm, VmSpec spec, CapacityLedger ledger) {
        List<Target> targets = vm.getEligible().targets();
        if (targets.isEmpty()) {
            List<Reason> out = new ArrayList<>();
            String why = spec.eligible().isEmpty()
                    ? "no host passed the filters for " + vm.name()
                    : "none of the " + spec.eligible().size() + " targets the filters accepted for " + vm.name()
                            + " is a known host outside the evacuation";
            out.add(new Reason(NO_ELIGIBLE_TARGET, why));
            out.addAll(spec.ineligibleReasons());
            return out;
        }
        record Tally(String code, String example, int[] count) {
        }
        Map<String, Tally> tallies = new LinkedHashMap<>();
        String fitting = null;
        for (Target target : targets) {
            List<Rejection> shortfalls = ledger.shortfalls(vm, target);
            if (shortfalls.isEmpty() && fitting == null) {
                fitting = target.host().id();
            }
            // A target counts once per cause, however many of its devices share that cause.
            shortfalls.stream().map(s -> tallies.computeIfAbsent(s.tally(), t -> new Tally(s.code(), s.message(),
                    new int[1]))).distinct().forEach(t -> t.count()[0]++);
        }
        if (fitting != null) {
            return List.of(new Reason(PLANNING_STOPPED, "host " + fitting + " still had room for " + vm.name()
                    + "; planning stopped before it was placed"));
        }
        List<Reason> out = new ArrayList<>();
        StringBuilder summary = new StringBuilder("every eligible target (" + targets.size() + ") lacked room for "
                + vm.name() + " after placing higher-priority VMs: ");
        List<String> parts = new ArrayList<>();
        tallies.entrySet().stream().sorted((a, b) -> b.getValue().count()[0] - a.getValue().count()[0])
                .forEach(e -> parts.add(e.getValue().count()[0] + " " + e.getKey()));
        summary.append(String.join(", ", parts));
        out.add(new Reason(CAPACITY_EXHAUSTED, summary.toString()));
        tallies.forEach((tally, t) -> out.add(new Reason(t.code(), t.count()[0] + " of " + targets.size()
                + " targets: " + tally + ", e.g. " + t.example())));
        return out;
    }
}
