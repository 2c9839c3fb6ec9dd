package io.migplan.scheduler.evacuation.planner;

import io.migplan.scheduler.error.Reason;
import java.util.List;

/**
 * The answer to an evacuation: every VM of the problem is in exactly one of
 * {@code migrations} or {@code unplaced}. Migrations are sorted by wave, then VM name and UUID.
 * A VM is named by {@code vm} for display and identified by {@code vmUuid}.
 */
public record EvacuationPlan(String problemId, String planner, List<Migration> migrations, List<Unplaced> unplaced,
        Metrics metrics) {

    public EvacuationPlan {
        migrations = List.copyOf(migrations);
        unplaced = List.copyOf(unplaced);
    }

    /**
     * One live migration.
     *
     * @param devices the parents the VM's mdevs land on, in the VM's device order
     * @param types   the VM's mdev types, in the same order
     * @param wave    1-based; migrations of one wave may run at the same time
     */
    public record Migration(String vm, String vmUuid, String from, String to, List<String> devices, List<String> types, int wave) {
        public Migration {
            devices = List.copyOf(devices);
            types = List.copyOf(types);
        }
    }

    public record Unplaced(String vm, String vmUuid, String from, List<Reason> reasons) {
        public Unplaced {
            reasons = List.copyOf(reasons);
        }
    }


    /**
     * @param hostsTouched   distinct source and target hosts of the migrations
     * @param hardViolations hard constraint breaks in the solver's best solution; VMs involved are
     *                       moved to unplaced before the plan is returned, so the plan itself has none
     * @param bestScore      the solver's best score, or the greedy planner's equivalent description
     * @param terminatedEarly planning was cancelled before its own termination
     */
    public record Metrics(int migrations, int waves, int hostsTouched, long solveMillis, int hardViolations,
            String bestScore, boolean terminatedEarly) {
    }
}
