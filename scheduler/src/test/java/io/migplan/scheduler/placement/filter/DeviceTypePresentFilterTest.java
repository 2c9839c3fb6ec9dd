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

class DeviceTypePresentFilterTest {

    static final HostView T4_HOST = withParents(host("h3"), parent("0000:3b:00.0", type("nvidia-222", 16)),
            parent("0000:d8:00.0", type("nvidia-231", 0)));

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a VM without mdevs passes anywhere", vm(), withParents(host("h1")), List.of()),
                Arguments.of("a host offering the type on some parent passes, free or not",
                        vm(device("u1", "nvidia-231")), T4_HOST, List.of()),
                Arguments.of("a host lacking the type is rejected naming host and type",
                        vm(device("u1", "nvidia-232")), T4_HOST,
                        List.of(new Rejection("NO_DEVICE_TYPE", "host h3 has no device type nvidia-232",
                                "no device type nvidia-232"))),
                Arguments.of("each missing type is one reason, a type needed twice is one",
                        vm(device("u1", "i915-GVTg_V5_4"), device("u2", "mtty-2"), device("u3", "mtty-2")), T4_HOST,
                        List.of(new Rejection("NO_DEVICE_TYPE", "host h3 has no device type i915-GVTg_V5_4",
                                        "no device type i915-GVTg_V5_4"),
                                new Rejection("NO_DEVICE_TYPE", "host h3 has no device type mtty-2",
                                        "no device type mtty-2"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filter(String name, PlacementRequest vm, HostView host, List<Rejection> expected) {
        assertThat(new DeviceTypePresentFilter().filter(vm, host)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void offersAllIsTheRuleTheFilterApplies(String name, PlacementRequest vm, HostView host,
            List<Rejection> expected) {
        assertThat(DeviceTypePresentFilter.offersAll(host, vm.countsByType().keySet()))
                .isEqualTo(expected.isEmpty());
    }
}
