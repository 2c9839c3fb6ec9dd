package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.entry;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.gpuVm;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.t4;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.campaign.CampaignStore.PlannedMove;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaterBatchesTest {

    private static final PlannedMove A = new PlannedMove("m-1", "vm-a", "uuid-vm-a", "h1", "t1");
    private static final PlannedMove B = new PlannedMove("m-2", "vm-b", "uuid-vm-b", "h2", "t1");
    private static final PlannedMove C = new PlannedMove("m-3", "vm-c", "uuid-vm-c", "h1", "t2");

    @Test
    void movesAreGroupedBySourceAndTargetInPlanOrder() {
        LaterBatches later = LaterBatches.of(List.of(A, B, C));
        Map<String, List<PlannedMove>> sources = new LinkedHashMap<>();
        later.forEachSource(sources::put);
        assertThat(sources).containsExactly(Map.entry("h1", List.of(A, C)), Map.entry("h2", List.of(B)));
        Map<String, List<PlannedMove>> targets = new LinkedHashMap<>();
        later.forEachTarget(targets::put);
        assertThat(targets).containsExactly(Map.entry("t1", List.of(A, B)), Map.entry("t2", List.of(C)));
        assertThat(later.moves()).containsExactly(A, B, C);
    }

    @Test
    void aSourceHoldingEveryVmPlannedFromItIsSeenAndAnEntryWithoutOneIsNot() {
        LaterBatches later = LaterBatches.of(List.of(A, B, C));
        HostEntry both = entry(t4("h1", "2025.1"), gpuVm("vm-a", "h1"), gpuVm("vm-c", "h1"));
        HostEntry one = entry(t4("h1", "2025.1"), gpuVm("vm-a", "h1"));
        assertThat(later.allSeenOn("h1", both)).isTrue();
        assertThat(later.allSeenOn("h1", both)).isTrue();
        assertThat(later.allSeenOn("h1", one)).as("a new entry is looked at again").isFalse();
        assertThat(later.allSeenOn("h1", null)).as("a source gone").isFalse();
        assertThat(later.allSeenOn("h2", entry(t4("h2", "2025.1")))).isFalse();
    }
}
