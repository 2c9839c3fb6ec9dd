package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.vm;
import static io.migplan.scheduler.testsupport.Views.withAllocation;
import static io.migplan.scheduler.testsupport.Views.withCapacity;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.capacity.ComputeAllocation;
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
                                        "insufficient memory"))),
                Arguments.of("a host of 2 CPUs at ratio 4.0 takes the VM it could not take at 1.0",
                        withAllocation(withCapacity(host("h5"), 2, 131072, 0, 0), new ComputeAllocation(4.0, 1.0, 0, 0)),
                        List.of()),
                Arguments.of("a host of 64 CPUs at 1.5 with 94 vCPUs in use shows the allocatable and how it is made",
                        withAllocation(withCapacity(host("h6"), 64, 131072, 94, 0), new ComputeAllocation(1.5, 1.0, 0, 0)),
                        List.of(new Rejection("INSUFFICIENT_CPU", "host h6: not enough CPU for VM vm-1 (requested 4"
                                + " vCPUs, free 2 of 96 allocatable (64 CPUs x 1.5, 0 reserved))", "insufficient CPU"))),
                Arguments.of("reserved CPUs come off before the ratio, so an empty host of 4 CPUs with 2 reserved at"
                        + " 1.5 has 3", withAllocation(withCapacity(host("h7"), 4, 131072, 0, 0),
                                new ComputeAllocation(1.5, 1.0, 2, 0)),
                        List.of(new Rejection("INSUFFICIENT_CPU", "host h7: not enough CPU for VM vm-1 (requested 4"
                                + " vCPUs, free 3 of 3 allocatable (4 CPUs x 1.5, 2 reserved))", "insufficient CPU"))),
                Arguments.of("reserved memory leaves a 16 GiB host at 1.0 with 12 GiB reserved too little",
                        withAllocation(withCapacity(host("h8"), 32, 16384, 0, 0), new ComputeAllocation(1.0, 1.0, 0, 12288)),
                        List.of(new Rejection("INSUFFICIENT_MEMORY", "host h8: not enough memory for VM vm-1 (requested"
                                + " 8192 MiB, free 4096 of 4096 MiB allocatable (16384 MiB x 1.0, 12288 MiB reserved))",
                                "insufficient memory"))),
                Arguments.of("memory overcommitted at 1.5 takes a VM that 1.0 would refuse",
                        withAllocation(withCapacity(host("h9"), 32, 8192, 0, 4096), new ComputeAllocation(1.0, 1.5, 0, 0)),
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, HostView host, List<Rejection> expected) {
        assertThat(new CpuMemoryFilter().filter(vm(), host)).isEqualTo(expected);
    }
}
