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
import org.jboss.logging.Logger;

/**
 * Heartbeats written together: each beat waits in a bounded queue, and one writer thread takes
 * every beat waiting and writes them with one call of {@code writer} (one transaction), then
 * answers each. With few agents a beat is written alone and at once; with thousands, the beats
 * that arrive while one write runs share the next, so PostgreSQL pays per batch rather than per
 * beat. A full queue refuses a beat at once (BUSY, with the delay after which to beat again),
 * nothing else: a beat that waits cannot be lost silently.
 *
 * <p>A batch never waits for another transaction's lock on a host row (a report replacing the
 * host's rows holds it for its whole transaction): the writer skips such rows and says which
 * beats it skipped, and those lead the next batch, a few milliseconds later, while the rest of
 * their batch is answered. A beat whose host row stays held for {@link #BUSY_LIMIT} is refused
 * (BUSY), so a row held for long delays its own beat and never the fleet's, and no beat waits
 * forever.
 *
 * <p>Writes start at least {@link #WRITE_INTERVAL} apart: a beat after a quiet spell is written at
 * once, and while beats keep coming the next write waits out the rest of the interval and takes
 * what came meanwhile. Without that, commits that return quickly would make batches of a beat or
 * two, and thousands of agents would cost PostgreSQL hundreds of transactions a second (the group
 * commit of PostgreSQL's {@code commit_delay}, for the same reason).
 */
final class BeatQueue implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BeatQueue.class);

    /** One heartbeat: the host, and the generation of the last report its agent had applied. */
    record Beat(String host, long generation) {
    }

    /** What one write did: the beats that refreshed their host, and those skipped for a host row another transaction held. */
    record Written(Set<Beat> vouched, Set<Beat> busy) {
    }

    /** Writes beats in one transaction, skipping host rows other transactions hold. */
    interface Writer {
        Written write(List<Beat> beats);
    }

    /** A beat, and since when (System.nanoTime) batches skip it for a busy host row; 0 until the first skip. */
    private record Waiting(Beat beat, CompletableFuture<Boolean> vouched, long busySince) {
    }

    /** How long a beat may be skipped for a busy host row before it is refused: the agents' call deadline. */
    static final Duration BUSY_LIMIT = Duration.ofSeconds(5);

    /** How soon beats skipped for a busy host row are tried again when no other beat comes. */
    static final long BUSY_RETRY_MILLIS = 50;

    /** Beats written in one call at most: one statement's arrays stay small, and a slow write answers in parts. */
    static final int MAX_BATCH = 2_000;

    /** How far apart writes start at least: what a beat may wait for others to share its write. */
    static final Duration WRITE_INTERVAL = Duration.ofMillis(10);

    /** When a refused agent should beat again: its beat interval's order (agents beat every 10 s by default). */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final BlockingQueue<Waiting> waiting;
    private final int capacity;
    private final Writer writer;
    private final long intervalNanos;
    private final Thread thread;
    private final AtomicLong writes = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param capacity beats that may wait at once
     * @param writer   writes the beats (one transaction) and says which refreshed their host (the
     *                 ones whose generation is the host's stored one) and which it skipped
     */
    BeatQueue(int capacity, Writer writer) {
        this(capacity, writer, WRITE_INTERVAL);
    }

    /** As above, with writes starting at least {@code interval} apart. */
    BeatQueue(int capacity, Writer writer, Duration interval) {
        this.capacity = capacity;
        this.waiting = new ArrayBlockingQueue<>(capacity);
        this.writer = writer;
        this.intervalNanos = interval.toNanos();
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
        } else if (!waiting.offer(new Waiting(beat, vouched, 0))) {
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
        // Beats skipped for a busy host row, at most one batch's worth: they lead the next batch.
        List<Waiting> busy = new ArrayList<>();
        // When the last write started: none yet, so the first beat is written at once.
        long lastWrite = System.nanoTime() - intervalNanos;
        while (!closed) {
            try {
                Waiting first = busy.isEmpty() ? waiting.poll(1, TimeUnit.SECONDS)
                        : waiting.poll(BUSY_RETRY_MILLIS, TimeUnit.MILLISECONDS);
                long now = System.nanoTime();
                for (Waiting w : busy) {
                    if (now - w.busySince() > BUSY_LIMIT.toNanos()) {
                        w.vouched().completeExceptionally(new RefusalException(ErrorKind.BUSY, "HEARTBEAT_ROW_BUSY",
                                "host " + w.beat().host() + ": another transaction held its row for "
                                        + BUSY_LIMIT.toSeconds() + " s; beat again in " + RETRY_AFTER.toSeconds()
                                        + " s", RETRY_AFTER));
                    } else {
                        batch.add(w);
                    }
                }
                busy.clear();
                if (first != null) {
                    batch.add(first);
                }
                if (!batch.isEmpty()) {
                    // The rest of the interval since the last write: beats arriving meanwhile share this one.
                    for (long due = lastWrite + intervalNanos, rest = due - System.nanoTime(); rest > 0;
                            rest = due - System.nanoTime()) {
                        TimeUnit.NANOSECONDS.sleep(rest);
                    }
                }
                waiting.drainTo(batch, MAX_BATCH - batch.size());
                if (!batch.isEmpty()) {
                    lastWrite = System.nanoTime();
                    write(batch, busy);
                }
            } catch (InterruptedException e) {
                // Stopping while a batch waited out the interval: its beats are answered below.
                busy.addAll(batch);
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        List<Waiting> left = new ArrayList<>(busy);
        waiting.drainTo(left);
        left.forEach(w -> w.vouched().completeExceptionally(new IllegalStateException("the scheduler is stopping")));
    }

    /** Writes {@code batch} and answers its beats, except those skipped for a busy host row: those go to {@code busy}. */
    private void write(List<Waiting> batch, List<Waiting> busy) {
        List<Beat> beats = new ArrayList<>(batch.size());
        batch.forEach(w -> beats.add(w.beat()));
        Written written;
        try {
            writes.incrementAndGet();
            written = writer.write(beats);
        } catch (RuntimeException e) {
            LOG.debugf(e, "%d heartbeats not written", batch.size());
            batch.forEach(w -> w.vouched().completeExceptionally(e));
            return;
        }
        Set<Beat> vouched = new HashSet<>(written.vouched());
        Set<Beat> skipped = new HashSet<>(written.busy());
        for (Waiting w : batch) {
            if (skipped.contains(w.beat())) {
                busy.add(w.busySince() == 0 ? new Waiting(w.beat(), w.vouched(), System.nanoTime()) : w);
            } else {
                w.vouched().complete(vouched.contains(w.beat()));
            }
        }
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
