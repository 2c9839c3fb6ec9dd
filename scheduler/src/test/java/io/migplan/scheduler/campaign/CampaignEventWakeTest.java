package io.migplan.scheduler.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.campaign.CampaignEventFeed.Happened;
import io.migplan.scheduler.campaign.CampaignEventFeed.Item;
import io.migplan.scheduler.campaign.CampaignEventFeed.KeepAlive;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A follower waiting for its campaign's next event is woken by the commit that writes it, not by
 * a timer: here the re-read timer and the keep-alive are an hour apart, so only the signal after
 * commit can bring the event within the test's wait.
 */
@QuarkusTest
@TestProfile(CampaignEventWakeTest.NoTimers.class)
class CampaignEventWakeTest {

    public static class NoTimers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("migplan.events.recheck-every", "1h", "migplan.events.heartbeat-every", "1h",
                    "migplan.campaign.tick-every", "off");
        }
    }

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    CampaignStore store;
    @Inject
    CampaignEventFeed feed;

    @Test
    void aWaitingFollowerIsWokenByTheCommitThatWritesTheEventAndEndsAfterTheLastOne() {
        String id = "camp-wake-" + UUID.randomUUID().toString().substring(0, 8);
        QuarkusTransaction.requiringNew().run(() -> {
            store.insertCampaign(id, "RUNNING", "2025.1", "2025.2", CampaignStoreTest.SETTINGS, "{}", T0);
            store.event(id, "PLANNED", "the plan", T0);
        });
        // Following after the plan: nothing to send, so the first keep-alive at once; then the
        // follower reads again, finds nothing, and waits.
        AssertSubscriber<Item> follower = feed.follow(id, 1).subscribe().withSubscriber(AssertSubscriber.create(10));
        follower.awaitItems(1, WAIT);
        assertThat(follower.getItems().get(0)).isInstanceOf(KeepAlive.class);
        assertThat(feed.followers()).isEqualTo(1);

        QuarkusTransaction.requiringNew().run(() -> {
            store.setState(id, Transitions.CampaignState.RUNNING, Transitions.CampaignState.PAUSED, T0);
            store.event(id, "PAUSED", "paused", T0);
        });
        follower.awaitItems(2, WAIT);
        Happened paused = (Happened) follower.getItems().get(1);
        assertThat(paused.event().position()).isEqualTo(2);
        assertThat(paused.event().state()).isEqualTo("PAUSED");

        QuarkusTransaction.requiringNew().run(() -> {
            store.setState(id, Transitions.CampaignState.PAUSED, Transitions.CampaignState.ABORTED, T0);
            store.event(id, "ABORTED", "aborted", T0);
        });
        follower.awaitCompletion(WAIT);
        assertThat(follower.getItems()).hasSize(3);
        assertThat(((Happened) follower.getItems().get(2)).event().kind()).isEqualTo("ABORTED");
        assertThat(feed.followers()).isZero();
    }
}
