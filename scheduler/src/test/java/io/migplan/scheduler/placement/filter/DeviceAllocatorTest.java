package io.migplan.scheduler.placement.filter;

import static io.migplan.scheduler.testsupport.Views.device;
import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.parent;
import static io.migplan.scheduler.testsupport.Views.type;
import static io.migplan.scheduler.testsupport.Views.vm;
import static io.migplan.scheduler.testsupport.Views.withParents;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.snapshot.HostView;
import io.migplan.capacity.NvidiaEqualSizeModel;
import io.migplan.proto.v1.Capacity;
import io.migplan.scheduler.placement.filter.DeviceAllocator.Landing;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import java.util.List;
import java.util.Map;
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

    @Test
    void aSecondDeviceOfAnotherSizeDoesNotLandOnTheGpuTheFirstOneLocked() {
        HostView h = withParents(host("h1"), emptyT4("0000:3b:00.0"), emptyT4("0000:d8:00.0"));

        var landings = DeviceAllocator.allocate(vm(device("u1", "nvidia-231"), device("u2", "nvidia-232")), h)
                .orElseThrow();

        // Both GPUs report 8 x 2Q and 4 x 4Q free, but a 2Q on 3b locks it to 2 GiB (equal size).
        assertThat(landings).extracting(Landing::parent).containsExactly("0000:3b:00.0", "0000:d8:00.0");
        assertThat(DeviceAllocator.allocate(vm(device("u1", "nvidia-231"), device("u2", "nvidia-232")),
                withParents(host("h1"), emptyT4("0000:3b:00.0")))).as("one GPU cannot hold both sizes").isEmpty();
    }

    /** An empty T4 under NVIDIA's equal-size rule, offering 2Q (2 GiB, max 8) and 4Q (4 GiB, max 4). */
    private static ParentView emptyT4(String address) {
        Capacity gpu = NvidiaEqualSizeModel.of(Map.of("nvidia-231", NvidiaEqualSizeModel.demand(2048, 8),
                "nvidia-232", NvidiaEqualSizeModel.demand(4096, 4)), List.of());
        return new ParentView(address, "T4", "550.90.07", List.of(type("nvidia-231", 8), type("nvidia-232", 4)), gpu);
    }
}
