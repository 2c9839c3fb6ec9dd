package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.vm;
import static io.migplan.scheduler.testsupport.Views.vmInGroup;
import static io.migplan.scheduler.testsupport.Views.withGroups;
import io.migplan.scheduler.testsupport.Views;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AntiAffinityFilterTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a VM without a group passes a host running group members", vm(),
                        withGroups(host("h1"), Map.of("db", Views.member("db-2"))), List.of()),
                Arguments.of("a VM passes a host without members of its group", vmInGroup("db"),
                        withGroups(host("h2"), Map.of("web", Views.member("web-1"))), List.of()),
                Arguments.of("a VM is rejected by a host running another member of its group", vmInGroup("db"),
                        withGroups(host("h3"), Map.of("db", Views.member("db-2"))),
                        List.of(new Rejection("ANTI_AFFINITY", "host h3 already runs VM db-2 of anti-affinity group db",
                                "anti-affinity"))),
                Arguments.of("a host listing the VM itself (mid-migration) does not count against it",
                        vmInGroup("db"), withGroups(host("h4"), Map.of("db", Views.member("vm-1"))), List.of()),
                Arguments.of("another VM that carries the same name (on another host) is another member",
                        vmInGroup("db"), withGroups(host("h5"), Map.of("db", new HostView.GroupMember("vm-1",
                                "5d3c8e10-0000-4000-8000-0000000000ff"))),
                        List.of(new Rejection("ANTI_AFFINITY", "host h5 already runs VM vm-1 of anti-affinity group db",
                                "anti-affinity"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, PlacementRequest vm, HostView host, List<Rejection> expected) {
        assertThat(new AntiAffinityFilter().filter(vm, host)).isEqualTo(expected);
    }
}
