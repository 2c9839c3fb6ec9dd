package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.CampaignStore.PlannedMove;
import io.migplan.scheduler.campaign.Transitions.HostStep;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.compatibility.VerdictMeaning;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.placement.filter.HostStateFilter;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.Releases;
import io.migplan.scheduler.snapshot.VmRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Function;

/**
 * One step of a running campaign, decided from its {@link Input} alone (the campaign's rows, the
 * cluster snapshot, the fresh scans and stored verdicts, the time) and acted out through
 * {@link StepEffects}. Its rules:
 *
 * <ul>
 * <li>Batches run one after another: a batch's hosts are drained, upgraded and probed before
 * the next batch starts; within a batch, wave w starts once every migration of earlier waves
 * is settled, within the policy's parallel, outbound and inbound limits.</li>
 * <li>A migration is issued only to a host that is up, active, and not being drained, upgraded
 * or awaiting its probes, once its target's agent has said COMPATIBLE for each device at the
 * target's current generation, and once every target slot is claimed.</li>
 * <li>A migration in flight keeps its claims (renewed every step); past its deadline it is
 * settled from fresh scans of both hosts ({@link Settlement}). A done migration keeps its slots
 * until the target's report shows the VM.</li>
 * <li>A host is ready to upgrade only when a fresh scan proves it empty ({@link EmptinessProof});
 * a VM seen on it again takes it back. An upgraded host is done when it reports the new release
 * and its agent has answered the probes the remaining VMs need. In an evacuation
 * ({@link CampaignKind#EVACUATION}) a host proven empty is done at once, left in MAINTENANCE,
 * and the evacuation completes only when every host of it is done.</li>
 * <li>A failed migration, a host going down or coming back, a VM appearing on a host being
 * emptied or leaving its planned source, a target refusing, or a slot lost re-plans the
 * remaining work, once nothing is in flight, with the reason in the history.</li>
 * </ul>
 *
 * The units are the step's parts, called in this order by {@link #advance()}: {@link Settling}
 * (claims and settlement), {@link Draining} (hosts emptied, proven empty, taken back),
 * {@link Upgrades} (upgrade reported, probes answered), {@link Triggers} (why the plan no longer
 * holds), {@link AdminMarks}; and {@link Issuing} by {@link #issue()}. Re-planning itself is the
 * caller's: {@link #replanDue()} says when and why.
 */
final class CampaignStep {

    /** How long a migration's slot claim lasts past the last step that renewed it. */
    static final Duration RESERVATION_TTL = Duration.ofMinutes(30);

    /**
     * What a step decides from.
     *
     * @param open          the migrations in flight and the planned ones of the current batch
     *                      ({@link #currentBatch(Collection)})
     * @param later         the planned migrations of later batches, for the checks of the plan
     * @param lease         the campaign's lease, as the answer shows it; null when none
     * @param issueTo       the orchestrator work is issued to; null in a preview (nothing issued)
     * @param scans         fresh scans asked before the step, by host
     * @param askFailures   why a target's agent gave no verdicts when asked before the step, by host
     * @param verdicts      the stored verdicts valid for the snapshot, among the keys given
     * @param settleTimeout how long before the agents are asked again about an unsettled migration
     */
    record Input(CampaignRow campaign, List<HostRow> hosts, List<MigrationRow> open, LaterBatches later,
            ClusterSnapshot snapshot,
            Instant now, Lease lease, String issueTo, Map<String, FreshScans.Scan> scans, Map<String, String> askFailures,
            Function<Collection<MatrixKey>, Map<MatrixKey, StoredVerdict>> verdicts, Duration settleTimeout,
            boolean retryStuck) {
    }

    private final Input in;
    private final StepEffects out;
    private final CampaignRow c;
    private final Instant now;
    private final ClusterSnapshot snapshot;
    private final Map<String, HostRow> hosts = new LinkedHashMap<>();
    private final List<MigrationRow> open;
    private final List<NextStep.Action> started = new ArrayList<>();
    private final List<String> waiting = new ArrayList<>();
    private String replan;
    private boolean completed;
    /** An evacuation left with only hosts it cannot empty, nothing in flight. */
    private boolean stuck;
    /** Whether this step asked for the stuck hosts to be planned again. */
    private boolean triedStuck;
    /**
     * The devices of the VMs still to move, one per type and signature ({@link Upgrades#stillToMove});
     * null until asked and after a host enters or leaves {@link #STILL_TO_MOVE}. Made once per step,
     * not once per upgraded host probed: with a tenth of 1,000 hosts in maintenance, each of them walked
     * every VM of the fleet at every step.
     */
    private Map<String, DeviceRequest> stillToMove;

    CampaignStep(Input in, StepEffects out) {
        this.in = in;
        this.out = out;
        this.c = in.campaign();
        this.now = in.now();
        this.snapshot = in.snapshot();
        this.replan = c.replanReason();
        in.hosts().forEach(h -> hosts.put(h.host(), h));
        this.open = new ArrayList<>(in.open());
    }

