package io.migplan.scheduler.inventory;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.migplan.scheduler.testsupport.Inventory;
import jakarta.inject.Inject;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Liveness rules over the real database, driven with explicit clocks (defaults: 30 s / 120 s). */
@QuarkusTest
class HeartbeatSweeperTest {

    @Inject
    HeartbeatSweeper sweeper;
    @Inject
    InventoryStore store;
    @Inject
    AgroalDataSource ds;
    @Inject
    Clock clock;
    @Inject
    ClusterSnapshotHolder snapshots;

    Instant reportedAt;

    @BeforeEach
    void setUp() {
        Inventory.clear(ds);
        reportedAt = clock.instant();
        store.report(report(host("h1", 1, "")), reportedAt);
        store.report(report(host("h2", 1, "")), reportedAt);
    }

    @Test
    void aHostHeardFromWithinStaleAfterStaysUp() {
        var sweep = sweeper.sweep(reportedAt.plus(Duration.ofSeconds(29)));

        assertThat(sweep.stale()).isZero();
        given().get("/api/v1/hosts/h1").then().statusCode(200).body("state", equalTo("UP"));
    }

    @Test
    void aHostSilentForLongerThanStaleAfterBecomesStale() {
        store.heartbeat("h2", 1, reportedAt.plus(Duration.ofSeconds(20)));

        var sweep = sweeper.sweep(reportedAt.plus(Duration.ofSeconds(31)));

        assertThat(sweep).isEqualTo(new HeartbeatSweeper.Sweep(1, 0));
        given().get("/api/v1/hosts/h1").then().statusCode(200).body("state", equalTo("STALE"));
        given().get("/api/v1/hosts/h2").then().statusCode(200).body("state", equalTo("UP"));
    }

    @Test
    void aHostSilentForLongerThanDownAfterBecomesDown() {
        sweeper.sweep(reportedAt.plus(Duration.ofSeconds(31)));

        var sweep = sweeper.sweep(reportedAt.plus(Duration.ofSeconds(121)));

        assertThat(sweep.down()).isEqualTo(2);
        given().get("/api/v1/hosts/h1").then().statusCode(200).body("state", equalTo("DOWN"));
    }

    /** The snapshot learns of the hosts a sweep moved by re-reading them, not every host of the fleet. */
    @Test
    void aSweepThatMovesAHostBringsTheSnapshotInLineWithoutReadingEveryHost() {
        snapshots.reconcile();
        store.heartbeat("h2", 1, reportedAt.plus(Duration.ofSeconds(20)));
        long reads = snapshots.fullReads();

        sweeper.sweep(reportedAt.plus(Duration.ofSeconds(31)));

        assertThat(snapshots.current().host("h1").orElseThrow().view().state()).isEqualTo(HostState.STALE);
        assertThat(snapshots.current().host("h2").orElseThrow().view().state()).isEqualTo(HostState.UP);
        assertThat(snapshots.fullReads()).isEqualTo(reads);
    }
}
