package io.migplan.scheduler.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The position a follower resumes after: handed out per campaign, in commit order, without gaps,
 * because a second writer of a campaign's events waits for the first to commit (on PostgreSQL,
 * not in this process). Shares the boot of {@link CampaignEventsTest}.
 */
@QuarkusTest
@TestProfile(CampaignEventsTest.TwoFollowers.class)
class CampaignEventPositionTest {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @Inject
    CampaignStore store;
    @Inject
    CampaignEventFeed feed;
    @Inject
    AgroalDataSource ds;

    private String campaign() {
        String id = "camp-pos-" + UUID.randomUUID().toString().substring(0, 8);
        QuarkusTransaction.requiringNew().run(() -> store.insertCampaign(id, "DRY_RUN", "2025.1", "2025.2",
                CampaignStoreTest.SETTINGS, "{}", T0));
        return id;
    }

    private List<String> read(String id, long after) {
        return QuarkusTransaction.requiringNew().call(() -> store.eventsAfter(id, after, 100)).stream()
                .map(e -> e.position() + " " + e.kind() + " " + e.state()).toList();
    }

    /** Whether a session waits on a lock in the middle of raising a campaign's event counter. */
    private boolean aWriterWaitsForTheLock() throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                        + " and query like 'update campaign set last_event_position%'")) {
            r.next();
            return r.getInt(1) > 0;
        }
    }

    @Test
    void aSecondWriterWaitsForTheFirstToCommitAndTakesTheNextPosition() throws Exception {
        String id = campaign();
        CountDownLatch wrote = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> QuarkusTransaction.requiringNew().run(() -> {
            store.event(id, "FIRST", "written first, committed when told", T0);
            wrote.countDown();
            try {
                commit.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(wrote.await(60, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> QuarkusTransaction.requiringNew().run(
                () -> store.event(id, "SECOND", "written while the first was open", T0)));

        await("the second writer waits on the campaign's row").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20)).until(this::aWriterWaitsForTheLock);
        assertThat(second).isNotDone();
        assertThat(read(id, 0)).as("nothing is visible before a commit").isEmpty();

        commit.countDown();
        first.get(60, TimeUnit.SECONDS);
        second.get(60, TimeUnit.SECONDS);
        assertThat(read(id, 0)).containsExactly("1 FIRST DRY_RUN", "2 SECOND DRY_RUN");
        assertThat(read(id, 1)).containsExactly("2 SECOND DRY_RUN");
        assertThat(read(id, 2)).isEmpty();
    }

    @Test
    void anEventRolledBackGivesItsPositionBackSoNoneIsSkipped() {
        String id = campaign();
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            store.event(id, "LOST", "rolled back", T0);
            throw new IllegalStateException("the step failed");
        })).hasMessageContaining("the step failed");
        QuarkusTransaction.requiringNew().run(() -> store.event(id, "KEPT", "committed", T0));
        assertThat(read(id, 0)).containsExactly("1 KEPT DRY_RUN");
    }

    @Test
    void aPageIsTheLastOnlyWhenTheCampaignIsFinalAndNothingMoreFollows() {
        String id = campaign();
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < 3; i++) {
                store.event(id, "E" + i, "event " + i, T0);
            }
        });
        CampaignEventFeed.Page full = feed.read(id, 0, 3);
        assertThat(full.events()).hasSize(3);
        assertThat(full.last()).as("a full page may have more behind it").isFalse();
        assertThat(feed.read(id, 1, 3).last()).as("a dry run is final and nothing follows").isTrue();
        assertThat(feed.read("camp-gone", 0, 3)).isEqualTo(new CampaignEventFeed.Page(List.of(), true));
    }
}
