package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.CampaignStore.EventsWritten;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.error.ErrorKind;
import io.migplan.scheduler.error.InvalidRequestException;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.error.UnknownObjectException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Followers of campaigns' histories: each gets every event of one campaign after the position it
 * names, once and in order, then the events as they are committed, until the campaign has ended
 * and its last event was sent. It serves {@code GET /api/v1/campaigns/{id}/events} and gRPC
 * {@code WatchCampaign} alike; it decides nothing about a campaign and writes nothing.
 *
 * <p>PostgreSQL is the one copy: a follower reads its campaign's rows after its position, a page
 * at a time, and holds nothing but that position. It reads when woken, not in a loop: this
 * scheduler wakes a campaign's followers once a transaction that wrote one of its events commits
 * ({@link EventsWritten}, observed after success), and an idle follower reads again every
 * {@code migplan.events.recheck-every} anyway, to see what another scheduler replica on the same
 * database wrote (no signal crosses between replicas). A follower waiting holds no thread: the
 * wait is a timer and a future; a read runs on a worker thread. A follower reads its next page
 * only when its stream asked for more, so a slow reader is never buffered for.
 *
 * <p>Bounds: at most {@code migplan.events.max-followers} open at once, the excess refused
 * ({@code EVENTS_BUSY}: 429 / RESOURCE_EXHAUSTED) before anything is read;
 * {@code migplan.events.page-size} events per read; and a keep-alive after
 * {@code migplan.events.heartbeat-every} of silence, so proxies do not cut an idle stream (and a
 * stream whose client left is noticed and closed).
 */
@ApplicationScoped
public class CampaignEventFeed {

    /** What a follower receives: an event of the history, or a sign of life when nothing happened for a while. */
    public sealed interface Item permits Happened, KeepAlive {
    }

    /** An event of the campaign's history. */
    public record Happened(CampaignEvent event) implements Item {
    }

    /** Nothing happened for {@code migplan.events.heartbeat-every}; the stream is alive. */
    public record KeepAlive() implements Item {
    }

    private static final KeepAlive KEEP_ALIVE = new KeepAlive();

    @Inject
    CampaignStore store;
    @Inject
    MigplanConfig config;

    private final ConcurrentMap<String, Set<Follower>> following = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();

    /**
     * Starts following campaign {@code id} after position {@code after} (0: from its first event).
     * Refusals come now, before any event: an unknown campaign (404), a negative position (400),
     * every follower place taken (429 with a retry delay). The stream ends after the campaign's
     * last event once the campaign is in a final state (completed, aborted, failed, or a dry run),
     * or when the campaign is deleted; the follower's place is given back when it ends or its
     * subscriber cancels (a client that went away).
     */
    public Multi<Item> follow(String id, long after) {
        if (after < 0) {
            throw new InvalidRequestException("after must be 0 (from the first event) or a position the stream"
                    + " sent, got " + after);
        }
        QuarkusTransaction.requiringNew().call(() -> store.state(id))
                .orElseThrow(() -> new UnknownObjectException("no campaign with id '" + id + "'"));
        if (open.get() >= config.events().maxFollowers()) {
            throw busy();
        }
        // The place is taken when the stream is subscribed, and given back when it ends: a stream
        // never subscribed (its client gone before the answer) holds none. Two followers racing
        // for the last place: the second one's stream fails with the same refusal.
        return Multi.createFrom().deferred(() -> {
            admit();
            Follower f = new Follower(id, after);
            // Added inside compute, as leave removes inside it: never to a set just dropped.
            following.compute(id, (k, set) -> {
                Set<Follower> followers = set != null ? set : ConcurrentHashMap.newKeySet();
                followers.add(f);
                return followers;
            });
            return f.items().onTermination().invoke(() -> leave(f));
        });
    }

    /** How many followers are open now, over both APIs. */
    public int followers() {
        return open.get();
    }

    private void admit() {
        int max = config.events().maxFollowers();
        while (true) {
            int now = open.get();
            if (now >= max) {
                throw busy();
            }
            if (open.compareAndSet(now, now + 1)) {
                return;
            }
        }
    }

    private RefusalException busy() {
        return new RefusalException(ErrorKind.BUSY, "EVENTS_BUSY", "as many followers as allowed ("
                + config.events().maxFollowers() + ", migplan.events.max-followers) are following campaigns; try"
                + " again later, or read the history with GET /api/v1/campaigns/{id}", config.events().retryAfter());
    }

