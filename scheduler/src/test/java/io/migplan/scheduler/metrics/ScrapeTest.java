package io.migplan.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScrapeTest {

    @Test
    void samplesAreReadWithLabelValuesThatHoldBracesAndQuotes() {
        Scrape s = Scrape.parse("""
                # HELP migplan_hosts hosts of the fleet by liveness
                # TYPE migplan_hosts gauge
                migplan_hosts{state="UP"} 6.0
                http_server_requests_seconds_count{method="GET",uri="/api/v1/vms/{id}/targets",x="a\\"}b"} 2
                process_uptime_seconds 12.5
                """);
        assertThat(s.value("migplan_hosts{state=\"UP\"}")).hasValue(6.0);
        assertThat(s.sum("http_server_requests_seconds_count", l -> l.contains("targets"))).isEqualTo(2.0);
        assertThat(s.value("process_uptime_seconds")).hasValue(12.5);
        assertThat(s.names()).containsExactly("http_server_requests_seconds_count", "migplan_hosts",
                "process_uptime_seconds");
    }
}
