package io.migplan.scheduler.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HeartbeatSweeperConfigTest {

    @Test
    void downAfterLongerThanStaleAfterIsAccepted() {
        assertThatCode(() -> HeartbeatSweeper.checkDurations(Duration.ofSeconds(30), Duration.ofSeconds(120)))
                .doesNotThrowAnyException();
    }

    @Test
    void downAfterNotLongerThanStaleAfterStopsTheBootNamingBothKeys() {
        assertThatThrownBy(() -> HeartbeatSweeper.checkDurations(Duration.ofSeconds(30), Duration.ofSeconds(30)))
                .hasMessageContaining("migplan.heartbeat.down-after").hasMessageContaining("migplan.heartbeat.stale-after");
    }

    @Test
    void aRestartedSchedulerJudgesNoHostBeforeAgentsHadAFullPeriodToReachIt() {
        Instant started = Instant.parse("2026-01-01T00:00:00Z");
        Duration staleAfter = Duration.ofSeconds(30);
        assertThat(HeartbeatSweeper.judging(started, started.plusSeconds(29), staleAfter)).isFalse();
        assertThat(HeartbeatSweeper.judging(started, started.plusSeconds(30), staleAfter)).isTrue();
        assertThat(HeartbeatSweeper.judging(null, started, staleAfter)).isTrue();
    }
}
