package io.migplan.scheduler.campaign;

import io.migplan.scheduler.error.Reason;
import java.time.Instant;
import java.util.List;

/**
 * A campaign as {@code GET /api/v1/campaigns/{id}} shows it: the current plan's batches with
 * their migrations and states, what cannot move and why, the plan's metrics beside the naive
 * order's, what has been executed, and the history of every decision.
 *
 * @param replanPending why the rest of the work is about to be planned again; null when it is not
 */
public record CampaignView(String id, String state, String fromRelease, String toRelease, boolean dryRun,
        int planVersion, String replanPending, List<Batch> batches, List<Unmovable> unmovable,
        List<HostNote> heldBack, List<HostNote> blocked, List<HostNote> waiting, Metrics metrics,
        Progress progress, List<Event> history) {

    /** @param state PENDING, RUNNING (its hosts are being emptied or upgraded) or DONE */
    public record Batch(int index, List<String> hosts, boolean canary, String state, List<Migration> migrations) {
    }

    /**
     * @param vm    the VM's name, for display; {@code vmUuid} identifies it (names are unique per host only)
     * @param basis what the plan relied on for the target's compatibility: PROBED, LEARNED or
     *              ASSUMED (confirmed by a probe before the migration is issued)
     */
    public record Migration(String id, String vm, String vmUuid, String from, String to, String device, String type, int wave,
            String state, String basis, String error) {
    }


    /** @param vm the VM's name, for display; {@code vmUuid} identifies it */
    public record Unmovable(String vm, String vmUuid, String host, List<Reason> reasons) {
    }

    public record HostNote(String host, List<Reason> reasons) {
    }

    /** The latest plan's figures (see docs/campaign-planner.md); the naive order planned on the same fleet. */
    /** @param blocked hosts of the scope the plan could not empty (listed in {@code blocked}) */
    public record Metrics(int vms, int migrations, double migrationsPerVm, int movedTwice, int batches, int waves,
            int lowerBound, int blocked, long planMillis, Naive naive) {
    }

    /** @param blocked hosts the naive order could not empty; its migrations count only the others */
    public record Naive(int migrations, double migrationsPerVm, int movedTwice, int blocked) {
    }

    /**
     * What has happened so far, over every plan version.
     *
     * @param migrationsPerVm migrations done per VM on the hosts in scope when the campaign was created
     */
    public record Progress(int hosts, int hostsDone, int migrationsDone, int migrationsFailed, int inFlight,
            double migrationsPerVm) {
    }

    public record Event(Instant at, String kind, String message) {
    }
}
