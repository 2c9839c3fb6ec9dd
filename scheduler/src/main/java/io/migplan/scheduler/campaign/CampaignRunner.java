package io.migplan.scheduler.campaign;

import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.campaign.CampaignPlanning.Written;
import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.InventoryStore;
import io.migplan.scheduler.placement.filter.HostStateFilter;
import io.migplan.scheduler.compatibility.VerdictMeaning;
import io.migplan.scheduler.compatibility.Verdicts;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.Releases;
import io.migplan.scheduler.compatibility.CompatibilityProber.Batch;
import io.migplan.scheduler.compatibility.ProbeOutcome;
import io.migplan.scheduler.reservation.SlotReservations;
import io.migplan.scheduler.reservation.SlotReservations.Claim;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.migplan.scheduler.snapshot.VmRecord;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Drives a running campaign: each step (an orchestrator's {@code next}, or the periodic tick)
 * locks the campaign's row, brings its states up to date with the cluster snapshot, re-plans
 * the remaining work when the world no longer matches the plan, and hands out what may be done
 * now. Its rules:
 *
 * <ul>
 * <li>Batches run one after another: a batch's hosts are drained, upgraded and probed before
 * the next batch starts; within a batch, wave w starts once every migration of earlier waves
 * is done, within the policy's parallel, outbound and inbound limits.</li>
 * <li>A migration is issued only to a host that is up, active, and not being drained, upgraded
 * or awaiting its probes, once its target's agent has said COMPATIBLE for each device at the
 * target's current generation (asked now if the matrix lacks it), and once every target slot
 * is claimed in PostgreSQL ({@link SlotReservations}). It is ISSUED in the same transaction.</li>
 * <li>A done migration keeps its slots until the target's report shows the VM; a host is ready
 * to upgrade when the snapshot shows it empty; an upgraded host is done when it reports the new
 * release and its agent has answered the probes the remaining VMs need.</li>
 * <li>A failed migration, a host going down or coming back, a VM appearing on a host being
 * emptied or leaving its planned source, or a refusal from a newly upgraded host re-plans the
 * remaining work, once nothing is in flight, with the reason in the history.</li>
 * </ul>
 */
@ApplicationScoped
public class CampaignRunner {

    private static final Logger LOG = Logger.getLogger(CampaignRunner.class);

    /** A slot claimed for a migration the orchestrator never reports is freed after this long. */
    static final Duration RESERVATION_TTL = Duration.ofMinutes(30);

    /**
     * Transaction timeout of a step that may plan: re-planning 20,000 VMs takes tens of seconds
     * here, beyond the default 60 s under load.
     */
    static final int PLANNING_TIMEOUT_SECONDS = 600;

    /** States of a host still to be finished by the campaign. */
    static final Set<String> OPEN_HOST = Set.of("PENDING", "DRAINING", "READY_TO_UPGRADE", "UPGRADING", "PROBING",
            "WAITING");
    /** States whose hosts the plan treats as already at the new release. */
    static final Set<String> UPGRADING = Set.of("READY_TO_UPGRADE", "UPGRADING", "PROBING");
    /** States of hosts planned again on a re-plan. */
    static final Set<String> REPLANNED = Set.of("PENDING", "DRAINING", "WAITING", "BLOCKED", "HELD_BACK");

    @Inject
    CampaignStore store;
    @Inject
    CampaignPlanning planning;
    @Inject
    ClusterSnapshotHolder snapshots;
    @Inject
    Verdicts verdictSource;
    @Inject
    SlotReservations reservations;
    @Inject
    MigplanConfig config;
    @Inject
    InventoryStore inventory;
    @Inject
    EmptinessProof emptiness;
    @Inject
    Clock clock;

    /**
     * Advances every running campaign, so they progress (and complete) between orchestrator calls;
     * every {@link io.migplan.scheduler.config.MigplanConfig.Campaign#tickEvery()}.
     */
    @Scheduled(every = "${migplan.campaign.tick-every}", skipExecutionIf = Scheduled.ApplicationNotRunning.class,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        List<String> running = QuarkusTransaction.requiringNew().call(() -> store.idsIn(List.of("RUNNING")));
        for (String id : running) {
            try {
                QuarkusTransaction.requiringNew().timeout(PLANNING_TIMEOUT_SECONDS).run(() -> {
                    CampaignRow c = store.lock(id);
                    if (c.state().equals("RUNNING")) {
                        new Step(c).advance();
                    }
                });
            } catch (RuntimeException e) {
                LOG.warnf(e, "campaign %s: step failed; the next one tries again", id);
            }
        }
    }

    /**
     * What the orchestrator should do now: newly issued migrations (their slots claimed),
     * migrations in flight, hosts to upgrade, and why nothing more can be done yet.
     */
    public NextStep next(String id) {
        return QuarkusTransaction.requiringNew().timeout(PLANNING_TIMEOUT_SECONDS).call(() -> {
            CampaignRow c = store.lock(id);
            Step step = new Step(c);
            if (c.state().equals("RUNNING")) {
                step.advance();
                step.issue();
            } else {
                step.waiting.add("campaign " + id + " is " + c.state());
            }
            return step.result();
        });
    }

    /** Records why the rest must be planned again; the next step re-plans once nothing is in flight. */
    void requestReplan(CampaignRow c, String reason, Instant now) {
        String joined = c.replanReason() == null ? reason : c.replanReason() + "; " + reason;
        store.setReplanReason(c.id(), joined, now);
    }

    /** One step over one locked campaign, on one snapshot. */
    private final class Step {
        final Instant now = clock.instant();
        final ClusterSnapshot snapshot = snapshots.current();
        CampaignRow c;
        final Map<String, HostRow> hosts = new LinkedHashMap<>();
        final List<MigrationRow> open = new ArrayList<>();
        final List<NextStep.Action> started = new ArrayList<>();
        final List<String> waiting = new ArrayList<>();
        String replan;

        Step(CampaignRow c) {
            this.c = c;
            this.replan = c.replanReason();
            load();
        }

        void load() {
            hosts.clear();
            store.hosts(c.id()).forEach(h -> hosts.put(h.host(), h));
            open.clear();
            open.addAll(store.migrations(c.id(), true));
        }

        void flag(String reason) {
            if (replan != null && replan.contains(reason)) {
                return;
            }
            replan = replan == null ? reason : replan + "; " + reason;
            store.setReplanReason(c.id(), replan, now);
            store.event(c.id(), "REPLAN_NEEDED", reason, now);
        }

        void hostState(HostRow h, String state, String note) {
            store.setHostState(c.id(), h.host(), state, note);
            hosts.put(h.host(), new HostRow(h.host(), h.batch(), h.canary(), state, note));
        }

        Optional<HostEntry> host(String id) {
            return snapshot.host(id);
        }

        boolean up(String id) {
            return host(id).map(e -> e.view().isUp()).orElse(false);
        }

        void advance() {
            settleDone();
            for (HostRow h : List.copyOf(hosts.values())) {
                if (UPGRADING.contains(h.state()) && takenBack(h)) {
                    continue;
                }
                switch (h.state()) {
                    case "UPGRADING" -> upgraded(h);
                    case "PROBING" -> probe(h);
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
            checkPlannedMigrations();
            startCurrentBatch();
            if (replan != null && open.stream().noneMatch(m -> !m.state().equals("PLANNED"))) {
                replan();
            }
            syncAdminStates();
            if (hosts.values().stream().noneMatch(h -> OPEN_HOST.contains(h.state())) && open.isEmpty()) {
                store.setState(c.id(), "COMPLETED", now);
                long done = hosts.values().stream().filter(h -> h.state().equals("DONE")).count();
                store.event(c.id(), "COMPLETED", done + " of " + hosts.size() + " hosts at " + c.to(), now);
                c = store.lock(c.id());
            }
        }

        /**
         * Shows the campaign's intent in each host's admin state, so every other placement (the
         * targets of a VM, evacuation plans) leaves alone what the campaign is emptying or
         * upgrading: DRAINING while emptied, MAINTENANCE from empty until probed, ACTIVE again
         * after. Only hosts that are ACTIVE, or that this campaign marked, are touched: an
         * operator's own decision stays.
         */
        void syncAdminStates() {
            for (HostRow h : hosts.values()) {
                AdminState wanted = switch (h.state()) {
                    case "DRAINING" -> AdminState.DRAINING;
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
            String ours = CampaignRunner.adminReasonPrefix(c.id());
            boolean mine = CampaignProblemBuilder.markedBy(view, ours);
            if (view.adminState() == wanted || !(HostStateFilter.isActive(view) || mine)) {
                return;
            }
            inventory.setAdminState(id, wanted, wanted == AdminState.ACTIVE ? "" : ours
                    + (wanted == AdminState.DRAINING ? "being emptied for " : "being upgraded to ") + c.to());
        }

        /** Done migrations whose VM the target now reports: their slots are released. */
        void settleDone() {
            for (MigrationRow m : List.copyOf(open)) {
                // Both hosts must have reported: the target with the VM, the source without it
                // (or the source went silent since, and its last report can no longer change).
                if (m.state().equals("DONE") && runsOn(m.to(), m.vmUuid())
                        && (!runsOn(m.from(), m.vmUuid()) || !up(m.from()))) {
                    m.reservations().forEach(reservations::release);
                    store.settle(m.id());
                    open.remove(m);
                }
            }
        }

        boolean runsOn(String host, String vmUuid) {
            return host(host).map(e -> e.vms().stream().anyMatch(v -> v.uuid().equals(vmUuid))).orElse(false);
        }

        /** An upgrading host that reports the new release is probed next. */
        void upgraded(HostRow h) {
            Optional<HostEntry> e = host(h.host());
            if (e.isPresent() && e.get().view().isUp()
                    && Releases.compare(e.get().view().release(), c.to()) == 0) {
                hostState(h, "PROBING", "");
                store.event(c.id(), "UPGRADE_REPORTED", "host " + h.host() + " reports release " + c.to()
                        + " (generation " + e.get().view().generation() + ")", now);
                probe(hosts.get(h.host()));
            }
        }

        /**
         * Asks an upgraded host's agent, at its new generation, about every type and signature
         * of the VMs still to move that it offers. All answered: the host is done. A refusal for
         * what the plan sends to this host or to hosts of its board at the new release re-plans.
         */
        void probe(HostRow h) {
            HostEntry e = host(h.host()).orElse(null);
            if (e == null || !e.view().isUp()) {
                return;
            }
            Map<String, Set<DeviceRequest>> wanted = new HashMap<>();
            for (HostRow other : hosts.values()) {
                if (other.state().equals("PENDING") || other.state().equals("DRAINING")
                        || other.state().equals("WAITING")) {
                    host(other.host()).ifPresent(src -> src.vms().forEach(vm -> vm.devices().forEach(d ->
                            wanted.computeIfAbsent(d.typeId() + '\u0000' + d.sourceSignature(), k -> new LinkedHashSet<>())
                                    .add(d))));
                }
            }
            List<Cell> cells = new ArrayList<>();
            for (Set<DeviceRequest> ds : wanted.values()) {
                DeviceRequest d = ds.iterator().next();
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
            store.event(c.id(), "HOST_DONE", "host " + h.host() + " runs " + c.to() + " and answered " + cells.size()
                    + " probes" + (refused.isEmpty() ? "" : ", refusing " + refused.size() + " type/signature pairs"),
                    now);
            if (!refused.isEmpty()) {
                String board = CampaignProblemBuilder.board(e.view());
                for (MigrationRow m : open) {
                    if (!m.state().equals("PLANNED")) {
                        continue;
                    }
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
                        break;
                    }
                }
            }
        }

        /** Planned migrations whose VM is no longer where the plan found it, or whose target went away. */
        void checkPlannedMigrations() {
            Set<String> moving = new HashSet<>();
            open.stream().filter(m -> !m.state().equals("PLANNED")).forEach(m -> moving.add(m.vmUuid()));
            for (MigrationRow m : open) {
                if (!m.state().equals("PLANNED") || moving.contains(m.vmUuid())) {
                    continue;
                }
                Optional<VmRecord> vm = snapshot.vm(m.vmUuid());
                HostRow src = hosts.get(m.from());
                boolean sourceDraining = src != null && src.state().equals("DRAINING");
                if (vm.isEmpty()) {
                    flag("VM " + m.vm() + " disappeared");
                } else if (sourceDraining && !vm.get().host().equals(m.from())) {
                    flag("VM " + m.vm() + " runs on " + vm.get().host() + ", not on " + m.from() + " as planned");
                }
                if (!up(m.to()) && host(m.to()).isPresent()) {
                    flag("host " + m.to() + " is " + host(m.to()).get().view().state() + "; it was the target of VM "
                            + m.vm());
                } else if (host(m.to()).isEmpty()) {
                    flag("host " + m.to() + " left the inventory; it was the target of VM " + m.vm());
                }
            }
            // A VM on a host being emptied that no migration takes away.
            for (HostRow h : hosts.values()) {
                if (!h.state().equals("DRAINING") && !h.state().equals("READY_TO_UPGRADE")) {
                    continue;
                }
                Set<String> leaving = new HashSet<>();
                open.stream().filter(m -> m.from().equals(h.host())).forEach(m -> leaving.add(m.vmUuid()));
                host(h.host()).ifPresent(e -> e.vms().forEach(vm -> {
                    if (!leaving.contains(vm.uuid()) && !moving.contains(vm.uuid())) {
                        flag("VM " + vm.name() + " appeared on host " + h.host() + ", which is being emptied");
                    }
                }));
            }
        }

        /** The current batch's hosts are being emptied; those already empty are ready to upgrade. */
        void startCurrentBatch() {
            Integer current = currentBatch();
            if (current == null) {
                return;
            }
            for (HostRow h : List.copyOf(hosts.values())) {
                if (current.equals(h.batch()) && h.state().equals("PENDING")) {
                    hostState(h, "DRAINING", "");
                }
            }
            drained(current);
        }

        /** The lowest batch with a host not finished; null when none. */
        Integer currentBatch() {
            return hosts.values().stream().filter(h -> h.batch() != null && OPEN_HOST.contains(h.state())
                    && !h.state().equals("WAITING")).map(HostRow::batch).min(Integer::compare).orElse(null);
        }

        /**
         * Hosts of the batch proven empty become ready to upgrade: every migration out of them is
         * done and its VM seen on its target (settled), their last report lists no VM, and a fresh
         * scan asked of their agent now shows no VM, no active mdev and no problem reading sysfs
         * or libvirt ({@link EmptinessProof}). A host not proven empty stays DRAINING, and why is
         * its note, a line of {@code next}'s waiting and, when it changes, an event.
         */
        void drained(int batch) {
            for (HostRow h : List.copyOf(hosts.values())) {
                if (!Integer.valueOf(batch).equals(h.batch()) || !h.state().equals("DRAINING")) {
                    continue;
                }
                boolean leftToMove = open.stream().anyMatch(m -> m.from().equals(h.host()));
                Optional<HostEntry> e = host(h.host());
                if (leftToMove || e.isEmpty() || !e.get().vms().isEmpty()) {
                    continue;
                }
                EmptinessProof.Finding proof = emptiness.verify(e.get().view());
                if (proof.empty()) {
                    hostState(h, "READY_TO_UPGRADE", "");
                    store.event(c.id(), "HOST_EMPTY", "host " + h.host() + " is empty (a fresh scan shows no VM, no"
                            + " active mdev and no problem reading sysfs or libvirt) and may be upgraded", now);
                } else {
                    waiting.add(proof.why());
                    if (!proof.why().equals(h.note())) {
                        hostState(h, "DRAINING", proof.why());
                        store.event(c.id(), "HOST_NOT_PROVEN_EMPTY", proof.why(), now);
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
                store.event(c.id(), "HOST_TAKEN_BACK", why, now);
            }
            return true;
        }

        /** Plans the remaining work again from the snapshot, keeping what is done and what is being upgraded. */
        void replan() {
            String reason = replan;
            List<String> scope = new ArrayList<>();
            Set<String> upgrading = new HashSet<>();
            int lastBatch = 0;
            for (HostRow h : hosts.values()) {
                if (REPLANNED.contains(h.state())) {
                    scope.add(h.host());
                } else if (UPGRADING.contains(h.state())) {
                    upgrading.add(h.host());
                }
                if (h.batch() != null && !REPLANNED.contains(h.state())) {
                    lastBatch = Math.max(lastBatch, h.batch());
                }
            }
            // A host at the new release already (e.g. upgraded by hand) is finished, not planned.
            List<String> stillOld = new ArrayList<>();
            for (String h : scope) {
                Optional<HostEntry> e = host(h);
                if (e.isPresent() && e.get().view().isUp()
                        && Releases.compare(e.get().view().release(), c.to()) >= 0) {
                    hostState(hosts.get(h), "DONE", "found at " + e.get().view().release() + " when re-planned");
                } else {
                    stillOld.add(h);
                }
            }
            int cancelled = store.cancelPlanned(c.id(), now);
            int version = c.planVersion() + 1;
            Written w = planning.plan(c.id(), version, snapshot, c.from(), c.to(), c.settings(), stillOld, upgrading,
                    lastBatch, now);
            store.setPlan(c.id(), version, store.write(w.plan()), now);
            store.event(c.id(), "REPLANNED", "because " + reason + ": plan " + version + ": "
                    + CampaignService.summary(w, stillOld.size()) + " (" + cancelled + " planned migrations replaced)",
                    now);
            replan = null;
            c = store.lock(c.id());
            load();
            startCurrentBatch();
        }

        /** Issues what the current batch's next wave may start now, within the limits. */
        void issue() {
            if (replan != null) {
                long inFlight = open.stream().filter(m -> !m.state().equals("PLANNED")).count();
                waiting.add("re-planning once " + inFlight + " migrations in flight are reported and seen: " + replan);
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
            Map<String, Integer> out = new HashMap<>();
            Map<String, Integer> in = new HashMap<>();
            int inFlight = 0;
            for (MigrationRow m : open) {
                if (m.state().equals("ISSUED")) {
                    inFlight++;
                    out.merge(m.from(), 1, Integer::sum);
                    in.merge(m.to(), 1, Integer::sum);
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
                if (out.getOrDefault(m.from(), 0) >= s.maxOutboundPerHost()
                        || in.getOrDefault(m.to(), 0) >= s.maxInboundPerHost()) {
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
                List<Long> claimed = claim(m);
                if (claimed == null) {
                    return;
                }
                // The row records when it was issued; the history keeps decisions, not every step.
                store.issue(m.id(), claimed, now);
                started.add(action(m, claimed));
                inFlight++;
                out.merge(m.from(), 1, Integer::sum);
                in.merge(m.to(), 1, Integer::sum);
            }
        }

        /**
         * Why the target cannot take a VM now; null when it can. Its state is judged as the plan
         * judged it ({@link CampaignProblemBuilder#takesVms}: the filters' rule, hosts this campaign
         * marked aside); then it must not be in the middle of this campaign's own work.
         */
        String targetNotReady(MigrationRow m) {
            var t = host(m.to()).map(HostEntry::view).orElse(null);
            if (t == null || !CampaignProblemBuilder.takesVms(t, adminReasonPrefix(c.id()))) {
                return "target " + m.to() + " of VM " + m.vm() + " is "
                        + (t == null || !t.isUp() ? "not up" : t.adminState());
            }
            HostRow row = hosts.get(m.to());
            if (row != null && !row.state().equals("PENDING") && !row.state().equals("DONE")) {
                return "target " + m.to() + " of VM " + m.vm() + " is " + row.state() + " in this campaign";
            }
            return null;
        }

        /**
         * The target agent's verdict for each device, asked now if the matrix lacks it. Null when
         * every device is COMPATIBLE; else why not (a refusal also flags a re-plan).
         */
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
                    return "no compatibility answer yet from " + m.to() + " for VM " + m.vm() + "'s "
                            + cell.key().targetTypeId();
                }
                if (!a.compatible()) {
                    flag("host " + m.to() + " refuses VM " + m.vm() + "'s " + cell.key().targetTypeId() + " on "
                            + cell.key().targetParent() + ": " + a.why());
                    return a.why();
                }
            }
            return null;
        }

        /** Claims every target slot of the migration; on a refusal releases what it took, flags a re-plan, null. */
        List<Long> claim(MigrationRow m) {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < m.parents().size(); i++) {
                Claim claim = reservations.claim(m.to(), m.parents().get(i), m.types().get(i), m.id() + "#" + i, now,
                        RESERVATION_TTL);
                if (!claim.granted()) {
                    ids.forEach(reservations::release);
                    flag("no slot for VM " + m.vm() + " on " + m.to() + ": " + claim.why());
                    return null;
                }
                ids.add(claim.id());
            }
            return ids;
        }

        /** Stored valid verdicts for the cells, and the agent's answers for the rest (recorded as they come). */
        Map<MatrixKey, Answer> verdicts(HostEntry target, List<Cell> cells) {
            Map<MatrixKey, Answer> out = new HashMap<>();
            if (cells.isEmpty()) {
                return out;
            }
            List<MatrixKey> keys = cells.stream().map(Cell::key).toList();
            Map<MatrixKey, StoredVerdict> stored = verdictSource.stored(snapshot, keys);
            stored.forEach((k, v) -> out.put(k, new Answer(VerdictMeaning.compatible(v.verdict()),
                    why(k, v.verdict(), v.code(), v.message()))));
            List<ProbeQuestion> questions = new ArrayList<>();
            Map<String, MatrixKey> byId = new HashMap<>();
            for (Cell cell : cells) {
                if (!out.containsKey(cell.key()) && !byId.containsValue(cell.key())) {
                    String qid = "c" + byId.size();
                    byId.put(qid, cell.key());
                    questions.add(cell.key().question(qid, cell.device().source()));
                }
            }
            if (questions.isEmpty()) {
                return out;
            }
            int size = config.matrix().batchSize();
            List<Batch> batches = new ArrayList<>();
            for (int i = 0; i < questions.size(); i += size) {
                batches.add(new Batch(target.view().id(), target.view().agentEndpoint(),
                        questions.subList(i, Math.min(questions.size(), i + size))));
            }
            Map<String, ProbeOutcome> outcomes = new HashMap<>();
            for (Batch b : batches) {
                // Asked batch by batch, each batch's answers stored as they come, in a
                // transaction of their own.
                ProbeOutcome o = verdictSource.ask(snapshot, List.of(b)).get(b.host());
                if (o instanceof ProbeOutcome.Answered a) {
                    outcomes.merge(b.host(), a, (x, y) -> {
                        Map<String, ProbeAnswer> all = new HashMap<>(((ProbeOutcome.Answered) x).answers());
                        all.putAll(((ProbeOutcome.Answered) y).answers());
                        return new ProbeOutcome.Answered(a.endpoint(), all);
                    });
                } else {
                    waiting.add("the agent of " + target.view().id() + " did not answer: "
                            + (o instanceof ProbeOutcome.Failed f ? f.why() : "no outcome"));
                }
            }
            if (outcomes.get(target.view().id()) instanceof ProbeOutcome.Answered a) {
                byId.forEach((qid, k) -> {
                    ProbeAnswer answer = a.answers().get(qid);
                    // The agent's own UNKNOWN is an answer, and never compatible.
                    if (answer != null) {
                        out.put(k, new Answer(VerdictMeaning.compatible(answer.getVerdict()),
                                why(k, answer.getVerdict(), answer.getCode(), answer.getMessage())));
                    }
                });
            }
            return out;
        }

        NextStep result() {
            List<NextStep.Action> inFlight = new ArrayList<>();
            // The step's rows as loaded: ISSUED ones were issued before this step (those it
            // issued are still PLANNED here, and a re-plan reloads the rows).
            for (MigrationRow m : open) {
                if (m.state().equals("ISSUED")) {
                    inFlight.add(action(m, m.reservations()));
                }
            }
            List<String> upgrade = hosts.values().stream().filter(h -> h.state().equals("READY_TO_UPGRADE"))
                    .map(HostRow::host).toList();
            return new NextStep(c.id(), c.state(), List.copyOf(started), inFlight, upgrade, List.copyOf(
                    new LinkedHashSet<>(waiting)));
        }
    }

    /** How a campaign's admin-state reasons begin, so it knows which marks are its own. */
    static String adminReasonPrefix(String campaign) {
        return "campaign " + campaign + ": ";
    }

    private static NextStep.Action action(MigrationRow m, List<Long> reservations) {
        return new NextStep.Action(m.id(), m.vm(), m.from(), m.to(), m.parents(), m.types(), m.batch(), m.wave(),
                reservations);
    }

    private static String why(MatrixKey k, Verdict verdict, String code, String message) {
        return "host " + k.targetHost() + " answered " + verdict.name().substring("VERDICT_".length()) + " for "
                + k.targetTypeId() + " on " + k.targetParent() + (code.isEmpty() ? "" : " (" + code + ")")
                + (message.isEmpty() ? "" : ": " + message);
    }

    /** One probe cell and the device whose source facts the question carries. */
    private record Cell(MatrixKey key, DeviceRequest device) {
    }

    private record Answer(boolean compatible, String why) {
    }
}
