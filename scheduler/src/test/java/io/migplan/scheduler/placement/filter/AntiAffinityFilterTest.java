package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.vm;
import static io.migplan.scheduler.testsupport.Views.vmInGroup;
import static io.migplan.scheduler.testsupport.Views.withGroups;
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
                        withGroups(host("h1"), Map.of("db", "db-2")), List.of()),
                Arguments.of("a VM passes a host without members of its group", vmInGroup("db"),
                        withGroups(host("h2"), Map.of("web", "web-1")), List.of()),
                Arguments.of("a VM is rejected by a host running another member of its group", vmInGroup("db"),
                        withGroups(host("h3"), Map.of("db", "db-2")),
                        List.of(new Rejection("ANTI_AFFINITY", "host h3 already runs VM db-2 of anti-affinity group db",
                                "anti-affinity"))),
                Arguments.of("a host listing the VM itself (mid-migration) does not count against it",
                        vmInGroup("db"), withGroups(host("h4"), Map.of("db", "vm-1")), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, PlacementRequest vm, HostView host, List<Rejection> expected) {
        assertThat(new AntiAffinityFilter().filter(vm, host)).isEqualTo(expected);
    }
}
