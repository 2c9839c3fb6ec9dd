package io.migplan.cli.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Follows one server-sent event stream of the scheduler ({@code GET /api/v1/campaigns/{id}/events})
 * to its end: opens it with the token, hands each event to a {@link Listener} in order, and when
 * the connection breaks, goes silent for longer than {@link Settings#silence} (the scheduler sends a
 * keep-alive every 15 s), or is refused for a while (5xx, 429 {@code EVENTS_BUSY}), connects again
 * with {@code Last-Event-ID} after a growing wait (or the {@code Retry-After} the scheduler asked
 * for), so no event is lost or seen twice. It gives up after {@link Settings#maxAttempts} failures in
 * a row without a byte received, or at once on a refusal that waiting does not cure (400, 401, 403,
 * 404).
 *
 * <p>It ends when the server ends the stream after an event the caller's {@code last} predicate
 * calls the last (for a campaign: one whose state is final), or ends it at once with nothing new (a
 * follower that came after the end). A stream that ends cleanly after other events was cut by
 * something in between, and is resumed.
 */
public final class EventStream implements AutoCloseable {

    /**
     * @param silence       how long the stream may send nothing (no event, no keep-alive) before it is taken for dead
     * @param connectWait   how long to wait for an answer's headers
     * @param maxAttempts   failures in a row (no byte received in between) before giving up
     * @param firstBackoff  the wait after the first failure; doubled after each further one
     * @param maxBackoff    the longest wait between two attempts
     * @param maxRetryAfter the longest {@code Retry-After} obeyed
     */
    public record Settings(Duration silence, Duration connectWait, int maxAttempts, Duration firstBackoff,
            Duration maxBackoff, Duration maxRetryAfter) {

        /**
         * Three of the scheduler's 15 s keep-alives missed is a dead connection; eight failures
         * with waits of 0.5, 1, 2, 4, 8, 15, 15 s give a restarting scheduler close to a minute,
         * the outage {@code campaign run} also bears.
         */
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(45), ApiClient.REQUEST_TIMEOUT, 8,
                Duration.ofMillis(500), Duration.ofSeconds(15), Duration.ofSeconds(60));
    }

    /** What the follower is told, on the thread that called {@link #follow}. */
    public interface Listener {

        /** The stream is open (again); events after {@code lastEventId} (null: after the first position asked) follow. */
        default void connected(String lastEventId) {
        }

        /** One event, in the stream's order, each once. */
        void event(SseParser.Event event);

        /** The stream was lost or refused ({@code why}); it is tried again in {@code retryIn} ({@code attempt} in a row). */
        default void lost(String why, Duration retryIn, int attempt) {
        }
    }

    private final ApiClient api;
    private final String path;
    private final long after;
    private final Predicate<SseParser.Event> last;
    private final Settings settings;
    private final SseParser parser = new SseParser();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile BodyChunks current;

    /**
     * @param path  the stream's path ({@code /api/v1/campaigns/{id}/events})
     * @param after the position to start after (0: from the first event); {@code Last-Event-ID} replaces it on a reconnect
     * @param last  whether an event is the last one the server sends before it ends the stream
     */
    public EventStream(ApiClient api, String path, long after, Predicate<SseParser.Event> last, Settings settings) {
        if (after < 0) {
            throw new IllegalArgumentException("after must be 0 or more, got " + after);
        }
        this.api = api;
        this.path = path;
        this.after = after;
        this.last = last;
        this.settings = settings;
    }

    /** The id of the last event received: the position to resume after; null when none came. */
    public String lastEventId() {
        return parser.lastEventId();
    }

    /**
     * Follows the stream until it ends or {@link #close()}; returns normally then.
     *
     * @throws ApiException a refusal that waiting does not cure, the last failure once the attempts
     *                      are spent, or {@link ApiException#BAD_RESPONSE} for a stream breaking the parser's bounds
     */
    public void follow(Listener listener) {
        int failures = 0;
        while (!isClosed()) {
            String why;
            BodyChunks body;
            try {
                String lastId = parser.lastEventId();
                body = api.openStream(after > 0 ? path + (path.contains("?") ? "&" : "?") + "after=" + after : path,
                        lastId == null ? Map.of() : Map.of("Last-Event-ID", lastId), settings.connectWait());
            } catch (ApiException e) {
                if (isClosed()) {
                    return;
                }
                if (!cured(e) || ++failures >= settings.maxAttempts()) {
                    throw e;
                }
                Duration wait = backoff(failures, e.retryAfter());
                listener.lost(e.describe(), wait, failures);
                if (!pause(wait)) {
                    return;
                }
                continue;
            }
            current = body;
            if (isClosed()) {
                body.cancel();
                return;
            }
            parser.reset();
            listener.connected(parser.lastEventId());
            int events = 0;
            boolean ended = false;
            try {
                for (List<ByteBuffer> chunk = body.next(settings.silence()); chunk != null;
                        chunk = body.next(settings.silence())) {
                    failures = 0; // the scheduler answers: the count of failures in a row starts again
                    for (ByteBuffer b : chunk) {
                        for (SseParser.Event e : parser.feed(b)) {
                            events++;
                            listener.event(e);
                            ended = last.test(e);
                        }
                    }
                }
                if (ended || events == 0) {
                    return;
                }
                why = "the stream ended before the last event";
            } catch (SseParser.TooLarge e) {
                body.cancel();
                throw new ApiException(0, ApiException.BAD_RESPONSE, e.getMessage() + " (" + path + ")", e);
            } catch (IOException e) {
                if (isClosed()) {
                    return;
                }
                why = e instanceof BodyChunks.Silent ? "the stream " + e.getMessage() : "the stream broke off: "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            } catch (InterruptedException e) {
                body.cancel();
                Thread.currentThread().interrupt();
                return;
            } finally {
                current = null;
            }
            body.cancel();
            if (++failures >= settings.maxAttempts()) {
                throw new ApiException(0, ApiException.UNREACHABLE, why + " " + failures + " times in a row ("
                        + api.server() + path + "); last event received: "
                        + (parser.lastEventId() == null ? "none" : parser.lastEventId()));
            }
            Duration wait = backoff(failures, null);
            listener.lost(why, wait, failures);
            if (!pause(wait)) {
                return;
            }
        }
    }

    /** Stops following, from any thread: {@link #follow} returns soon after. */
    @Override
    public void close() {
        closed.countDown();
        BodyChunks b = current;
        if (b != null) {
            b.cancel();
        }
    }

    private boolean isClosed() {
        return closed.getCount() == 0;
    }

    /** Whether waiting can cure a failure: no answer, the scheduler failing (5xx) or busy (429). */
    static boolean cured(ApiException e) {
        return e.status() == 0 && ApiException.UNREACHABLE.equals(e.code()) || e.status() >= 500
                || e.status() == 429;
    }

    /** The wait before attempt {@code failures + 1}: the server's Retry-After (bounded), else doubling. */
    Duration backoff(int failures, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(settings.maxRetryAfter()) > 0 ? settings.maxRetryAfter() : retryAfter;
        }
        Duration d = settings.firstBackoff().multipliedBy(1L << Math.min(20, failures - 1));
        return d.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : d;
    }

    /** Waits, cut short by {@link #close()}; false when closed (or interrupted). */
    private boolean pause(Duration d) {
        try {
            return !closed.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
