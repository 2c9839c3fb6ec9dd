package io.migplan.scheduler.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class AgentFreshnessTest {

    @Test
    void countsEachStateAndTheShareUpAndStaysUpWhateverTheAgentsDo() {
        HealthCheckResponse r = AgentFreshness.of(Map.of(HostState.UP, 6L, HostState.STALE, 1L, HostState.DOWN, 1L));
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(r.getData().orElseThrow()).containsEntry("hosts", 8L).containsEntry("up", 6L)
                .containsEntry("stale", 1L).containsEntry("down", 1L).containsEntry("freshShare", "0.750");
        assertThat(AgentFreshness.of(Map.of(HostState.DOWN, 3L)).getData().orElseThrow())
                .containsEntry("freshShare", "0.000");
    }

    @Test
    void aFleetWithoutHostsHasNoShare() {
        assertThat(AgentFreshness.of(Map.of()).getData().orElseThrow()).containsEntry("hosts", 0L)
                .containsEntry("freshShare", "-");
    }
}
