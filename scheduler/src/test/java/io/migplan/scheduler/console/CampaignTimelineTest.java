package io.migplan.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.campaign.CampaignOverview;
import io.migplan.scheduler.campaign.CampaignView;
import java.util.List;
import org.junit.jupiter.api.Test;

class CampaignTimelineTest {

    static final CampaignView.Metrics METRICS = new CampaignView.Metrics(40, 48, 1.2, 8, 3, 5, 44, 0, 900,
            new CampaignView.Naive(60, 1.5, 20, 1));

    static CampaignOverview.Overview overview(String state, List<CampaignOverview.Batch> batches,
            CampaignView.Metrics metrics) {
        return new CampaignOverview.Overview("camp-1", state, "UPGRADE", "2025.1", "2025.2", false, 1, null, null, "",
                batches, List.of(), List.of(), List.of(), List.of(), metrics,
                new CampaignView.Progress(6, 2, 10, 1, 2, 0.25), List.of(), 0, 0, null);
    }

    @Test
    void eachBatchIsABarSplitByTheStatesOfItsMigrations() {
        var t = CampaignTimeline.of(overview("RUNNING", List.of(
                new CampaignOverview.Batch(1, List.of("h1"), true, "DONE", 0, 0, 4, 0),
                new CampaignOverview.Batch(2, List.of("h2", "h3"), false, "RUNNING", 2, 1, 4, 1),
                new CampaignOverview.Batch(3, List.of("h4"), false, "PENDING", 0, 0, 0, 0)), METRICS));
        assertThat(t.bars()).extracting(CampaignTimeline.Bar::label).containsExactly(
                "Batch 1 · canary · 1 host · 4 migrations", "Batch 2 · 2 hosts · 8 migrations",
                "Batch 3 · 1 host · 0 migrations");
        var second = t.bars().get(1);
        assertThat(List.of(second.done(), second.issued(), second.failed(), second.planned()))
                .containsExactly("50.00%", "12.50%", "12.50%", "25.00%");
        assertThat(t.bars().get(0).done()).isEqualTo("100.00%");
        assertThat(t.bars().get(2).planned()).as("a batch without migrations has an empty bar").isEqualTo("0%");
        assertThat(t.bars().get(1).hostList()).isEqualTo("h2, h3");
    }

    @Test
    void theChartSetsThePlanBesideTheLowerBoundAndTheNaiveOrder() {
        var t = CampaignTimeline.of(overview("RUNNING", List.of(), METRICS));
        assertThat(t.figures()).extracting(CampaignTimeline.Figure::name)
                .containsExactly("lower bound", "this plan", "naive order, 1 host not emptied");
        assertThat(t.figures()).extracting(CampaignTimeline.Figure::perVmText)
                .containsExactly("1.100", "1.200", "1.500");
        assertThat(t.chartNames())
                .isEqualTo("[\"lower bound\",\"this plan\",\"naive order, 1 host not emptied\"]");
        assertThat(t.chartValues()).isEqualTo("[1.100,1.200,1.500]");
        assertThat(CampaignTimeline.of(overview("PLANNING", List.of(), null)).figures())
                .as("no plan yet, no chart").isEmpty();
    }

    @Test
    void theActionsOfferedFollowTheCampaignsState() {
        record Offered(boolean start, boolean pause, boolean resume, boolean abort, boolean finished) {
        }
        java.util.function.Function<String, Offered> offered = s -> {
            var t = CampaignTimeline.of(overview(s, List.of(), METRICS));
            return new Offered(t.mayStart(), t.mayPause(), t.mayResume(), t.mayAbort(), t.finished());
        };
        assertThat(offered.apply("DRY_RUN")).isEqualTo(new Offered(true, false, false, false, true));
        assertThat(offered.apply("RUNNING")).isEqualTo(new Offered(false, true, false, true, false));
        assertThat(offered.apply("PAUSED")).isEqualTo(new Offered(false, false, true, true, false));
        assertThat(offered.apply("PLANNING")).isEqualTo(new Offered(false, false, false, false, false));
        for (String ended : List.of("COMPLETED", "ABORTED", "FAILED")) {
            assertThat(offered.apply(ended)).as(ended).isEqualTo(new Offered(false, false, false, false, true));
        }
    }

    @Test
    void theProgressLineCountsHostsAndMigrations() {
        assertThat(CampaignTimeline.of(overview("RUNNING", List.of(), METRICS)).progress()).isEqualTo(
                "2 of 6 hosts done · 10 migrations done, 2 in flight, 1 failed · 0.250 migrations per VM so far");
    }
}
