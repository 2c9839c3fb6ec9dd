package io.migplan.scheduler.snapshot;

import static io.migplan.scheduler.testsupport.Views.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.scheduler.error.AmbiguousNameException;
import io.migplan.scheduler.error.ErrorKind;
import io.migplan.scheduler.error.UnknownObjectException;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.testsupport.Views;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The snapshot's VM index: a VM is its UUID; a name is for display and unique on one host only. */
class ClusterSnapshotTest {

    static VmRecord vm(String name, String uuid, String host) {
        return new VmRecord(name, uuid, host, "2025.1", 2, 2048, List.of(), null, "");
    }

    static HostEntry entry(String host, Instant reportedAt, VmRecord... vms) {
        return new HostEntry(Views.host(host), List.of(vms), reportedAt);
    }

    @Test
    void twoVmsOfTheSameNameOnTwoHostsAreTwoVmsEachFoundByItsUuid() {
        VmRecord onA = vm("test", "uuid-a", "h-a");
        VmRecord onB = vm("test", "uuid-b", "h-b");
        ClusterSnapshot snapshot = ClusterSnapshot.of(List.of(entry("h-a", NOW, onA), entry("h-b", NOW, onB)));

        assertThat(snapshot.vmCount()).isEqualTo(2);
        assertThat(snapshot.vm("uuid-a")).containsSame(onA);
        assertThat(snapshot.vm("uuid-b")).containsSame(onB);
        assertThat(snapshot.vm("test")).as("a name is not an identity").isEmpty();
        assertThat(snapshot.vmsNamed("test")).containsExactly(onA, onB);
        assertThat(snapshot.resolve("uuid-b")).isSameAs(onB);
    }

    @Test
    void aNameCarriedByVmsOnTwoHostsIsAmbiguousAndTheRefusalListsEachUuidAndHost() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(List.of(entry("h-b", NOW, vm("test", "uuid-b", "h-b")),
                entry("h-a", NOW, vm("test", "uuid-a", "h-a"))));

