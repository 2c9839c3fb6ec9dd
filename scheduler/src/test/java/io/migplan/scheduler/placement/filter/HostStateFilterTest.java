package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import static io.migplan.scheduler.testsupport.Views.NOW;
import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.vm;
import static io.migplan.scheduler.testsupport.Views.withAdmin;
import static io.migplan.scheduler.testsupport.Views.withState;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.snapshot.HostView;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostStateFilterTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("an UP host passes", withState(host("h1"), HostState.UP, NOW), List.of()),
                Arguments.of("a STALE host is rejected with how long it has been silent",
                        withState(host("h4"), HostState.STALE, NOW.minusSeconds(45)),
                        List.of(new Rejection("HOST_STALE", "host h4 is STALE: last heartbeat 45 s ago", "stale"))),
                Arguments.of("a DOWN host is rejected",
                        withState(host("h5"), HostState.DOWN, NOW.minusSeconds(600)),
                        List.of(new Rejection("HOST_DOWN", "host h5 is DOWN: last heartbeat 600 s ago", "down"))),
                Arguments.of("a draining host is rejected with the operator's reason",
                        withAdmin(host("h6"), AdminState.DRAINING, "campaign c1"),
                        List.of(new Rejection("HOST_DRAINING", "host h6 is draining (campaign c1): it takes no VMs",
                                "draining"))),
                Arguments.of("a host in maintenance is rejected",
                        withAdmin(host("h7"), AdminState.MAINTENANCE, ""),
                        List.of(new Rejection("HOST_MAINTENANCE", "host h7 is in maintenance: it takes no VMs",
                                "in maintenance"))),
                Arguments.of("a down host in maintenance gives both reasons",
                        withAdmin(withState(host("h8"), HostState.DOWN, NOW.minusSeconds(300)), AdminState.MAINTENANCE,
                                "kernel upgrade"),
                        List.of(new Rejection("HOST_DOWN", "host h8 is DOWN: last heartbeat 300 s ago", "down"),
                                new Rejection("HOST_MAINTENANCE",
                                        "host h8 is in maintenance (kernel upgrade): it takes no VMs",
                                        "in maintenance"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, HostView host, List<Rejection> expected) {
        assertThat(new HostStateFilter().filter(vm(), host)).isEqualTo(expected);
    }

    @Test
    void aHostTakesVmsOnlyWhenUpAndActiveAndTheFilterAndItsTallySayTheSame() {
        for (HostState state : HostState.values()) {
            for (AdminState admin : AdminState.values()) {
                HostView h = withAdmin(withState(host("h"), state, NOW.minusSeconds(60)), admin, "");
                boolean expected = state == HostState.UP && admin == AdminState.ACTIVE;
                String name = state + " and " + admin;

                assertThat(h.isUp()).as(name).isEqualTo(state == HostState.UP);
                assertThat(HostStateFilter.isActive(h)).as(name).isEqualTo(admin == AdminState.ACTIVE);
                assertThat(HostStateFilter.takesVms(h)).as(name).isEqualTo(expected);
                assertThat(new HostStateFilter().filter(vm(), h).isEmpty()).as(name).isEqualTo(expected);
                List<String> tallied = new ArrayList<>();
                new HostStateFilter().tally(null, h, (code, phrase) -> tallied.add(code));
                assertThat(tallied.isEmpty()).as(name).isEqualTo(expected);
            }
        }
    }
}
