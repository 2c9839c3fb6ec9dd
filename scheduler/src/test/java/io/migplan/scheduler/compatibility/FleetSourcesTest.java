package io.migplan.scheduler.compatibility;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.testsupport.Views;
import io.migplan.scheduler.snapshot.VmRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The fleet's sources kept one host at a time are those a walk over every host's VMs finds. */
class FleetSourcesTest {

    private static VmRecord gpuVm(String name, String host, String signature) {
        DeviceRequest d = Views.device("mdev-" + name, "nvidia-231");
        return new VmRecord(name, "uuid-" + name, host, "2025.1", 2, 2048, List.of(new DeviceRequest(d.uuid(),
                d.typeId(), d.sourceParent(), signature, d.source())), null, "");
    }

    private static HostEntry entry(String host, VmRecord... vms) {
        return new HostEntry(Views.host(host), List.of(vms), Views.NOW);
    }

    /** Sources as a walk over every host (by id) and its VMs finds them: first holder's facts, by key. */
    private static List<MatrixRefresher.Source> walked(ClusterSnapshot s) {
        Map<String, MatrixRefresher.Source> first = new LinkedHashMap<>();
        s.hosts().forEach(e -> FleetSources.of(e).forEach(src -> first.putIfAbsent(
                FleetSources.key(src.typeId(), src.signature()), src)));
        return new TreeMap<>(first).values().stream().toList();
    }

    @Test
    void keptOneHostAtATimeTheSourcesAreTheWalksOverTheFleet() {
        for (long seed = 1; seed <= 20; seed++) {
            Random r = new Random(seed);
            FleetSources sources = new FleetSources();
            ClusterSnapshot s = ClusterSnapshot.EMPTY;
            for (int step = 0; step < 40; step++) {
                String host = "h" + r.nextInt(5);
                if (r.nextInt(6) == 0) {
                    s = s.without(host);
                } else {
                    List<VmRecord> vms = new ArrayList<>();
                    for (int i = 0, n = r.nextInt(3); i < n; i++) {
                        vms.add(gpuVm(host + "-vm" + i, host, "sig-" + r.nextInt(4)));
                    }
                    s = s.with(entry(host, vms.toArray(VmRecord[]::new)));
                }
                assertThat(sources.of(s)).as("seed %d step %d", seed, step).isEqualTo(walked(s));
            }
        }
    }

    /**
     * Following the snapshots of one line, whatever their order, every host is compared once, then
     * only the hosts each snapshot changed; a snapshot of another line is walked again. The sources
     * are the walk's every time.
     */
    @Test
    void followingOneLineEveryHostIsComparedOnceThenOnlyTheChangedOnes() {
        Random r = new Random(7);
        List<HostEntry> first = new ArrayList<>();
        for (int h = 0; h < 50; h++) {
            first.add(entry("h" + h, gpuVm("h" + h + "-vm", "h" + h, "sig-" + r.nextInt(6))));
        }
        ClusterSnapshot s = ClusterSnapshot.of(first);
        List<ClusterSnapshot> line = new ArrayList<>(List.of(s));
        FleetSources sources = new FleetSources();
        assertThat(sources.of(s)).isEqualTo(walked(s));
        for (int step = 0; step < 200; step++) {
            String host = "h" + r.nextInt(60);
            switch (r.nextInt(4)) {
                case 0 -> s = s.without(host);
                case 1 -> s = s.withViews(Map.of(host, v -> Views.host(v.id())));
                default -> s = s.with(entry(host, gpuVm(host + "-vm" + step, host, "sig-" + r.nextInt(6))));
            }
            line.add(s);
            // Now and then an older snapshot of the line, as a refresh that read it before another ran.
            ClusterSnapshot asked = r.nextInt(5) == 0 ? line.get(r.nextInt(line.size())) : s;
            assertThat(sources.of(asked)).as("step %d", step).isEqualTo(walked(asked));
        }
        assertThat(sources.walks()).isEqualTo(1);

        // A what-if derived from an older snapshot starts a line of its own: walked, and right.
        ClusterSnapshot whatIf = line.get(100).with(entry("h1", gpuVm("h1-moved", "h1", "sig-new")));
        assertThat(sources.of(whatIf)).isEqualTo(walked(whatIf));
        assertThat(sources.walks()).isEqualTo(2);
        assertThat(sources.of(s)).isEqualTo(walked(s));
        assertThat(sources.walks()).isEqualTo(3);
    }

    /** A settled source stays settled while a host holds it, and is new again once none does. */
    @Test
    void aSourceIsSettledUntilNoHostHoldsItAndOnlyWhileOneDoes() {
        FleetSources sources = new FleetSources();
        ClusterSnapshot s = ClusterSnapshot.EMPTY.with(entry("a", gpuVm("vm", "a", "sig-1")));
        MatrixRefresher.Source sig1 = sources.of(s).get(0);
        assertThat(sources.settled(sig1)).isFalse();
        sources.settle(sig1);
        assertThat(sources.settled(sig1)).isTrue();

        // The VM moves from a to b: a host still holds the signature.
        s = s.with(entry("a")).with(entry("b", gpuVm("vm", "b", "sig-1")));
        sources.of(s);
        assertThat(sources.settled(sig1)).isTrue();

        // Gone from the fleet, then back: new again.
        s = s.with(entry("b"));
        assertThat(sources.of(s)).isEmpty();
        assertThat(sources.settled(sig1)).isFalse();
        sources.settle(sig1);
        assertThat(sources.settled(sig1)).as("no host holds it: nothing to settle").isFalse();
        s = s.with(entry("a", gpuVm("vm", "a", "sig-1")));
        sources.of(s);
        assertThat(sources.settled(sig1)).isFalse();
    }

    @Test
    void aHostsSourcesAreItsVmsDistinctSignatures() {
        HostEntry e = entry("h", gpuVm("a", "h", "sig-1"), gpuVm("b", "h", "sig-1"),
                gpuVm("c", "h", "sig-2"));
        assertThat(FleetSources.of(e)).extracting(MatrixRefresher.Source::signature).containsExactly("sig-1", "sig-2");
    }
}
