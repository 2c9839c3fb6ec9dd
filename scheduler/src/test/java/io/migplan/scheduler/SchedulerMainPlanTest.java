package io.migplan.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.offline.OfflinePlans;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The settings {@code plan --fleet} plans with come from the configuration the scheduler reads, before Quarkus. */
class SchedulerMainPlanTest {

    @Test
    void theTypedConfigurationIsReadBeforeQuarkusWithItsDurationsAndDefaults() {
        System.setProperty("migplan.planning.max-time-limit", "2m");
        System.setProperty("migplan.placement.allow-backward", "true");
        try {
            OfflinePlans.Settings settings = OfflinePlans.Settings.of(SchedulerMain.preBootConfig(MigplanConfig.class)
                    .getConfigMapping(MigplanConfig.class));

            assertThat(settings.maxTimeLimit()).isEqualTo(Duration.ofMinutes(2));
            assertThat(settings.allowBackward()).isTrue();
            assertThat(settings.allocation().hasRules()).isFalse();
        } finally {
            System.clearProperty("migplan.planning.max-time-limit");
            System.clearProperty("migplan.placement.allow-backward");
        }
    }
}
