package io.migplan.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.cli.testsupport.StandIn;
import io.migplan.cli.testsupport.StandIn.Answer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Following a campaign's stream against a stand-in scheduler: every event once and in order,
 * across dropped, silent and refused connections, resumed with {@code Last-Event-ID}; the end
 * after the last event; the refusals that are not tried again; the bound on attempts.
 */
class EventStreamTest {

    static final String PATH = "/api/v1/campaigns/c1/events";
    /** Short waits, so a test of a failure does not wait out the real ones. */
    static final EventStream.Settings FAST = new EventStream.Settings(Duration.ofMillis(500), Duration.ofSeconds(5), 4,
            Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(2));

    /** What the listener was told, in order. */
    final List<String> seen = new CopyOnWriteArrayList<>();

    static String event(long position, String kind, String state) {
        return "id:" + position + "\nevent:" + kind + "\ndata:{\"campaign\":\"c1\",\"position\":" + position
                + ",\"at\":\"2026-12-06T07:00:0" + position + "Z\",\"kind\":\"" + kind + "\",\"state\":\"" + state
                + "\",\"host\":null,\"vm\":\"vm-" + position + "\",\"message\":\"event " + position + "\"}\n\n";
    }

    EventStream.Listener recording() {
        return new EventStream.Listener() {
            @Override
            public void connected(String lastEventId) {
                seen.add("connected after " + lastEventId);
            }

            @Override
            public void event(SseParser.Event e) {
                seen.add(e.id() + " " + e.kind());
            }

            @Override
            public void lost(String why, Duration retryIn, int attempt) {
                seen.add("lost (" + why + ") retry in " + retryIn.toMillis() + " ms, attempt " + attempt);
            }
        };
    }

    static EventStream stream(StandIn s, long after, EventStream.Settings settings) {
        return new EventStream(new ApiClient(URI.create(s.url()), "tok", null), PATH, after, CampaignEvents::ends,
                settings);
    }

    @Test
    void followsEveryEventInOrderAndEndsAfterTheCampaignsLastOne() throws Exception {
        BlockingQueue<String> chunks = new LinkedBlockingQueue<>(List.of(":keep-alive\n\n", event(1, "PLANNED", "RUNNING"),
                event(2, "MIGRATION_DONE", "RUNNING"), event(3, "COMPLETED", "COMPLETED"), StandIn.END));
        try (StandIn s = new StandIn(r -> Answer.stream(chunks))) {
            stream(s, 0, FAST).follow(recording());

            assertThat(seen).containsExactly("connected after null", "1 PLANNED", "2 MIGRATION_DONE", "3 COMPLETED");
            assertThat(s.requests).hasSize(1);
            StandIn.Request r = s.requests.get(0);
            assertThat(r.path()).isEqualTo(PATH);
            assertThat(r.authorization()).isEqualTo("Bearer tok");
            assertThat(r.header("Accept")).isEqualTo("text/event-stream");
            assertThat(r.header("Last-Event-ID")).isNull();
        }
    }

