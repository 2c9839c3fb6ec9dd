package io.migplan.scheduler.inventory;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
}
