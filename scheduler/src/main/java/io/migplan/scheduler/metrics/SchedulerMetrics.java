package io.migplan.scheduler.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records what the services do into the series of {@link MetricNames}: each service calls one
 * method where the thing happens (a report applied, a probe answered, a plan solved), and nothing
 * here reads the database or the snapshot. Counts of changes made inside a transaction are added
 * once it commits, so a rolled-back step counts nothing.
 */
@ApplicationScoped
public class SchedulerMetrics {

    @Inject
    MeterRegistry registry;
    @Inject
    TransactionSynchronizationRegistry transactions;

    private static final Duration[] CALL_BUCKETS = MetricNames.CALL_BUCKETS.toArray(Duration[]::new);

    /** The per-agent meters, by host: at most {@link MetricNames#MAX_HOST_TAGS} hosts and the overflow. */
    private final Map<String, AgentMeters> agents = new ConcurrentHashMap<>();

    private record AgentMeters(Timer calls, Counter failures) {
    }

    /** An inventory report handled in {@code nanos}: {@code applied}, {@code ignored} (not newer) or {@code refused}. */
    public void report(String outcome, long nanos) {
        Timer.builder(MetricNames.REPORTS).description("inventory reports, receipt to commit, by outcome")
                .tag(MetricNames.OUTCOME, outcome).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One probe call to {@code host}'s agent that took {@code nanos}; {@code answered} false when it got no answer. */
    public void probe(String host, long nanos, boolean answered) {
        AgentMeters m = agentMeters(host);
        m.calls().record(nanos, TimeUnit.NANOSECONDS);
        if (!answered) {
            m.failures().increment();
        }
    }

    private AgentMeters agentMeters(String host) {
        AgentMeters m = agents.get(host);
        if (m != null) {
            return m;
        }
        String tag = agents.size() < MetricNames.MAX_HOST_TAGS ? host : MetricNames.OTHER_HOSTS;
        return agents.computeIfAbsent(tag, h -> new AgentMeters(
                Timer.builder(MetricNames.PROBES).description("ProbeCompatibility calls to an agent, answered or not")
                        .tag(MetricNames.HOST, h).register(registry),
                Counter.builder(MetricNames.PROBE_FAILURES).description("probe calls an agent did not answer")
                        .tag(MetricNames.HOST, h).register(registry)));
    }

    /** {@code count} verdicts stored in the compatibility matrix. */
    public void verdictsStored(int count) {
        if (count > 0) {
            Counter.builder(MetricNames.VERDICTS_STORED).description("compatibility verdicts stored")
                    .register(registry).increment(count);
        }
    }

    /** A gRPC call to {@code method} answered with {@code status} {@code nanos} after it arrived. */
    public void grpcCall(String method, String status, long nanos) {
        Timer.builder(MetricNames.GRPC_CALLS).description("gRPC calls to the scheduler, arrival to answer")
                .tag(MetricNames.METHOD, method).tag(MetricNames.STATUS, status)
                .serviceLevelObjectives(CALL_BUCKETS)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A "where can it move" answer ({@code view} full or summary) that took {@code nanos}. */
    public void targets(String view, long nanos) {
        Timer.builder(MetricNames.TARGETS).description("answers to where a VM can move, by view")
                .tag(MetricNames.VIEW, view).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A plan of {@code kind} (evacuation, campaign) solved in {@code nanos}, ending with {@code outcome}. */
    public void planSolved(String kind, String outcome, long nanos) {
        Timer.builder(MetricNames.PLAN_SOLVE).description("plans solved, by kind and outcome")
                .tag(MetricNames.KIND, kind).tag(MetricNames.OUTCOME, outcome).register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A campaign host moved to DONE, counted when the caller's transaction commits. */
    public void campaignHostDone() {
        onCommit(Counter.builder(MetricNames.CAMPAIGN_HOSTS_DONE).description("campaign hosts done")
                .register(registry));
    }

    /** A campaign migration moved to {@code state} (done or failed), counted when the caller's transaction commits. */
    public void campaignMigration(String state) {
        onCommit(Counter.builder(MetricNames.CAMPAIGN_MIGRATIONS).description("campaign migrations done and failed")
                .tag(MetricNames.STATE, state).register(registry));
    }

    /** Increments {@code counter} once the transaction in progress commits, or now when none is. */
    private void onCommit(Counter counter) {
        if (transactions.getTransactionStatus() != Status.STATUS_ACTIVE) {
            counter.increment();
            return;
        }
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    counter.increment();
                }
            }
        });
    }
}
