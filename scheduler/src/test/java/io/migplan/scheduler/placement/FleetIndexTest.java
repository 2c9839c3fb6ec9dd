package io.migplan.scheduler.placement;

import static io.migplan.scheduler.testsupport.Views.NOW;
import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.parent;
import static io.migplan.scheduler.testsupport.Views.type;
import static io.migplan.scheduler.testsupport.Views.withAdmin;
import static io.migplan.scheduler.testsupport.Views.withCapacity;
import static io.migplan.scheduler.testsupport.Views.withGroups;
import io.migplan.scheduler.testsupport.Views;
import static io.migplan.scheduler.testsupport.Views.withParents;
import static io.migplan.scheduler.testsupport.Views.withRelease;
import static io.migplan.scheduler.testsupport.Views.withState;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.placement.FleetIndex.CodePhrase;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetIndexTest {

    static ClusterSnapshot snapshot(HostView... hosts) {
        return ClusterSnapshot.of(List.of(hosts).stream().map(h -> new HostEntry(h, List.of(), NOW)).toList());
    }

    final ClusterSnapshot fleet = snapshot(
            withParents(withCapacity(host("h3"), 16, 65536, 4, 1024), parent("0000:3b:00.0", type("nvidia-231", 1)),
                    parent("0000:d8:00.0", type("nvidia-231", 3), type("nvidia-232", 0))),
            withParents(withRelease(withState(host("h1"), HostState.STALE, NOW.minusSeconds(300)), "2025.2"),
                    parent("0000:3b:00.0", type("nvidia-232", 2))),
            withGroups(withAdmin(withState(host("h2"), HostState.DOWN, NOW.minusSeconds(9000)), AdminState.DRAINING,
                    "swap"), Map.of("db", Views.member("db-2"))));

    @Test
    void hostsArePlacedInIdOrderWithTheirNumbers() {
        FleetIndex index = new FleetIndex(fleet);

        assertThat(index.size()).isEqualTo(3);
        assertThat(index.position("h1")).isZero();
        assertThat(index.position("h3")).isEqualTo(2);
        assertThat(index.position("nope")).isEqualTo(-1);
        assertThat(index.freeCpus[2]).isEqualTo(12);
        assertThat(index.freeMemoryMib[2]).isEqualTo(64512);
        assertThat(index.cpus[2]).isEqualTo(16);
    }

    @Test
    void aTypeColumnHoldsFreeInstancesAndTheRoomiestParentOrNothingWhereTheTypeIsMissing() {
        FleetIndex index = new FleetIndex(fleet);

        FleetIndex.TypeColumn t231 = index.type("nvidia-231");
        assertThat(t231.available()).containsExactly(-1, -1, 4);
        assertThat(t231.roomiest()).containsExactly(null, null, "0000:d8:00.0");
        FleetIndex.TypeColumn t232 = index.type("nvidia-232");
        assertThat(t232.available()).containsExactly(2, -1, 0);
        assertThat(t232.roomiest()).as("offered, none free").containsExactly("0000:3b:00.0", null, null);
        assertThat(index.type("nvidia-231")).isSameAs(t231);
    }

    @Test
    void stateReasonsAreTheHostStateFiltersOnePerBit() {
        FleetIndex index = new FleetIndex(fleet);

        assertThat(index.stateReasons).containsExactly(new CodePhrase("HOST_STALE", "stale"),
                new CodePhrase("HOST_DOWN", "down"), new CodePhrase("HOST_DRAINING", "draining"));
        assertThat(index.stateBits).containsExactly(0b001L, 0b110L, 0L);
    }

    @Test
    void hostsOfOneReleaseShareAClassAndGroupsListTheirHosts() {
        FleetIndex index = new FleetIndex(fleet);

        assertThat(index.releaseClass).containsExactly(0, 1, 1);
        assertThat(index.releaseSamples).extracting(HostView::release).containsExactly("2025.2", "2025.1");
        assertThat(index.groupHosts("db")).containsExactly(1);
        assertThat(index.groupHosts("web")).isEmpty();
        assertThat(index.groupHosts(null)).isEmpty();
    }

    @Test
    void oneIndexIsKeptPerSnapshotAndANewSnapshotGetsANewOne() {
        FleetIndex.Latest latest = new FleetIndex.Latest();
        FleetIndex first = latest.of(fleet);

        assertThat(latest.of(fleet)).isSameAs(first);
        ClusterSnapshot next = fleet.without("h2");
        assertThat(latest.of(next)).isNotSameAs(first).satisfies(i -> assertThat(i.size()).isEqualTo(2));
        assertThat(new FleetIndex.Latest().of(next)).as("each owner keeps its own").isNotSameAs(latest.of(next));
    }
}
