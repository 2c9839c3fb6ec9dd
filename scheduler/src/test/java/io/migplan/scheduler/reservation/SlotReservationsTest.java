package io.migplan.scheduler.reservation;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.migplan.proto.v1.HeartbeatRequest;
import io.migplan.scheduler.inventory.InventoryStore;
import io.migplan.scheduler.reservation.SlotReservations.Claim;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SlotReservationsTest {

    static final String SIG = "nvidia-231/T4/nvidia-550.90.07";
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    static final Duration TTL = Duration.ofMinutes(10);

    @Inject
    AgroalDataSource ds;
    @Inject
    SlotReservations reservations;
    @Inject
    InventoryStore store;

    SchedulerGrpc grpc;

    @BeforeEach
    void setUp() {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        grpc.close();
    }

    private void reportTarget(int free) {
        grpc.inventory().reportInventory(report(host("t1", 1, "127.0.0.1:1")
                .addParents(parent("0000:3b:00.0", type("nvidia-231", free, SIG)))));
    }

    /** Rounds and claimers enough that an unlocked count-then-insert overbooks almost surely. */
    static final int ROUNDS = 5;
    static final int CLAIMERS = 24;

    @Test
    void manyConcurrentClaimersOnSeparateConnectionsForThreeSlotsExactlyThreeWin() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLAIMERS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Inventory.clear(ds);
                reportTarget(3);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Claim>> results = new ArrayList<>();
                for (int i = 0; i < CLAIMERS; i++) {
                    String holder = "migration-" + round + "-" + i;
                    results.add(pool.submit(() -> {
                        start.await();
                        return reservations.claim("t1", "0000:3b:00.0", "nvidia-231", holder, NOW, TTL);
                    }));
                }
                start.countDown();
                int granted = 0;
                for (Future<Claim> f : results) {
                    Claim c = f.get(60, TimeUnit.SECONDS);
                    if (c.granted()) {
                        granted++;
                    } else {
                        assertThat(c.why()).isEqualTo("host t1: no free instance of nvidia-231 on 0000:3b:00.0 to"
                                + " claim (3 free, 3 already claimed)");
                    }
                }
                assertThat(granted).as("round %d", round).isEqualTo(3);
                assertThat(reservations.liveClaims("t1", "0000:3b:00.0", "nvidia-231", NOW)).isEqualTo(3);
                assertThat(Inventory.count(ds, "slot_reservation")).isEqualTo(3);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aReleasedOrExpiredClaimFreesTheSlot() {
        reportTarget(1);
        Claim first = reservations.claim("t1", "0000:3b:00.0", "nvidia-231", "m-1", NOW, TTL);
        assertThat(first.granted()).isTrue();
        assertThat(reservations.claim("t1", "0000:3b:00.0", "nvidia-231", "m-2", NOW, TTL).granted()).isFalse();

        assertThat(reservations.release(first.id())).isTrue();
        assertThat(reservations.release(first.id())).as("released once only").isFalse();
        Claim second = reservations.claim("t1", "0000:3b:00.0", "nvidia-231", "m-2", NOW, TTL);
        assertThat(second.granted()).isTrue();

        // Unused, the claim expires: after its time to live another migration may take the slot.
        Instant later = NOW.plus(TTL).plusSeconds(1);
        assertThat(reservations.claim("t1", "0000:3b:00.0", "nvidia-231", "m-3", later, TTL).granted()).isTrue();
    }

    @Test
    void aHolderClaimingAgainGetsItsOwnClaimNotASecondSlot() {
        reportTarget(2);
        Claim a = reservations.claim("t1", "0000:3b:00.0", "nvidia-231", "m-1", NOW, TTL);
        Claim again = reservations.claim("t1", "0000:3b:00.0", "nvidia-231", "m-1", NOW.plusSeconds(5), TTL);

        assertThat(again.granted()).isTrue();
        assertThat(again.id()).isEqualTo(a.id());
        assertThat(reservations.liveClaims("t1", "0000:3b:00.0", "nvidia-231", NOW)).isEqualTo(1);
    }

    /**
     * A campaign claims slots on several hosts in one transaction while heartbeat batches update
     * those hosts' rows: a claim held open must not make the host's heartbeat wait (the two used to
     * lock host rows in different orders, and PostgreSQL then aborted whole heartbeat batches as
     * deadlocked).
     */
    @Test
    void aClaimInAnOpenTransactionDoesNotHoldUpItsHostsHeartbeat() throws Exception {
        reportTarget(4);
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Claim> holding = pool.submit(() -> QuarkusTransaction.requiringNew().call(() -> {
                Claim c = reservations.claim("t1", "0000:3b:00.0", "nvidia-231", "m-1", NOW, TTL);
                claimed.countDown();
                release.await(30, TimeUnit.SECONDS);
                return c;
            }));
            assertThat(claimed.await(20, TimeUnit.SECONDS)).isTrue();

            var beat = grpc.inventoryFutures().heartbeat(HeartbeatRequest.newBuilder().setHostId("t1")
                    .setGeneration(1).build());

            assertThat(beat.get(15, TimeUnit.SECONDS).getResendInventory()).isFalse();
            release.countDown();
            assertThat(holding.get(20, TimeUnit.SECONDS).granted()).isTrue();
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /**
     * A claim still waits for a report of its host that is replacing the host's rows, and then
     * counts the slots the report left: two free where the claim started with none.
     */
    @Test
    void aClaimWaitsForAReportOfItsHostInProgressAndSeesWhatItStored() throws Exception {
        reportTarget(0);
        CountDownLatch reported = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> report = pool.submit(() -> QuarkusTransaction.requiringNew().run(() -> {
                store.report(report(host("t1", 2, "127.0.0.1:1")
                        .addParents(parent("0000:3b:00.0", type("nvidia-231", 2, SIG)))), Instant.now());
                reported.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(reported.await(20, TimeUnit.SECONDS)).isTrue();
            Future<Claim> claim = pool.submit(() -> reservations.claim("t1", "0000:3b:00.0", "nvidia-231", "m-1",
                    NOW, TTL));

            await("the claim waits for the report's lock on the host").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> claimsWaitingForALock() == 1);
            release.countDown();
            report.get(20, TimeUnit.SECONDS);

            Claim c = claim.get(20, TimeUnit.SECONDS);
            assertThat(c.granted()).isTrue();
            assertThat(c.available()).isEqualTo(2);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /** Sessions of this database waiting for a lock in a claim's first statement. */
    private long claimsWaitingForALock() throws java.sql.SQLException {
        try (var c = ds.getConnection(); var s = c.createStatement(); var rs = s.executeQuery(
                "select count(*) from pg_stat_activity where datname = current_database()"
                        + " and wait_event_type = 'Lock' and query like 'select id from host where id = % for key share'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aSlotTheHostDoesNotReportCannotBeClaimed() {
        reportTarget(4);
        Claim c = reservations.claim("t1", "0000:3b:00.0", "nvidia-232", "m-1", NOW, TTL);

        assertThat(c.granted()).isFalse();
        assertThat(c.why()).isEqualTo("host t1 reports no type nvidia-232 on 0000:3b:00.0");
        assertThat(Inventory.count(ds, "slot_reservation")).isZero();
    }
}
