package io.migplan.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DashboardQueriesTest {

    @Test
    void aQueryReadsItsMetricsNotItsFunctionsLabelsOrGrouping() {
        assertThat(DashboardQueries.metrics("sum by (host) (rate(migplan_probes_seconds_sum{host=~\"$host\"}[5m]))"
                + " / sum by (host) (rate(migplan_probes_seconds_count[5m]))"))
                .containsExactly("migplan_probes_seconds_count", "migplan_probes_seconds_sum");
        assertThat(DashboardQueries.metrics("migplan_hosts{state=\"DOWN\"} > bool 0"))
                .containsExactly("migplan_hosts");
        assertThat(DashboardQueries.metrics("topk(10, increase(migplan_probe_failures_total[$__rate_interval]))"))
                .containsExactly("migplan_probe_failures_total");
    }
}
