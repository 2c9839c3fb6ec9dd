package io.migplan.scheduler.evacuation;

import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import java.util.List;

/**
 * A plan as the API shows it (REST and gRPC). Lists are empty while it is solving; unplaced VMs
 * are shown as the planner gives them.
 */
public record PlanView(String id, PlanStatus status, Progress progress, List<Migration> migrations,
        List<EvacuationPlan.Unplaced> unplaced, Metrics metrics, String error) {

    public record Progress(String bestScore, long elapsedMillis) {
    }

    /**
     * {@code vm} is the VM's name, {@code vmUuid} its libvirt domain UUID (names are unique per
     * host only); {@code device} and {@code type} list one entry per mdev of the VM, comma-separated.
     */
    public record Migration(String vm, String vmUuid, String from, String to, String device, String type, int wave) {

        /** The planner's migration as the API shows it. */
        public static Migration of(EvacuationPlan.Migration m) {
            return new Migration(m.vm(), m.vmUuid(), m.from(), m.to(), perDevice(m.devices()), perDevice(m.types()),
                    m.wave());
        }

        /** One entry per mdev of the VM, comma-separated: how both plan and campaign views list devices and types. */
        public static String perDevice(List<String> values) {
            return String.join(",", values);
        }
    }

    public record Metrics(int vms, int migrations, int unplaced, int waves, int hostsTouched, long solveMillis,
            int hardViolations, boolean terminatedEarly) {
    }
}
