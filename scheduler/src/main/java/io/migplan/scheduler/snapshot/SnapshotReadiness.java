package io.migplan.scheduler.snapshot;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready until the fleet has been read into memory once ({@link ClusterSnapshotHolder#loaded}):
 * before, the first placement question or plan would pay for reading every host (seconds on a
 * large fleet) and the answers wait behind it. The periodic reconcile reads it within {@code
 * migplan.snapshot.reconcile-every} of the start; this check reads nothing itself.
 */
@Readiness
@ApplicationScoped
public class SnapshotReadiness implements HealthCheck {

    static final String NAME = "cluster snapshot";

    private final BooleanSupplier loaded;
    private final ClusterSnapshotHolder holder;

    @Inject
    SnapshotReadiness(ClusterSnapshotHolder holder) {
        this.holder = holder;
        this.loaded = holder::loaded;
    }

    SnapshotReadiness(BooleanSupplier loaded) {
        this.holder = null;
        this.loaded = loaded;
    }

    @Override
    public HealthCheckResponse call() {
        if (!loaded.getAsBoolean()) {
            return HealthCheckResponse.named(NAME).down().withData("state", "not loaded yet").build();
        }
        var up = HealthCheckResponse.named(NAME).up().withData("state", "loaded");
        if (holder != null) {
            ClusterSnapshot s = holder.current();
            up.withData("hosts", s.hostCount()).withData("vms", s.vmCount());
        }
        return up.build();
    }
}
