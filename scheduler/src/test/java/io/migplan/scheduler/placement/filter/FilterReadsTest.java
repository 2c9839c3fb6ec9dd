package io.migplan.scheduler.placement.filter;

import static io.migplan.scheduler.testsupport.Views.NOW;
import static io.migplan.scheduler.testsupport.Views.member;
import static io.migplan.scheduler.testsupport.Views.parent;
import static io.migplan.scheduler.testsupport.Views.type;
import static io.migplan.scheduler.testsupport.Views.withAdmin;
import static io.migplan.scheduler.testsupport.Views.withCapacity;
import static io.migplan.scheduler.testsupport.Views.withGroups;
import static io.migplan.scheduler.testsupport.Views.withParents;
import static io.migplan.scheduler.testsupport.Views.withRelease;
import static io.migplan.scheduler.testsupport.Views.withState;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.placement.TargetFinder;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
import io.migplan.scheduler.testsupport.Views;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What a filter says it reads of a VM ({@link HostFilter#reads}) is all its decision reads: two
 * VMs that agree on that get the same verdict on every host, however much else differs. The
 * evacuation builder judges a {@code DEVICES} filter once per device class and a {@code SIZE}
 * filter once per VM size on that promise, so a filter that read more would make it share a
 * wrong answer. Seeded random hosts and VMs.
 */
class FilterReadsTest {

    private static final String[] TYPES = {"nvidia-231", "nvidia-222", "nvidia-233"};
    private static final String[] RELEASES = {"2025.1", "2025.2", "2024.4", null};

    @Test
    void vmsAlikeInWhatAFilterReadsGetTheSameVerdictOnEveryHost() {
        Random r = new Random(42);
        List<HostView> hosts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            hosts.add(host(r, "h" + i));
        }
        int compared = 0;
        for (HostFilter f : TargetFinder.cheapFilters(false)) {
            for (int round = 0; round < 300; round++) {
                PlacementRequest a = vm(r, "a");
                PlacementRequest b = alike(r, a, f.reads());
                for (HostView h : hosts) {
                    assertThat(passes(f, b, h)).as("%s on %s: %s against %s", f.getClass().getSimpleName(), h.id(),
                            a, b).isEqualTo(passes(f, a, h));
                    compared++;
                }
            }
        }
        assertThat(compared).isEqualTo(6 * 300 * 60);
    }

    @Test
    void everyFiltersTallyCountsExactlyTheReasonsItsFilterGivesInTheirOrder() {
        Random r = new Random(7);
        List<HostView> hosts = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            hosts.add(host(r, "h" + i));
        }
        for (HostFilter f : TargetFinder.cheapFilters(false)) {
            for (int round = 0; round < 300; round++) {
                PlacementRequest vm = vm(r, "a");
                for (HostView h : hosts) {
                    List<String> tallied = new ArrayList<>();
                    f.tally(vm, h, (code, phrase) -> tallied.add(code + ": " + phrase));
                    assertThat(tallied).as("%s on %s for %s", f.getClass().getSimpleName(), h.id(), vm)
                            .isEqualTo(f.filter(vm, h).stream().map(x -> x.code() + ": " + x.tally()).toList());
                }
            }
        }
    }

    @Test
    void theFiltersThatReadTheVmsIdentityOrSizeSaySo() {
        assertThat(new AntiAffinityFilter().reads()).isEqualTo(HostFilter.Reads.VM);
        assertThat(new CpuMemoryFilter().reads()).isEqualTo(HostFilter.Reads.SIZE);
        assertThat(new HostFilter() {
            @Override
            public List<io.migplan.scheduler.error.Rejection> filter(PlacementRequest request, HostView host) {
                return List.of();
            }
        }.reads()).as("a filter that does not say is judged per VM").isEqualTo(HostFilter.Reads.VM);
    }

    private static boolean passes(HostFilter f, PlacementRequest request, HostView host) {
        return f.filter(request, host).isEmpty();
    }

    /** Another VM agreeing with {@code a} on what {@code reads} covers, random in everything else. */
    private static PlacementRequest alike(Random r, PlacementRequest a, HostFilter.Reads reads) {
        PlacementRequest b = vm(r, "b");
        return switch (reads) {
            case DEVICES -> new PlacementRequest(b.vmName(), b.vmUuid(), b.sourceHost(), a.sourceRelease(), b.vcpus(),
                    b.memoryMib(), sameDevices(r, a.devices()), NOW, b.antiAffinityGroup());
            case SIZE -> new PlacementRequest(b.vmName(), b.vmUuid(), b.sourceHost(), a.sourceRelease(), a.vcpus(),
                    a.memoryMib(), sameDevices(r, a.devices()), NOW, b.antiAffinityGroup());
            case VM -> a;
        };
    }

    /** The same types, signatures and facts, on other mdevs and source parents. */
    private static List<DeviceRequest> sameDevices(Random r, List<DeviceRequest> devices) {
        return devices.stream().map(d -> new DeviceRequest("mdev-" + r.nextInt(1000), d.typeId(),
                "0000:" + r.nextInt(99) + ":00.0", d.sourceSignature(), d.source())).toList();
    }

    private static PlacementRequest vm(Random r, String prefix) {
        List<DeviceRequest> devices = new ArrayList<>();
        for (int i = r.nextInt(3); i > 0; i--) {
            devices.add(new DeviceRequest(prefix + "-mdev-" + i, TYPES[r.nextInt(TYPES.length)],
                    "0000:3b:00.0", "sig-" + r.nextInt(2), SourceFacts.NONE));
        }
        String group = r.nextBoolean() ? "" : "g" + r.nextInt(3);
        return new PlacementRequest(prefix + "-vm", prefix + "-uuid-" + r.nextInt(5), "src-" + r.nextInt(3),
                RELEASES[r.nextInt(RELEASES.length)], 1 + r.nextInt(16), 1024L * (1 + r.nextInt(64)), devices, NOW,
                group);
    }

    private static HostView host(Random r, String id) {
        HostView h = Views.host(id);
        h = withRelease(h, RELEASES[r.nextInt(RELEASES.length)]);
        h = withCapacity(h, 16 + r.nextInt(48), 65536 + 1024L * r.nextInt(64), r.nextInt(40),
                1024L * r.nextInt(96));
        int parents = r.nextInt(3);
        List<HostView.ParentView> ps = new ArrayList<>();
        for (int p = 0; p < parents; p++) {
            ps.add(parent("0000:" + (10 + p) + ":00.0", type(TYPES[r.nextInt(TYPES.length)], r.nextInt(3)),
                    type(TYPES[r.nextInt(TYPES.length)], r.nextInt(3))));
        }
        h = withParents(h, ps.toArray(HostView.ParentView[]::new));
        switch (r.nextInt(6)) {
            case 0 -> h = withState(h, HostState.STALE, NOW.minusSeconds(300));
            case 1 -> h = withAdmin(h, AdminState.DRAINING, "operator");
            default -> { }
        }
        if (r.nextBoolean()) {
            h = withGroups(h, Map.of("g" + r.nextInt(3), member("a-vm")));
        }
        return h;
    }
}
