package io.migplan.scheduler.evacuation;

import io.migplan.scheduler.error.Reason;
import java.util.List;

/** A plan as the API shows it (REST and gRPC). Lists are empty while it is solving. */
public record PlanView(String id, PlanStatus status, Progress progress, List<Migration> migrations,
        List<Unplaced> unplaced, Metrics metrics, String error) {

    public record Progress(String bestScore, long elapsedMillis) {
    }

    /** {@code device} and {@code type} list one entry per mdev of the VM, comma-separated. */
    public record Migration(String vm, String from, String to, String device, String type, int wave) {
    }

    public record Unplaced(String vm, String from, List<Reason> reasons) {
    }


    public record Metrics(int vms, int migrations, int unplaced, int waves, int hostsTouched, long solveMillis,
            int hardViolations, boolean terminatedEarly) {
    }
}
