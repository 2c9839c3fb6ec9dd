package io.migplan.scheduler.campaign;

import io.migplan.scheduler.error.Reason;
import io.migplan.scheduler.campaign.planner.CampaignPolicy;
import io.migplan.scheduler.campaign.CampaignPlanning.StoredPlan;
import io.migplan.scheduler.campaign.CampaignPlanning.Written;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.work.PlanningLimiter;
import io.migplan.scheduler.campaign.CampaignRequest.CampaignPolicyRequest;
import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.CampaignStore.Settings;
import io.migplan.scheduler.campaign.Transitions.CampaignState;
import io.migplan.scheduler.campaign.Transitions.HostStep;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.snapshot.HostView;
import java.util.Optional;
import io.migplan.scheduler.db.Timestamps;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.InventoryStore;
import io.migplan.scheduler.error.UnknownObjectException;
import io.migplan.scheduler.snapshot.Releases;
import io.migplan.scheduler.reservation.SlotReservations;
import io.migplan.scheduler.error.InvalidRequestException;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.migplan.scheduler.evacuation.PlanView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Rolling-upgrade campaigns and evacuations (campaigns of kind {@link CampaignKind#EVACUATION}):
 * created (accepted at once, planned in the background), shown, and
 * driven by an orchestrator's reports. Every operation locks the campaign's row, so steps of one
 * campaign never interleave, on one scheduler or several. What to do next is {@link CampaignRunner}'s
 * business; this class validates requests and records what the orchestrator reports.
 */
@ApplicationScoped
public class CampaignService {

    /** Campaigns whose hosts are taken: a second one may not upgrade the same hosts meanwhile. */
    static final List<String> ACTIVE = List.of("RUNNING", "PAUSED");

    @Inject
    EntityManager em;
    @Inject
    CampaignStore store;
    @Inject
    CampaignPlanJobs jobs;
    @Inject
    MigplanConfig config;
    @Inject
    CampaignRunner runner;
    @Inject
    ClusterSnapshotHolder snapshots;
    @Inject
    SlotReservations reservations;
    @Inject
    InventoryStore inventory;
    @Inject
    FreshScans scans;
    @Inject
    ReportTrigger reportTrigger;
    @Inject
    Clock clock;

    /** What a report changed: the campaign's state and the migration's or host's state after it. */
    public record Reported(String campaign, String state, String subject, String subjectState) {
    }

    /** One campaign in a list; {@code kind} UPGRADE or EVACUATION (which has no releases). */
    public record Listed(String id, String state, String fromRelease, String toRelease, Instant createdAt,
            String kind) {
    }

    /**
     * Accepts the campaign, stored PLANNING, and plans it in the background ({@link CampaignPlanJobs}):
     * once its plan is written it is DRY_RUN (a plan to read, nothing reserved or issued) or
     * RUNNING (the orchestrator may ask {@code next}); if no plan can be made, FAILED. Returns the
     * campaign as accepted. Everything that refuses it does so here, before anything is stored:
     * the request's fields were checked against its annotations (REST and gRPC both validate it);
     * here the rules between fields ({@link CampaignRequest#validate()}), those that need the
     * cluster, the planning limits ({@code PLANNING_BUSY}), and one campaign at a time holding its
     * hosts ({@code CAMPAIGN_ACTIVE}, counting one still PLANNING to run).
     */
    public CampaignView create(CampaignRequest request) {
        request.validate();
        String from = request.fromRelease().strip();
        String to = request.toRelease().strip();
        ClusterSnapshot snapshot = snapshots.current();
        List<String> scope = scope(request, from, snapshot);
        boolean dryRun = Boolean.TRUE.equals(request.dryRun());
        Settings settings = settings(request.policy(), scope, dryRun, snapshot, config.planning().maxTimeLimit());
        String id = "camp-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = clock.instant();
        PlanningLimiter.Ticket ticket = jobs.admit();
        CampaignView accepted;
        try {
            accepted = QuarkusTransaction.requiringNew().call(() -> {
                if (!dryRun) {
                    // Held for this short transaction only: two creations never both see no campaign holding hosts.
                    em.createNativeQuery("lock table campaign in share row exclusive mode").executeUpdate();
                    List<String> active = store.idsHoldingHosts();
                    if (!active.isEmpty()) {
                        throw new CampaignConflictException("CAMPAIGN_ACTIVE", "campaign " + active.get(0) + " is "
                                + "still being planned to run, running or paused; finish or abort it before starting"
                                + " another");
                    }
                }
                store.insertPlanning(id, request.kind(), from, to, settings, now);
                return view(store.require(id, false));
            });
        } catch (RuntimeException e) {
            ticket.release();
            throw e;
        }
        jobs.start(id, ticket, from, to, settings, scope, (row, plan) -> {
            CampaignPlanJobs.requirePlanning(row);
            Instant at = clock.instant();
            store.setState(id, CampaignState.PLANNING, dryRun ? CampaignState.DRY_RUN : CampaignState.RUNNING, at);
            store.event(id, "PLANNED", (dryRun ? "dry run: " : "") + summary(plan.written(), scope.size()), at);
        });
        return accepted;
    }

    /** One line an operator reads first: batches, migrations per VM against the naive order, what cannot move. */
    static String summary(Written w, int hosts) {
        var m = w.plan().metrics();
        return String.format(java.util.Locale.ROOT, "%d of %d hosts in %d batches (%d waves), %d migrations for %d VMs:"
                + " %.3f per VM, %d moved twice, %d hosts not emptied; the naive order (host by host, by name): %d"
                + " migrations, %.3f per VM, %d moved twice, %d hosts not emptied; %d VMs cannot move",
                w.batchedHosts(), hosts, m.batches(), m.waves(), w.migrations(), m.vms(), m.migrationsPerVm(),
                m.movedTwice(), m.blocked(), m.naive().migrations(), m.naive().migrationsPerVm(), m.naive().movedTwice(),
                m.naive().blocked(), w.plan().unmovable().size());
    }

    /** The hosts named, selected by labels, or every host at {@code from}; all must run {@code from}. */
    private List<String> scope(CampaignRequest r, String from, ClusterSnapshot snapshot) {
        return scope(r, from, snapshot, () -> {
            String json = store.write(r.selector());
            @SuppressWarnings("unchecked")
            List<String> ids = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                    "select id from host where labels @> cast(?1 as jsonb) order by id").setParameter(1, json)
                    .getResultList());
            return ids;
        });
    }

    /**
     * {@link #scope(CampaignRequest, String, ClusterSnapshot)}, with the hosts the selector matches
     * from {@code selected} (the database's label query, or a fleet file's labels offline).
     */
    static List<String> scope(CampaignRequest r, String from, ClusterSnapshot snapshot,
            Supplier<List<String>> selected) {
        boolean isSelected = r.selected();
        Set<String> out = new LinkedHashSet<>();
        if (r.named()) {
            for (String h : r.hosts()) {
                var e = snapshot.host(h).orElseThrow(() -> new InvalidRequestException("hosts names '" + h
                        + "', which is not a known host"));
                if (Releases.compare(e.view().release(), from) != 0) {
                    throw new InvalidRequestException("host " + h + " runs " + e.view().release() + ", not fromRelease "
                            + from);
                }
                out.add(h);
            }
        } else if (isSelected) {
            selected.get().stream().filter(h -> snapshot.host(h).map(e -> Releases.compare(e.view().release(), from) == 0)
                    .orElse(false)).forEach(out::add);
        } else {
            snapshot.hosts().stream().filter(e -> Releases.compare(e.view().release(), from) == 0)
                    .forEach(e -> out.add(e.view().id()));
        }
        if (out.isEmpty()) {
            throw new InvalidRequestException("no host " + (isSelected ? "matching selector " + r.selector() + " " : "")
                    + "runs fromRelease " + from);
        }
        return List.copyOf(out);
    }

    static Settings settings(CampaignPolicyRequest p, List<String> scope, boolean dryRun,
            ClusterSnapshot snapshot, Duration maxTimeLimit) {
        CampaignPolicy d = CampaignPolicy.defaults();
        CampaignPolicyRequest q = p != null ? p
                : new CampaignPolicyRequest(null, null, null, null, null, null, null, null, null);
        int maintenance = maintenance(q.maxHostsInMaintenance(), scope.size(), d.maxHostsInMaintenance());
        int perDomain = or(q.maxPerFailureDomain(), d.maxPerFailureDomain());
        int out = or(q.maxOutboundPerHost(), d.maxOutboundPerHost());
        int in = or(q.maxInboundPerHost(), d.maxInboundPerHost());
        int parallel = or(q.maxParallel(), d.maxParallel());
        int headroom = or(q.headroomPercent(), d.headroomPercent());
        int vms = scope.stream().mapToInt(h -> snapshot.host(h).map(e -> e.vms().size()).orElse(0)).sum();
        return new Settings(scope, maintenance, perDomain, out, in, parallel, headroom,
                Boolean.TRUE.equals(q.allowBackward()), dryRun, vms, timeLimit(q.timeLimitSeconds(), maxTimeLimit),
                or(q.migrationTimeoutSeconds(), CampaignPolicyRequest.MIGRATION_TIMEOUT_DEFAULT));
    }

    /**
     * The plan's time limit: the request's, which may not exceed the configured maximum, or the maximum.
     *
     * @throws InvalidRequestException naming the field, its limit and the setting behind it
     */
    static int timeLimit(Integer requested, Duration maxTimeLimit) {
        int max = (int) Math.min(Integer.MAX_VALUE, maxTimeLimit.toSeconds());
        if (requested == null) {
            return max;
        }
        if (requested > max) {
            throw new InvalidRequestException("policy.timeLimitSeconds must be at most " + max
                    + " (migplan.planning.max-time-limit), got " + requested);
        }
        return requested;
    }

    /** "4" or "10%" of the scope (at least one host); a value valid as {@link CountOrShare}. */
    static int maintenance(String value, int scope, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String v = value.strip();
        if (v.endsWith("%")) {
            return Math.max(1, (int) Math.floor(scope * CountOrShare.Check.share(v) / 100));
        }
        return CountOrShare.Check.count(v);
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    public List<Listed> list() {
        return QuarkusTransaction.requiringNew().call(() -> store.all().stream().map(r -> {
            boolean evacuation = r[5] == CampaignKind.EVACUATION;
            return new Listed((String) r[0], (String) r[1], evacuation ? null : (String) r[2],
                    evacuation ? null : (String) r[3], Timestamps.toInstant(r[4]), ((CampaignKind) r[5]).name());
        }).toList());
    }

    /** The campaigns of one kind, newest first. */
    public List<Listed> list(CampaignKind kind) {
        return list().stream().filter(l -> l.kind().equals(kind.name())).toList();
    }

    /**
     * Accepts an evacuation, stored PLANNING, and plans it in the background as {@link #create}
     * does a campaign: the hosts named are emptied onto hosts outside them, as the placement rules
     * allow, and each host proven empty is left in MAINTENANCE (see docs/campaigns.md). Refused
     * before anything is stored: a host named twice or not known, and ({@code CAMPAIGN_ACTIVE}) a
     * host that a campaign or evacuation being planned to run, running or paused already holds.
     */
    public CampaignView createEvacuation(EvacuationCampaignRequest request) {
        ClusterSnapshot snapshot = snapshots.current();
        Set<String> hosts = new LinkedHashSet<>();
        for (String h : request.hosts()) {
            String id = h.strip();
            if (snapshot.host(id).isEmpty()) {
                throw new InvalidRequestException("hosts names '" + id + "', which is not a known host");
            }
            if (!hosts.add(id)) {
                throw new InvalidRequestException("hosts names '" + id + "' twice");
            }
        }
        List<String> scope = List.copyOf(hosts);
        CampaignPolicyRequest p = request.policy();
        CampaignPolicyRequest policy = new CampaignPolicyRequest(String.valueOf(scope.size()), scope.size(),
                p == null ? null : p.maxOutboundPerHost(), p == null ? null : p.maxInboundPerHost(),
                p == null ? null : p.maxParallel(), p == null ? null : p.headroomPercent(),
                config.placement().allowBackward(), p == null ? null : p.timeLimitSeconds(),
                p == null ? null : p.migrationTimeoutSeconds());
        Settings settings = settings(policy, scope, false, snapshot, config.planning().maxTimeLimit());
        String reason = request.reason() == null ? "" : request.reason().strip();
        String id = CampaignKind.EVACUATION_ID_PREFIX + UUID.randomUUID().toString().substring(0, 8);
        Instant now = clock.instant();
        PlanningLimiter.Ticket ticket = jobs.admit();
        CampaignView accepted;
        try {
            accepted = QuarkusTransaction.requiringNew().call(() -> {
                // As in create: two creations never both see the hosts free.
                em.createNativeQuery("lock table campaign in share row exclusive mode").executeUpdate();
                Map<String, String> held = store.holders(scope);
                if (!held.isEmpty()) {
                    var first = held.entrySet().iterator().next();
                    throw new CampaignConflictException("CAMPAIGN_ACTIVE", "host " + first.getKey() + " is in "
                            + CampaignKind.ofId(first.getValue()).noun() + " " + first.getValue() + ", which is still"
                            + " being planned to run, running or paused; finish or abort it first"
                            + (held.size() > 1 ? " (" + held.size() + " of the hosts named are held)" : ""));
                }
                store.insertEvacuation(id, reason, settings, now);
                return view(store.require(id, false));
            });
        } catch (RuntimeException e) {
            ticket.release();
            throw e;
        }
        jobs.start(id, ticket, "", "", settings, scope, (row, plan) -> {
            CampaignPlanJobs.requirePlanning(row);
            Instant at = clock.instant();
            store.setState(id, CampaignState.PLANNING, CampaignState.RUNNING, at);
            store.event(id, "PLANNED", evacuationSummary(plan.written(), scope.size()), at);
        });
        return accepted;
    }

    /** An evacuation plan's line: hosts emptied, migrations, waves, what cannot move. */
    static String evacuationSummary(Written w, int hosts) {
        var m = w.plan().metrics();
        return String.format(java.util.Locale.ROOT, "%d of %d hosts to empty in %d waves, %d migrations for %d VMs;"
                + " %d hosts cannot be emptied, %d VMs cannot move", w.batchedHosts(), hosts, m.waves(),
                w.migrations(), m.vms(), m.blocked(), w.plan().unmovable().size());
    }

    public CampaignView get(String id) {
        return QuarkusTransaction.requiringNew().call(() -> view(store.require(id, false)));
    }

    CampaignView view(CampaignRow c) {
        StoredPlan stored = store.read(store.plan(c.id()), StoredPlan.class);
        // PLANNING and FAILED campaigns have no plan yet: their row holds an empty one.
        StoredPlan plan = stored.metrics() == null ? new StoredPlan(List.of(), List.of(), List.of(), null) : stored;
        List<HostRow> hosts = store.hosts(c.id());
        List<MigrationRow> migrations = store.migrations(c.id(), false);
        int done = 0;
        int failed = 0;
        int inFlight = 0;
        for (MigrationRow m : migrations) {
            switch (m.state()) {
                case "DONE" -> done++;
                case "FAILED" -> failed++;
                case "ISSUED" -> inFlight++;
                default -> {
                }
            }
        }
        List<CampaignView.Batch> batches = batches(hosts, migrations);
        List<CampaignView.HostNote> heldBack = notes(hosts, "HELD_BACK", "HELD_BACK");
        List<CampaignView.HostNote> blocked = notes(hosts, "BLOCKED", "BLOCKED");
        List<CampaignView.HostNote> waiting = notes(hosts, "WAITING", "HOST_NOT_UP");
        int hostsDone = (int) hosts.stream().filter(h -> h.state().equals("DONE")).count();
        int vms = c.settings().vmsInScope();
        CampaignView.Progress progress = new CampaignView.Progress(hosts.size(), hostsDone, done, failed, inFlight,
                vms == 0 ? 0 : done / (double) vms);
        return new CampaignView(c.id(), c.state(), c.evacuation() ? null : c.from(), c.evacuation() ? null : c.to(),
                c.settings().dryRun(), c.planVersion(),
                c.replanReason(), batches, plan.unmovable(), heldBack.isEmpty() ? plan.heldBack() : heldBack,
                blocked.isEmpty() ? plan.blocked() : blocked, waiting, plan.metrics(), progress,
                store.events(c.id()), c.state().equals("PLANNING") ? jobs.progress(c) : null, c.failure(),
                c.kind().name(), c.reason());
    }

    /** The plan's batches as the view shows them: hosts by batch, each with its migrations not cancelled. */
    static List<CampaignView.Batch> batches(List<HostRow> hosts, List<MigrationRow> migrations) {
        Map<Integer, List<HostRow>> byBatch = new TreeMap<>();
        hosts.stream().filter(h -> h.batch() != null).forEach(h -> byBatch.computeIfAbsent(h.batch(),
                b -> new ArrayList<>()).add(h));
        Map<Integer, List<CampaignView.Migration>> migrationsByBatch = new LinkedHashMap<>();
        for (MigrationRow m : migrations) {
            if (!m.state().equals("CANCELLED")) {
                migrationsByBatch.computeIfAbsent(m.batch(), b -> new ArrayList<>()).add(new CampaignView.Migration(
                        m.id(), m.vm(), m.vmUuid(), m.from(), m.to(), PlanView.Migration.perDevice(m.parents()),
                        PlanView.Migration.perDevice(m.types()),
                        m.wave(), m.state(), m.basis(), m.error()));
            }
        }
        List<CampaignView.Batch> batches = new ArrayList<>();
        byBatch.forEach((index, rows) -> batches.add(new CampaignView.Batch(index,
                rows.stream().map(HostRow::host).toList(), rows.stream().anyMatch(HostRow::canary), batchState(rows),
                migrationsByBatch.getOrDefault(index, List.of()))));
        return batches;
    }

    /** A batch's state from its hosts': DONE when all are, RUNNING once one has left PENDING, else PENDING. */
    static String batchState(List<HostRow> hosts) {
        boolean allDone = hosts.stream().allMatch(h -> h.state().equals("DONE"));
        boolean started = hosts.stream().anyMatch(h -> !h.state().equals("PENDING"));
        return allDone ? "DONE" : started ? "RUNNING" : "PENDING";
    }

    static List<CampaignView.HostNote> notes(List<HostRow> hosts, String state, String code) {
        return hosts.stream().filter(h -> h.state().equals(state)).map(h -> new CampaignView.HostNote(h.host(),
                List.of(new Reason(code, h.note())))).toList();
    }

    /** What the orchestrator should do now, under the campaign's lease; see {@link CampaignRunner#next}. */
    public NextStep next(String id, String orchestrator, Integer leaseSeconds) {
        return runner.next(id, orchestrator, Lease.length(leaseSeconds));
    }

    /** What {@link #next} would answer now, changing nothing; see {@link CampaignRunner#preview}. */
    public NextStep preview(String id) {
        return runner.preview(id);
    }

    /** The lease holder finished a migration: the VM runs on the target. */
    public Reported migrationDone(String id, String migration, String orchestrator) {
        return report(id, migration, MigrationState.DONE, "", orchestrator);
    }

    /**
     * The lease holder's migration failed: the VM still runs on its source; the rest is planned
     * again. After a done report it is taken only when fresh scans show the VM on its source and
     * not on its target.
     */
    public Reported migrationFailed(String id, String migration, String reason, String orchestrator) {
        String why = reason == null || reason.isBlank() ? "no reason given" : reason.strip();
        return report(id, migration, MigrationState.FAILED, why, orchestrator);
    }

    private Reported report(String id, String migrationId, MigrationState outcome, String error,
            String orchestrator) {
        // A failure reported after done needs the agents' word; asked before the lock is taken.
        Optional<Settlement.Verdict> seen = outcome == MigrationState.FAILED
                ? whereAfterDone(id, migrationId) : Optional.empty();
        Instant now = clock.instant();
        return QuarkusTransaction.requiringNew().call(() -> {
            CampaignRow c = store.lock(id);
            MigrationRow m = store.migration(id, migrationId);
            Lease.requireHolder(id, Lease.of(c), orchestrator);
            if (m.stateEnum() == outcome) {
                return new Reported(id, c.state(), migrationId, outcome.name()); // the same report again: the same answer
            }
            if (m.stateEnum() == MigrationState.DONE && outcome == MigrationState.FAILED) {
                Settlement.Verdict v = seen.orElse(null);
                if (v == null || v.where() != Settlement.Where.ON_SOURCE) {
                    throw new CampaignConflictException("MIGRATION_NOT_IN_FLIGHT", "migration " + migrationId
                            + " of VM " + m.vm() + " was reported done; a failure is taken after that only when fresh"
                            + " scans show the VM on its source and not on its target, and "
                            + (v == null ? "they could not be asked" : v.why()));
                }
                fail(c, m, "reported failed after done (" + error + "); " + v.why(), now);
                return new Reported(id, c.state(), migrationId, MigrationState.FAILED.name());
            }
            if (m.stateEnum() != MigrationState.ISSUED) {
                throw new CampaignConflictException("MIGRATION_NOT_IN_FLIGHT", "migration " + migrationId + " of VM "
                        + m.vm() + " is " + m.state() + "; only an issued migration can be reported "
                        + outcome.name().toLowerCase());
            }
            if (outcome == MigrationState.DONE) {
                done(c, m, orchestrator, now);
            } else {
                fail(c, m, error, now);
            }
            return new Reported(id, c.state(), migrationId, outcome.name());
        });
    }

    /**
     * Records a migration reported done. When the hosts' reports already show the move
     * ({@link Settlement#reported}: they often come before the orchestrator's report) it is
     * settled at once and its slots released; otherwise they stay claimed until the target's
     * report shows the VM, which steps the campaign at once ({@link ReportTrigger}), and if it has
     * not by the settle timeout, the agents are asked.
     */
    private void done(CampaignRow c, MigrationRow m, String orchestrator, Instant now) {
        boolean seen = Settlement.reported(m, snapshots.current());
        if (seen) {
            m.reservations().forEach(reservations::release);
            store.finish(m, MigrationState.DONE, "", true, now, null);
        } else {
            store.finish(m, MigrationState.DONE, "", false, now, now.plus(config.campaign().settleTimeout()));
            reportTrigger.alsoAwaiting(c.id(), m.from(), m.to());
        }
        store.event(c.id(), EventSubject.migration(m), "MIGRATION_DONE", "migration " + m.id() + " of VM " + m.vm()
                + " " + m.from() + " -> " + m.to() + " reported done by " + orchestrator
                + (seen ? "; both hosts' reports already show it: settled" : ""), now);
    }

    /** Records a migration failed (its slots released) and asks a running campaign to re-plan the rest. */
    private void fail(CampaignRow c, MigrationRow m, String error, Instant now) {
        m.reservations().forEach(reservations::release);
        store.finish(m, MigrationState.FAILED, error, true, now, null);
        String reason = "migration " + m.id() + " of VM " + m.vm() + " " + m.from() + " -> " + m.to() + " failed: "
                + error;
        store.event(c.id(), EventSubject.migration(m), "MIGRATION_FAILED", reason, now);
        if (ACTIVE.contains(c.state())) {
            runner.requestReplan(c, reason, now);
        }
    }

    /**
     * For a migration reported done, where fresh scans of its source and target place the VM;
     * empty for any other migration (nothing is asked).
     */
    private Optional<Settlement.Verdict> whereAfterDone(String id, String migrationId) {
        MigrationRow m = QuarkusTransaction.requiringNew().call(() -> {
            store.require(id, false);
            return store.migration(id, migrationId);
        });
        if (m.stateEnum() != MigrationState.DONE) {
            return Optional.empty();
        }
        ClusterSnapshot snapshot = snapshots.current();
        Optional<HostView> from = snapshot.host(m.from()).map(e -> e.view());
        Optional<HostView> to = snapshot.host(m.to()).map(e -> e.view());
        if (from.isEmpty() || to.isEmpty()) {
            return Optional.of(new Settlement.Verdict(Settlement.Where.UNKNOWN, null, "host "
                    + (from.isEmpty() ? m.from() : m.to()) + " left the inventory"));
        }
        return Optional.of(Settlement.judge(m, scans.ask(from.get()), scans.ask(to.get())));
    }

    /** The orchestrator started upgrading an emptied host; its agent's report of the new release completes it. */
    public Reported upgradeStarted(String id, String host, String orchestrator) {
        Instant now = clock.instant();
        return QuarkusTransaction.requiringNew().call(() -> {
            CampaignRow c = store.lock(id);
            HostRow h = store.hosts(id).stream().filter(r -> r.host().equals(host)).findFirst()
                    .orElseThrow(() -> new UnknownObjectException("campaign " + id
                            + " does not upgrade host '" + host + "'"));
            Lease.requireHolder(id, Lease.of(c), orchestrator);
            if (h.state().equals("UPGRADING") || h.state().equals("PROBING") || h.state().equals("DONE")) {
                return new Reported(id, c.state(), host, h.state());
            }
            if (!h.state().equals("READY_TO_UPGRADE")) {
                throw new CampaignConflictException("HOST_NOT_READY", "host " + host + " is " + h.state()
                        + "; only a host the campaign emptied (READY_TO_UPGRADE) may be upgraded");
            }
            store.setHostState(id, h, HostStep.UPGRADING, "");
            store.event(id, EventSubject.host(h), "UPGRADE_STARTED", "host " + host + " is being upgraded to " + c.to(),
                    now);
            return new Reported(id, c.state(), host, "UPGRADING");
        });
    }

    public CampaignView pause(String id) {
        return transition(id, "RUNNING", "PAUSED", "PAUSED", "no new migration or upgrade is handed out; reports of"
                + " those in flight are still taken");
    }

    public CampaignView resume(String id) {
        return transition(id, "PAUSED", "RUNNING", "RESUMED", "the campaign goes on");
    }

    private CampaignView transition(String id, String from, String to, String kind, String message) {
        Instant now = clock.instant();
        return QuarkusTransaction.requiringNew().call(() -> {
            CampaignRow c = store.lock(id);
            if (c.state().equals(to)) {
                return view(c);
            }
            if (!c.state().equals(from)) {
                throw new CampaignConflictException("CAMPAIGN_STATE", "campaign " + id + " is " + c.state()
                        + "; only a " + from + " campaign can be " + kind.toLowerCase());
            }
            store.setState(id, CampaignState.valueOf(from), CampaignState.valueOf(to), now);
            store.event(id, kind, message, now);
            return view(store.lock(id));
        });
    }

    /**
     * Stops the campaign for good: nothing more is issued, every planned migration is cancelled
     * and every slot the campaign claimed is released. VMs stay where they run; migrations in
     * flight may still be reported.
     */
    public CampaignView abort(String id) {
        Instant now = clock.instant();
        return QuarkusTransaction.requiringNew().call(() -> {
            CampaignRow c = store.lock(id);
            if (c.state().equals("ABORTED")) {
                return view(c);
            }
            if (!ACTIVE.contains(c.state())) {
                throw new CampaignConflictException("CAMPAIGN_STATE", "campaign " + id + " is " + c.state()
                        + "; only a running or paused campaign can be aborted");
            }
            int released = 0;
            for (MigrationRow m : store.migrations(id, true)) {
                for (long r : m.reservations()) {
                    released += reservations.release(r) ? 1 : 0;
                }
                if (m.stateEnum() == MigrationState.DONE) {
                    store.settle(m.id());
                }
            }
            int cancelled = store.cancelPlanned(id, now);
            // Hosts this campaign took out of placement go back in; an operator's marks stay.
            ClusterSnapshot snapshot = snapshots.current();
            for (HostRow h : store.hosts(id)) {
                snapshot.host(h.host()).map(e -> e.view()).filter(v -> v.adminReason() != null
                        && v.adminReason().startsWith(CampaignRunner.adminReasonPrefix(id)))
                        .ifPresent(v -> inventory.setAdminState(h.host(), AdminState.ACTIVE, ""));
            }
            store.setState(id, c.stateEnum(), CampaignState.ABORTED, now);
            store.event(id, "ABORTED", cancelled + " planned migrations cancelled, " + released
                    + " reservations released; every VM stays where it runs", now);
            return view(store.lock(id));
        });
    }
}
