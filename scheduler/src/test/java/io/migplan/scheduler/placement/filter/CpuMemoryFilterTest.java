package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.vm;
import static io.migplan.scheduler.testsupport.Views.withCapacity;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.snapshot.HostView;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** vm-1 needs 4 vCPUs and 8192 MiB. */
class CpuMemoryFilterTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("an empty host passes", withCapacity(host("h1"), 32, 131072, 0, 0), List.of()),
                Arguments.of("a host with exactly the VM's size free passes",
                        withCapacity(host("h1"), 32, 131072, 28, 122880), List.of()),
                Arguments.of("a host whose VMs leave 3 vCPUs is short of CPU",
                        withCapacity(host("h2"), 32, 131072, 29, 0),
                        List.of(new Rejection("INSUFFICIENT_CPU",
                                "host h2: not enough CPU for VM vm-1 (requested 4 vCPUs, free 3 of 32)",
                                "insufficient CPU"))),
                Arguments.of("a host whose VMs leave 4 GiB is short of memory",
                        withCapacity(host("h3"), 32, 131072, 0, 126976),
                        List.of(new Rejection("INSUFFICIENT_MEMORY",
                                "host h3: not enough memory for VM vm-1 (requested 8192 MiB, free 4096 of 131072 MiB)",
                                "insufficient memory"))),
                Arguments.of("an overcommitted host reports both, with free shown as 0",
                        withCapacity(host("h4"), 2, 4096, 3, 8192),
                        List.of(new Rejection("INSUFFICIENT_CPU",
                                        "host h4: not enough CPU for VM vm-1 (requested 4 vCPUs, free 0 of 2)",
                                        "insufficient CPU"),
                                new Rejection("INSUFFICIENT_MEMORY",
                                        "host h4: not enough memory for VM vm-1 (requested 8192 MiB, free 0 of 4096 MiB)",
                                        "insufficient memory"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, HostView host, List<Rejection> expected) {
        assertThat(new CpuMemoryFilter().filter(vm(), host)).isEqualTo(expected);
    }
}
