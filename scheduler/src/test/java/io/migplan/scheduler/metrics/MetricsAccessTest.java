package io.migplan.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code migplan.metrics.require-viewer=true}: a scrape needs a token holding the viewer role (an
 * admin's holds every role); without it the scheduler's series stay open, as MetricsTest scrapes them.
 */
@QuarkusTest
@TestProfile(MetricsAccessTest.RequireViewer.class)
class MetricsAccessTest {

    public static class RequireViewer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("migplan.metrics.require-viewer", "true");
        }
    }

    @Test
    void aScrapeWithoutAViewersTokenIsRefusedAndAViewerOrAdminReadsTheSeries() {
        assertThat(Scrape.get(null).statusCode()).isEqualTo(401);
        assertThat(Scrape.get("not-a-token").statusCode()).isEqualTo(401);
        assertThat(Scrape.now(TestTokens.of(Roles.VIEWER)).names()).contains("migplan_hosts", "migplan_plans_waiting");
        assertThat(Scrape.now(TestTokens.of(Roles.ADMIN)).names()).contains("migplan_hosts");
    }
}
