package io.migplan.scheduler.placement;

import static io.migplan.scheduler.testsupport.Views.device;
import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.parent;
import static io.migplan.scheduler.testsupport.Views.type;
import static io.migplan.scheduler.testsupport.Views.vm;
import static io.migplan.scheduler.testsupport.Views.withParents;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.placement.DeviceAllocator.Landing;
import org.junit.jupiter.api.Test;

class DeviceAllocatorTest {

    @Test
    void eachDeviceGoesToTheParentWithTheMostFreeInstancesLeft() {
        HostView h = withParents(host("h1"), parent("0000:3b:00.0", type("nvidia-231", 2)),
                parent("0000:d8:00.0", type("nvidia-231", 3)));

        var landings = DeviceAllocator.allocate(vm(device("u1", "nvidia-231"), device("u2", "nvidia-231"),
                device("u3", "nvidia-231")), h).orElseThrow();

        // 3 vs 2 -> d8 (now 2); 2 vs 2 -> tie by address, 3b; then d8 with 2 left vs 1.
        assertThat(landings).extracting(Landing::parent).containsExactly("0000:d8:00.0", "0000:3b:00.0", "0000:d8:00.0");
    }

    @Test
    void aSingleDeviceGoesWhereTheHostViewSaysTheMostRoomIsTiesToTheLowerAddress() {
        HostView h = withParents(host("h1"), parent("0000:d8:00.0", type("nvidia-231", 3)),
                parent("0000:3b:00.0", type("nvidia-231", 3)), parent("0000:af:00.0", type("nvidia-231", 1),
                        type("nvidia-232", 0)));

        assertThat(h.roomiest("nvidia-231").address()).isEqualTo("0000:3b:00.0");
        assertThat(h.roomiest("nvidia-232")).as("offered, none free").isNull();
        assertThat(h.roomiest("nvidia-999")).isNull();
        assertThat(DeviceAllocator.allocate(vm(device("u1", "nvidia-231")), h).orElseThrow())
                .extracting(Landing::parent).containsExactly("0000:3b:00.0");
        assertThat(DeviceAllocator.allocate(vm(device("u1", "nvidia-232")), h)).isEmpty();
    }

    @Test
    void nothingIsAllocatedWhenOneDeviceFindsNoInstance() {
        HostView h = withParents(host("h1"), parent("0000:3b:00.0", type("nvidia-231", 1)));

        assertThat(DeviceAllocator.allocate(vm(device("u1", "nvidia-231"), device("u2", "nvidia-231")), h)).isEmpty();
    }
}
