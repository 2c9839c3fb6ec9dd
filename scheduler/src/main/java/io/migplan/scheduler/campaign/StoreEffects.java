package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.Transitions.CampaignState;
import io.migplan.scheduler.campaign.Transitions.HostStep;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.InventoryStore;
import io.migplan.scheduler.reservation.SlotReservations;
import io.migplan.scheduler.reservation.SlotReservations.Claim;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A step's decisions written to PostgreSQL, inside the transaction that holds the campaign's row:
 * states through {@link CampaignStore} (each move checked against {@link Transitions}), claims
 * through {@link SlotReservations}, admin marks through {@link InventoryStore}. Missing evidence
 * is not asked here: the step that needs it says so in its answer, and the next step asks first.
 */
final class StoreEffects implements StepEffects {

    private final String campaign;
    private final Instant now;
    private final CampaignStore store;
    private final SlotReservations reservations;
    private final InventoryStore inventory;

    StoreEffects(String campaign, Instant now, CampaignStore store, SlotReservations reservations,
            InventoryStore inventory) {
        this.campaign = campaign;
        this.now = now;
        this.store = store;
        this.reservations = reservations;
        this.inventory = inventory;
    }

    @Override
    public void hostState(HostRow from, HostStep to, String note) {
        store.setHostState(campaign, from, to, note);
    }

    @Override
    public void event(String kind, EventSubject about, String message) {
        store.event(campaign, about, kind, message, now);
    }

    @Override
    public void replanReason(String reasons) {
        store.setReplanReason(campaign, reasons, now);
    }

    @Override
    public void settle(MigrationRow m) {
        m.reservations().forEach(reservations::release);
        store.settle(m.id());
    }

    @Override
    public void finish(MigrationRow m, MigrationState to, String error, boolean settled, Instant deadline) {
        if (settled) {
            m.reservations().forEach(reservations::release);
        }
        store.finish(m, to, error, settled, now, deadline);
    }

    @Override
    public void postpone(MigrationRow m, Instant deadline) {
        store.postpone(m.id(), deadline);
    }

    @Override
    public Set<Long> renew(List<Long> ids, Instant until) {
        return reservations.renew(ids, now, until);
    }

    @Override
    public List<Long> claim(MigrationRow m, StringBuilder refusal) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < m.parents().size(); i++) {
            Claim claim = reservations.claim(m.to(), m.parents().get(i), m.types().get(i), m.id() + "#" + i, now,
                    CampaignStep.RESERVATION_TTL);
            if (!claim.granted()) {
                ids.forEach(reservations::release);
                refusal.append(claim.why());
                return null;
            }
            ids.add(claim.id());
        }
        return ids;
    }

    @Override
    public void reservations(MigrationRow m, List<Long> ids) {
        store.setReservations(m.id(), ids);
    }

    @Override
    public void issue(MigrationRow m, List<Long> claims, String holder, Instant deadline) {
        store.issue(m.id(), claims, holder, now, deadline);
        // One line per migration handed out: followers of the campaign see work start, not only end.
        store.event(campaign, EventSubject.migration(m), "MIGRATION_ISSUED", "migration " + m.id() + " of VM "
                + m.vm() + " " + m.from() + " -> " + m.to() + " issued" + (holder == null ? "" : " to " + holder)
                + ", due by " + deadline, now);
    }

    @Override
    public void adminState(String host, AdminState state, String reason) {
        inventory.setAdminState(host, state, reason);
    }

    @Override
    public void complete(String message) {
        store.setState(campaign, CampaignState.RUNNING, CampaignState.COMPLETED, now);
        store.event(campaign, "COMPLETED", message, now);
    }

    @Override
    public void wantScan(String host) {
        // Asked before the next step (CampaignRunner gathers the evidence a step lacked).
    }

    @Override
    public void wantVerdict(MatrixKey key, DeviceRequest device) {
        // Asked before the next step.
    }
}
