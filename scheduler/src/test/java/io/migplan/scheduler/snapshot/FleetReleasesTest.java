package io.migplan.scheduler.snapshot;

import static io.migplan.scheduler.testsupport.Views.withRelease;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.testsupport.Views;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetReleasesTest {

    static ClusterSnapshot.HostEntry at(String host, String release) {
        return new ClusterSnapshot.HostEntry(withRelease(Views.host(host), release), List.of(), Views.NOW);
    }

    static final ClusterSnapshot FLEET = ClusterSnapshot.of(List.of(at("a", "2025.2"), at("b", "2025.1"),
            at("c", "2025.01"), at("d", "2026.1"), at("e", "2025.1rc2"), at("f", null)));

    @Test
    void releasesAreRankedOldestFirstAndSpellingsOfOneReleaseShareARank() {
        assertThat(FLEET.releases().ranks()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "", 0, "2025.1rc2", 1, "2025.1", 2, "2025.01", 2, "2025.2", 3, "2026.1", 4));
        assertThat(FLEET.releases().rank("2025.01")).isEqualTo(2);
        assertThat(FLEET.releases().rank(null)).as("no release").isZero();
        assertThat(FLEET.releases().rank("2027.1")).as("a release no host runs").isEqualTo(-1);
    }

    @Test
    void eachReleaseIsListedOnceUnderTheSpellingOfTheFirstHostThatRunsIt() {
        assertThat(FLEET.releases().oldestFirst()).containsExactly("", "2025.1rc2", "2025.1", "2025.2", "2026.1");
        assertThat(FLEET.releases().named()).as("what a campaign may name")
                .containsExactly("2025.1rc2", "2025.1", "2025.2", "2026.1");
    }

    @Test
    void aHostWithABlankReleaseRunsTheSameReleaseAsOneWithNone() {
        FleetReleases r = FleetReleases.of(List.of(at("a", "  "), at("b", null), at("c", "2025.1")));
        assertThat(r.rank("  ")).isEqualTo(r.rank(null)).isZero();
        assertThat(r.named()).containsExactly("2025.1");
        assertThat(ClusterSnapshot.EMPTY.releases().oldestFirst()).isEmpty();
    }

    @Test
    void theSnapshotReadsItsReleasesOnce() {
        assertThat(FLEET.releases()).isSameAs(FLEET.releases());
        assertThat(FLEET.with(at("g", "2027.1")).releases().rank("2027.1")).as("a new snapshot, read again")
                .isEqualTo(5);
    }
}
