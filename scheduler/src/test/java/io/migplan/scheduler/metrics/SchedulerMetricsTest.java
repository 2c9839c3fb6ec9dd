package io.migplan.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SchedulerMetricsTest {

    private static SchedulerMetrics on(SimpleMeterRegistry registry) {
        SchedulerMetrics m = new SchedulerMetrics();
        m.registry = registry;
        return m;
    }

    @Test
    void eachAgentHasItsOwnSeriesAndAFailureCountsAsACallToo() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SchedulerMetrics m = on(registry);
        m.probe("h1", 2_000_000, true);
        m.probe("h1", 4_000_000, false);
        m.probe("h2", 1_000_000, true);
        var h1 = registry.get(MetricNames.PROBES).tag(MetricNames.HOST, "h1").timer();
        assertThat(h1.count()).isEqualTo(2);
        assertThat(h1.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(6.0);
        assertThat(registry.get(MetricNames.PROBE_FAILURES).tag(MetricNames.HOST, "h1").counter().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.PROBE_FAILURES).tag(MetricNames.HOST, "h2").counter().count()).isZero();
    }

    @Test
    void hostsPastTheBoundShareOneSeriesSoAScrapeStaysBounded() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SchedulerMetrics m = on(registry);
        for (int i = 0; i < MetricNames.MAX_HOST_TAGS + 50; i++) {
            m.probe("host-" + i, 1_000, true);
        }
        m.probe("host-0", 1_000, true);
        var timers = registry.find(MetricNames.PROBES).timers();
        assertThat(timers).hasSize(MetricNames.MAX_HOST_TAGS + 1);
        assertThat(registry.get(MetricNames.PROBES).tag(MetricNames.HOST, MetricNames.OTHER_HOSTS).timer().count())
                .isEqualTo(50);
        assertThat(registry.get(MetricNames.PROBES).tag(MetricNames.HOST, "host-0").timer().count()).isEqualTo(2);
        assertThat(registry.getMeters()).extracting(Meter::getId).allMatch(id -> id.getTags().size() <= 1);
    }
}
