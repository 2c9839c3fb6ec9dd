package io.migplan.scheduler.snapshot;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.metrics.MetricNames;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * {@code migplan_hosts{state}}: hosts UP, STALE and DOWN, read from the in-memory snapshot, never
 * from PostgreSQL. The counts are taken once per snapshot (a scrape after nothing changed counts
 * nothing) by one pass over its hosts.
 */
@Startup
@Singleton
public class HostStateGauges {

    @Inject
    ClusterSnapshotHolder snapshots;
    @Inject
    MeterRegistry registry;

    private record Counted(ClusterSnapshot snapshot, int[] byState) {
    }

    private volatile Counted counted = new Counted(null, new int[HostState.values().length]);

    @PostConstruct
    void register() {
        for (HostState state : HostState.values()) {
            Gauge.builder(MetricNames.HOSTS, this, g -> g.count(state))
                    .description("hosts of the fleet by liveness").tag(MetricNames.STATE, state.name())
                    .register(registry);
        }
    }

    /** Hosts in {@code state} in the current snapshot. */
    int count(HostState state) {
        ClusterSnapshot now = snapshots.current();
        Counted c = counted;
        if (c.snapshot() != now) {
            c = new Counted(now, byState(now));
            counted = c;
        }
        return c.byState()[state.ordinal()];
    }

    /** Hosts of {@code snapshot} by liveness, indexed by {@link HostState#ordinal}. */
    public static int[] byState(ClusterSnapshot snapshot) {
        int[] out = new int[HostState.values().length];
        for (ClusterSnapshot.HostEntry h : snapshot.hosts()) {
            out[h.view().state().ordinal()]++;
        }
        return out;
    }
}
