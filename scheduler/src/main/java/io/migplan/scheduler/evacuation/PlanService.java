package io.migplan.scheduler.evacuation;

import io.migplan.scheduler.error.Reason;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.scheduler.compatibility.Verdicts;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.error.UnknownObjectException;
import io.migplan.scheduler.placement.TargetFinder;
import io.migplan.scheduler.placement.filter.AntiAffinityFilter;
import io.migplan.scheduler.placement.filter.HostFilter;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationPlanner;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.PlanLimits;
import io.migplan.scheduler.evacuation.planner.PlanProgress;
import io.migplan.scheduler.error.InvalidRequestException;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.migplan.scheduler.db.StoredJson;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Evacuation plans as asynchronous jobs, kept in PostgreSQL: {@link #create} checks a valid
 * request's hosts against the cluster, stores the plan as SOLVING and returns its id at once; one planning thread builds
 * the problem from the cluster snapshot (asking agents for missing verdicts), solves it and
 * stores the result as READY (every VM placed), INFEASIBLE (some VMs unplaced, with reasons)
 * or FAILED; {@link #cancel} stops the solver at its best solution, stored as CANCELLED.
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

    private final EvacuationPlanner planner = new EvacuationPlanner();
    private final Map<String, PlanProgress> progress = new ConcurrentHashMap<>();
    private final Set<String> cancelling = ConcurrentHashMap.newKeySet();
    /** One planning thread: solving is CPU-bound, and the scheduler shares its cores. */
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "planner");
        t.setDaemon(true);
        return t;
    });

    void onStart(@Observes StartupEvent event) {
        int orphaned = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                        "update plan set status = 'FAILED', updated_at = now(), error = 'the scheduler stopped while"
                                + " this plan was being solved; create it again' where status = 'SOLVING'")
                .executeUpdate());
        if (orphaned > 0) {
            LOG.warnf("%d plan(s) were being solved when the scheduler stopped; marked FAILED", orphaned);
        }
    }

    /**
     * Stores the plan as SOLVING and starts solving it. Returns the plan's id. The request's
     * fields were checked against its annotations (REST and gRPC both validate it); here only
     * what needs the cluster: every host must be known.
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
        String json = write(Map.of("hosts", List.copyOf(hosts), "maxOutboundPerHost", limits.maxOutboundPerHost(),
                "maxInboundPerHost", limits.maxInboundPerHost(), "maxParallel", limits.maxParallel(),
                "timeLimitSeconds", limits.timeLimit().toSeconds()));
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("insert into plan (id, kind, status, request,"
                        + " created_at, updated_at) values (?1, 'EVACUATION', 'SOLVING', cast(?2 as jsonb), ?3, ?3)")
                .setParameter(1, id).setParameter(2, json).setParameter(3, now).executeUpdate());
        executor.submit(() -> solve(id, hosts, limits));
        return id;
    }

    /** The request's limits, the defaults where it gives none. */
    private static PlanLimits limits(EvacuationRequest r) {
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

    private void solve(String id, Set<String> hosts, PlanLimits requested) {
        try {
            ClusterSnapshot snapshot = snapshots.current();
            List<HostFilter> filters = TargetFinder.cheapFilters(config.placement().allowBackward()).stream()
                    .filter(f -> !(f instanceof AntiAffinityFilter)).toList();
            EvacuationProblem problem = new EvacuationProblemBuilder(filters,
                    keys -> verdicts.stored(snapshot, keys),
                    batches -> verdicts.askByCell(snapshot, batches))
                    .build(id, snapshot, hosts, clock.instant());
            PlanLimits limits = PlanLimits.forProblem(problem.vms().size()).withTimeLimit(requested.timeLimit())
                    .withWaveLimits(requested.maxOutboundPerHost(), requested.maxInboundPerHost(),
                            requested.maxParallel());
            EvacuationPlan plan = planner.plan(problem, limits, p -> progress.put(id, p));
            PlanStatus status = cancelling.contains(id) ? PlanStatus.CANCELLED
                    : plan.unplaced().isEmpty() ? PlanStatus.READY : PlanStatus.INFEASIBLE;
            finish(id, status, view(id, status, problem.vms().size(), plan), plan.metrics().bestScore(),
                    plan.metrics().solveMillis(), "");
        } catch (RuntimeException e) {
            String incident = UUID.randomUUID().toString();
            LOG.errorf(e, "plan %s failed, incident %s", id, incident);
            finish(id, PlanStatus.FAILED, null, "", 0, "planning failed; the scheduler's log has the details"
                    + " under incident " + incident);
        } finally {
            progress.remove(id);
            cancelling.remove(id);
        }
    }

    private void finish(String id, PlanStatus status, PlanView result, String score, long millis, String error) {
        String json = result == null ? null : write(result);
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("update plan set status = ?2,"
                        + " result = cast(?3 as jsonb), best_score = ?4, elapsed_millis = ?5, error = ?6, updated_at = ?7"
                        + " where id = ?1")
                .setParameter(1, id).setParameter(2, status.name()).setParameter(3, json).setParameter(4, score)
                .setParameter(5, millis).setParameter(6, error).setParameter(7, clock.instant()).executeUpdate());
    }

    private static PlanView view(String id, PlanStatus status, int vms, EvacuationPlan plan) {
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
        Object[] row = QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("select status, cast(result as text), best_score,"
                    + " elapsed_millis, error, created_at from plan where id = ?1").setParameter(1, id).getResultList();
            return rows.isEmpty() ? null : rows.get(0);
        });
        if (row == null) {
            throw new UnknownObjectException("no plan with id '" + id + "'");
        }
        PlanStatus status = PlanStatus.valueOf((String) row[0]);
        if (row[1] != null) {
            PlanView stored = read((String) row[1]);
            return new PlanView(id, status, stored.progress(), stored.migrations(), stored.unplaced(),
                    stored.metrics(), (String) row[4]);
        }
        PlanProgress p = progress.get(id);
        PlanView.Progress shown = p != null ? new PlanView.Progress(p.score(), p.elapsedMillis())
                : new PlanView.Progress((String) row[2], ((Number) row[3]).longValue());
        return new PlanView(id, status, shown, List.of(), List.of(), null, (String) row[4]);
    }

    /**
     * Stops a plan being solved at its best solution so far (stored as CANCELLED).
     *
     * @throws PlanFinishedException when the plan is no longer being solved
     */
    public PlanView cancel(String id) {
        PlanView plan = get(id);
        if (plan.status() != PlanStatus.SOLVING) {
            throw new PlanFinishedException("plan " + id + " is " + plan.status() + "; only a plan being solved can"
                    + " be cancelled");
        }
        cancelling.add(id);
        planner.terminateEarly(id);
        return plan;
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
        executor.shutdownNow();
    }
}
