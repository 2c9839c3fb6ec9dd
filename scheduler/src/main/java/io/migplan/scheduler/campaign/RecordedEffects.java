package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.Transitions.HostStep;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A step's decisions recorded, nothing written: for a preview, for the pass that finds which
 * fresh scans and verdicts a step will need before its lock is taken, and for tests, which read
 * {@link #effects} as lines. Claims are granted without ids (nothing is claimed) unless
 * {@link #refuseClaims}; claims to renew are renewed unless {@link #lapsed}.
 */
final class RecordedEffects implements StepEffects {

    /** Every decision, one line each, in the order made. */
    final List<String> effects = new ArrayList<>();
    /** Hosts whose fresh scan a step needed. */
    final Set<String> wantedScans = new LinkedHashSet<>();
    /** Verdicts a step needed, by target host. */
    final Map<String, Map<MatrixKey, DeviceRequest>> wantedVerdicts = new LinkedHashMap<>();
    /** The admin-state reason last set, by host. */
    final Map<String, String> adminReasons = new LinkedHashMap<>();
    /** Claims that had lapsed (not renewed). */
    final Set<Long> lapsed = new HashSet<>();
    /** Why a claim is refused; null grants every claim. */
    String refuseClaims;

    @Override
    public void hostState(HostRow from, HostStep to, String note) {
        Transitions.require("host " + from.host(), from.step(), to);
        effects.add("host " + from.host() + " " + from.state() + " -> " + to + (note.isEmpty() ? "" : ": " + note));
    }

    @Override
    public void event(String kind, EventSubject about, String message) {
        effects.add("event " + kind + ": " + message);
    }

    @Override
    public void replanReason(String reasons) {
        effects.add("replan: " + reasons);
    }

    @Override
    public void settle(MigrationRow m) {
        effects.add("settle " + m.id());
    }

    @Override
    public void finish(MigrationRow m, MigrationState to, String error, boolean settled, Instant deadline) {
        Transitions.require("migration " + m.id(), m.stateEnum(), to);
        effects.add("migration " + m.id() + " " + m.state() + " -> " + to + (error.isEmpty() ? "" : ": " + error));
    }

    @Override
    public void postpone(MigrationRow m, Instant deadline) {
        effects.add("postpone " + m.id() + " to " + deadline);
    }

    @Override
    public Set<Long> renew(List<Long> ids, Instant until) {
        Set<Long> renewed = new HashSet<>(ids);
        renewed.removeAll(lapsed);
        return renewed;
    }

    @Override
    public List<Long> claim(MigrationRow m, StringBuilder refusal) {
        if (refuseClaims != null) {
            refusal.append(refuseClaims);
            return null;
        }
        return List.of();
    }

    @Override
    public void reservations(MigrationRow m, List<Long> ids) {
        effects.add("reservations " + m.id() + " " + ids);
    }

    @Override
    public void issue(MigrationRow m, List<Long> claims, String holder, Instant deadline) {
        effects.add("issue " + m.id() + (holder == null ? "" : " to " + holder));
    }

    @Override
    public void adminState(String host, AdminState state, String reason) {
        effects.add("admin " + host + " " + state);
        adminReasons.put(host, reason);
    }

    @Override
    public void complete(String message) {
        effects.add("complete: " + message);
    }

    @Override
    public void wantScan(String host) {
        wantedScans.add(host);
    }

    @Override
    public void wantVerdict(MatrixKey key, DeviceRequest device) {
        wantedVerdicts.computeIfAbsent(key.targetHost(), h -> new LinkedHashMap<>()).putIfAbsent(key, device);
    }
}
