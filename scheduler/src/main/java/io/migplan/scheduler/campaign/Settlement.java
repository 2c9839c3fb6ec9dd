package io.migplan.scheduler.campaign;

import io.migplan.proto.v1.HostSnapshot;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import java.util.Optional;

/**
 * Where a migration's VM is, from fresh scans of its source and target, and what that settles.
 * Asked when nobody settled a migration by its deadline (an issued migration never reported, a
 * done one whose target never showed the VM) and when a migration reported done is reported
 * failed: the agents' positive evidence decides, never the absence of a report. And, for a
 * migration reported done, whether the hosts' own reports already show it ({@link #reported}).
 * Pure: the
 * asking is {@link FreshScans}', the writing the caller's.
 */
final class Settlement {

    /** Where fresh scans place the VM. */
    enum Where {
        ON_TARGET, ON_SOURCE, ON_BOTH, ON_NEITHER, UNKNOWN
    }

    /**
     * @param where   where the VM was seen
     * @param outcome the state the migration settles in: DONE (on its target only), FAILED (on its
     *                source only), or null when the scans settle nothing
     * @param why     the sentence for the history, {@code next} and the migration's error
     */
    record Verdict(Where where, MigrationState outcome, String why) {
    }

    private Settlement() {
    }

    /** Judges the scans of the migration's source and target. */
    static Verdict judge(MigrationRow m, FreshScans.Scan source, FreshScans.Scan target) {
        String vm = "VM " + m.vm();
        if (source instanceof FreshScans.Unavailable u) {
            return new Verdict(Where.UNKNOWN, null, "cannot tell where " + vm + " is: " + u.why());
        }
        if (target instanceof FreshScans.Unavailable u) {
            return new Verdict(Where.UNKNOWN, null, "cannot tell where " + vm + " is: " + u.why());
        }
        boolean onSource = runs(((FreshScans.Seen) source).snapshot(), m);
        boolean onTarget = runs(((FreshScans.Seen) target).snapshot(), m);
        if (onTarget && !onSource) {
            return new Verdict(Where.ON_TARGET, MigrationState.DONE, "fresh scans show " + vm + " on its target "
                    + m.to() + " and not on " + m.from());
        }
        if (onSource && !onTarget) {
            return new Verdict(Where.ON_SOURCE, MigrationState.FAILED, "fresh scans show " + vm + " still on its"
                    + " source " + m.from() + " and not on " + m.to());
        }
        if (onSource) {
            return new Verdict(Where.ON_BOTH, null, "fresh scans show " + vm + " on both " + m.from() + " and "
                    + m.to() + " (the migration may still be running)");
        }
        return new Verdict(Where.ON_NEITHER, null, "fresh scans show " + vm + " on neither " + m.from() + " nor "
                + m.to());
    }

    /**
     * Whether the hosts' reports, as the snapshot holds them, settle a migration reported done:
     * its target reports the VM, and its source does not (or went silent since, and its last
     * report can no longer change). Until both have, the room the VM left and took is not yet
     * what the stored inventory says, and a later wave may depend on it.
     */
    static boolean reported(MigrationRow m, ClusterSnapshot snapshot) {
        Optional<ClusterSnapshot.HostEntry> source = snapshot.host(m.from());
        return runsOn(snapshot, m.to(), m) && (!runsOn(snapshot, m.from(), m)
                || !source.map(e -> e.view().isUp()).orElse(false));
    }

    /** Whether the migration's target reports its VM, as the snapshot holds the report. */
    static boolean runsOnTarget(MigrationRow m, ClusterSnapshot snapshot) {
        return runsOn(snapshot, m.to(), m);
    }

    private static boolean runsOn(ClusterSnapshot snapshot, String host, MigrationRow m) {
        return snapshot.host(host).map(e -> e.vms().stream().anyMatch(v -> v.uuid().equals(m.vmUuid())))
                .orElse(false);
    }

    /** Whether a scan lists the migration's VM, by its UUID. */
    static boolean runs(HostSnapshot scan, MigrationRow m) {
        return scan.getVmsList().stream().anyMatch(v -> v.getUuid().equals(m.vmUuid()));
    }
}