    /** Brings the campaign's rows up to date with the snapshot and the evidence; issues nothing. */
    CampaignStep advance() {
        Settling settling = new Settling();
        settling.renewClaims();
        settling.settleOverdue();
        settling.settleDone();
        Draining draining = new Draining();
        Upgrades upgrades = new Upgrades();
        Triggers triggers = new Triggers();
        for (HostRow h : List.copyOf(hosts.values())) {
            if (UPGRADING.contains(h.state()) && draining.takenBack(h)) {
                continue;
            }
            switch (h.state()) {
                case "UPGRADING" -> upgrades.upgraded(h);
                case "PROBING" -> upgrades.probe(h);
                default -> triggers.liveness(h);
            }
        }
        triggers.checkPlannedMigrations();
        draining.startCurrentBatch();
        if (replanDue() == null) {
            new AdminMarks().sync();
            if (hosts.values().stream().noneMatch(h -> OPEN_HOST.contains(h.state())) && open.isEmpty()
                    && in.later().isEmpty()) {
                long done = hosts.values().stream().filter(h -> h.state().equals("DONE")).count();
                if (c.kind() == CampaignKind.UPGRADE || done == hosts.size()) {
                    out.complete(done + " of " + hosts.size() + (c.evacuation() ? " hosts empty and in MAINTENANCE"
                            : " hosts at " + c.to()));
                    completed = true;
                } else {
                    // An evacuation ends only with every host empty, and a rollback with every host back at the
                    // old release (VMs left on the new one are what a rollback exists to avoid, and a verdict
                    // an agent did not give in time may come later): one that cannot be says why, each step.
                    List<HostRow> left = hosts.values().stream().filter(h -> !h.state().equals("DONE")).toList();
                    left.forEach(h -> waiting.add("host " + h.host() + " cannot be emptied (" + h.state() + "): "
                            + h.note()));
                    stuck = true;
                    if (in.retryStuck()) {
                        // Room may have appeared since the plan: plan these hosts again (Backoff says when).
                        flag(left.stream().map(HostRow::host).sorted().collect(Collectors.joining(
                                ", ", "host(s) ", " could not be emptied; planned again in case room has appeared")));
                        triedStuck = true;
                    }
                }
            }
        }
        return this;
    }

    /** Issues what the current batch's next wave may start now, within the limits, to the lease holder. */
    CampaignStep issue() {
        new Issuing().issue();
        return this;
    }

    /** Why the remaining work must be planned now (nothing in flight or unsettled); null when it need not. */
    String replanDue() {
        return replan != null && open.stream().allMatch(m -> m.state().equals("PLANNED")) ? replan : null;
    }

    boolean completed() {
        return completed;
    }

    /** Whether the campaign is left with only hosts it cannot empty (an evacuation), nothing in flight. */
    boolean stuck() {
        return stuck;
    }

    /** Whether this step asked for those hosts to be planned again ({@link Input#retryStuck}). */
    boolean triedStuck() {
        return triedStuck;
    }

    /**
     * The hosts whose next report may settle a migration after this step: both hosts of each
     * migration done and not yet seen in their reports. A hint for {@link ReportTrigger}; the
     * step decides nothing from it.
     */
    Set<String> awaitedSettlements() {
        Set<String> out = new HashSet<>();
        for (MigrationRow m : open) {
            if (m.state().equals("DONE")) {
                out.add(m.from());
                out.add(m.to());
            }
        }
        return out;
    }

    /** The hosts being upgraded, whose report of the new release a step takes next ({@link ReportTrigger}). */
    Set<String> awaitedUpgrades() {
        Set<String> out = new HashSet<>();
        hosts.values().stream().filter(h -> h.state().equals("UPGRADING")).forEach(h -> out.add(h.host()));
        return out;
    }

    /** The answer to the orchestrator, {@code preview} for one that changed nothing. */
    NextStep result(String state, boolean preview) {
        List<NextStep.Action> inFlight = new ArrayList<>();
        // The step's rows as given: ISSUED ones were issued before this step.
        for (MigrationRow m : in.open()) {
            if (m.state().equals("ISSUED")) {
                inFlight.add(action(m, m.reservations(), m.deadline()));
            }
        }
        List<String> upgrade = hosts.values().stream().filter(h -> h.state().equals("READY_TO_UPGRADE"))
                .map(HostRow::host).toList();
        Lease lease = in.lease();
        return new NextStep(c.id(), state, List.copyOf(started), inFlight, upgrade,
                List.copyOf(new LinkedHashSet<>(waiting)), preview, lease == null ? null : lease.holder(),
                lease == null ? null : lease.expiresAt());
    }

    /** States of a host still to be finished by the campaign. */
    static final Set<String> OPEN_HOST = Set.of("PENDING", "DRAINING", "READY_TO_UPGRADE", "UPGRADING", "PROBING",
            "WAITING");
    /** States of hosts the campaign is working on, which take no VM meanwhile. */
    static final Set<String> BUSY_TARGET = Set.of("DRAINING", "READY_TO_UPGRADE", "UPGRADING", "PROBING", "WAITING");
    /** States of hosts whose VMs are still to move: what an upgraded host is probed for. */
    static final Set<String> STILL_TO_MOVE = Set.of("PENDING", "DRAINING", "WAITING");
    /** States whose hosts the plan treats as already at the new release. */
    static final Set<String> UPGRADING = Set.of("READY_TO_UPGRADE", "UPGRADING", "PROBING");

