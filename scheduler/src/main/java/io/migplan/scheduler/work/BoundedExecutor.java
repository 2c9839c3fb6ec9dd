package io.migplan.scheduler.work;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Background work that can never pile up: a fixed number of named daemon threads
 * ({@code name-1}, {@code name-2}, ...) and a queue of at most {@code queueCapacity} tasks. When
 * every thread is busy and the queue is full, a task is refused, neither run nor queued:
 * {@link #offer} answers false and the refusal is counted ({@link #refused()}), and the caller
 * decides what a skipped task means. It does not retry a refused task, run it on the caller's
 * thread (that would make, say, an agent's report wait for fleet-wide probing) or order tasks
 * by priority. A task that throws is logged under the pool's name; the thread is replaced.
 */
public final class BoundedExecutor implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BoundedExecutor.class);

    /** How long {@link #close} waits for running tasks to notice the interrupt. */
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final String name;
    private final ThreadPoolExecutor pool;
    private final AtomicLong refused = new AtomicLong();

    public BoundedExecutor(String name, int threads, int queueCapacity) {
        if (threads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("executor " + name + " needs at least one thread and a queue of"
                    + " at least one, got " + threads + " thread(s) and a queue of " + queueCapacity);
        }
        this.name = name;
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), named(name), new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Runs {@code task} on one of the threads, now or once the tasks queued before it ran. Returns
     * false, and counts a refusal, when the queue is full or the executor is closed.
     */
    public boolean offer(Runnable task) {
        try {
            pool.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            refused.incrementAndGet();
            return false;
        }
    }

    /** Tasks refused since the start. */
    public long refused() {
        return refused.get();
    }

    /** Tasks waiting for a thread now. */
    public int queued() {
        return pool.getQueue().size();
    }

    public String name() {
        return name;
    }

    /** Drops the queued tasks, interrupts the running ones and waits briefly for them to stop. */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warnf("executor %s: tasks still running %d s after it was closed", name, CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler((thread, e) -> LOG.errorf(e, "task on %s failed", thread.getName()));
            return t;
        };
    }
}