    @Test
    void aDroppedConnectionIsResumedAfterTheLastEventReceivedSoNoneIsLostOrSeenTwice() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (StandIn s = new StandIn(r -> Answer.stream(connections.incrementAndGet() == 1
                ? new LinkedBlockingQueue<>(List.of(event(3, "HOST_EMPTY", "RUNNING"), "id:4\ndata:{\"half",
                        StandIn.CUT))
                : new LinkedBlockingQueue<>(List.of(event(4, "HOST_DONE", "RUNNING"), event(5, "ABORTED", "ABORTED"),
                        StandIn.END))))) {
            stream(s, 2, FAST).follow(recording());

            assertThat(seen).hasSize(6).startsWith("connected after null", "3 HOST_EMPTY")
                    .endsWith("connected after 3", "4 HOST_DONE", "5 ABORTED");
            assertThat(seen.get(2)).startsWith("lost (the stream broke off: ").endsWith(") retry in 10 ms, attempt 1");
            assertThat(s.requests).extracting(StandIn.Request::path).containsExactly(PATH + "?after=2", PATH + "?after=2");
            assertThat(s.requests.get(0).header("Last-Event-ID")).isNull();
            assertThat(s.requests.get(1).header("Last-Event-ID")).as("the header wins over ?after").isEqualTo("3");
        }
    }

    @Test
    void aStreamThatEndsCleanlyBeforeTheLastEventIsResumedToo() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (StandIn s = new StandIn(r -> Answer.stream(connections.incrementAndGet() == 1
                ? new LinkedBlockingQueue<>(List.of(event(1, "PLANNED", "RUNNING"), StandIn.END))
                : new LinkedBlockingQueue<>(List.of(event(2, "COMPLETED", "COMPLETED"), StandIn.END))))) {
            stream(s, 0, FAST).follow(recording());

            assertThat(seen).containsExactly("connected after null", "1 PLANNED",
                    "lost (the stream ended before the last event) retry in 10 ms, attempt 1", "connected after 1",
                    "2 COMPLETED");
        }
    }

    @Test
    void aStreamSilentForLongerThanTheKeepAlivesAllowIsTakenForDeadAndResumed() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (StandIn s = new StandIn(r -> Answer.stream(connections.incrementAndGet() == 1
                ? new LinkedBlockingQueue<>(List.of(event(1, "PLANNED", "RUNNING"))) // then nothing, not even keep-alives
                : new LinkedBlockingQueue<>(List.of(event(2, "COMPLETED", "COMPLETED"), StandIn.END))))) {
            stream(s, 0, FAST).follow(recording());

            assertThat(seen).containsExactly("connected after null", "1 PLANNED",
                    "lost (the stream sent nothing for 500 ms) retry in 10 ms, attempt 1", "connected after 1",
                    "2 COMPLETED");
        }
    }

    @Test
    void aBusySchedulerIsAskedAgainAfterItsRetryAfter() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (StandIn s = new StandIn(r -> connections.incrementAndGet() == 1
                ? new Answer(429, "{\"code\":\"EVENTS_BUSY\",\"message\":\"as many followers as allowed\"}",
                        Map.of("Content-Type", "application/json", "Retry-After", "1"))
                : Answer.stream(new LinkedBlockingQueue<>(List.of(event(1, "COMPLETED", "COMPLETED"), StandIn.END))))) {
            stream(s, 0, FAST).follow(recording());

            assertThat(seen).containsExactly("lost (EVENTS_BUSY (HTTP 429): as many followers as allowed (retry after 1"
                    + " s)) retry in 1000 ms, attempt 1", "connected after null", "1 COMPLETED");
        }
    }

    @Test
    void aRefusalThatWaitingDoesNotCureEndsTheFollowAtOnce() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(404, "{\"code\":\"NOT_FOUND\",\"message\":\"no campaign with id 'c1'\"}"))) {
            assertThatThrownBy(() -> stream(s, 0, FAST).follow(recording())).isInstanceOf(ApiException.class)
                    .hasMessage("no campaign with id 'c1'");
            assertThat(s.requests).hasSize(1);
            assertThat(seen).isEmpty();
        }
    }

    @Test
    void attemptsInARowAreBoundedAndTheLastFailureIsThrown() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(503, "{\"code\":\"HTTP_503\",\"message\":\"restarting\"}"))) {
            assertThatThrownBy(() -> stream(s, 0, FAST).follow(recording())).isInstanceOf(ApiException.class)
                    .extracting(e -> ((ApiException) e).status()).isEqualTo(503);
            assertThat(s.requests).hasSize(FAST.maxAttempts());
            assertThat(seen).containsExactly("lost (HTTP_503 (HTTP 503): restarting) retry in 10 ms, attempt 1",
                    "lost (HTTP_503 (HTTP 503): restarting) retry in 20 ms, attempt 2",
                    "lost (HTTP_503 (HTTP 503): restarting) retry in 40 ms, attempt 3");
        }
    }

    @Test
    void aFollowerThatComesAfterTheEndGetsNothingAndStops() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.stream(new LinkedBlockingQueue<>(List.of(StandIn.END))))) {
            stream(s, 9, FAST).follow(recording());

            assertThat(seen).containsExactly("connected after null");
            assertThat(s.requests).hasSize(1);
        }
    }

    @Test
    void anEventLargerThanTheBoundEndsTheFollowAsABadAnswer() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.stream(new LinkedBlockingQueue<>(
                List.of("data:" + "x".repeat(SseParser.MAX_LINE + 1), StandIn.END))))) {
            assertThatThrownBy(() -> stream(s, 0, FAST).follow(recording())).isInstanceOf(ApiException.class)
                    .hasMessageContaining("longer than " + SseParser.MAX_LINE + " bytes")
                    .extracting(e -> ((ApiException) e).code()).isEqualTo(ApiException.BAD_RESPONSE);
        }
    }

    @Test
    void closeFromAnotherThreadEndsAFollowThatWaits() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.stream(new LinkedBlockingQueue<>(List.of(":keep-alive\n\n"))))) {
            EventStream stream = stream(s, 0, EventStream.Settings.DEFAULT);
            java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
            EventStream.Listener recording = recording();
            java.util.concurrent.CompletableFuture<Void> following = java.util.concurrent.CompletableFuture
                    .runAsync(() -> stream.follow(new EventStream.Listener() {
                        @Override
                        public void connected(String lastEventId) {
                            recording.connected(lastEventId);
                            connected.countDown();
                        }

                        @Override
                        public void event(SseParser.Event e) {
                            recording.event(e);
                        }
                    }));
            assertThat(connected.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            stream.close();
            following.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(seen).containsExactly("connected after null");
        }
    }
}
