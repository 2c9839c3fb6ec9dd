package io.migplan.scheduler.work;

import io.migplan.scheduler.config.MigplanConfig;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import org.jboss.logging.Logger;

/**
 * How many planning jobs run at once and how many may wait. Solving is CPU-bound and the
 * scheduler shares its cores, so at most {@code maxConcurrent} jobs run, at most
 * {@code maxQueued} more wait in the order they asked to start, and a job past both is refused at
 * once ({@link PlanningBusyException}: HTTP 429 with Retry-After, gRPC RESOURCE_EXHAUSTED) rather
 * than queued without end. It counts jobs; it does not solve, time or stop them, and it knows
 * nothing of what they plan.
 *
 * <p>A job takes a {@link Ticket} first ({@link #admit}, the only call that refuses), so a caller
 * can store the job only once it is sure to be accepted; then {@link Ticket#start} runs the job's
 * start now, or later on the thread of the job that frees a slot; the job gives the ticket back
 * with {@link Ticket#release} when it is over. A job still waiting can be taken out of the queue
 * ({@link Ticket#withdraw}). Evacuation plans are its first user; a campaign's planning can take
 * tickets from the same instance, so that the two together never solve more than the limit.
 * Configured by {@code migplan.planning.*}.
 */
@Singleton
public class PlanningLimiter {

    private static final Logger LOG = Logger.getLogger(PlanningLimiter.class);

    private enum State { ADMITTED, WAITING, RUNNING, DONE }

    private final int maxConcurrent;
    private final int maxQueued;
    private final Duration retryAfter;

    // Guarded by this.
    private int running;
    /** Admitted and not running yet: tickets not started plus tickets waiting for a slot. */
    private int pending;
    private final Deque<Ticket> waiting = new ArrayDeque<>();

    @Inject
    public PlanningLimiter(MigplanConfig config) {
        this(config.planning().maxConcurrent(), config.planning().maxQueued(), config.planning().retryAfter());
    }

    public PlanningLimiter(int maxConcurrent, int maxQueued, Duration retryAfter) {
        if (maxConcurrent < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("a planning limiter needs at least one slot and no negative queue,"
                    + " got " + maxConcurrent + " slot(s) and a queue of " + maxQueued);
        }
        this.maxConcurrent = maxConcurrent;
        this.maxQueued = maxQueued;
        this.retryAfter = retryAfter;
    }

    /**
     * A place for one more job, counted as waiting until it starts.
     *
     * @throws PlanningBusyException when every slot and every place in the queue is taken
     */
    public synchronized Ticket admit() {
        if (running + pending >= maxConcurrent + maxQueued) {
            throw new PlanningBusyException("the scheduler is solving " + running + (running == 1 ? " plan" : " plans")
                    + " and " + pending + (pending == 1 ? " more is" : " more are") + " waiting, as many as allowed"
                    + " (migplan.planning.max-concurrent=" + maxConcurrent + ", migplan.planning.max-queued="
                    + maxQueued + "); nothing was stored, try again in " + (retryAfter.toMillis() + 999) / 1000 + " s",
                    retryAfter);
        }
        pending++;
        return new Ticket();
    }

    /** Jobs running now. */
    public synchronized int running() {
        return running;
    }

    /** Jobs admitted and not running yet. */
    public synchronized int waiting() {
        return pending;
    }

    /** Runs the start of each ticket given, in order, outside the lock; a start that throws ends its job. */
    private void startAll(Ticket first) {
        for (Ticket t = first; t != null; ) {
            try {
                t.work.run();
                t = null;
            } catch (RuntimeException e) {
                LOG.errorf(e, "a planning job failed to start; its slot is freed");
                t = t.end();
            }
        }
    }

    /** One admitted job's place: waiting, then one of the running slots, until released. */
    public final class Ticket {

        private State state = State.ADMITTED;
        private Runnable work;

        private Ticket() {
        }

        /**
         * Runs {@code start} now, on this thread, if a slot is free and no job waits before this
         * one; else queues it, and it runs on the thread of the job that frees a slot. The start
         * should only hand the job on (to a solver's threads), not solve it. Only once; nothing
         * happens for a job withdrawn before it was started.
         */
        public void start(Runnable start) {
            boolean now;
            synchronized (PlanningLimiter.this) {
                if (state == State.DONE) {
                    return;
                }
                if (state != State.ADMITTED) {
                    throw new IllegalStateException("a planning ticket starts once, this one is " + state);
                }
                work = start;
                now = running < maxConcurrent && waiting.isEmpty();
                if (now) {
                    pending--;
                    running++;
                    state = State.RUNNING;
                } else {
                    waiting.addLast(this);
                    state = State.WAITING;
                }
            }
            if (now) {
                startAll(this);
            }
        }

        /**
         * The job is over, or will never start: frees its slot (starting the next job waiting, on
         * this thread) or its place in the queue. Calling it again does nothing.
         */
        public void release() {
            Ticket next;
            synchronized (PlanningLimiter.this) {
                next = end();
            }
            startAll(next);
        }

        /**
         * Takes this job out of the queue if it has not started: true if it was waiting (its start
         * will never run; the ticket is released), false if it runs, ran or was released.
         */
        public boolean withdraw() {
            synchronized (PlanningLimiter.this) {
                if (state != State.WAITING && state != State.ADMITTED) {
                    return false;
                }
                end();
                return true;
            }
        }

        /** Whether this job waits for a slot. */
        public boolean isWaiting() {
            synchronized (PlanningLimiter.this) {
                return state == State.WAITING;
            }
        }

        /** Ends this ticket; returns the waiting ticket that took its slot, which the caller must start. */
        private Ticket end() {
            synchronized (PlanningLimiter.this) {
                State was = state;
                state = State.DONE;
                switch (was) {
                    case ADMITTED -> pending--;
                    case WAITING -> {
                        pending--;
                        waiting.remove(this);
                    }
                    case RUNNING -> {
                        running--;
                        Ticket next = waiting.pollFirst();
                        if (next != null) {
                            pending--;
                            running++;
                            next.state = State.RUNNING;
                            return next;
                        }
                    }
                    case DONE -> {
                    }
                }
                return null;
            }
        }
    }
}
