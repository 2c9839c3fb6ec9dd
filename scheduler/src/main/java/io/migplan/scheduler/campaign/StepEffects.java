package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.Transitions.HostStep;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Everything a {@link CampaignStep} does to the world, as calls: what it writes (states, events,
 * claims, admin marks), and the evidence it found missing (fresh scans, verdicts) for the next
 * step to ask first. A step decides from its {@link CampaignStep.Input} alone and acts only
 * through this interface, so the same decision is written to PostgreSQL under the campaign's
 * lock ({@link StoreEffects}), or recorded and nothing written: a preview, the pass that finds
 * what to ask before the lock is taken, and the tests ({@link RecordedEffects}).
 */
interface StepEffects {

    /** A host of the campaign moves to {@code to} (the move checked against {@link Transitions}). */
    void hostState(HostRow from, HostStep to, String note);

    /** A line of the campaign's history about the campaign as a whole. */
    default void event(String kind, String message) {
        event(kind, EventSubject.CAMPAIGN, message);
    }

    /** A line of the campaign's history about a host or migration of it. */
    void event(String kind, EventSubject about, String message);

    /** Why the rest must be planned again (all reasons so far, joined). */
    void replanReason(String reasons);

    /** A done migration is settled: its VM seen on its target; its claims released. */
    void settle(MigrationRow m);

    /** A migration moves to {@code to}; its claims are released when {@code settled}. */
    void finish(MigrationRow m, MigrationState to, String error, boolean settled, Instant deadline);

    /** The agents are asked about the migration again at {@code deadline}. */
    void postpone(MigrationRow m, Instant deadline);

    /** Extends the live claims among {@code ids} until {@code until}; the ids renewed. */
    Set<Long> renew(List<Long> ids, Instant until);

    /**
     * Claims every target slot of the migration; the claims' ids, or null when one was refused
     * ({@code refusal} then says why) and none is kept.
     */
    List<Long> claim(MigrationRow m, StringBuilder refusal);

    /** The slots now claimed for a migration in flight (claimed again after a lapse). */
    void reservations(MigrationRow m, List<Long> ids);

    /** A planned migration is handed out to {@code holder} with its claims, due by {@code deadline}. */
    void issue(MigrationRow m, List<Long> claims, String holder, Instant deadline);

    /** A host's admin state shows what the campaign does with it. */
    void adminState(String host, AdminState state, String reason);

    /** The campaign is completed. */
    void complete(String message);

    /** A fresh scan of {@code host} was needed and is not in the step's evidence. */
    void wantScan(String host);

    /** The target's verdict for {@code key} (about {@code device}) was needed and is not stored. */
    void wantVerdict(MatrixKey key, DeviceRequest device);
}
