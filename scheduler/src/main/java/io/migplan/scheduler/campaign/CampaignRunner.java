package io.migplan.scheduler.campaign;

import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.campaign.CampaignPlanning.Written;
import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.Transitions.CampaignState;
import io.migplan.scheduler.campaign.Transitions.HostStep;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import io.migplan.scheduler.snapshot.HostView;
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

    /**
     * How long a migration's slot claim lasts past the last step that renewed it: a migration in
     * flight keeps its claims (every step renews them), and a claim nobody renews (the scheduler
     * stopped for good) is freed after this long.
     */
    static final Duration RESERVATION_TTL = Duration.ofMinutes(30);

    /** Hosts whose agents one step asks for a fresh scan at most; the rest are asked in the next step. */
    static final int SCANS_PER_STEP = 16;

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
    FreshScans freshScans;
    @Inject
    Clock clock;

    /**
     * Advances every running campaign, so they progress (and complete) between orchestrator calls;
     * every {@link io.migplan.scheduler.config.MigplanConfig.Campaign#tickEvery()}. A tick issues
     * nothing: work is issued only to a lease holder's {@code next}.
     */
    @Scheduled(every = "${migplan.campaign.tick-every}", skipExecutionIf = Scheduled.ApplicationNotRunning.class,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        List<String> running = QuarkusTransaction.requiringNew().call(() -> store.idsIn(List.of("RUNNING")));
        for (String id : running) {
            try {
                advance(id, clock.instant());
            } catch (RuntimeException e) {
                LOG.warnf(e, "campaign %s: step failed; the next one tries again", id);
            }
        }
    }

    /** One step of a running campaign at {@code now}, issuing nothing: what a tick does. */
    NextStep advance(String id, Instant now) {
        return step(id, now, Mode.ADVANCE, null);
    }

    /**
     * What the orchestrator should do now, under the campaign's lease: takes or renews the lease
     * for {@code orchestrator} (or takes over one that expired), then answers newly issued
     * migrations (their slots claimed), migrations in flight, hosts to upgrade, and why nothing
     * more can be done yet.
     *
     * @throws CampaignConflictException {@code LEASE_HELD} while another orchestrator's lease holds
     */
    public NextStep next(String id, String orchestrator, Duration lease) {
        return step(id, clock.instant(), Mode.ISSUE, new Lease.Asked(orchestrator, lease));
    }

    /**
     * What {@link #next} would answer now, changing nothing: no lease is taken, nothing is issued,
     * claimed, asked of an agent or stored. Its {@code start} lists the migrations the next wave
     * would issue within the limits, judged on stored verdicts only.
     */
    public NextStep preview(String id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Step step = new Step(store.require(id, false), clock.instant(), Evidence.NONE, Mode.PREVIEW);
            if (step.c.state().equals("RUNNING")) {
                step.issue();
            } else {
                step.waiting.add("campaign " + id + " is " + step.c.state());
            }
            return step.result();
        });
    }

    /**
     * A step: the fresh scans it needs are asked first, with no lock or transaction held; then,
     * in one transaction holding the campaign's row, the rows are brought up to date with the
     * snapshot and those scans, and (for a lease holder) work is issued.
     */
    private NextStep step(String id, Instant now, Mode mode, Lease.Asked asked) {
        Evidence evidence = gather(id, now);
        return QuarkusTransaction.requiringNew().timeout(PLANNING_TIMEOUT_SECONDS).call(() -> {
            CampaignRow c = store.lock(id);
            Step step = new Step(c, now, evidence, mode);
            boolean active = c.state().equals("RUNNING") || c.state().equals("PAUSED");
            if (asked != null && active) {
                step.takeLease(asked);
            }
            if (c.state().equals("RUNNING")) {
                step.advance();
                if (mode == Mode.ISSUE && step.c.state().equals("RUNNING")) {
                    step.issue();
                }
            } else {
                step.waiting.add("campaign " + id + " is " + c.state());
            }
            return step.result();
        });
    }

    /**
     * The fresh scans a step of the campaign will need, asked now with no lock or transaction
     * held: of hosts of the current batch that look empty (the proof before an upgrade), and of
     * the source and target of each migration past its deadline (where its VM is). At most
     * {@link #SCANS_PER_STEP} hosts a step; the rest are asked in the next.
     */
    private Evidence gather(String id, Instant now) {
        List<HostView> wanted = QuarkusTransaction.requiringNew().call(() -> store.find(id, false)
                .filter(c -> c.state().equals("RUNNING") || c.state().equals("PAUSED"))
                .map(c -> new Step(c, now, Evidence.NONE, Mode.PREVIEW).scansWanted()).orElse(List.of()));
        Map<String, FreshScans.Scan> scans = new HashMap<>();
        for (HostView h : wanted.subList(0, Math.min(SCANS_PER_STEP, wanted.size()))) {
            scans.put(h.id(), freshScans.ask(h));
        }
        return new Evidence(scans);
    }

    /** Records why the rest must be planned again; the next step re-plans once nothing is in flight. */
    void requestReplan(CampaignRow c, String reason, Instant now) {
        String joined = c.replanReason() == null ? reason : c.replanReason() + "; " + reason;
        store.setReplanReason(c.id(), joined, now);
    }

    /** What a step may do: preview (nothing written), advance (a tick: nothing issued), issue (a lease holder's next). */
    enum Mode {
        PREVIEW, ADVANCE, ISSUE
    }

    /** Fresh scans asked before a step took its lock, by host id. */
    record Evidence(Map<String, FreshScans.Scan> scans) {
        static final Evidence NONE = new Evidence(Map.of());

        Optional<FreshScans.Scan> scan(String host) {
            return Optional.ofNullable(scans.get(host));
        }
    }

    /** One step over one campaign, on one snapshot, at one instant. */
    private final class Step {
        final Instant now;
        final Mode mode;
        final Evidence evidence;
        final ClusterSnapshot snapshot = snapshots.current();
        CampaignRow c;
        Lease lease;
        final Map<String, HostRow> hosts = new LinkedHashMap<>();
        final List<MigrationRow> open = new ArrayList<>();
        final List<NextStep.Action> started = new ArrayList<>();
        final List<String> waiting = new ArrayList<>();
        String replan;

        Step(CampaignRow c, Instant now, Evidence evidence, Mode mode) {
            this.c = c;
            this.now = now;
            this.mode = mode;
            this.evidence = evidence;
            this.replan = c.replanReason();
            this.lease = Lease.of(c);
            load();
        }

        /** Takes, renews or takes over the campaign's lease; a takeover is recorded with the work it inherits. */
        void takeLease(Lease.Asked asked) {
            Lease next = Lease.take(c.id(), lease, asked.orchestrator(), asked.length(), now);
            if (Lease.takesOver(lease, next)) {
                long inFlight = open.stream().filter(m -> m.state().equals("ISSUED")).count();
                store.event(c.id(), "LEASE_TAKEN_OVER", "orchestrator " + next.holder() + " took over from "
                        + lease.holder() + ", whose lease expired at " + lease.expiresAt() + "; " + inFlight
                        + " migrations in flight are now reported by " + next.holder(), now);
            }
            store.setLease(c.id(), next.holder(), next.expiresAt());
            lease = next;
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
            if (mode != Mode.PREVIEW) {
                store.setReplanReason(c.id(), replan, now);
                store.event(c.id(), "REPLAN_NEEDED", reason, now);
            }
        }

        void hostState(HostRow h, String state, String note) {
            store.setHostState(c.id(), h, HostStep.valueOf(state), note);
            hosts.put(h.host(), new HostRow(h.host(), h.batch(), h.canary(), state, note));
        }

        /** Whether the migration is past its deadline with nobody having settled it. */
        boolean overdue(MigrationRow m) {
            return (m.state().equals("ISSUED") || m.state().equals("DONE")) && m.deadline() != null
                    && !m.deadline().isAfter(now);
        }

        /**
         * Hosts whose agent a step must ask for a fresh scan: the source and target of each
         * overdue migration, and the current batch's hosts that look empty.
         */
        List<HostView> scansWanted() {
            Set<String> ids = new LinkedHashSet<>();
            for (MigrationRow m : open) {
                if (overdue(m)) {
                    ids.add(m.from());
                    ids.add(m.to());
                }
            }
            Integer current = currentBatch();
            if (current != null) {
                for (HostRow h : hosts.values()) {
                    // A pending host of the current batch starts draining in this very step.
                    if (current.equals(h.batch()) && (h.state().equals("DRAINING") || h.state().equals("PENDING"))
                            && looksEmpty(h)) {
                        ids.add(h.host());
                    }
                }
            }
            return ids.stream().flatMap(id -> host(id).map(HostEntry::view).stream()).toList();
        }

        /** No migration out of the host is open and its last report lists no VM: time to ask for the proof. */
        boolean looksEmpty(HostRow h) {
            return open.stream().noneMatch(m -> m.from().equals(h.host()))
                    && host(h.host()).map(e -> e.vms().isEmpty()).orElse(false);
        }

        /**
         * Migrations past their deadline are settled from where fresh scans of both hosts place
         * the VM: on its target only, DONE (its slots released); on its source only, FAILED (its
         * slots released, the rest re-planned). Scans that settle nothing (the VM on both, on
         * neither, or an agent not answering) leave it as it is until the settle timeout passes
         * again, and say why.
         */
        void settleOverdue() {
            for (MigrationRow m : List.copyOf(open)) {
                if (!overdue(m)) {
                    continue;
                }
                Optional<FreshScans.Scan> source = evidence.scan(m.from());
                Optional<FreshScans.Scan> target = evidence.scan(m.to());
                if (source.isEmpty() || target.isEmpty()) {
                    waiting.add("migration " + m.id() + " of VM " + m.vm() + " is past its deadline; the agents of "
                            + m.from() + " and " + m.to() + " are asked where the VM is");
                    continue;
                }
                Settlement.Verdict v = Settlement.judge(m, source.get(), target.get());
                String was = m.state().equals("ISSUED") ? "was not reported by its deadline " + m.deadline()
                        : "was reported done but its target did not show the VM by " + m.deadline();
                String why = "migration " + m.id() + " of VM " + m.vm() + " " + m.from() + " -> " + m.to() + " " + was
                        + "; " + v.why();
                if (v.outcome() == null) {
                    waiting.add(why);
                    store.postpone(m.id(), now.plus(config.campaign().settleTimeout()));
                    store.event(c.id(), "MIGRATION_UNSETTLED", why, now);
                    continue;
                }
                m.reservations().forEach(reservations::release);
                if (v.outcome() == MigrationState.DONE) {
                    if (m.state().equals("ISSUED")) {
                        store.finish(m, MigrationState.DONE, "", true, now, null);
                    } else {
                        store.settle(m.id());
                    }
                    store.event(c.id(), "MIGRATION_SETTLED", why + ": settled DONE", now);
                } else {
                    store.finish(m, MigrationState.FAILED, why, true, now, null);
                    store.event(c.id(), "MIGRATION_FAILED", why + ": settled FAILED", now);
                    flag(why);
                }
                open.remove(m);
            }
        }

        /**
         * Keeps the slots of migrations in flight (issued, or done and not yet seen on the target)
         * claimed for as long as they are: every step extends them. A claim that lapsed anyway
         * (the scheduler was away longer than {@link #RESERVATION_TTL}) is claimed again; if its
         * slot went to someone else meanwhile, the rest is re-planned.
         */
        void renewClaims() {
            List<Long> held = new ArrayList<>();
            open.stream().filter(m -> m.state().equals("ISSUED") || m.state().equals("DONE"))
                    .forEach(m -> held.addAll(m.reservations()));
            Set<Long> renewed = reservations.renew(held, now, now.plus(RESERVATION_TTL));
            for (MigrationRow m : List.copyOf(open)) {
                if (!(m.state().equals("ISSUED") || m.state().equals("DONE")) || renewed.containsAll(m.reservations())) {
                    continue;
                }
                store.event(c.id(), "SLOT_LOST", "a slot claimed for migration " + m.id() + " of VM " + m.vm()
                        + " on " + m.to() + " had lapsed; claiming it again", now);
                List<Long> again = claim(m);
                if (again != null) {
                    store.setReservations(m.id(), again);
                    open.set(open.indexOf(m), m.withReservations(again));
                }
            }
        }

        Optional<HostEntry> host(String id) {
            return snapshot.host(id);
        }

        boolean up(String id) {
            return host(id).map(e -> e.view().isUp()).orElse(false);
        }

        void advance() {
            renewClaims();
            settleDone();
            settleOverdue();
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
                store.setState(c.id(), CampaignState.RUNNING, CampaignState.COMPLETED, now);
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
                if (m.state().equals("DONE") && runsOn(m.to(), m.vm())
                        && (!runsOn(m.from(), m.vm()) || !up(m.from()))) {
                    m.reservations().forEach(reservations::release);
                    store.settle(m.id());
                    open.remove(m);
                }
            }
        }

        boolean runsOn(String host, String vm) {
            return host(host).map(e -> e.vms().stream().anyMatch(v -> v.name().equals(vm))).orElse(false);
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
                    VmRecord vm = snapshot.vm(m.vm()).orElse(null);
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
            open.stream().filter(m -> !m.state().equals("PLANNED")).forEach(m -> moving.add(m.vm()));
            for (MigrationRow m : open) {
                if (!m.state().equals("PLANNED") || moving.contains(m.vm())) {
                    continue;
                }
                Optional<VmRecord> vm = snapshot.vm(m.vm());
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
                open.stream().filter(m -> m.from().equals(h.host())).forEach(m -> leaving.add(m.vm()));
                host(h.host()).ifPresent(e -> e.vms().forEach(vm -> {
                    if (!leaving.contains(vm.name()) && !moving.contains(vm.name())) {
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
                if (!looksEmpty(h)) {
                    continue;
                }
                Optional<FreshScans.Scan> scan = evidence.scan(h.host());
                if (scan.isEmpty()) {
                    waiting.add("host " + h.host() + " looks empty; its agent is asked for a fresh scan to prove it");
                    continue;
                }
                EmptinessProof.Finding proof = EmptinessProof.judge(h.host(), scan.get());
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
                if (mode == Mode.PREVIEW) {
                    started.add(action(m, List.of(), null));
                } else {
                    List<Long> claimed = claim(m);
                    if (claimed == null) {
                        return;
                    }
                    // The row records when it was issued; the history keeps decisions, not every step.
                    Instant deadline = now.plus(c.settings().migrationTimeout());
                    store.issue(m.id(), claimed, lease.holder(), now, deadline);
                    started.add(action(m, claimed, deadline));
                }
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
            VmRecord vm = snapshot.vm(m.vm()).orElse(null);
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
                            + cell.key().targetTypeId() + (mode == Mode.PREVIEW ? " (next asks its agent)" : "");
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
            if (questions.isEmpty() || mode == Mode.PREVIEW) {
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
                    inFlight.add(action(m, m.reservations(), m.deadline()));
                }
            }
            List<String> upgrade = hosts.values().stream().filter(h -> h.state().equals("READY_TO_UPGRADE"))
                    .map(HostRow::host).toList();
            return new NextStep(c.id(), c.state(), List.copyOf(started), inFlight, upgrade, List.copyOf(
                    new LinkedHashSet<>(waiting)), mode == Mode.PREVIEW, lease == null ? null : lease.holder(),
                    lease == null ? null : lease.expiresAt());
        }
    }

    /** How a campaign's admin-state reasons begin, so it knows which marks are its own. */
    static String adminReasonPrefix(String campaign) {
        return "campaign " + campaign + ": ";
    }

    private static NextStep.Action action(MigrationRow m, List<Long> reservations, Instant deadline) {
        return new NextStep.Action(m.id(), m.vm(), m.from(), m.to(), m.parents(), m.types(), m.batch(), m.wave(),
                reservations, deadline);
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