    /** The history's line for migrations the hosts' reports settled, naming their VMs (three at most). */
    static String settledLine(List<String> vms) {
        return vms.size() + " migration" + (vms.size() == 1 ? "" : "s") + " seen on "
                + (vms.size() == 1 ? "its target" : "their targets") + " in the hosts' reports (VM "
                + String.join(", ", vms.subList(0, Math.min(3, vms.size())))
                + (vms.size() > 3 ? " and " + (vms.size() - 3) + " more" : "") + ")";
    }

    // ---- shared by the units -----------------------------------------------------------------

    private void flag(String reason) {
        if (replan != null && replan.contains(reason)) {
            return;
        }
        replan = replan == null ? reason : replan + "; " + reason;
        out.replanReason(replan);
        out.event("REPLAN_NEEDED", reason);
    }

    private void hostState(HostRow h, String state, String note) {
        out.hostState(h, HostStep.valueOf(state), note);
        if (STILL_TO_MOVE.contains(h.state()) != STILL_TO_MOVE.contains(state)) {
            stillToMove = null;
        }
        hosts.put(h.host(), new HostRow(h.host(), h.batch(), h.canary(), state, note));
    }

    private Optional<HostEntry> host(String id) {
        return snapshot.host(id);
    }

    private boolean up(String id) {
        return host(id).map(e -> e.view().isUp()).orElse(false);
    }

    /** The lowest batch with a host not finished; null when none. */
    private Integer currentBatch() {
        return currentBatch(hosts.values());
    }

    /**
     * The lowest batch of {@code hosts} with a host not finished (waiting hosts aside); null when
     * none. A step decides over this batch's planned migrations and those in flight.
     */
    static Integer currentBatch(Collection<HostRow> hosts) {
        return hosts.stream().filter(h -> h.batch() != null && OPEN_HOST.contains(h.state())
                && !h.state().equals("WAITING")).map(HostRow::batch).min(Integer::compare).orElse(null);
    }

    /** Every planned migration of the plan: the current batch's, then the later batches'. */
    private List<PlannedMove> planned() {
        List<PlannedMove> out = new ArrayList<>();
        open.stream().filter(m -> m.state().equals("PLANNED")).forEach(m -> out.add(PlannedMove.of(m)));
        out.addAll(in.later().moves());
        return out;
    }

    private static boolean inFlight(MigrationRow m) {
        return m.state().equals("ISSUED") || m.state().equals("DONE");
    }

