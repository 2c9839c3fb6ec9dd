package io.migplan.scheduler.campaign;

import io.migplan.scheduler.error.Reason;
import java.time.Instant;
import java.util.List;

/**
 * A campaign as {@code GET /api/v1/campaigns/{id}} shows it: the current plan's batches with
 * their migrations and states, what cannot move and why, the plan's metrics beside the naive
 * order's, what has been executed, and the history of every decision.
 *
 * <p>A campaign is PLANNING from its creation until its first plan is written (then DRY_RUN or
 * RUNNING); while PLANNING it has no batches or metrics yet, only {@code planning}. A campaign
 * whose plan could not be made is FAILED, with the reason in {@code failure} and its history.
 *
 * @param planVersion   0 while PLANNING, 1 for the first plan; each re-plan adds one
 * @param replanPending why the rest of the work is about to be planned again; null when it is not
 * @param planning      how far the first plan is; null unless PLANNING
 * @param failure       why planning failed; null unless FAILED
 * @param kind          UPGRADE, or EVACUATION: no releases (both null), its hosts end empty and in
 *                      MAINTENANCE, a host DONE is one of them
 * @param reason        why the operator asked for it; empty when none was given
 */
public record CampaignView(String id, String state, String fromRelease, String toRelease, boolean dryRun,
        int planVersion, String replanPending, List<Batch> batches, List<Unmovable> unmovable,
        List<HostNote> heldBack, List<HostNote> blocked, List<HostNote> waiting, Metrics metrics,
        Progress progress, List<Event> history, Planning planning, String failure, String kind, String reason) {

    /**
     * A plan being solved in the background. The campaign planner empties one batch after
     * another, each by an evacuation plan solved in rounds: {@code phase} names the one being
     * solved ({@code <campaign>-v<version>-b<batch>-r<round>}), {@code bestScore} is its best
     * score so far. Both are known only to the scheduler solving it; elsewhere (another replica)
     * they are empty and {@code elapsedMillis} counts from the campaign's creation.
     *
     * @param waiting          the plan waits for a solver (as many are solving as allowed)
     * @param evacuations      batch evacuations solved so far
     * @param timeLimitSeconds past this, planning stops and the campaign is FAILED
     */
    public record Planning(long elapsedMillis, boolean waiting, int evacuations, String phase, String bestScore,
            long timeLimitSeconds) {
    }

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
