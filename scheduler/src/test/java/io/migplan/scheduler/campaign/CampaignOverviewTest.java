package io.migplan.scheduler.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.scheduler.error.UnknownObjectException;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Orchestrator;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign's overview against its full view, on six simulated hosts: the same batches, states and
 * progress, its migrations counted rather than listed, its latest history newest first.
 */
@QuarkusTest
class CampaignOverviewTest {

    static final String FROM = FleetSpec.DEFAULT_RELEASE;
    static final String TO = "2025.2";

    @Inject
    AgroalDataSource ds;
    @Inject
    CampaignOverview overview;
    @Inject
    CampaignService campaigns;

    @TempDir
    Path dir;

    RunningFleet fleet;

    @BeforeEach
    void startFleet() throws Exception {
        fleet = SixHostFleet.start(ds, dir);
    }

    @AfterEach
    void stopFleet() {
        SixHostFleet.stop(ds, fleet);
    }

    static void assertSameAsTheFullView(CampaignOverview.Overview o, CampaignView full) {
        assertThat(o.state()).isEqualTo(full.state());
        assertThat(o.progress()).isEqualTo(full.progress());
        assertThat(o.metrics()).isEqualTo(full.metrics());
        assertThat(o.unmovable()).isEqualTo(full.unmovable());
        assertThat(o.batches()).hasSameSizeAs(full.batches());
        for (int i = 0; i < full.batches().size(); i++) {
            CampaignView.Batch b = full.batches().get(i);
            CampaignOverview.Batch c = o.batches().get(i);
            assertThat(List.of(c.index(), c.hosts(), c.canary(), c.state()))
                    .isEqualTo(List.of(b.index(), b.hosts(), b.canary(), b.state()));
            assertThat(List.of(c.planned(), c.issued(), c.done(), c.failed())).as("batch " + b.index())
                    .isEqualTo(List.of(count(b, "PLANNED"), count(b, "ISSUED"), count(b, "DONE"), count(b, "FAILED")));
        }
        List<CampaignView.Event> history = new java.util.ArrayList<>(full.history());
        java.util.Collections.reverse(history);
        assertThat(o.eventCount()).isEqualTo(history.size());
        assertThat(o.lastPosition()).isEqualTo(history.size());
        assertThat(o.events()).extracting(CampaignOverview.Event::message)
                .containsExactlyElementsOf(history.stream().limit(CampaignOverview.RECENT_EVENTS)
                        .map(CampaignView.Event::message).toList());
    }

    static int count(CampaignView.Batch b, String state) {
        return (int) b.migrations().stream().filter(m -> m.state().equals(state)).count();
    }

    @Test
    void aRunningCampaignsOverviewCountsWhatItsFullViewLists() {
        String id = Campaigns.create(Map.of("fromRelease", FROM, "toRelease", TO, "policy",
                Map.of("maxHostsInMaintenance", 2))).getString("id");
        assertSameAsTheFullView(overview.of(id), campaigns.get(id));
        Orchestrator o = new Orchestrator(fleet, id, TO).holdWhen(a -> ((String) a.get("id")).hashCode() % 2 == 0);
        o.step();
        o.step();
        CampaignOverview.Overview mid = overview.of(id);
        assertSameAsTheFullView(mid, campaigns.get(id));
        assertThat(mid.progress().inFlight() + mid.progress().migrationsDone()).isPositive();
        assertThat(overview.hostCounts(List.of(id, "camp-none")).get(id)).isEqualTo(new CampaignOverview.HostCount(6,
                mid.progress().hostsDone()));
        assertThatThrownBy(() -> overview.runFor(id)).isInstanceOf(CampaignConflictException.class)
                .hasMessageContaining("only a DRY_RUN campaign can be started");
        campaigns.abort(id);
    }

    @Test
    void aDryRunIsRunForRealWithItsReleasesHostsAndPolicy() {
        String id = Campaigns.create(Map.of("fromRelease", FROM, "toRelease", TO, "dryRun", true, "hosts",
                List.of("host-01", "host-02", "host-03"), "policy", Map.of("maxHostsInMaintenance", 2,
                        "maxParallel", 3))).getString("id");
        assertSameAsTheFullView(overview.of(id), campaigns.get(id));
        CampaignRequest again = overview.runFor(id);
        assertThat(again.fromRelease()).isEqualTo(FROM);
        assertThat(again.toRelease()).isEqualTo(TO);
        assertThat(again.hosts()).containsExactly("host-01", "host-02", "host-03");
        assertThat(again.dryRun()).isFalse();
        assertThat(again.policy().maxHostsInMaintenance()).isEqualTo("2");
        assertThat(again.policy().maxParallel()).isEqualTo(3);
    }

    @Test
    void anUnknownCampaignHasNoOverview() {
        assertThatThrownBy(() -> overview.of("camp-nope")).isInstanceOf(UnknownObjectException.class);
    }
}
