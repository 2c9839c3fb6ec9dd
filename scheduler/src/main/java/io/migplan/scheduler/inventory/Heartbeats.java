package io.migplan.scheduler.inventory;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * Agents' heartbeats, written together ({@link BeatQueue}) by {@link InventoryStore#heartbeats}
 * at the time of the write: the gRPC call waits for its beat's write without holding a worker
 * thread, and thousands of agents cost PostgreSQL a few transactions a second rather than one
 * per beat.
 */
@ApplicationScoped
public class Heartbeats {

    /** Beats that may wait at once: twice the largest fleet measured (10,000 agents beating at once). */
    static final int CAPACITY = 20_000;

    @Inject
    InventoryStore store;
    @Inject
    Clock clock;

    private BeatQueue queue;

    @PostConstruct
    void start() {
        queue = new BeatQueue(CAPACITY, beats -> store.heartbeats(beats, clock.instant(), false));
    }

    /**
     * Writes a heartbeat of {@code host}'s agent, which last had the report of {@code generation}
     * applied; completes with whether the agent must report again (the host is unknown here, or
     * holds another generation), as {@link InventoryStore#heartbeat} answers.
     */
    public CompletableFuture<Boolean> beat(String host, long generation) {
        return queue.beat(new BeatQueue.Beat(host, generation)).thenApply(vouched -> !vouched);
    }

    /** Writes so far: fewer than the beats when beats were written together. */
    public long writes() {
        return queue.writes();
    }

    @PreDestroy
    void stop() {
        queue.close();
    }
}
