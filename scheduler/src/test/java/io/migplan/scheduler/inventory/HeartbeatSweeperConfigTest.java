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
        HeartbeatSweeper.Grace grace = new HeartbeatSweeper.Grace();
        assertThat(grace.judging(true, started, staleAfter)).as("never started: no grace").isTrue();
        grace.restart(started);
        assertThat(grace.judging(true, started.plusSeconds(29), staleAfter)).isFalse();
        assertThat(grace.judging(true, started.plusSeconds(30), staleAfter)).isTrue();
    }

    @Test
    void aSchedulerThatLostItsDatabaseJudgesNothingMeanwhileAndGrantsTheStartGraceOnceItIsBack() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Duration staleAfter = Duration.ofSeconds(30);
        HeartbeatSweeper.Grace grace = new HeartbeatSweeper.Grace();
        grace.restart(t);
        assertThat(grace.judging(true, t.plusSeconds(60), staleAfter)).isTrue();

        assertThat(grace.judging(false, t.plusSeconds(65), staleAfter)).as("during the outage").isFalse();
        assertThat(grace.judging(false, t.plusSeconds(125), staleAfter)).isFalse();
        assertThat(grace.judging(true, t.plusSeconds(130), staleAfter)).as("the first contact after it").isFalse();
        assertThat(grace.judging(true, t.plusSeconds(159), staleAfter)).as("agents still catching up").isFalse();
        assertThat(grace.judging(true, t.plusSeconds(160), staleAfter)).isTrue();

        grace.lost();
        assertThat(grace.judging(true, t.plusSeconds(165), staleAfter)).as("a sweep that failed is an outage too")
                .isFalse();
        assertThat(grace.judging(true, t.plusSeconds(195), staleAfter)).isTrue();
    }
}
