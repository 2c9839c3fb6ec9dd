package io.migplan.scheduler.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.testsupport.Views;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The index changed one host at a time answers as one rebuilt over every host: checked over
 * seeded random sequences of reports, including the same VM on two hosts (a migration caught
 * half way), a name shared by VMs of several hosts, hosts leaving, and reports out of order.
 */
class VmIndexTest {

    private static final Instant T0 = Views.NOW;

    private static VmRecord vm(int n, String host) {
        // Names repeat every 7 VMs, so several hosts carry VMs of the same name.
        return new VmRecord("vm-" + (n % 7), "uuid-" + n, host, "2025.1", 2, 2048, List.of(), null, "");
    }

    private static HostEntry host(String id, List<VmRecord> vms, Instant reportAt) {
        return new HostEntry(Views.host(id), vms, reportAt);
    }

    /** VMs by UUID as a rebuild over every host gives them: hosts oldest report first (by id on a tie), the last one wins. */
    private static Map<String, VmRecord> rebuilt(Collection<HostEntry> hosts) {
        List<HostEntry> byAge = new ArrayList<>(hosts);
        byAge.sort(Comparator.comparing(HostEntry::lastReportAt));
        Map<String, VmRecord> byUuid = new HashMap<>();
        byAge.forEach(e -> e.vms().forEach(v -> byUuid.put(v.uuid(), v)));
        return byUuid;
    }

    @Test
    void aReportReplacesOnlyItsHostsVms() {
        HostEntry a = host("a", List.of(vm(1, "a"), vm(2, "a")), T0);
        HostEntry b = host("b", List.of(vm(3, "b")), T0);
        ClusterSnapshot s = ClusterSnapshot.of(List.of(a, b));
        ClusterSnapshot next = s.with(host("a", List.of(vm(2, "a")), T0.plusSeconds(1)));
        assertThat(next.vm("uuid-1")).isEmpty();
        assertThat(next.vm("uuid-2")).get().extracting(VmRecord::host).isEqualTo("a");
        assertThat(next.vm("uuid-3")).isPresent();
        assertThat(next.vmCount()).isEqualTo(2);
        assertThat(s.vm("uuid-1")).as("the snapshot before is unchanged").isPresent();
        assertThat(s.vmCount()).isEqualTo(3);
    }

    @Test
    void aVmOnTwoHostsIsTheNewestReportsAndFallsBackWhenThatHostDropsIt() {
        HostEntry source = host("src", List.of(vm(1, "src")), T0);
        HostEntry target = host("dst", List.of(vm(1, "dst")), T0.plusSeconds(5));
        ClusterSnapshot s = ClusterSnapshot.of(List.of(source)).with(target);
        assertThat(s.vm("uuid-1")).get().extracting(VmRecord::host).isEqualTo("dst");
        // The source reports again, still listing the VM: its report is now the newest.
        s = s.with(host("src", List.of(vm(1, "src")), T0.plusSeconds(9)));
        assertThat(s.vm("uuid-1")).get().extracting(VmRecord::host).isEqualTo("src");
        s = s.with(host("src", List.of(), T0.plusSeconds(10)));
        assertThat(s.vm("uuid-1")).get().extracting(VmRecord::host).isEqualTo("dst");
        assertThat(s.vmsNamed("vm-1")).extracting(VmRecord::host).containsExactly("dst");
        assertThat(s.vmCount()).isEqualTo(1);
    }

    @Test
    void changedOneHostAtATimeItAnswersAsARebuild() {
        for (long seed = 1; seed <= 40; seed++) {
            Random r = new Random(seed);
            TreeMap<String, HostEntry> fleet = new TreeMap<>();
            ClusterSnapshot incremental = ClusterSnapshot.EMPTY;
            for (int step = 0; step < 60; step++) {
                String id = "h" + r.nextInt(6);
                if (r.nextInt(8) == 0) {
                    fleet.remove(id);
                    incremental = incremental.without(id);
                } else {
                    List<VmRecord> vms = new ArrayList<>();
                    int count = r.nextInt(5);
                    for (int i = 0; i < count; i++) {
                        // 20 UUIDs over 6 hosts: the same VM is often listed by two hosts.
                        vms.add(vm(r.nextInt(20), id));
                    }
                    List<VmRecord> distinct = vms.stream().filter(v -> vms.stream()
                            .filter(o -> o.uuid().equals(v.uuid())).findFirst().get() == v).toList();
                    // Reports may arrive out of order, and two may carry the same time.
                    HostEntry e = host(id, distinct, T0.plusSeconds(r.nextInt(30)));
                    fleet.put(id, e);
                    incremental = incremental.with(e);
                }
                Map<String, VmRecord> byUuid = rebuilt(fleet.values());
                assertThat(incremental.vmCount()).as("seed %d step %d", seed, step).isEqualTo(byUuid.size());
                for (int n = 0; n < 20; n++) {
                    assertThat(incremental.vm("uuid-" + n)).as("seed %d step %d uuid-%d", seed, step, n)
                            .isEqualTo(Optional.ofNullable(byUuid.get("uuid-" + n)));
                }
                for (int n = 0; n < 7; n++) {
                    String name = "vm-" + n;
                    assertThat(incremental.vmsNamed(name)).as("seed %d step %d %s", seed, step, name)
                            .isEqualTo(byUuid.values().stream().filter(v -> v.name().equals(name))
                                    .sorted(Comparator.comparing(VmRecord::host).thenComparing(VmRecord::uuid)).toList());
                }
            }
        }
    }

    /**
     * The keys of a shard spread over its map's buckets: a shard chosen by the same low bits of
     * the hash as the map's bucket put a whole shard in one bucket (a chain walked comparing strings
     * at every look-up).
     */
    @Test
    void theKeysOfAShardSpreadOverItsMapsBuckets() {
        java.util.Map<Integer, java.util.Set<Integer>> buckets = new java.util.HashMap<>();
        java.util.Map<Integer, Integer> keys = new java.util.HashMap<>();
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 50_000; i++) {
            String uuid = new java.util.UUID(random.nextLong(), random.nextLong()).toString();
            int h = uuid.hashCode();
            int shard = VmIndex.shard(uuid);
            assertThat(shard).isBetween(0, VmIndex.SHARDS - 1);
            // The bucket of a map of 16 buckets, as java.util.HashMap picks it.
            buckets.computeIfAbsent(shard, k -> new java.util.HashSet<>()).add((h ^ (h >>> 16)) & 15);
            keys.merge(shard, 1, Integer::sum);
        }
        assertThat(keys).as("every shard used").hasSize(VmIndex.SHARDS);
        double meanBuckets = buckets.values().stream().mapToInt(java.util.Set::size).average().orElseThrow();
        assertThat(meanBuckets).as("buckets used per shard of about 12 keys").isGreaterThan(6);
    }
}
