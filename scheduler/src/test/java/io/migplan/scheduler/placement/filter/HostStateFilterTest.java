package io.migplan.scheduler.placement.filter;

import static io.migplan.scheduler.testsupport.Views.NOW;
import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.vm;
import static io.migplan.scheduler.testsupport.Views.withState;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.placement.HostView;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostStateFilterTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("an UP host passes", withState(host("h1"), HostState.UP, NOW), List.of()),
                Arguments.of("a STALE host is rejected with how long it has been silent",
                        withState(host("h4"), HostState.STALE, NOW.minusSeconds(45)),
                        List.of(new Reason("HOST_STALE", "host h4 is STALE: last heartbeat 45 s ago", "stale"))),
                Arguments.of("a DOWN host is rejected",
                        withState(host("h5"), HostState.DOWN, NOW.minusSeconds(600)),
                        List.of(new Reason("HOST_DOWN", "host h5 is DOWN: last heartbeat 600 s ago", "down"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, HostView host, List<Reason> expected) {
        assertThat(new HostStateFilter().filter(vm(), host)).isEqualTo(expected);
    }
}
