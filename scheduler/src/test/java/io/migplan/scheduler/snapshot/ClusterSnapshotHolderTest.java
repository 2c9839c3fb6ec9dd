package io.migplan.scheduler.snapshot;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.instance;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.migplan.scheduler.testsupport.Snapshots.vm;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.TypeDemand;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.inventory.InventoryStore;
import io.migplan.scheduler.testsupport.Inventory;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconcile against the real database: it reads every host only when one changed, and still
 * sees every change another replica makes, even one that puts a host back as it was. A report's
 * entry, built from the report in hand, is the one the loader reads back once it is stored.
 * {@link Inventory#update} writes around this scheduler's events, as another replica would, and
 * reconciles.
 */
@QuarkusTest
class ClusterSnapshotHolderTest {

    @Inject
    ClusterSnapshotHolder snapshots;
    @Inject
    InventoryStore store;
    @Inject
    AgroalDataSource ds;
    @Inject
    Clock clock;
    @Inject
    SnapshotLoader loader;

    Instant reportedAt;

    @BeforeEach
    void setUp() {
        Inventory.clear(ds);
        reportedAt = clock.instant();
        store.report(report(host("h1", 1, "")), reportedAt);
        store.report(report(host("h2", 1, "")), reportedAt);
        snapshots.reconcile();
    }

    private HostView view(String id) {
        return snapshots.current().host(id).orElseThrow().view();
    }

    @Test
    void whileNoHostChangesAReconcileReadsNoHostAndHeartbeatsChangeNone() {
        long reads = snapshots.fullReads();

        snapshots.reconcile();
        store.heartbeat("h1", 1, reportedAt.plusSeconds(10));
        store.heartbeat("h2", 1, reportedAt.plusSeconds(10));
        snapshots.reconcile();

        assertThat(snapshots.fullReads()).isEqualTo(reads);
    }

    @Test
    void aStateAnotherReplicaChangesBackAndForthIsSeenEveryTime() {
        for (String state : List.of("STALE", "UP", "STALE", "DOWN", "UP")) {
            Inventory.update(ds, "update host set state = '" + state + "' where id = 'h1'");

            assertThat(view("h1").state()).as("after %s", state).isEqualTo(HostState.valueOf(state));
        }
        assertThat(view("h2").state()).isEqualTo(HostState.UP);
    }

    @Test
    void anAdminStateAnotherReplicaSetsAndLiftsIsSeenEveryTime() {
        Inventory.update(ds, "update host set admin_state = 'DRAINING', admin_reason = 'rack 4' where id = 'h2'");
        assertThat(view("h2").adminState()).isEqualTo(AdminState.DRAINING);
        assertThat(view("h2").adminReason()).isEqualTo("rack 4");

        Inventory.update(ds, "update host set admin_state = 'ACTIVE', admin_reason = '' where id = 'h2'");
        assertThat(view("h2").adminState()).isEqualTo(AdminState.ACTIVE);

        Inventory.update(ds, "update host set admin_state = 'DRAINING', admin_reason = 'rack 4' where id = 'h2'");
        assertThat(view("h2").adminState()).isEqualTo(AdminState.DRAINING);
    }

    @Test
    void aHostAnotherReplicaDeletesIsDroppedAndOneItReportsIsAdded() {
        Inventory.update(ds, "delete from host where id = 'h2'");
        assertThat(snapshots.current().host("h2")).isEmpty();

        Inventory.update(ds, "insert into host (id, cpus, memory_mib, generation, state, last_report_at,"
                + " last_heartbeat_at) values ('h3', 8, 1024, 4, 'UP', now(), now())");
        assertThat(snapshots.current().hosts().stream().map(e -> e.view().id()).toList())
                .containsExactlyInAnyOrder("h1", "h3");
        assertThat(view("h3").generation()).isEqualTo(4);
    }

    @Test
    void aHostReportedAndThenDeletedByAnotherReplicaIsDropped() {
        store.report(report(host("h3", 1, "")), reportedAt);
        assertThat(snapshots.current().host("h3")).isPresent();

        // The hosts are those of the last reconcile again, with the stamps they had then.
        Inventory.update(ds, "delete from host where id = 'h3'");

        assertThat(snapshots.current().host("h3")).isEmpty();
    }

    @Test
    void theHostsNamedAreBroughtInLineAndOneThatIsGoneIsDropped() {
        Inventory.update(ds, "update host set state = 'STALE'");
        try (var c = ds.getConnection(); var s = c.createStatement()) {
            // Around the scheduler, without reconciling.
            s.executeUpdate("update host set state = 'DOWN'");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }

        snapshots.refresh(Set.of("h1", "h9"));

        assertThat(view("h1").state()).isEqualTo(HostState.DOWN);
        assertThat(snapshots.current().host("h9")).isEmpty();
    }

    /** Two parents (one with a shared capacity), a VM holding a device the host did not report, labels, ratios. */
    static HostSnapshot.Builder fullReport(String id, long generation) {
        Capacity shared = Capacity.newBuilder().setRule(CapacityRule.CAPACITY_RULE_SHARED_POOL).setGroup("0000:3b:00.0")
                .setUsedInstances(1).putPoolTotal("framebuffer_mib", 16384).putPoolFree("framebuffer_mib", 14336)
                .putDemand("nvidia-231", TypeDemand.newBuilder().putResources("framebuffer_mib", 2048)
                        .setMaxInstances(8).build())
                .putUsedByType("nvidia-231", 1).build();
        HostSnapshot.Builder b = host(id, generation, "10.0.0.7:9443")
                .addParents(parent("0000:af:00.0", type("nvidia-232", 3, "sig-232"), type("nvidia-231", 7, "sig-231")))
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 7, "sig-231")).toBuilder().setCapacity(shared))
                .addInstances(instance("d-1", "nvidia-231", "0000:3b:00.0"))
                .addInstances(instance("d-2", "nvidia-232", "0000:af:00.0"))
                .addVms(vm("vm-b", "u-2", 4, 4096, "d-9"))
                .addVms(vm("vm-a", "u-1", 8, 8192, "d-2", "d-1").toBuilder().setAntiAffinityGroup("db").build())
                .addVms(vm("vm-c", "u-3", 2, 2048));
        b.getHostBuilder().setCpuAllocationRatio(2.0).setReservedCpus(2).setReservedMemoryMib(4096)
                .putLabels("zone", "z1");
        return b;
    }

    @Test
    void aReportedHostIsHeldAsTheLoaderReadsItBackFromTheDatabase() {
        store.report(report(fullReport("h3", 1)), reportedAt);
        ClusterSnapshot.HostEntry held = snapshots.current().host("h3").orElseThrow();

        assertThat(held).isEqualTo(loader.one("h3").get(0));
        assertThat(held.vms()).extracting(VmRecord::name).containsExactly("vm-a", "vm-b", "vm-c");
        assertThat(held.view().parents()).hasSize(2);
    }

    @Test
    void aReportOfAHostAlreadyHeldIsHeldAsTheLoaderReadsIt() {
        Inventory.update(ds, "update host set admin_state = 'DRAINING', admin_reason = 'rack 4' where id = 'h2'");

        store.report(report(fullReport("h2", 2)), reportedAt.plusSeconds(5));

        assertThat(snapshots.current().host("h2").orElseThrow()).isEqualTo(loader.one("h2").get(0));
        assertThat(view("h2").adminReason()).isEqualTo("rack 4");
        assertThat(view("h2").generation()).isEqualTo(2);
    }

    @Test
    void aReportsEntryArrivingAfterANewerOneIsDropped() {
        ClusterSnapshot.HostEntry older = loader.reported(new ReportedRows.HostColumns("h1", HostState.UP, reportedAt,
                1, AdminState.ACTIVE, "", reportedAt), fullReport("h1", 1).build());
        store.report(report(fullReport("h1", 2)), reportedAt.plusSeconds(5));

        snapshots.apply(older);

        assertThat(view("h1").generation()).isEqualTo(2);
        assertThat(snapshots.current().host("h1").orElseThrow()).isEqualTo(loader.one("h1").get(0));
    }
}
