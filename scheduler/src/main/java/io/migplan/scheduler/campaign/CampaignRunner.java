package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.planner.CampaignProblem;

import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.scheduler.campaign.CampaignStore.Settings;
import io.migplan.scheduler.campaign.PlanWatch.PlanStoppedException;
import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.Transitions.HostStep;
import io.migplan.scheduler.compatibility.CompatibilityProber.Batch;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.compatibility.ProbeOutcome;
import io.migplan.scheduler.compatibility.Verdicts;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.inventory.InventoryStore;
import io.migplan.scheduler.reservation.SlotReservations;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.work.PlanningBusyException;
import io.migplan.scheduler.work.PlanningLimiter;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Drives running campaigns: each step (a lease holder's {@code next}, or the periodic tick) is
 * decided by {@link CampaignStep} from the campaign's rows, the cluster snapshot and the evidence
 * asked for it, and written by {@link StoreEffects} in one transaction holding the campaign's row.
 * A pass of the same decision that writes nothing ({@link RecordedEffects}) first finds the
 * evidence the step needs (fresh scans of hosts to prove empty or to settle a migration, verdicts
 * of targets not yet in the matrix); when it needs some, it is asked with the lock released and
 * the step taken again. A re-plan the step calls for is solved on a planning thread with no lock
 * held and written over the plan version; steps issue nothing meanwhile.
 */
@ApplicationScoped
public class CampaignRunner {

    private static final Logger LOG = Logger.getLogger(CampaignRunner.class);


    /** Hosts whose agents one step asks for a fresh scan at most; the rest are asked in the next step. */
    static final int SCANS_PER_STEP = 16;

    /** States of hosts planned again on a re-plan. */
    static final Set<String> REPLANNED = Set.of("PENDING", "DRAINING", "WAITING", "BLOCKED", "HELD_BACK");

    @Inject
    CampaignStore store;
    @Inject
    CampaignPlanning planning;
    @Inject
    ClusterSnapshotHolder snapshots;
    @Inject
    Verdicts verdicts;
    @Inject
    SlotReservations reservations;
    @Inject
    MigplanConfig config;
    @Inject
    InventoryStore inventory;
    @Inject
    FreshScans freshScans;
    @Inject
    CampaignPlanJobs jobs;
    @Inject
    ReportTrigger reports;
    @Inject
    Clock clock;

    private final LaterMoves laterMoves = new LaterMoves(LaterMoves.MAX_MOVES);
    /**
     * When evacuations left with hosts they could not empty plan them again, and when a re-plan that
     * failed is asked again.
     */
    private final Backoff backoff = new Backoff();

    /** Campaigns an orchestrator's {@code next} stepped since the previous tick: the tick skips them. */
    private final TickSkips tickSkips = new TickSkips();

    /** Fresh scans and the agents' failures to answer verdicts, asked for a step with its lock released. */
    record Evidence(Map<String, FreshScans.Scan> scans, Map<String, String> askFailures) {
        static final Evidence NONE = new Evidence(Map.of(), Map.of());
    }

    /**
     * Advances every running campaign, so they progress (and complete) between orchestrator calls;
     * every {@link io.migplan.scheduler.config.MigplanConfig.Campaign#tickEvery()}. A tick issues
     * nothing: work is issued only to a lease holder's {@code next}. A campaign an orchestrator's
     * {@code next} stepped here since the previous tick is not stepped again ({@link TickSkips}).
     */
    @Scheduled(every = "${migplan.campaign.tick-every}", skipExecutionIf = Scheduled.ApplicationNotRunning.class,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        List<String> running = QuarkusTransaction.requiringNew().call(() -> store.idsIn(List.of("RUNNING")));
        backoff.retainOnly(running);
        for (String id : tickSkips.due(running, clock.instant())) {
            try {
                advance(id, clock.instant());
            } catch (RuntimeException e) {
                LOG.warnf(e, "campaign %s: step failed; the next one tries again", id);
            }
        }
    }

    /**
     * Settles what a report of {@code host} now shows of a running campaign: its migrations
     * reported done from or to the host that the hosts' reports show moved ({@link
     * Settlement#reported}), their slots released, in one line of history so an orchestrator
     * following the events asks for the next wave at once. A short transaction holding the
     * campaign's row: it reads those migrations only, not the campaign's rows a step reads.
     * Returns how many it settled.
     */
    int settleReported(String id, String host) {
        Instant now = clock.instant();
        ClusterSnapshot snapshot = snapshots.current();
        return QuarkusTransaction.requiringNew().call(() -> {
            if (store.lockState(id).filter(s -> s == Transitions.CampaignState.RUNNING).isEmpty()) {
                return 0;
            }
            List<MigrationRow> seen = store.doneUnsettled(id, host).stream()
                    .filter(m -> Settlement.reported(m, snapshot)).toList();
            StoreEffects out = new StoreEffects(id, now, store, reservations, inventory);
            seen.forEach(out::settle);
            if (!seen.isEmpty()) {
                out.event("MIGRATIONS_SETTLED", CampaignStep.settledLine(seen.stream().map(MigrationRow::vm).toList()));
            }
            return seen.size();
        });
    }

    /** One step of a running campaign at {@code now}, issuing nothing: what a tick does. */
    NextStep advance(String id, Instant now) {
        return step(id, now, null);
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
        NextStep next = step(id, clock.instant(), new Lease.Asked(orchestrator, lease));
        tickSkips.stepped(id, clock.instant());
        return next;
    }

    /**
     * What {@link #next} would answer now, changing nothing: no lease is taken, nothing is issued,
     * claimed, asked of an agent or stored. Its {@code start} lists the migrations the next wave
     * would issue within the limits, judged on stored verdicts only.
     */
    public NextStep preview(String id) {
        Instant now = clock.instant();
        return QuarkusTransaction.requiringNew().call(() -> {
            CampaignRow c = store.require(id, false);
            if (!c.state().equals("RUNNING")) {
                return notRunning(c);
            }
            CampaignStep step = decide(c, rows(c, false), now, null, Evidence.NONE, new RecordedEffects()).advance();
            return step.issue().result(c.state(), true);
        });
    }

    /**
     * A step, in a transaction holding the campaign's row: a pass that writes nothing finds the
     * evidence the step needs (fresh scans, verdicts not stored); when it needs none, the step is
     * decided over the same rows and written. Otherwise the evidence is asked with no lock or
     * transaction held, and the step is then taken in a second transaction holding the row.
     */
    private NextStep step(String id, Instant now, Lease.Asked asked) {
        Attempt attempt = QuarkusTransaction.requiringNew().call(() -> locked(id, now, asked, null));
        if (attempt.wanted() != null) {
            Evidence evidence = ask(attempt.wanted());
            attempt = QuarkusTransaction.requiringNew().call(() -> locked(id, now, asked, evidence));
        }
        if (attempt.replanDue() != null) {
            replan(id);
        }
        return attempt.next();
    }

    /**
     * A step's outcome in its transaction: the answer and why the rest must be planned again now
     * (null when it need not); or, with no answer, the evidence to ask before the step is taken.
     */
    private record Attempt(NextStep next, String replanDue, RecordedEffects wanted) {
    }

    /**
     * The step under the campaign's lock (the lease taken first, for a lease holder). With
     * {@code evidence} null, the evidence the step needs is found first and, when some is
     * needed, returned instead of deciding.
     */
    private Attempt locked(String id, Instant now, Lease.Asked asked, Evidence evidence) {
        CampaignRow c = store.lock(id);
        boolean active = c.state().equals("RUNNING") || c.state().equals("PAUSED");
        if (asked != null && active) {
            takeLease(c, asked, now);
            // The row is locked already: read as this transaction holds it, lease included.
            c = store.require(id, false);
        }
        if (!c.state().equals("RUNNING")) {
            reports.awaiting(id, List.of(), List.of());
            return new Attempt(notRunning(c), null, null);
        }
        Rows rows = rows(c, true);
        Evidence given = evidence;
        if (given == null) {
            RecordedEffects wanted = new RecordedEffects();
            decide(c, rows, now, null, Evidence.NONE, wanted).advance().issue();
            if (!wanted.wantedScans.isEmpty() || !wanted.wantedVerdicts.isEmpty()) {
                return new Attempt(null, null, wanted);
            }
            given = Evidence.NONE;
        }
        String issueTo = asked == null ? null : asked.orchestrator();
        CampaignStep step = decide(c, rows, now, issueTo, given, effects(c, now),
                backoff.due(id, Backoff.Reason.STUCK, now)).advance();
        afterStuck(id, step, now);
        reports.awaiting(id, step.awaitedSettlements(), step.awaitedUpgrades());
        if (step.completed()) {
            return new Attempt(step.result("COMPLETED", false), null, null);
        }
        if (issueTo != null) {
            step.issue();
        }
        return new Attempt(step.result(c.state(), false), step.replanDue(), null);
    }

    /**
     * After a step of campaign {@code id} at {@code now}: an evacuation left with only hosts it could
     * not empty starts waiting to plan them again, waits longer when the step planned them again,
     * and is forgotten once no longer stuck.
     */
    private void afterStuck(String id, CampaignStep step, Instant now) {
        if (!step.stuck()) {
            backoff.forget(id, Backoff.Reason.STUCK);
        } else if (step.triedStuck()) {
            backoff.tried(id, Backoff.Reason.STUCK, now);
        } else {
            backoff.seen(id, Backoff.Reason.STUCK, now);
        }
    }

    /** The campaign's rows a step decides over, as they are now in the transaction. */
    private record Rows(ClusterSnapshot snapshot, List<HostRow> hosts, List<MigrationRow> open,
            LaterBatches later) {
    }

    /**
     * Reads the rows a step of campaign {@code c} decides over; the later batches' planned moves
     * kept per plan version ({@link LaterMoves}), and kept from this read only when
     * {@code locked}.
     */
    private Rows rows(CampaignRow c, boolean locked) {
        List<HostRow> hosts = store.hosts(c.id());
        Integer batch = CampaignStep.currentBatch(hosts);
        return new Rows(snapshots.current(), hosts, store.stepMigrations(c.id(), batch),
                laterMoves.after(c, batch, locked, () -> store.plannedAfter(c.id(), batch)));
    }

    /** The step over the rows read. */
    private CampaignStep decide(CampaignRow c, Rows rows, Instant now, String issueTo, Evidence evidence,
            StepEffects out) {
        return decide(c, rows, now, issueTo, evidence, out, false);
    }

    /** The step over the rows read; {@code retryStuck}: plan again the hosts an evacuation could not empty. */
    private CampaignStep decide(CampaignRow c, Rows rows, Instant now, String issueTo, Evidence evidence,
            StepEffects out, boolean retryStuck) {
        ClusterSnapshot snapshot = rows.snapshot();
        return new CampaignStep(new CampaignStep.Input(c, rows.hosts(), rows.open(), rows.later(), snapshot, now,
                Lease.of(c), issueTo, evidence.scans(), evidence.askFailures(), keys -> verdicts.stored(snapshot, keys),
                config.campaign().settleTimeout(), retryStuck), out);
    }

    private StoreEffects effects(CampaignRow c, Instant now) {
        return new StoreEffects(c.id(), now, store, reservations, inventory);
    }

    private static NextStep notRunning(CampaignRow c) {
        Lease lease = Lease.of(c);
        return new NextStep(c.id(), c.state(), List.of(), List.of(), List.of(),
                List.of("campaign " + c.id() + " is " + c.state()), false, lease == null ? null : lease.holder(),
                lease == null ? null : lease.expiresAt());
    }

    /**
     * Asks, with no lock or transaction held, the evidence a pass of the step found it needs:
     * the fresh scans (hosts to prove empty, both hosts of a migration past its deadline; at most
     * {@link #SCANS_PER_STEP}), kept for the step; and the verdicts (targets to confirm, upgraded
     * hosts to probe), stored as they come ({@link Verdicts#ask}).
     */
    private Evidence ask(RecordedEffects wanted) {
        ClusterSnapshot snapshot = snapshots.current();
        Map<String, FreshScans.Scan> scans = new HashMap<>();
        for (String host : wanted.wantedScans) {
            if (scans.size() == SCANS_PER_STEP) {
                break;
            }
            snapshot.host(host).ifPresent(e -> scans.put(host, freshScans.ask(e.view())));
        }
        Map<String, String> failures = new HashMap<>();
        wanted.wantedVerdicts.forEach((host, cells) -> snapshot.host(host).map(HostEntry::view)
                .ifPresent(target -> {
                    String why = ask(snapshot, target, cells);
                    if (why != null) {
                        failures.put(host, why);
                    }
                }));
        return new Evidence(scans, failures);
    }

    /** Asks a target's agent for the verdicts, in batches, each stored as it comes; why it did not answer, or null. */
    private String ask(ClusterSnapshot snapshot, HostView target, Map<MatrixKey, DeviceRequest> cells) {
        List<ProbeQuestion> questions = new ArrayList<>();
        cells.forEach((k, d) -> questions.add(k.question("c" + questions.size(), d.source())));
        int size = config.matrix().batchSize();
        for (int i = 0; i < questions.size(); i += size) {
            Batch b = new Batch(target.id(), target.agentEndpoint(), questions.subList(i,
                    Math.min(questions.size(), i + size)));
            ProbeOutcome o = verdicts.ask(snapshot, List.of(b)).get(b.host());
            if (!(o instanceof ProbeOutcome.Answered)) {
                return o instanceof ProbeOutcome.Failed f ? f.why() : "no outcome";
            }
        }
        return null;
    }

    /** Takes, renews or takes over the campaign's lease; a takeover is recorded with the work it inherits. */
    private void takeLease(CampaignRow c, Lease.Asked asked, Instant now) {
        Lease current = Lease.of(c);
        Lease next = Lease.take(c.id(), current, asked.orchestrator(), asked.length(), now);
        if (Lease.takesOver(current, next)) {
            long inFlight = store.stepMigrations(c.id(), null).stream().filter(m -> m.state().equals("ISSUED"))
                    .count();
            store.event(c.id(), "LEASE_TAKEN_OVER", "orchestrator " + next.holder() + " took over from "
                    + current.holder() + ", whose lease expired at " + current.expiresAt() + "; " + inFlight
                    + " migrations in flight are now reported by " + next.holder(), now);
        }
        store.setLease(c.id(), next.holder(), next.expiresAt());
    }

    /** Records why the rest must be planned again; the next step re-plans once nothing is in flight. */
    void requestReplan(CampaignRow c, String reason, Instant now) {
        String joined = c.replanReason() == null ? reason : c.replanReason() + "; " + reason;
        store.setReplanReason(c.id(), joined, now);
    }

    /**
     * Plans the rest of campaign {@code id} again, on a planning thread and within the planning
     * limits, with no lock or transaction held while it solves; written over the plan version
     * ({@link CampaignPlanning#planAndWrite}). Nothing is asked when a re-plan of it is already
     * under way here, when every planning place is taken, or while a re-plan that failed waits
     * ({@link Backoff.Reason#REPLAN_FAILED}): a later step asks again. Meanwhile nothing new is issued (the step
     * waits while the reason is set).
     */
    private void replan(String id) {
        if (jobs.planning(id) || backoff.waiting(id, Backoff.Reason.REPLAN_FAILED, clock.instant())) {
            return;
        }
        PlanningLimiter.Ticket ticket;
        try {
            ticket = jobs.admit();
        } catch (PlanningBusyException e) {
            return;
        }
        Settings settings = QuarkusTransaction.requiringNew().call(() -> store.require(id, false).settings());
        Integer limit = settings.timeLimitSeconds();
        jobs.replan(id, ticket, new PlanWatch(limit == null ? null : Duration.ofSeconds(limit)),
                () -> replanInputs(id), this::replanned, why -> {
                    Instant failed = clock.instant();
                    Duration wait = backoff.tried(id, Backoff.Reason.REPLAN_FAILED, failed);
                    QuarkusTransaction.requiringNew().run(() -> store.event(id, "REPLAN_FAILED", why + "; asked again"
                            + " in " + wait.toSeconds() + " s", failed));
                });
    }

    /**
     * What a re-plan of campaign {@code id} starts from (a short read): the hosts to plan again
     * (those not yet emptied, waiting, blocked or held back, less those already at the new
     * release), the hosts being upgraded (planned at the new release), the last batch kept.
     *
     * @throws PlanStoppedException when the campaign no longer needs it (not running, re-planned
     *                              elsewhere, or a migration in flight)
     */
    private CampaignPlanning.Inputs replanInputs(String id) {
        ClusterSnapshot snapshot = snapshots.current();
        return QuarkusTransaction.requiringNew().call(() -> {
            CampaignRow c = store.require(id, false);
            requireReplanDue(c);
            List<String> scope = new ArrayList<>();
            Set<String> upgrading = new HashSet<>();
            int lastBatch = 0;
            for (HostRow h : store.hosts(id)) {
                if (REPLANNED.contains(h.state())) {
                    // An evacuation has no new release: every host not yet emptied is planned again.
                    if (c.evacuation() || !atNewRelease(snapshot, h.host(), c.from(), c.to())) {
                        scope.add(h.host());
                    }
                } else if (CampaignStep.UPGRADING.contains(h.state())) {
                    upgrading.add(h.host());
                }
                if (h.batch() != null && !REPLANNED.contains(h.state())) {
                    lastBatch = Math.max(lastBatch, h.batch());
                }
            }
            return new CampaignPlanning.Inputs(c.planVersion(), snapshot, c.from(), c.to(), c.settings(), scope,
                    upgrading, lastBatch, c.kind());
        });
    }

    /**
     * In the transaction writing the new plan, its row locked: hosts left out of it because they
     * already run the new release are done, the old plan's migrations not issued are cancelled
     * (kept, as CANCELLED), and the history says why and what the new plan is.
     */
    private void replanned(CampaignRow c, CampaignPlanning.Computed plan) {
        requireReplanDue(c);
        Instant now = clock.instant();
        ClusterSnapshot snapshot = snapshots.current();
        Set<String> planned = new HashSet<>();
        plan.hosts().forEach(h -> planned.add(h.host()));
        for (HostRow h : store.hosts(c.id())) {
            if (REPLANNED.contains(h.state()) && !planned.contains(h.host())) {
                store.setHostState(c.id(), h, HostStep.DONE, "found at " + snapshot.host(h.host())
                        .map(e -> e.view().release()).orElse(c.to()) + " when re-planned");
            }
        }
        int cancelled = store.cancelPlannedBefore(c.id(), plan.version(), now);
        store.event(c.id(), "REPLANNED", "because " + c.replanReason() + ": plan " + plan.version() + ": "
                + (c.evacuation() ? CampaignService.evacuationSummary(plan.written(), planned.size())
                        : CampaignService.summary(plan.written(), planned.size())) + " (" + cancelled
                + " planned migrations replaced)", now);
        backoff.forget(c.id(), Backoff.Reason.REPLAN_FAILED);
    }

    /**
     * @throws PlanStoppedException unless campaign {@code c} is running or paused, has a reason to
     *                              be planned again, and has nothing in flight
     */
    private void requireReplanDue(CampaignRow c) {
        if (!c.state().equals("RUNNING") && !c.state().equals("PAUSED")) {
            throw new PlanStoppedException("campaign " + c.id() + " is " + c.state() + "; its re-plan is dropped");
        }
        if (c.replanReason() == null) {
            throw new PlanStoppedException("campaign " + c.id() + " was re-planned meanwhile");
        }
        if (store.stepMigrations(c.id(), null).stream().anyMatch(m -> !m.state().equals("PLANNED"))) {
            throw new PlanStoppedException("campaign " + c.id() + " has migrations in flight; it is re-planned once"
                    + " they are settled");
        }
    }

    /** Whether {@code host} is up and has got where the campaign takes it ({@link CampaignProblem#reached}). */
    private static boolean atNewRelease(ClusterSnapshot snapshot, String host, String from, String to) {
        return snapshot.host(host).map(HostEntry::view)
                .filter(v -> v.isUp() && CampaignProblem.reached(v.release(), from, to)).isPresent();
    }

    /** How a campaign's admin-state reasons begin, so it knows which marks are its own. */
    static String adminReasonPrefix(String campaign) {
        return CampaignKind.ofId(campaign).noun() + " " + campaign + ": ";
    }
}
