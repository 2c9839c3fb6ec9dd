package io.migplan.scheduler.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class SnapshotReadinessTest {

    @Test
    void notReadyUntilTheFleetHasBeenReadOnce() {
        AtomicBoolean loaded = new AtomicBoolean();
        SnapshotReadiness check = new SnapshotReadiness(loaded::get);
        HealthCheckResponse before = check.call();
        assertThat(before.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(before.getName()).isEqualTo("cluster snapshot");
        assertThat(before.getData().orElseThrow()).containsEntry("state", "not loaded yet");
        loaded.set(true);
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
