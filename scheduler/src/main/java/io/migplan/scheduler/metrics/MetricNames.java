package io.migplan.scheduler.metrics;

import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

/**
 * Every series the scheduler exports at {@code /q/metrics}, named once. Names are Micrometer's
 * (dotted); the Prometheus registry writes them with underscores and its unit suffixes: a timer
 * {@code migplan.reports} becomes {@code migplan_reports_seconds_count}, {@code _sum} and
 * {@code _max}, a counter gains {@code _total}. {@link #PROMETHEUS} lists the exported names, the
 * ones docs/operator-guide.md explains and deploy/grafana/migplan.json queries.
 *
 * <p>No series carries a VM's name or UUID: tags are host ids (only hosts of the fleet, bounded by
 * {@link #MAX_HOST_TAGS}), host states, plan kinds and outcomes.
 */
public final class MetricNames {

    private MetricNames() {
    }

    /** Timer: an inventory report from receipt to committed, by {@link #OUTCOME} (applied, ignored, refused). */
    public static final String REPORTS = "migplan.reports";
    /**
     * Timer with buckets: a gRPC call to the scheduler from its arrival (headers read) to its answer
     * written, by {@link #METHOD} and {@link #STATUS}; the buckets are {@link #CALL_BUCKETS}, so
     * Prometheus's {@code histogram_quantile} gives the percentiles of the scheduler's own latency.
     */
    public static final String GRPC_CALLS = "migplan.grpc.calls";
    /** Gauge: hosts of the in-memory snapshot by liveness, {@link #STATE} UP, STALE or DOWN. */
    public static final String HOSTS = "migplan.hosts";
    /** Timer: one ProbeCompatibility call to a host's agent (answered or not), by {@link #HOST}. */
    public static final String PROBES = "migplan.probes";
    /** Counter: probe calls that got no answer (unreachable, timed out, refused, wrong agent), by {@link #HOST}. */
    public static final String PROBE_FAILURES = "migplan.probe.failures";
    /** Counter: compatibility verdicts stored in the matrix. */
    public static final String VERDICTS_STORED = "migplan.verdicts.stored";
    /** Timer: answering "where can this VM move" (REST and gRPC), by {@link #VIEW} (full, summary). */
    public static final String TARGETS = "migplan.targets";
    /** Timer: solving one plan, by {@link #KIND} (evacuation, campaign) and {@link #OUTCOME}. */
    public static final String PLAN_SOLVE = "migplan.plan.solve";
    /** Gauge: plans (evacuations and campaigns together) being solved now. */
    public static final String PLANS_RUNNING = "migplan.plans.running";
    /** Gauge: plans waiting for a solver (the planning queue). */
    public static final String PLANS_WAITING = "migplan.plans.waiting";
    /** Counter: campaign hosts moved to DONE (upgraded and probed, or found upgraded). */
    public static final String CAMPAIGN_HOSTS_DONE = "migplan.campaign.hosts.done";
    /** Counter: campaign migrations reported or seen done, and failed, by {@link #STATE} (done, failed). */
    public static final String CAMPAIGN_MIGRATIONS = "migplan.campaign.migrations";
    /** Gauge: campaign migrations issued and not yet reported (ISSUED), read from PostgreSQL. */
    public static final String CAMPAIGN_MIGRATIONS_IN_FLIGHT = "migplan.campaign.migrations.in.flight";
    /** Gauge: slot reservations live now (not released, not expired), read from PostgreSQL. */
    public static final String RESERVATIONS_HELD = "migplan.reservations.held";
    /** Gauge: campaigns whose orchestrator lease holds now, read from PostgreSQL. */
    public static final String CAMPAIGN_LEASES_HELD = "migplan.campaign.leases.held";

    public static final String OUTCOME = "outcome";
    public static final String STATE = "state";
    public static final String HOST = "host";
    public static final String VIEW = "view";
    public static final String KIND = "kind";
    /** A gRPC method's full name ({@code migplan.v1.InventoryService/Heartbeat}): the project's own services only. */
    public static final String METHOD = "method";
    /** A gRPC status code's name ({@code OK}, {@code UNAUTHENTICATED}, {@code CANCELLED}…). */
    public static final String STATUS = "status";

    /**
     * The bucket bounds of {@link #GRPC_CALLS}: from a millisecond to ten seconds (past any
     * agent's deadline), 50 ms among them, the report latency the scheduler is held to
     * (docs/benchmarks.md).
     */
    public static final List<Duration> CALL_BUCKETS = LongStream
            .of(1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000)
            .mapToObj(Duration::ofMillis).toList();

    /**
     * The most distinct hosts the per-agent series name; calls to further hosts are counted under
     * {@link #OTHER_HOSTS}. Twice the 5,000-host fleet the scheduler is measured at
     * (docs/benchmarks.md), so a fleet never reaches it, and a scrape stays bounded if one did.
     */
    public static final int MAX_HOST_TAGS = 10_000;
    /** The host tag of calls past {@link #MAX_HOST_TAGS}. */
    public static final String OTHER_HOSTS = "_other";

    /** The series as Prometheus names them, each a family a dashboard may query. */
    public static final List<String> PROMETHEUS = List.of(
            "migplan_reports_seconds_count", "migplan_reports_seconds_sum", "migplan_reports_seconds_max",
            "migplan_grpc_calls_seconds_bucket", "migplan_grpc_calls_seconds_count", "migplan_grpc_calls_seconds_sum",
            "migplan_grpc_calls_seconds_max",
            "migplan_hosts",
            "migplan_probes_seconds_count", "migplan_probes_seconds_sum", "migplan_probes_seconds_max",
            "migplan_probe_failures_total",
            "migplan_verdicts_stored_total",
            "migplan_targets_seconds_count", "migplan_targets_seconds_sum", "migplan_targets_seconds_max",
            "migplan_plan_solve_seconds_count", "migplan_plan_solve_seconds_sum", "migplan_plan_solve_seconds_max",
            "migplan_plans_running", "migplan_plans_waiting",
            "migplan_campaign_hosts_done_total",
            "migplan_campaign_migrations_total",
            "migplan_campaign_migrations_in_flight",
            "migplan_reservations_held",
            "migplan_campaign_leases_held");
}
