package io.migplan.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.scheduler.testsupport.Validators;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;
import jakarta.validation.Validator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link MigplanConfig} read and validated as Quarkus does at start, without starting it. */
class MigplanConfigTest {

    private static SmallRyeConfig config(Map<String, String> values) {
        return new SmallRyeConfigBuilder()
                .withMapping(MigplanConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(values, "test", 500))
                .withValidator(new BeanValidationConfigValidator() {
                    @Override
                    public Validator getValidator() {
                        return Validators.VALIDATOR;
                    }
                })
                .build();
    }

    @Test
    void theDatabaseIsExternalUnlessEmbeddedIsAskedFor() {
        assertThat(config(Map.of()).getConfigMapping(MigplanConfig.class).db()).isEqualTo(DatabaseMode.EXTERNAL);
        assertThat(config(Map.of("migplan.db", "embedded")).getConfigMapping(MigplanConfig.class).db())
                .isEqualTo(DatabaseMode.EMBEDDED);
        assertThatThrownBy(() -> config(Map.of("migplan.db", "sqlite")))
                .hasMessageContaining("migplan.db");
    }

    @Test
    void theTimersPeriodsHaveTheirDefaults() {
        MigplanConfig c = config(Map.of()).getConfigMapping(MigplanConfig.class);
        assertThat(c.campaign().tickEvery()).isEqualTo("2s");
        assertThat(c.snapshot().reconcileEvery()).isEqualTo("5s");
        assertThat(c.heartbeat().sweepEvery()).isEqualTo("5s");
        assertThat(c.tls().checkEvery()).isEqualTo("10s");
    }

    @Test
    void aScheduledExpressionFindsTheMappingsDefaultUnderTheRawKey() {
        SmallRyeConfig c = config(Map.of());
        assertThat(c.getValue("migplan.campaign.tick-every", String.class)).isEqualTo("2s");
        assertThat(c.getValue("migplan.snapshot.reconcile-every", String.class)).isEqualTo("5s");
        assertThat(c.getValue("migplan.heartbeat.sweep-every", String.class)).isEqualTo("5s");
        assertThat(c.getValue("migplan.tls.check-every", String.class)).isEqualTo("10s");
    }

    @Test
    void aPeriodMayBeAnyPositiveQuarkusDurationOrOff() {
        for (String period : new String[] {"2s", "500ms", "1h30m", "PT2S", "10", "off", "disabled"}) {
            MigplanConfig c = config(Map.of("migplan.campaign.tick-every", period)).getConfigMapping(MigplanConfig.class);
            assertThat(c.campaign().tickEvery()).isEqualTo(period);
        }
    }

    @Test
    void aTickEveryThatIsNoPeriodStopsTheBootNamingTheKey() {
        assertThatThrownBy(() -> config(Map.of("migplan.campaign.tick-every", "soon")))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("migplan.campaign.tick-every")
                .hasMessageContaining("must be a positive duration");
    }

    @Test
    void aZeroOrNegativeReconcilePeriodStopsTheBootNamingTheKey() {
        for (String period : new String[] {"0s", "-5s"}) {
            assertThatThrownBy(() -> config(Map.of("migplan.snapshot.reconcile-every", period))).as(period)
                    .isInstanceOf(ConfigValidationException.class)
                    .hasMessageContaining("migplan.snapshot.reconcile-every");
        }
    }

    @Test
    void aSweepPeriodThatIsNoPeriodStopsTheBootNamingTheKey() {
        assertThatThrownBy(() -> config(Map.of("migplan.heartbeat.sweep-every", "5 seconds")))
                .isInstanceOf(ConfigValidationException.class)
                .hasMessageContaining("migplan.heartbeat.sweep-every");
    }
}
