package io.migplan.scheduler.evacuation;

import io.migplan.scheduler.error.Reason;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.scheduler.audit.AuditLog;
import io.migplan.scheduler.compatibility.Verdicts;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.error.UnknownObjectException;
import io.migplan.scheduler.placement.TargetFinder;
import io.migplan.scheduler.placement.filter.AntiAffinityFilter;
import io.migplan.scheduler.placement.filter.HostFilter;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationJobs;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.PlanLimits;
import io.migplan.scheduler.evacuation.planner.PlanProgress;
import io.migplan.scheduler.error.InvalidRequestException;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.VmRecord;
import io.migplan.scheduler.db.StoredJson;
import io.migplan.scheduler.work.PlanningBusyException;
import io.migplan.scheduler.metrics.SchedulerMetrics;
import io.migplan.scheduler.work.PlanningLimiter;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Evacuation plans as asynchronous jobs, kept in PostgreSQL: {@link #create} checks a valid
 * request's hosts against the cluster, takes a place from the {@link PlanningLimiter} (refused
 * with 429 / RESOURCE_EXHAUSTED, nothing stored, when every solver and queue place is taken),
 * stores the plan as SOLVING and returns its id at once. When a solver is free the job goes to
 * {@link EvacuationJobs} (the solver pools), which builds the problem from the cluster
 * snapshot on the solver's thread (asking agents for missing verdicts), solves it and hands back
 * the plan, stored as READY (every VM placed), INFEASIBLE (some VMs unplaced, with reasons) or
 * FAILED (with an incident id). {@link #cancel} stops the solver at its best solution, stored as
 * CANCELLED; a plan cancelled while it waits for a solver is stored as CANCELLED without one.
 * Plans are proposals: nothing is reserved or moved.
 */
@ApplicationScoped
public class PlanService {

    private static final Logger LOG = Logger.getLogger(PlanService.class);

    @Inject
    EntityManager em;
    @Inject
    ObjectMapper mapper;
    @Inject
    ClusterSnapshotHolder snapshots;
    @Inject
    Verdicts verdicts;
    @Inject
    MigplanConfig config;
    @Inject
    Clock clock;
    @Inject
    PlanningLimiter limiter;
    @Inject
    SchedulerMetrics metrics;
    @Inject
    Validator validator;
    @Inject
    AuditLog audit;

    private EvacuationJobs jobs;
    private volatile boolean warmingUp;
    /** Plans of this process from admission until stored: their place, live progress and cancel. */
    private final Map<String, Job> active = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        jobs = new EvacuationJobs(config.planning().maxConcurrent());
    }

    void onStart(@Observes StartupEvent event) {
        int orphaned = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                        "update plan set status = 'FAILED', updated_at = now(), error = 'the scheduler stopped while"
                                + " this plan was being solved; create it again' where status = 'SOLVING'")
                .executeUpdate());
        if (orphaned > 0) {
            LOG.warnf("%d plan(s) were being solved when the scheduler stopped; marked FAILED", orphaned);
        }
        jobs.warmUp();
        if (config.planning().warmUp()) {
            warmingUp = true;
            Thread warming = new Thread(this::warmUp, "warm-up");
            warming.setDaemon(true);
            warming.setPriority(Thread.MIN_PRIORITY);
            warming.start();
        }
    }

    /** Hosts each fleet round empties: one per device type met first, so every board's hosts are candidates. */
    static final int FLEET_WARM_UP_HOSTS = 4;

    /**
     * What the first plan would otherwise wait for: the stored verdicts read into the matrix's
     * cache, then {@link PlannerWarmUp}'s rounds, then {@code migplan.planning.warm-up-fleet-rounds} rounds on the fleet
     * as it is held ({@link #fleetWarmUpHosts}: what only a real fleet makes, such as each host's
     * planning facts, is made then), each plan shown as the API would show it and thrown away.
     * No agent is asked: a cell the matrix lacks stays unanswered. Returns how many rounds were
     * planned. Each made-up plan then goes the API's way outside the planner ({@link #rehearse}),
     * in a transaction that is rolled back.
     */
    int warmUp() {
        warmingUp = true;
        try {
            return warm();
        } finally {
            warmingUp = false;
        }
    }

    /**
     * Whether the start-up warm-up is still running: the scheduler is not ready for plans until
     * it has finished (or failed, or is turned off), see {@link PlannerReadiness}.
     */
    public boolean warmingUp() {
        return warmingUp;
    }

    private int warm() {
        long start = System.nanoTime();
        try {
            verdicts.warmCache();
            LOG.debugf("stored verdicts read in %d ms", (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warnf(e, "the stored verdicts could not be read at start; the first query will read them");
        }
        int rounds = 0;
        try {
            PlannerWarmUp warm = new PlannerWarmUp(filters());
            for (int round = 0; round < PlannerWarmUp.ROUNDS; round++, rounds++) {
                String id = "warm-up-" + round;
                EvacuationPlan plan = solveNow(id, () -> warm.problem(id));
                rehearse(view(id, PlanStatus.READY, plan.migrations().size(), plan));
            }
            ClusterSnapshot fleet = snapshots.current();
            Set<String> hosts = fleetWarmUpHosts(fleet);
            for (int round = 0; round < config.planning().warmUpFleetRounds() && !hosts.isEmpty(); round++, rounds++) {
                String id = "warm-up-fleet-" + round;
                EvacuationPlan plan = solveNow(id, () -> new EvacuationProblemBuilder(filters(),
                        keys -> verdicts.stored(fleet, keys), batches -> Map.of())
                        .build(id, fleet, hosts, clock.instant()));
                write(view(id, plan.unplaced().isEmpty() ? PlanStatus.READY : PlanStatus.INFEASIBLE,
                        plan.migrations().size() + plan.unplaced().size(), plan));
            }
            LOG.debugf("planner warmed up in %d ms", (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.warnf(e, "planner warm-up failed; the first plan will compile what it needs");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return rounds;
    }

    /** The id {@link #rehearse} gives its made-up plan: never committed, so no GET ever finds it. */
    static final String REHEARSAL = "warm-up-rehearsal";

    /**
     * A solved plan taken the API's way outside the planner, so that the first plan an operator
     * asks for does not load and compile that code itself: a request naming the plan's hosts read
     * from JSON bytes and checked as the API checks it, the plan's row inserted as SOLVING with
     * that request and the audit's record of a made-up call written beside it
     * ({@link AuditLog#rehearseInside}), its outcome written into the row, the row read back and
     * shown as a GET shows it, and both answers (the id, the plan) written as the JSON bytes the
     * API sends. The row's statements run in one transaction that is rolled back, and no audited
     * call is open on the warm-up's thread: nothing is left behind (no row, no audit record, no
     * metric). Returns the plan as the rolled-back row showed it.
     */
    PlanView rehearse(PlanView plan) {
        Set<String> hosts = new LinkedHashSet<>();
        plan.migrations().forEach(m -> hosts.add(m.from()));
        EvacuationRequest request = readRequest(Map.of("hosts", List.copyOf(hosts)));
        String requestJson = requestJson(new LinkedHashSet<>(request.hosts()), limits(request));
        PlanView shown;
        // QuarkusTransaction.begin keeps its transaction in the request context, which (unlike
        // requiringNew) it does not open; the warm-up's own thread has none.
        ManagedContext requests = Arc.container().requestContext();
        boolean opened = !requests.isActive();
        if (opened) {
            requests.activate();
        }
        try {
            QuarkusTransaction.begin();
            try {
                insertSolving(REHEARSAL, requestJson, clock.instant());
                audit.rehearseInside();
                update(REHEARSAL, plan.status(), write(plan), plan.progress().bestScore(),
                        plan.progress().elapsedMillis(), "");
                shown = shown(REHEARSAL, row(REHEARSAL));
            } finally {
                QuarkusTransaction.rollback();
            }
        } finally {
            if (opened) {
                requests.terminate();
            }
        }
        answer(Map.of("id", REHEARSAL));
        answer(shown);
        return shown;
    }

    /** {@code body} as the API receives it: JSON bytes read into a request, then checked by its annotations. */
    private EvacuationRequest readRequest(Map<String, Object> body) {
        try {
            EvacuationRequest request = mapper.readValue(mapper.writeValueAsBytes(body), EvacuationRequest.class);
            Set<ConstraintViolation<EvacuationRequest>> violations = validator.validate(request);
            if (!violations.isEmpty()) {
                throw new IllegalStateException("the warm-up's made-up request is not valid: " + violations);
            }
            return request;
        } catch (IOException e) {
            throw new IllegalStateException("the warm-up's made-up request cannot be read as JSON: " + e.getMessage(), e);
        }
    }

    /** {@code value} written as the JSON bytes of an API answer (a stream of bytes, not a string), then dropped. */
    private void answer(Object value) {
        try {
            mapper.writeValue(OutputStream.nullOutputStream(), value);
        } catch (IOException e) {
            throw new IllegalStateException("the warm-up's answer cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Up to {@value #FLEET_WARM_UP_HOSTS} hosts with VMs, in the snapshot's order, each the first
     * whose VMs ask for a device type no host before it did: emptying them makes the hosts of
     * every board candidates. Empty when no host runs a VM.
     */
    static Set<String> fleetWarmUpHosts(ClusterSnapshot fleet) {
        Set<String> types = new HashSet<>();
        Set<String> hosts = new LinkedHashSet<>();
        for (var e : fleet.hosts()) {
            boolean fresh = false;
            for (VmRecord vm : e.vms()) {
                for (DeviceRequest d : vm.devices()) {
                    fresh |= types.add(d.typeId());
                }
            }
            if (!e.vms().isEmpty() && (fresh || hosts.isEmpty())) {
                hosts.add(e.view().id());
                if (hosts.size() == FLEET_WARM_UP_HOSTS) {
                    break;
                }
            }
        }
        return hosts;
    }

    /**
     * Solves {@code problem} through the solver pool of the warm-up's size and waits for it: one
     * warm-up plan at a time, so a real plan finds a solver free. Each round ends on its own
     * patience (16 ms without improvement at this size).
     */
    private EvacuationPlan solveNow(String id, Supplier<EvacuationProblem> problem) throws InterruptedException {
        CompletableFuture<EvacuationPlan> done = new CompletableFuture<>();
        EvacuationJobs.Listener listener = new EvacuationJobs.Listener() {
            @Override
            public void progress(PlanProgress p) {
            }

            @Override
            public void finished(EvacuationPlan plan) {
                done.complete(plan);
            }

            @Override
            public void failed(Throwable cause) {
                done.completeExceptionally(cause);
            }

            @Override
            public void cancelledBeforeStart() {
                done.cancel(false);
            }
        };
        jobs.submit(id, PlannerWarmUp.VMS, PlanLimits.defaults(), problem, listener);
        try {
            // A plan of the warm-up's size takes milliseconds; the bound only keeps a stopped
            // scheduler (whose jobs tell no one) from holding this thread.
            return done.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            throw new IllegalStateException("warm-up plan " + id + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("warm-up plan " + id + " did not finish within 5 minutes", e);
        }
    }

    /** The per-VM filters of an evacuation (anti-affinity is weighed by the planner across VMs). */
    private List<HostFilter> filters() {
        return filters(config.placement().allowBackward());
    }

    /**
     * The per-VM filters every evacuation is judged by, an evacuation plan's or an evacuation
     * campaign's: the placement filters of "where can it move", anti-affinity aside (the planner
     * weighs it across VMs).
     */
    public static List<HostFilter> filters(boolean allowBackward) {
        return TargetFinder.cheapFilters(allowBackward).stream()
                .filter(f -> !(f instanceof AntiAffinityFilter)).toList();
    }

    /**
     * Stores the plan as SOLVING and starts solving it, or queues it until a solver is free.
     * Returns the plan's id. The request's fields were checked against its annotations (REST and
     * gRPC both validate it); here only what needs the cluster: every host must be known.
     *
     * @throws PlanningBusyException when as many plans are solving and waiting as allowed
     */
    public String create(EvacuationRequest request) {
        ClusterSnapshot snapshot = snapshots.current();
        Set<String> hosts = new LinkedHashSet<>();
        for (String h : request.hosts()) {
            if (snapshot.host(h).isEmpty()) {
                throw new InvalidRequestException("hosts names '" + h + "', which is not a known host");
            }
            hosts.add(h);
        }
        PlanLimits limits = limits(request);
        String id = "evac-" + UUID.randomUUID().toString().substring(0, 8);
        String json = requestJson(hosts, limits);
        Instant now = clock.instant();
        PlanningLimiter.Ticket ticket = limiter.admit();
        try {
            QuarkusTransaction.requiringNew().run(() -> insertSolving(id, json, now));
        } catch (RuntimeException e) {
            ticket.release();
            throw e;
        }
        Job job = new Job(id, hosts, limits, ticket);
        active.put(id, job);
        ticket.start(job::start);
        return id;
    }

    /**
     * The request as a plan's row keeps it: the hosts to empty and the limits in force. A record
     * with a declared list, so one serializer writes it whatever the number of hosts (the warm-up
     * prepares the one every request uses).
     */
    private record StoredRequest(List<String> hosts, int maxOutboundPerHost, int maxInboundPerHost, int maxParallel,
            long timeLimitSeconds) {
    }

    private String requestJson(Set<String> hosts, PlanLimits limits) {
        return write(new StoredRequest(List.copyOf(hosts), limits.maxOutboundPerHost(), limits.maxInboundPerHost(),
                limits.maxParallel(), limits.timeLimit().toSeconds()));
    }

    /** Inserts plan {@code id} as SOLVING, in the caller's transaction. */
    private void insertSolving(String id, String requestJson, Instant now) {
        em.createNativeQuery("insert into plan (id, kind, status, request, created_at, updated_at)"
                        + " values (?1, 'EVACUATION', 'SOLVING', cast(?2 as jsonb), ?3, ?3)")
                .setParameter(1, id).setParameter(2, requestJson).setParameter(3, now).executeUpdate();
    }

    /** The request's limits, the defaults where it gives none. */
    static PlanLimits limits(EvacuationRequest r) {
        PlanLimits d = PlanLimits.defaults();
        int out = or(r.maxOutboundPerHost(), d.maxOutboundPerHost());
        int in = or(r.maxInboundPerHost(), d.maxInboundPerHost());
        int par = or(r.maxParallel(), d.maxParallel());
        int seconds = or(r.timeLimitSeconds(), (int) d.timeLimit().toSeconds());
        return d.withTimeLimit(Duration.ofSeconds(seconds)).withWaveLimits(out, in, par);
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    /** Builds the problem of plan {@code id} from {@code snapshot}; on the solver's thread. */
    private EvacuationProblem build(String id, ClusterSnapshot snapshot, Set<String> hosts) {
        long start = System.nanoTime();
        EvacuationProblem problem = new EvacuationProblemBuilder(filters(),
                keys -> verdicts.stored(snapshot, keys),
                batches -> verdicts.askByCell(snapshot, batches))
                .build(id, snapshot, hosts, clock.instant());
        LOG.debugf("plan %s: %d VMs' eligible targets found in %d ms", id, problem.vms().size(),
                (System.nanoTime() - start) / 1_000_000);
        return problem;
    }

    /**
     * One plan from admission until stored. Its methods run on the thread that got it a solver
     * (the request's, or that of the plan that freed one) and on OptaPlanner's threads.
     */
    private final class Job implements EvacuationJobs.Listener {

        final String id;
        final Set<String> hosts;
        final PlanLimits limits;
        final PlanningLimiter.Ticket ticket;
        volatile PlanProgress progress;
        volatile boolean cancelRequested;
        /** When a solver took the plan: its solve time runs from here (problem building included). */
        volatile long started;

        Job(String id, Set<String> hosts, PlanLimits limits, PlanningLimiter.Ticket ticket) {
            this.id = id;
            this.hosts = hosts;
            this.limits = limits;
            this.ticket = ticket;
        }

        /** A solver is free for this plan: hand it to the solver manager of its size. */
        void start() {
            started = System.nanoTime();
            try {
                // The problem is built from this snapshot, so its size (which picks the solver's
                // patience) is known before it is built: the VMs on the hosts to empty.
                ClusterSnapshot snapshot = snapshots.current();
                int vms = hosts.stream().mapToInt(h -> snapshot.host(h).map(e -> e.vms().size()).orElse(0)).sum();
                jobs.submit(id, vms, limits, () -> build(id, snapshot, hosts), this);
            } catch (RuntimeException e) {
                failed(e);
                return;
            }
            if (cancelRequested) {
                jobs.terminateEarly(id); // asked while it was being handed over
            }
        }

        void cancel() {
            cancelRequested = true;
            if (ticket.withdraw()) {
                done(() -> store(id, PlanStatus.CANCELLED, null, "", 0, "cancelled while waiting for a solver;"
                        + " nothing was planned"));
            } else {
                jobs.terminateEarly(id);
            }
        }

        @Override
        public void progress(PlanProgress p) {
            progress = p;
        }

        @Override
        public void finished(EvacuationPlan plan) {
            long start = System.nanoTime();
            PlanStatus status = cancelRequested ? PlanStatus.CANCELLED
                    : plan.unplaced().isEmpty() ? PlanStatus.READY : PlanStatus.INFEASIBLE;
            metrics.planSolved("evacuation", status.name(), start - started);
            // Every VM of the problem is either migrated or unplaced in a plan.
            done(() -> store(id, status, view(id, status, plan.migrations().size() + plan.unplaced().size(), plan),
                    plan.metrics().bestScore(), plan.metrics().solveMillis(), ""));
            LOG.debugf("plan %s: solved in %d ms, stored as %s in %d ms", id, plan.metrics().solveMillis(), status,
                    (System.nanoTime() - start) / 1_000_000);
        }

        @Override
        public void failed(Throwable cause) {
            String incident = UUID.randomUUID().toString();
            LOG.errorf(cause, "plan %s failed, incident %s", id, incident);
            metrics.planSolved("evacuation", PlanStatus.FAILED.name(), System.nanoTime() - started);
            done(() -> store(id, PlanStatus.FAILED, null, "", 0, "planning failed; the scheduler's log has the"
                    + " details under incident " + incident));
        }

        @Override
        public void cancelledBeforeStart() {
            done(() -> store(id, PlanStatus.CANCELLED, null, "", 0, "cancelled before solving started; nothing"
                    + " was planned"));
        }

        /** Stores the outcome, then forgets the plan and frees its solver for the next one. */
        private void done(Runnable storing) {
            try {
                storing.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "plan %s: its outcome could not be stored", id);
            } finally {
                active.remove(id, this);
                ticket.release();
            }
        }
    }

    private void store(String id, PlanStatus status, PlanView result, String score, long millis, String error) {
        String json = result == null ? null : write(result);
        QuarkusTransaction.requiringNew().run(() -> update(id, status, json, score, millis, error));
    }

    /** Writes plan {@code id}'s outcome into its row, in the caller's transaction. */
    private void update(String id, PlanStatus status, String resultJson, String score, long millis, String error) {
        em.createNativeQuery("update plan set status = ?2, result = cast(?3 as jsonb), best_score = ?4,"
                        + " elapsed_millis = ?5, error = ?6, updated_at = ?7 where id = ?1")
                .setParameter(1, id).setParameter(2, status.name()).setParameter(3, resultJson).setParameter(4, score)
                .setParameter(5, millis).setParameter(6, error).setParameter(7, clock.instant()).executeUpdate();
    }

    static PlanView view(String id, PlanStatus status, int vms, EvacuationPlan plan) {
        List<PlanView.Migration> migrations = plan.migrations().stream()
                .map(PlanView.Migration::of)
                .toList();
        List<EvacuationPlan.Unplaced> unplaced = plan.unplaced();
        var m = plan.metrics();
        return new PlanView(id, status, new PlanView.Progress(m.bestScore(), m.solveMillis()), migrations, unplaced,
                new PlanView.Metrics(vms, m.migrations(), unplaced.size(), m.waves(), m.hostsTouched(),
                        m.solveMillis(), m.hardViolations(), m.terminatedEarly()),
                "");
    }

    /** The plan as stored, with live progress while it is being solved. */
    public PlanView get(String id) {
        Object[] row = QuarkusTransaction.requiringNew().call(() -> row(id));
        if (row == null) {
            throw new UnknownObjectException("no plan with id '" + id + "'");
        }
        return shown(id, row);
    }

    /** Plan {@code id}'s row as {@link #shown} reads it, null when there is none; in the caller's transaction. */
    private Object[] row(String id) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select status, cast(result as text), best_score,"
                + " elapsed_millis, error, created_at from plan where id = ?1").setParameter(1, id).getResultList();
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** A plan's row as the API shows it: the stored outcome, or the live progress of one being solved. */
    private PlanView shown(String id, Object[] row) {
        PlanStatus status = PlanStatus.valueOf((String) row[0]);
        if (row[1] != null) {
            PlanView stored = read((String) row[1]);
            return new PlanView(id, status, stored.progress(), stored.migrations(), stored.unplaced(),
                    stored.metrics(), (String) row[4]);
        }
        Job job = active.get(id);
        PlanProgress p = job == null ? null : job.progress;
        PlanView.Progress shown = p != null ? new PlanView.Progress(p.score(), p.elapsedMillis())
                : new PlanView.Progress((String) row[2], ((Number) row[3]).longValue());
        return new PlanView(id, status, shown, List.of(), List.of(), null, (String) row[4]);
    }

    /**
     * Stops a plan being solved at its best solution so far (stored as CANCELLED); a plan still
     * waiting for a solver is stored as CANCELLED at once, with nothing planned. Returns the plan
     * as it was when asked; the outcome is stored moments later (once the solver has stopped, or
     * its problem been built).
     *
     * @throws PlanFinishedException when the plan is no longer being solved
     */
    public PlanView cancel(String id) {
        PlanView plan = get(id);
        if (plan.status() != PlanStatus.SOLVING) {
            throw new PlanFinishedException("plan " + id + " is " + plan.status() + "; only a plan being solved can"
                    + " be cancelled");
        }
        Job job = active.get(id);
        if (job != null) {
            job.cancel();
        }
        return plan;
    }

    /**
     * Deletes plans no longer being solved that last changed before {@code before}, at most
     * {@code rowsPerStatement} per statement (each its own transaction) and {@code statements}
     * statements. Returns how many it deleted.
     */
    public int pruneFinished(Instant before, int rowsPerStatement, int statements) {
        int deleted = 0;
        for (int i = 0; i < statements; i++) {
            int n = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("delete from plan where id in"
                            + " (select id from plan where status <> 'SOLVING' and updated_at < ?1 limit ?2)")
                    .setParameter(1, before).setParameter(2, rowsPerStatement).executeUpdate());
            deleted += n;
            if (n < rowsPerStatement) {
                break;
            }
        }
        return deleted;
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plan cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    private PlanView read(String json) {
        try {
            return StoredJson.read(mapper, json, PlanView.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored plan is not readable: " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void stop() {
        jobs.close();
    }
}
