package io.migplan.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.testsupport.Views;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetTilesTest {

    static final FleetTiles.Filter ALL = new FleetTiles.Filter(null, null, null, null);

    static HostEntry entry(HostView v) {
        return new HostEntry(v, List.of(), Views.NOW);
    }

    static ParentView board(String address, String board) {
        return new ParentView(address, board, "550.90.07", List.of(Views.type("nvidia-231", 1)),
                io.migplan.proto.v1.Capacity.getDefaultInstance());
    }

    static final List<HostEntry> FLEET = List.of(
            entry(Views.withParents(Views.host("h1"), board("0000:3b:00.0", "T4"))),
            entry(Views.withRelease(Views.withParents(Views.host("h2"), board("0000:3b:00.0", "T4")), "2025.2")),
            entry(Views.withState(Views.withParents(Views.host("h3"), board("0000:3b:00.0", "V100")), HostState.DOWN,
                    Views.NOW)),
            entry(Views.withAdmin(Views.withParents(Views.host("h4"), board("0000:3b:00.0", "T4"),
                    board("0000:5e:00.0", "V100")), AdminState.DRAINING, "disk swap")),
            entry(Views.host("h5")));

    @Test
    void everyHostIsOneTileUnderItsBoardAndFailureDomainColouredByReleaseInReleaseOrder() {
        FleetTiles.View v = FleetTiles.of(FLEET, ALL, null);
        assertThat(v.shown()).isEqualTo(5);
        assertThat(v.boards()).extracting(FleetTiles.Board::name).containsExactly("T4", "T4+V100", "V100", "no devices");
        assertThat(v.boards().get(0).domains()).extracting(FleetTiles.Domain::name).containsExactly("rack-a");
        assertThat(v.boards().get(0).domains().get(0).tiles()).extracting(FleetTiles.Tile::css)
                .containsExactly("t r0 s-UP a-ACTIVE", "t r1 s-UP a-ACTIVE");
        assertThat(v.boards().get(1).domains().get(0).tiles().get(0).title())
                .isEqualTo("h4 · 2025.1 · UP · DRAINING (disk swap) · T4+V100 · rack-a");
        assertThat(v.releases()).extracting(c -> c.name() + "=" + c.hosts()).containsExactly("2025.1=4", "2025.2=1");
        assertThat(v.states()).extracting(c -> c.name() + "=" + c.hosts()).containsExactly("UP=4", "STALE=0", "DOWN=1");
        assertThat(v.adminStates()).extracting(c -> c.name() + "=" + c.hosts())
                .containsExactly("ACTIVE=4", "DRAINING=1", "MAINTENANCE=0");
    }

    @Test
    void spellingsOfOneReleaseShareItsColourAndAHostWithNoReleaseIsUnknownInTheFleetsReleaseOrder() {
        List<HostEntry> fleet = List.of(entry(Views.withRelease(Views.host("h1"), "2025.10")),
                entry(Views.withRelease(Views.host("h2"), "2025.010")), entry(Views.withRelease(Views.host("h3"), null)),
                entry(Views.withRelease(Views.host("h4"), "2025.9")));
        FleetTiles.View v = FleetTiles.of(fleet, ALL, null);
        assertThat(v.boards().get(0).domains().get(0).tiles()).extracting(FleetTiles.Tile::css).containsExactly(
                "t r2 s-UP a-ACTIVE", "t r2 s-UP a-ACTIVE", "t r0 s-UP a-ACTIVE", "t r1 s-UP a-ACTIVE");
        assertThat(v.releaseOptions()).containsExactly("unknown", "2025.9", "2025.10");
        assertThat(v.releases()).extracting(c -> c.name() + "=" + c.hosts() + " " + c.css())
                .containsExactly("unknown=1 r0", "2025.9=1 r1", "2025.10=2 r2");
    }

    @Test
    void filtersNarrowTheTilesAndCountsButNotWhatTheFiltersOffer() {
        FleetTiles.View byBoard = FleetTiles.of(FLEET, new FleetTiles.Filter(null, "T4", null, null), null);
        assertThat(byBoard.shown()).isEqualTo(2);
        assertThat(byBoard.total()).isEqualTo(5);
        assertThat(byBoard.boardOptions()).containsExactly("T4", "T4+V100", "V100", "no devices");
        assertThat(FleetTiles.of(FLEET, new FleetTiles.Filter("2025.2", null, null, null), null).shown()).isEqualTo(1);
        assertThat(FleetTiles.of(FLEET, new FleetTiles.Filter(null, null, "DOWN", null), null).shown()).isEqualTo(1);
        assertThat(FleetTiles.of(FLEET, new FleetTiles.Filter(null, null, "DRAINING", null), null).shown()).isEqualTo(1);
        assertThat(FleetTiles.of(FLEET, new FleetTiles.Filter(null, null, null, "pool=a"), Set.of("h1", "h5")).shown())
                .isEqualTo(2);
    }

    @Test
    void aFilterThatCannotBeReadIsNamed() {
        assertThat(new FleetTiles.Filter(null, null, "SLEEPY", null).problem()).startsWith("state must be one of");
        assertThat(new FleetTiles.Filter(null, null, null, "pool").problem()).startsWith("label must be key=value");
        assertThat(new FleetTiles.Filter(null, null, null, "=a").problem()).startsWith("label must be key=value");
        assertThat(new FleetTiles.Filter(null, "T4\u0000", null, null).problem()).contains("control character");
        assertThat(new FleetTiles.Filter("2025.1", "T4", "UP", "pool=a").problem()).isNull();
        assertThat(new FleetTiles.Filter(null, null, null, " pool = a ").labelKey()).isEqualTo("pool");
    }

    @Test
    void aTileLinksToItsHostsPageWithTheIdEscaped() {
        assertThat(FleetTiles.href("h 1/x")).isEqualTo("/console/hosts/h%201%2Fx");
    }
}
