package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import static io.migplan.scheduler.testsupport.Views.device;
import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.parent;
import static io.migplan.scheduler.testsupport.Views.type;
import static io.migplan.scheduler.testsupport.Views.vm;
import static io.migplan.scheduler.testsupport.Views.withParents;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FreeInstanceFilterTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("one free instance is enough for one mdev", vm(device("u1", "nvidia-231")),
                        withParents(host("h1"), parent("0000:3b:00.0", type("nvidia-231", 1))), List.of()),
                Arguments.of("free instances on two GPUs add up", vm(device("u1", "nvidia-231"), device("u2", "nvidia-231")),
                        withParents(host("h1"), parent("0000:3b:00.0", type("nvidia-231", 1)),
                                parent("0000:d8:00.0", type("nvidia-231", 1))), List.of()),
                Arguments.of("a GPU locked to another size reads 0 and rejects", vm(device("u1", "nvidia-231")),
                        withParents(host("h17"), parent("0000:3b:00.0", type("nvidia-231", 0))),
                        List.of(new Rejection("NO_FREE_INSTANCE",
                                "host h17: no free instance of nvidia-231 (requested 1, available 0 on 0000:3b:00.0)",
                                "no free nvidia-231"))),
                Arguments.of("two mdevs of a type against one free instance list every parent",
                        vm(device("u1", "nvidia-231"), device("u2", "nvidia-231")),
                        withParents(host("h2"), parent("0000:3b:00.0", type("nvidia-231", 1)),
                                parent("0000:d8:00.0", type("nvidia-231", 0))),
                        List.of(new Rejection("NO_FREE_INSTANCE", "host h2: no free instance of nvidia-231 (requested 2,"
                                + " available 1 on 0000:3b:00.0, 0 on 0000:d8:00.0)", "no free nvidia-231"))),
                Arguments.of("a type the host lacks is left to DeviceTypePresentFilter", vm(device("u1", "nvidia-232")),
                        withParents(host("h3"), parent("0000:3b:00.0", type("nvidia-231", 0))), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, PlacementRequest vm, HostView host, List<Rejection> expected) {
        assertThat(new FreeInstanceFilter().filter(vm, host)).isEqualTo(expected);
    }
}
