package io.migplan.scheduler.reservation;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.reservation.SlotReservations.Claim;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
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

    @Test
    void aSlotTheHostDoesNotReportCannotBeClaimed() {
        reportTarget(4);
        Claim c = reservations.claim("t1", "0000:3b:00.0", "nvidia-232", "m-1", NOW, TTL);

        assertThat(c.granted()).isFalse();
        assertThat(c.why()).isEqualTo("host t1 reports no type nvidia-232 on 0000:3b:00.0");
        assertThat(Inventory.count(ds, "slot_reservation")).isZero();
    }
}