    /** Whether two migrations need an instance of the same type on the same parent. */
    private static boolean sharesASlot(MigrationRow a, MigrationRow b) {
        for (int i = 0; i < a.parents().size(); i++) {
            for (int j = 0; j < b.parents().size(); j++) {
                if (a.parents().get(i).equals(b.parents().get(j)) && a.types().get(i).equals(b.types().get(j))) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- the units ---------------------------------------------------------------------------

    /** Claims of migrations in flight, and migrations settled from reports or from fresh scans. */
    private final class Settling {

        /**
         * Keeps the slots of migrations in flight claimed for as long as they are: every step
         * extends them. A claim that lapsed anyway (the scheduler was away longer than
         * {@link #RESERVATION_TTL}) is claimed again; if its slot went to someone else meanwhile,
         * the rest is re-planned.
         */
        void renewClaims() {
            List<Long> held = new ArrayList<>();
            open.stream().filter(CampaignStep::inFlight).forEach(m -> held.addAll(m.reservations()));
            Set<Long> renewed = out.renew(held, now.plus(RESERVATION_TTL));
            for (MigrationRow m : List.copyOf(open)) {
                if (!inFlight(m) || renewed.containsAll(m.reservations())) {
                    continue;
                }
                out.event("SLOT_LOST", EventSubject.migration(m), "a slot claimed for migration " + m.id() + " of VM "
                        + m.vm() + " on " + m.to() + " had lapsed; claiming it again");
                StringBuilder refusal = new StringBuilder();
                List<Long> again = out.claim(m, refusal);
                if (again == null) {
                    flag("no slot for VM " + m.vm() + " on " + m.to() + " any more: " + refusal);
                } else {
                    out.reservations(m, again);
                    open.set(open.indexOf(m), m.withReservations(again));
                }
            }
        }

        /**
         * Done migrations whose VM the hosts' reports now show on the target ({@link
         * Settlement#reported}): their slots are released. A step that hands nothing out (a
         * tick, or one taken on a report) says so in the history, so an orchestrator waiting for
         * the campaign's events asks for the next wave at once.
         */
        void settleDone() {
            List<String> seen = new ArrayList<>();
            for (MigrationRow m : List.copyOf(open)) {
                if (m.state().equals("DONE") && Settlement.reported(m, snapshot)) {
                    out.settle(m);
                    open.remove(m);
                    seen.add(m.vm());
                }
            }
            if (!seen.isEmpty() && in.issueTo() == null) {
                out.event("MIGRATIONS_SETTLED", settledLine(seen));
            }
        }

        boolean overdue(MigrationRow m) {
            return inFlight(m) && m.deadline() != null && !m.deadline().isAfter(now);
        }

        /**
         * Migrations past their deadline are settled from where fresh scans of both hosts place
         * the VM: on its target only, an issued one is DONE (settled when the reports agree, or by
         * the scans once more after the settle timeout) and a done one settled; on its source only,
         * FAILED (the rest re-planned). Scans that settle nothing leave it as it is until the
         * settle timeout passes again, and say why.
         */
        void settleOverdue() {
            for (MigrationRow m : List.copyOf(open)) {
                if (!overdue(m)) {
                    continue;
                }
                FreshScans.Scan source = in.scans().get(m.from());
                FreshScans.Scan target = in.scans().get(m.to());
                if (source == null || target == null) {
                    out.wantScan(m.from());
                    out.wantScan(m.to());
                    waiting.add("migration " + m.id() + " of VM " + m.vm() + " is past its deadline; the agents of "
                            + m.from() + " and " + m.to() + " are asked where the VM is");
                    continue;
                }
                Settlement.Verdict v = Settlement.judge(m, source, target);
                String was = m.state().equals("ISSUED") ? "was not reported by its deadline " + m.deadline()
                        : "was reported done but its target did not show the VM by " + m.deadline();
                String why = "migration " + m.id() + " of VM " + m.vm() + " " + m.from() + " -> " + m.to() + " " + was
                        + "; " + v.why();
                if (v.outcome() == null) {
                    waiting.add(why);
                    out.postpone(m, now.plus(in.settleTimeout()));
                    out.event("MIGRATION_UNSETTLED", EventSubject.migration(m), why);
                    continue;
                }
                if (v.outcome() == MigrationState.DONE && m.state().equals("ISSUED")) {
                    // Done, as if reported: settled once the reports agree (settleDone), or by the
                    // scans again after the settle timeout.
                    Instant again = now.plus(in.settleTimeout());
                    out.finish(m, MigrationState.DONE, "", false, again);
                    out.event("MIGRATION_SETTLED", EventSubject.migration(m), why + ": taken as DONE");
                    open.set(open.indexOf(m), m.with(MigrationState.DONE, again));
                    continue;
                }
                if (v.outcome() == MigrationState.DONE) {
                    out.settle(m);
                    out.event("MIGRATION_SETTLED", EventSubject.migration(m), why + ": settled DONE");
                } else {
                    out.finish(m, MigrationState.FAILED, why, true, null);
                    out.event("MIGRATION_FAILED", EventSubject.migration(m), why + ": settled FAILED");
                    flag(why);
                }
                open.remove(m);
            }
        }
    }

    /** Hosts emptied: batches started, hosts proven empty, and hosts taken back when a VM reappears. */
    private final class Draining {

        /** The current batch's hosts are being emptied; those proven empty are ready to upgrade. */
        void startCurrentBatch() {
            Integer current = currentBatch();
            if (current == null || replanDue() != null) {
                return;
            }
            for (HostRow h : List.copyOf(hosts.values())) {
                if (current.equals(h.batch()) && h.state().equals("PENDING")) {
                    hostState(h, "DRAINING", "");
                }
            }
            drained(current);
        }

        /** No migration out of the host is open and its last report lists no VM: time to ask for the proof. */
        boolean looksEmpty(HostRow h) {
            return open.stream().noneMatch(m -> m.from().equals(h.host()))
                    && host(h.host()).map(e -> e.vms().isEmpty()).orElse(false);
        }

        /**
         * Hosts of the batch proven empty become ready to upgrade: every migration out of them is
         * settled, their last report lists no VM, and a fresh scan asked of their agent shows no
         * VM, no active mdev and no problem reading sysfs or libvirt. A host not proven empty
         * stays DRAINING, and why is its note, a line of {@code next}'s waiting and, when it
         * changes, an event.
         */
        void drained(int batch) {
            for (HostRow h : List.copyOf(hosts.values())) {
                if (!Integer.valueOf(batch).equals(h.batch()) || !h.state().equals("DRAINING") || !looksEmpty(h)) {
                    continue;
                }
                FreshScans.Scan scan = in.scans().get(h.host());
                if (scan == null) {
                    out.wantScan(h.host());
                    waiting.add("host " + h.host() + " looks empty; its agent is asked for a fresh scan to prove it");
                    continue;
                }
                EmptinessProof.Finding proof = EmptinessProof.judge(h.host(), scan);
                if (proof.empty() && c.evacuation()) {
                    hostState(h, "DONE", "");
                    out.event("HOST_EMPTY", EventSubject.host(h), "host " + h.host() + " is empty (a fresh scan shows no"
                            + " VM, no active mdev and no problem reading sysfs or libvirt) and is left in MAINTENANCE");
                } else if (proof.empty()) {
                    hostState(h, "READY_TO_UPGRADE", "");
                    out.event("HOST_EMPTY", EventSubject.host(h), "host " + h.host() + " is empty (a fresh scan shows no"
                            + " VM, no active mdev and no problem reading sysfs or libvirt) and may be upgraded");
                } else {
                    waiting.add(proof.why());
                    if (!proof.why().equals(h.note())) {
                        hostState(h, "DRAINING", proof.why());
                        out.event("HOST_NOT_PROVEN_EMPTY", EventSubject.host(h), proof.why());
                    }
                }
            }
        }

        /**
         * A host handed out for upgrade (or being upgraded or probed) on which a VM is seen again
         * is taken back: a ready host returns to DRAINING and leaves the upgrade list, and one
         * being upgraded or probed does not advance; each says why in its note, in {@code next}'s
         * waiting and in the history. Returns whether the host was held.
         */
        boolean takenBack(HostRow h) {
            Optional<HostEntry> e = host(h.host());
            if (e.isEmpty() || e.get().vms().isEmpty()) {
                return false;
            }
            List<String> names = e.get().vms().stream().map(VmRecord::name).sorted().toList();
            String why = "VM " + String.join(", ", names.subList(0, Math.min(3, names.size())))
                    + (names.size() > 3 ? " and " + (names.size() - 3) + " more" : "") + " seen on host " + h.host()
                    + " while it is " + h.state() + "; it is not upgraded until it is empty again";
            waiting.add(why);
            String state = h.state().equals("READY_TO_UPGRADE") ? "DRAINING" : h.state();
            if (!why.equals(h.note()) || !state.equals(h.state())) {
                hostState(h, state, why);
                out.event("HOST_TAKEN_BACK", EventSubject.host(h), why);
            }
            return true;
        }
    }

    /** Upgrade verification: the new release reported, then the probes the remaining VMs need answered. */
    private final class Upgrades {

        /** The devices of the VMs on hosts still to be emptied, one per type and signature, in the hosts' order. */
        private Map<String, DeviceRequest> stillToMove() {
            if (stillToMove == null) {
                Map<String, DeviceRequest> wanted = new LinkedHashMap<>();
                for (HostRow other : hosts.values()) {
                    if (STILL_TO_MOVE.contains(other.state())) {
                        host(other.host()).ifPresent(src -> src.vms().forEach(vm -> vm.devices().forEach(d ->
                                wanted.putIfAbsent(d.typeId() + '\u0000' + d.sourceSignature(), d))));
                    }
                }
                stillToMove = wanted;
            }
            return stillToMove;
        }

        /** An upgrading host that reports the new release is probed next. */
        void upgraded(HostRow h) {
            Optional<HostEntry> e = host(h.host());
            if (e.isPresent() && e.get().view().isUp() && Releases.compare(e.get().view().release(), c.to()) == 0) {
                hostState(h, "PROBING", "");
                out.event("UPGRADE_REPORTED", EventSubject.host(h), "host " + h.host() + " reports release " + c.to()
                        + " (generation " + e.get().view().generation() + ")");
                probe(hosts.get(h.host()));
            }
        }

        /**
         * An upgraded host's verdicts, at its new generation, for every type and signature of the
         * VMs still to move that it offers. All answered: the host is done. A refusal for what the
         * plan sends to this host or to hosts of its board at the new release re-plans.
         */
        void probe(HostRow h) {
            HostEntry e = host(h.host()).orElse(null);
            if (e == null || !e.view().isUp()) {
                return;
            }
            List<Cell> cells = new ArrayList<>();
            for (DeviceRequest d : stillToMove().values()) {
                for (ParentView p : e.view().parentsWith(d.typeId())) {
                    cells.add(new Cell(new MatrixKey(h.host(), p.address(), d.typeId(), d.sourceSignature()), d));
                }
            }
            Map<MatrixKey, Answer> answers = verdicts(e, cells);
            if (answers.size() < cells.size()) {
                waiting.add("host " + h.host() + " is upgraded; " + (cells.size() - answers.size()) + " of "
                        + cells.size() + " compatibility probes are still unanswered");
                return;
            }
            Set<String> refused = new LinkedHashSet<>();
            answers.forEach((k, a) -> {
                if (!a.compatible()) {
                    refused.add(k.targetTypeId() + '\u0000' + k.sourceSignature());
                }
            });
            hostState(h, "DONE", "");
            out.event("HOST_DONE", EventSubject.host(h), "host " + h.host() + " runs " + c.to() + " and answered "
                    + cells.size() + " probes"
                    + (refused.isEmpty() ? "" : ", refusing " + refused.size() + " type/signature pairs"));
            if (c.rollback()) {
                new Triggers().rolledBack(h);
            } else if (!refused.isEmpty()) {
                new Triggers().refusedByUpgraded(h, e, refused);
            }
        }
    }

    /** Why the plan no longer holds: each finding flags a re-plan with its reason. */
    private final class Triggers {

        /** A host to be emptied that is not up waits; a waiting host that is up again re-plans. */
        void liveness(HostRow h) {
            switch (h.state()) {
                case "PENDING", "DRAINING" -> {
                    if (!up(h.host())) {
                        hostState(h, "WAITING", "host " + h.host() + " is " + host(h.host())
                                .map(e -> e.view().state().name()).orElse("gone") + "; it is planned once it is up"
                                + " again");
                        flag("host " + h.host() + " is not up");
                    }
                }
                case "WAITING" -> {
                    if (up(h.host())) {
                        flag("host " + h.host() + " is up again");
                    }
                }
                default -> {
                }
            }
        }

        /**
         * Planned migrations whose VM is no longer where the plan found it, or whose target went
         * away (each such target named once, with the first VM planned onto it).
         */
        void checkPlannedMigrations() {
            Set<String> moving = new HashSet<>();
            open.stream().filter(m -> !m.state().equals("PLANNED")).forEach(m -> moving.add(m.vmUuid()));
            // Why each target seen cannot take a VM ("" when it can), judged once per target.
            Map<String, String> targets = new HashMap<>();
            for (MigrationRow m : open) {
                if (m.state().equals("PLANNED") && !moving.contains(m.vmUuid())) {
                    checkVm(PlannedMove.of(m), draining(m.from()));
                    checkTarget(m.to(), m.vm(), targets);
                }
            }
            // The later batches' moves, by source: VMs all still on an unchanged source need no look-up.
            in.later().forEachSource((source, moves) -> {
                boolean draining = draining(source);
                if (draining || !in.later().allSeenOn(source, host(source).orElse(null))) {
                    moves.stream().filter(m -> !moving.contains(m.vmUuid())).forEach(m -> checkVm(m, draining));
                }
            });
            in.later().forEachTarget((target, moves) -> moves.stream().filter(m -> !moving.contains(m.vmUuid()))
                    .findFirst().ifPresent(m -> checkTarget(target, m.vm(), targets)));
            // A VM on a host being emptied that no migration takes away. The open migrations' VMs
            // by source, gathered once: not once per host being emptied.
            Map<String, Set<String>> leavingBySource = new HashMap<>();
            for (MigrationRow m : open) {
                leavingBySource.computeIfAbsent(m.from(), k -> new HashSet<>()).add(m.vmUuid());
            }
            for (HostRow h : hosts.values()) {
                if (!h.state().equals("DRAINING") && !h.state().equals("READY_TO_UPGRADE")) {
                    continue;
                }
                Set<String> leaving = leavingBySource.getOrDefault(h.host(), Set.of());
                host(h.host()).ifPresent(e -> e.vms().forEach(vm -> {
                    if (!leaving.contains(vm.uuid()) && !moving.contains(vm.uuid())) {
                        flag("VM " + vm.name() + " appeared on host " + h.host() + ", which is being emptied");
                    }
                }));
            }
        }

        /** Whether the campaign is emptying {@code host} now. */
        private boolean draining(String host) {
            HostRow h = hosts.get(host);
            return h != null && h.state().equals("DRAINING");
        }

        /** A planned VM that disappeared, or that runs elsewhere than planned while its source is being emptied. */
        private void checkVm(PlannedMove m, boolean sourceDraining) {
            Optional<VmRecord> vm = snapshot.vm(m.vmUuid());
            if (vm.isEmpty()) {
                flag("VM " + m.vm() + " disappeared");
            } else if (sourceDraining && !vm.get().host().equals(m.from())) {
                flag("VM " + m.vm() + " runs on " + vm.get().host() + ", not on " + m.from() + " as planned");
            }
        }

        /** A target that cannot take a planned VM, flagged with the first VM planned onto it; judged once. */
        private void checkTarget(String target, String vm, Map<String, String> judged) {
            if (!judged.containsKey(target)) {
                String gone = targetGone(target);
                judged.put(target, gone);
                if (!gone.isEmpty()) {
                    flag(gone + "; it was the target of VM " + vm);
                }
            }
        }

        /** Why host {@code id} cannot take a planned VM: it left the inventory or is not up; "" when it can. */
        private String targetGone(String id) {
            return host(id).map(e -> e.view().isUp() ? "" : "host " + id + " is " + e.view().state())
                    .orElse("host " + id + " left the inventory");
        }

        /**
         * A rollback's host back at the old release, its probes answered, is a target the plan could
         * not count on (its agent had not answered at the old release yet): hosts that could not go
         * back are planned again, onto it too. A rollback plans only on answered verdicts, so no
         * refusal by this host touches the targets of the plan; each host is done once, so this
         * re-plans at most once per host.
         */
        void rolledBack(HostRow h) {
            List<String> stuck = hosts.values().stream().filter(o -> o.state().equals("BLOCKED")
                    || o.state().equals("HELD_BACK")).map(HostRow::host).sorted().toList();
            if (!stuck.isEmpty()) {
                flag("host " + h.host() + " is back at " + c.to() + " and answered its probes; host(s) "
                        + String.join(", ", stuck) + " that could not go back are planned again, onto it too");
            }
        }

        /** An upgraded host refused what the plan sends to hosts of its board at the new release. */
        void refusedByUpgraded(HostRow h, HostEntry e, Set<String> refused) {
            String board = CampaignProblemBuilder.board(e.view());
            for (PlannedMove m : planned()) {
                Optional<HostEntry> t = host(m.to());
                VmRecord vm = snapshot.vm(m.vmUuid()).orElse(null);
                if (vm == null || t.isEmpty() || !CampaignProblemBuilder.board(t.get().view()).equals(board)) {
                    continue;
                }
                boolean relies = vm.devices().stream().anyMatch(d -> refused.contains(d.typeId() + '\u0000'
                        + d.sourceSignature()));
                if (relies) {
                    flag("host " + h.host() + " (" + board + ", " + c.to() + ") refuses the state of VM " + m.vm()
                            + ", planned onto " + m.to());
                    return;
                }
            }
        }
    }

    /**
     * Shows the campaign's intent in each host's admin state, so every other placement leaves
     * alone what the campaign is emptying or upgrading: DRAINING while emptied, MAINTENANCE from
     * empty until probed, ACTIVE again after; an evacuation leaves its hosts, once done (proven
     * empty), in MAINTENANCE, with the evacuation and its reason named. Only hosts that are ACTIVE,
     * or that this campaign marked, are touched: an operator's own decision stays.
     */
    private final class AdminMarks {

        void sync() {
            for (HostRow h : hosts.values()) {
                AdminState wanted = switch (h.state()) {
                    case "DRAINING" -> AdminState.DRAINING;
                    case "DONE" -> c.evacuation() ? AdminState.MAINTENANCE : AdminState.ACTIVE;
                    case "READY_TO_UPGRADE", "UPGRADING", "PROBING" -> AdminState.MAINTENANCE;
                    case "WAITING" -> null;
                    default -> AdminState.ACTIVE;
                };
                if (wanted != null) {
                    mark(h.host(), wanted);
                }
            }
        }

        void mark(String id, AdminState wanted) {
            Optional<HostEntry> e = host(id);
            if (e.isEmpty()) {
                return;
            }
            var view = e.get().view();
            if (view.adminState() == wanted) {
                return;
            }
            String ours = CampaignRunner.adminReasonPrefix(c.id());
            if (!HostStateFilter.isActive(view) && !CampaignProblemBuilder.markedBy(view, ours)) {
                return;
            }
            out.adminState(id, wanted, wanted == AdminState.ACTIVE ? "" : ours + reason(wanted));
        }

        /** The admin-state reason after the campaign's own mark: what it does to the host, and for what. */
        private String reason(AdminState wanted) {
            if (c.evacuation()) {
                String why = c.reason().isEmpty() ? "" : ": " + c.reason();
                return (wanted == AdminState.DRAINING ? "being emptied for maintenance" : "in maintenance") + why;
            }
            return (wanted == AdminState.DRAINING ? "being emptied for " : c.rollback() ? "being rolled back to "
                    : "being upgraded to ") + c.to();
        }
    }

    /** Hands out the current batch's next wave, within the limits, with every target confirmed and claimed. */
    private final class Issuing {

        void issue() {
            if (replan != null) {
                long inFlight = open.stream().filter(m -> !m.state().equals("PLANNED")).count();
                waiting.add(inFlight == 0 ? "re-planning the rest: " + replan
                        : "re-planning once " + inFlight + " migrations in flight are reported and seen: " + replan);
                return;
            }
            Integer current = currentBatch();
            if (current == null) {
                return;
            }
            List<MigrationRow> batch = open.stream().filter(m -> m.batch() == current
                    && (m.state().equals("PLANNED") || m.state().equals("ISSUED"))).toList();
            if (batch.isEmpty()) {
                return;
            }
            int wave = batch.stream().mapToInt(MigrationRow::wave).min().orElseThrow();
            if (open.stream().anyMatch(m -> m.batch() == current && m.wave() < wave && m.state().equals("DONE"))) {
                // Done but not yet reported by its target: the next wave may depend on the room it freed.
                waiting.add("waiting for the targets of wave " + (wave - 1) + " to report their VMs");
                return;
            }
            Map<String, Integer> outbound = new HashMap<>();
            Map<String, Integer> inbound = new HashMap<>();
            int inFlight = 0;
            for (MigrationRow m : open) {
                if (m.state().equals("ISSUED")) {
                    inFlight++;
                    outbound.merge(m.from(), 1, Integer::sum);
                    inbound.merge(m.to(), 1, Integer::sum);
                }
            }
            var s = c.settings();
            for (MigrationRow m : batch) {
                if (!m.state().equals("PLANNED") || m.wave() != wave) {
                    continue;
                }
                if (inFlight >= s.maxParallel()) {
                    waiting.add("maxParallel " + s.maxParallel() + " migrations in flight");
                    break;
                }
                if (outbound.getOrDefault(m.from(), 0) >= s.maxOutboundPerHost()
                        || inbound.getOrDefault(m.to(), 0) >= s.maxInboundPerHost()) {
                    continue;
                }
                String blocked = targetNotReady(m);
                if (blocked != null) {
                    waiting.add(blocked);
                    continue;
                }
                String refused = confirm(m);
                if (refused != null) {
                    if (replan != null) {
                        return;
                    }
                    waiting.add(refused);
                    continue;
                }
                StringBuilder refusal = new StringBuilder();
                List<Long> claimed = out.claim(m, refusal);
                if (claimed == null) {
                    MigrationRow landed = landedOnTheSlot(m);
                    if (landed != null) {
                        // The target's report already counts that VM's instance as taken while its claim
                        // lives until the move is settled: the slot is counted twice for a moment, not full.
                        waiting.add("VM " + m.vm() + " waits for its slot on " + m.to() + ": migration "
                                + landed.id() + " of VM " + landed.vm() + " holds it and already runs there;"
                                + " its done report frees it");
                        continue;
                    }
                    flag("no slot for VM " + m.vm() + " on " + m.to() + ": " + refusal);
                    return;
                }
                Instant deadline = in.issueTo() == null ? null : now.plus(s.migrationTimeout());
                out.issue(m, claimed, in.issueTo(), deadline);
                started.add(action(m, claimed, deadline));
                inFlight++;
                outbound.merge(m.from(), 1, Integer::sum);
                inbound.merge(m.to(), 1, Integer::sum);
            }
        }

        /**
         * A migration in flight to {@code m}'s target, on a parent and type {@code m} needs, whose
         * VM the target's report already lists (moved, not yet reported done or settled); null
         * when there is none. Its claim and the report both count the instance it took.
         */
        private MigrationRow landedOnTheSlot(MigrationRow m) {
            for (MigrationRow other : open) {
                if (other != m && inFlight(other) && other.to().equals(m.to()) && sharesASlot(other, m)
                        && Settlement.runsOnTarget(other, snapshot)) {
                    return other;
                }
            }
            return null;
        }

        /**
         * Why the target cannot take a VM now; null when it can. Its state is judged as the plan
         * judged it ({@link CampaignProblemBuilder#takesVms}); then it must not be in the middle of
         * this campaign's own work ({@link #BUSY_TARGET}). A host the campaign does not work on
         * (pending, done, blocked or held back) takes what the plan sends it.
         */
        String targetNotReady(MigrationRow m) {
            var t = host(m.to()).map(HostEntry::view).orElse(null);
            if (t == null || !CampaignProblemBuilder.takesVms(t, CampaignRunner.adminReasonPrefix(c.id()))) {
                return "target " + m.to() + " of VM " + m.vm() + " is "
                        + (t == null || !t.isUp() ? "not up" : t.adminState());
            }
            HostRow row = hosts.get(m.to());
            if (row != null && BUSY_TARGET.contains(row.state())) {
                return "target " + m.to() + " of VM " + m.vm() + " is " + row.state() + " in this campaign";
            }
            return null;
        }

        /** Null when the target said COMPATIBLE for every device; else why not (a refusal also flags a re-plan). */
        String confirm(MigrationRow m) {
            VmRecord vm = snapshot.vm(m.vmUuid()).orElse(null);
            if (vm == null || vm.devices().isEmpty()) {
                return null;
            }
            HostEntry t = host(m.to()).orElseThrow();
            List<Cell> cells = new ArrayList<>();
            for (int i = 0; i < vm.devices().size(); i++) {
                DeviceRequest d = vm.devices().get(i);
                cells.add(new Cell(new MatrixKey(m.to(), m.parents().get(i), d.typeId(), d.sourceSignature()), d));
            }
            Map<MatrixKey, Answer> answers = verdicts(t, cells);
            for (Cell cell : cells) {
                Answer a = answers.get(cell.key());
                if (a == null) {
                    String failure = in.askFailures().get(m.to());
                    return failure != null ? "the agent of " + m.to() + " did not answer: " + failure
                            : "no compatibility answer yet from " + m.to() + " for VM " + m.vm() + "'s "
                                    + cell.key().targetTypeId() + " (asked before the next step)";
                }
                if (!a.compatible()) {
                    flag("host " + m.to() + " refuses VM " + m.vm() + "'s " + cell.key().targetTypeId() + " on "
                            + cell.key().targetParent() + ": " + a.why());
                    return a.why();
                }
            }
            return null;
        }
    }

    /** The stored verdicts for the cells; those missing are named to the effects, to be asked before the next step. */
    private Map<MatrixKey, Answer> verdicts(HostEntry target, List<Cell> cells) {
        Map<MatrixKey, Answer> answers = new HashMap<>();
        if (cells.isEmpty()) {
            return answers;
        }
        Map<MatrixKey, StoredVerdict> stored = in.verdicts().apply(cells.stream().map(Cell::key).toList());
        for (Cell cell : cells) {
            StoredVerdict v = stored.get(cell.key());
            if (v != null) {
                answers.put(cell.key(), new Answer(VerdictMeaning.compatible(v.verdict()),
                        why(cell.key(), v)));
            } else {
                out.wantVerdict(cell.key(), cell.device());
            }
        }
        return answers;
    }

    private static String why(MatrixKey k, StoredVerdict v) {
        return "host " + k.targetHost() + " answered " + v.verdict().name().substring("VERDICT_".length()) + " for "
                + k.targetTypeId() + " on " + k.targetParent() + (v.code().isEmpty() ? "" : " (" + v.code() + ")")
                + (v.message().isEmpty() ? "" : ": " + v.message());
    }

    private static NextStep.Action action(MigrationRow m, List<Long> reservations, Instant deadline) {
        return new NextStep.Action(m.id(), m.vm(), m.vmUuid(), m.from(), m.to(), m.parents(), m.types(), m.batch(), m.wave(),
                reservations, deadline);
    }

    /** One probe cell and the device whose source facts the question carries. */
    private record Cell(MatrixKey key, DeviceRequest device) {
    }

    private record Answer(boolean compatible, String why) {
    }
}