        assertThatThrownBy(() -> snapshot.resolve("test")).isInstanceOfSatisfying(AmbiguousNameException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
            assertThat(e.code()).isEqualTo("AMBIGUOUS_NAME");
            assertThat(e.getMessage()).isEqualTo("name 'test' matches 2 VMs: uuid-a on host h-a, uuid-b on host h-b;"
                    + " name the VM by its UUID");
        });
    }

    @Test
    void aUuidWinsOverANameAndAnUnknownReferenceIsNotFound() {
        VmRecord namedLikeAUuid = vm("uuid-b", "uuid-a", "h-a");
        VmRecord other = vm("other", "uuid-b", "h-b");
        ClusterSnapshot snapshot = ClusterSnapshot.of(List.of(entry("h-a", NOW, namedLikeAUuid),
                entry("h-b", NOW, other)));

        assertThat(snapshot.resolve("uuid-b")).isSameAs(other);
        assertThat(snapshot.resolve("other")).isSameAs(other);
        assertThatThrownBy(() -> snapshot.resolve("nope")).isInstanceOf(UnknownObjectException.class)
                .hasMessage("no VM with UUID or name 'nope'");
    }

    @Test
    void aVmListedByBothHostsOfItsMigrationIsOneVmAsTheNewestReportShowsIt() {
        VmRecord onSource = vm("test", "uuid-a", "h-a");
        VmRecord onTarget = vm("test", "uuid-a", "h-b");
        ClusterSnapshot snapshot = ClusterSnapshot.of(List.of(entry("h-a", NOW.minusSeconds(5), onSource),
                entry("h-b", NOW, onTarget)));

        assertThat(snapshot.vmCount()).isEqualTo(1);
        assertThat(snapshot.vm("uuid-a")).containsSame(onTarget);
        assertThat(snapshot.resolve("test")).as("one VM, not an ambiguous name").isSameAs(onTarget);
    }

    /**
     * A report replaces one host of a large fleet: the snapshot derived for it shares every other
     * host with the one before, so what it allocates does not grow with the fleet (a copy of the
     * hosts' map was 40 bytes a host: 800 kB at 20,000 hosts, per report and per liveness change).
     * Counted in bytes this thread allocated, not in time (about 90 kB, most of it the VM index's
     * arrays of shards, whatever the fleet's size).
     */
    @Test
    void aSnapshotDerivedForOneHostOfALargeFleetDoesNotCopyTheOthers() {
        List<HostEntry> fleet = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String host = String.format("host-%05d", i);
            fleet.add(entry(host, NOW, vm("vm-" + i, "uuid-" + i, host)));
        }
        ClusterSnapshot snapshot = ClusterSnapshot.of(fleet);
        HostEntry replaced = entry("host-10000", NOW.plusSeconds(30), vm("vm-10000", "uuid-10000", "host-10000"),
                vm("arrived", "uuid-arrived", "host-10000"));
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // Once first, so what is measured is not this thread loading the classes a first derivation uses.
        snapshot.with(entry("host-00001", NOW)).withViews(Map.of("host-00002", v -> v)).without("host-00003");
        ClusterSnapshot[] derived = new ClusterSnapshot[3];
        long before = threads.getCurrentThreadAllocatedBytes();
        derived[0] = snapshot.with(replaced);
        derived[1] = derived[0].withViews(Map.of("host-00007", v -> v));
        derived[2] = derived[1].without("host-19999");
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated by three derived snapshots of 20,000 hosts").isLessThan(256 * 1024);
        assertThat(derived[2].hostCount()).isEqualTo(19_999);
        assertThat(derived[2].vm("uuid-arrived")).map(VmRecord::host).contains("host-10000");
        assertThat(derived[2].host("host-10000")).map(HostEntry::vms).get().asList().hasSize(2);
        assertThat(derived[2].host("host-19999")).isEmpty();
        assertThat(derived[2].hosts()).extracting(e -> e.view().id()).isSorted().startsWith("host-00000");
        assertThat(snapshot.hostCount()).as("the snapshot derived from is unchanged").isEqualTo(20_000);
        assertThat(snapshot.vm("uuid-arrived")).isEmpty();
    }

    /** A snapshot says which hosts changed since another of its line, in either order, while it remembers. */
    @Test
    void aSnapshotNamesTheHostsChangedSinceAnotherOfItsLine() {
        ClusterSnapshot s0 = ClusterSnapshot.of(List.of(entry("a", NOW), entry("b", NOW), entry("c", NOW)));
        ClusterSnapshot s1 = s0.with(entry("a", NOW, vm("v", "uuid-v", "a")));
        ClusterSnapshot s2 = s1.withViews(java.util.Map.of("b", v -> v, "zz-not-held", v -> v));
        ClusterSnapshot s3 = s2.without("c");

        assertThat(s3.changedSince(s0.mark())).contains(java.util.Set.of("a", "b", "zz-not-held", "c"));
        assertThat(s1.changedSince(s3.mark())).as("either may be the older").contains(java.util.Set.of("b",
                "zz-not-held", "c"));
        assertThat(s2.changedSince(s2.mark())).contains(java.util.Set.of());
        assertThat(s3.without("not-held")).as("nothing to change: the same snapshot").isSameAs(s3);
    }

    /** A snapshot derived from an older one starts a line of its own; a line remembers its last changes only. */
    @Test
    void anotherLineOrAChangeNoLongerRememberedCannotBeTold() {
        ClusterSnapshot s0 = ClusterSnapshot.of(List.of(entry("a", NOW)));
        ClusterSnapshot s1 = s0.with(entry("b", NOW));
        ClusterSnapshot whatIf = s0.with(entry("c", NOW));
        assertThat(whatIf.changedSince(s0.mark())).as("derived from s0 after s1 was").isEmpty();
        assertThat(s1.changedSince(whatIf.mark())).isEmpty();
        assertThat(ClusterSnapshot.of(List.of(entry("a", NOW))).changedSince(s0.mark())).isEmpty();

        ClusterSnapshot s = s1;
        for (int i = 0; i < SnapshotLineage.KEPT; i++) {
            s = s.with(entry("h" + (i % 7), NOW));
        }
        assertThat(s.changedSince(s1.mark())).as("the last KEPT changes are remembered").isPresent();
        assertThat(s.changedSince(s0.mark())).as("one more is not").isEmpty();
    }

    /** Past the look-ups after which a snapshot indexes its hosts by hash, it answers as before. */
    @Test
    void hostsAreFoundTheSameBeforeAndAfterTheSnapshotIndexesThemByHash() {
        ClusterSnapshot snapshot = ClusterSnapshot.of(List.of(entry("h-b", NOW), entry("h-a", NOW)));
        for (int i = 0; i <= ClusterSnapshot.HASH_INDEX_AFTER + 1; i++) {
            assertThat(snapshot.host("h-a").orElseThrow().view().id()).isEqualTo("h-a");
            assertThat(snapshot.host("h-b").orElseThrow().view().id()).isEqualTo("h-b");
            assertThat(snapshot.host("h-c")).isEmpty();
        }
        ClusterSnapshot without = snapshot.without("h-a");
        assertThat(without.host("h-a")).as("a copy indexes its own hosts").isEmpty();
        assertThat(snapshot.host("h-a")).isPresent();
    }
}