    /** Gives an admitted follower's place back, once. */
    private void leave(Follower f) {
        if (f.left.compareAndSet(false, true)) {
            open.decrementAndGet();
            following.computeIfPresent(f.campaign, (k, set) -> {
                set.remove(f);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /** Wakes the campaign's followers once events written for it are committed; they read them from PostgreSQL. */
    void written(@Observes(during = TransactionPhase.AFTER_SUCCESS) EventsWritten written) {
        Set<Follower> followers = following.get(written.campaign());
        if (followers != null) {
            followers.forEach(Follower::wake);
        }
    }

    /** A page read: the events after the follower's position, and whether none can come after them. */
    record Page(List<CampaignEvent> events, boolean last) {
    }

    /**
     * The events of {@code campaign} after {@code after}, at most {@code limit}. The page is the
     * last one when the campaign is gone, or was in a final state when read and fewer than
     * {@code limit} events followed: its state is read first, and the events in a later statement,
     * which sees at least what was committed before it, so the event that ended the campaign (written
     * with its state) is in this page or an earlier one.
     */
    Page read(String campaign, long after, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Optional<Transitions.CampaignState> state = store.state(campaign);
            if (state.isEmpty()) {
                return new Page(List.of(), true);
            }
            List<CampaignEvent> events = store.eventsAfter(campaign, after, limit);
            return new Page(events, Transitions.isFinal(state.get()) && events.size() < limit);
        });
    }

    /** One step of a follower's stream: the items to send, and whether the stream ends after them. */
    private record Step(List<Item> items, boolean end) {
        static final Step NOTHING = new Step(List.of(), false);
        static final Step END = new Step(List.of(), true);
    }

    /** One stream: its campaign, its position, and the signal that wakes it. */
    private final class Follower {

        final String campaign;
        final AtomicBoolean left = new AtomicBoolean();
        /** Completed to wake the wait of the current step; replaced before each read. */
        private final AtomicReference<CompletableFuture<Void>> signal =
                new AtomicReference<>(new CompletableFuture<>());
        /** Touched only by the stream's steps, which run one after another. */
        private long position;
        private boolean ended;
        /** When the stream last sent something; first set so that a stream with nothing to send sends a keep-alive. */
        private long lastSentNanos;

        Follower(String campaign, long after) {
            this.campaign = campaign;
            this.position = after;
            // The response's headers go out with the first item: a follower already at the end
            // learns at once that it is following.
            this.lastSentNanos = System.nanoTime() - config.events().heartbeatEvery().toNanos();
        }

        void wake() {
            signal.get().complete(null);
        }

        /** Steps, each taken when the subscriber wants more, until one ends the stream. */
        Multi<Item> items() {
            return Multi.createBy().repeating().uni(this::step).until(Step::end)
                    .onItem().transformToIterable(Step::items);
        }

        private Uni<Step> step() {
            if (ended) {
                return Uni.createFrom().item(Step.END);
            }
            // Armed before the read: an event committed after it wakes the wait below.
            CompletableFuture<Void> wakeUp = new CompletableFuture<>();
            signal.set(wakeUp);
            int limit = config.events().pageSize();
            return Uni.createFrom().item(() -> read(campaign, position, limit))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                    .chain(page -> page.events().isEmpty() && !page.last() ? idle(wakeUp)
                            : Uni.createFrom().item(sent(page)));
        }

        private Step sent(Page page) {
            if (!page.events().isEmpty()) {
                position = page.events().get(page.events().size() - 1).position();
                lastSentNanos = System.nanoTime();
            }
            ended = page.last();
            return new Step(page.events().stream().<Item>map(Happened::new).toList(), false);
        }

        /** Nothing new: a keep-alive if one is due, else a wait until woken, the recheck, or the keep-alive. */
        private Uni<Step> idle(CompletableFuture<Void> wakeUp) {
            long now = System.nanoTime();
            Duration untilKeepAlive = config.events().heartbeatEvery().minusNanos(now - lastSentNanos);
            if (untilKeepAlive.isNegative() || untilKeepAlive.isZero()) {
                lastSentNanos = now;
                return Uni.createFrom().item(new Step(List.of(KEEP_ALIVE), false));
            }
            Duration recheck = config.events().recheckEvery();
            Duration wait = untilKeepAlive.compareTo(recheck) < 0 ? untilKeepAlive : recheck;
            return Uni.createFrom().completionStage(wakeUp).replaceWith(Step.NOTHING)
                    .ifNoItem().after(wait).recoverWithItem(Step.NOTHING);
        }
    }
}
