package io.migplan.scheduler.inventory;

import io.migplan.scheduler.error.ErrorKind;
import io.migplan.scheduler.error.RefusalException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Heartbeats written together: each beat waits in a bounded queue, and one writer thread takes
 * every beat waiting and writes them with one call of {@code writer} (one transaction), then
 * answers each. With few agents a beat is written alone and at once; with thousands, the beats
 * that arrive while one write runs share the next, so PostgreSQL pays per batch rather than per
 * beat. A full queue refuses a beat at once (BUSY, with the delay after which to beat again),
 * nothing else: a beat that waits cannot be lost silently.
 */
final class BeatQueue implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BeatQueue.class);

    /** One heartbeat: the host, and the generation of the last report its agent had applied. */
    record Beat(String host, long generation) {
    }

    private record Waiting(Beat beat, CompletableFuture<Boolean> vouched) {
    }

    /** Beats written in one call at most: one statement's arrays stay small, and a slow write answers in parts. */
    static final int MAX_BATCH = 2_000;

    /** When a refused agent should beat again: its beat interval's order (agents beat every 10 s by default). */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final BlockingQueue<Waiting> waiting;
    private final int capacity;
    private final Function<List<Beat>, Set<Beat>> writer;
    private final Thread thread;
    private final AtomicLong writes = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param capacity beats that may wait at once
     * @param writer   writes the beats (one transaction) and returns those that refreshed their
     *                 host: the ones whose generation is the host's stored one
     */
    BeatQueue(int capacity, Function<List<Beat>, Set<Beat>> writer) {
        this.capacity = capacity;
        this.waiting = new ArrayBlockingQueue<>(capacity);
        this.writer = writer;
        this.thread = new Thread(this::run, "heartbeat-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues a beat; completes with whether it refreshed its host (false when the agent must
     * report again), or exceptionally with why it was not written.
     */
    CompletableFuture<Boolean> beat(Beat beat) {
        CompletableFuture<Boolean> vouched = new CompletableFuture<>();
        if (closed) {
            vouched.completeExceptionally(new IllegalStateException("the scheduler is stopping"));
        } else if (!waiting.offer(new Waiting(beat, vouched))) {
            vouched.completeExceptionally(new RefusalException(ErrorKind.BUSY, "HEARTBEATS_BUSY", capacity
                    + " heartbeats are waiting to be written; beat again in " + RETRY_AFTER.toSeconds() + " s",
                    RETRY_AFTER));
        }
        return vouched;
    }

    /** Calls of the writer so far: fewer than the beats when beats were written together. */
    long writes() {
        return writes.get();
    }

    private void run() {
        List<Waiting> batch = new ArrayList<>();
        while (!closed) {
            try {
                Waiting first = waiting.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                waiting.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        List<Waiting> left = new ArrayList<>();
        waiting.drainTo(left);
        left.forEach(w -> w.vouched().completeExceptionally(new IllegalStateException("the scheduler is stopping")));
    }

    private void write(List<Waiting> batch) {
        List<Beat> beats = new ArrayList<>(batch.size());
        batch.forEach(w -> beats.add(w.beat()));
        Set<Beat> vouched;
        try {
            writes.incrementAndGet();
            vouched = new HashSet<>(writer.apply(beats));
        } catch (RuntimeException e) {
            LOG.debugf(e, "%d heartbeats not written", batch.size());
            batch.forEach(w -> w.vouched().completeExceptionally(e));
            return;
        }
        batch.forEach(w -> w.vouched().complete(vouched.contains(w.beat())));
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
