package io.migplan.scheduler.evacuation.planner;

import io.migplan.scheduler.evacuation.planner.SolverFactories.Construction;
import io.migplan.scheduler.evacuation.planner.domain.EvacuationSolution;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.optaplanner.core.api.solver.Solver;
import org.optaplanner.core.api.solver.SolverFactory;
import org.optaplanner.core.api.solver.SolverStatus;

/**
 * Evacuation plans solved in the background: a job builds its problem on its solver's thread,
 * reports new best solutions to its {@link Listener} (at most every 100 ms, like {@link
 * EvacuationPlanner#plan}), can be stopped at its best solution so far ({@link #terminateEarly}),
 * and ends in exactly one of the listener's {@code finished}, {@code failed} or {@code
 * cancelledBeforeStart}. Plans are built, solved and assembled as {@link EvacuationPlanner#plan}
 * does, with the same solver configuration. It does not bound how many jobs run at once: its caller
 * submits no more than it allows ({@code PlanningLimiter}), so the pools' own queues, which are
 * unbounded, stay empty.
 *
 * <p><b>Why not OptaPlanner's SolverManager.</b> Its consumer support (10.2) can lose the permit
 * that guards best-solution consumption: the solver thread then waits forever to hand over its
 * final solution, the plan stays SOLVING and every plan queued behind it on that manager with it
 * (one in a few hundred small plans run back to back here; {@code EvacuationJobsTest} runs such a
 * series). A job here runs {@link Solver#solve} on a thread of its own pool, listens to it as
 * {@link EvacuationPlanner#plan} does, and stops it with {@link Solver#terminateEarly}.
 *
 * <p><b>Why a few pools and a timer.</b> A solver factory is bound to one termination, while a
 * plan's termination has two parts that vary:
 * <ul>
 * <li>its patience, how long it keeps improving a solution that places everything (and how long
 * it tries when something stays unplaced), grows with the problem: {@link PlanLimits#forProblem}
 * gives one of eight values, 16 ms to 2 s in powers of two. It picks the pool: one per value,
 * created when first needed, so at most eight, each holding its factory (whose constraint
 * network is built once and reused by every plan of that size) and up to {@code
 * parallelSolverCount} threads named after it ({@code evacuation-solver-64ms}).</li>
 * <li>its time limit is the request's, any whole second from 1 to 600. It is a deadline: once the
 * problem is built, a timer (the {@code evacuation-jobs} thread) stops the solver at the limit,
 * and a job that ends sooner cancels it; the plan then ends as a solver's spent limit ends it (not
 * counted as terminated early). The factories' own spent limit is the longest a request may ask
 * for, a backstop should the timer ever be late.</li>
 * </ul>
 * The pool is chosen when a job is submitted, before its problem is built, so the caller gives
 * the number of VMs the problem will hold (for an evacuation: the VMs on the hosts to empty, in
 * the snapshot the problem is built from). {@link #submit} returns at once: the same {@code
 * evacuation-jobs} thread hands the job to its pool, so the first plan of a size, which builds that
 * size's factory (about 0.3 s in a cold JVM), never makes its caller (an API request) wait for it.
 *
 * <p><b>Stopping.</b> {@link #terminateEarly} is a cancel: the plan is assembled from the best
 * solution so far with {@code terminatedEarly} set. It returns once the job has ended; asked while
 * the problem is being built, it waits for the build, and the solver is then not started (the
 * assembly completes what nothing planned, as it completes any stopped solution). A job stopped
 * before its pool's thread took it never builds its problem and ends in {@code cancelledBeforeStart}.
 */
public final class EvacuationJobs implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EvacuationJobs.class);

    /** The factories' own spent limit: the longest time limit a request may ask for (EvacuationRequest). */
    static final Duration BACKSTOP = Duration.ofSeconds(600);

    /** The id of {@link #warmUp}'s empty plan; plans of the API are named {@code evac-…}. */
    static final String WARM_UP = "warm-up";

    /** What a job tells its submitter: on its solver's thread, the service thread or the canceller's. */
    public interface Listener {

        /** A new best solution, at most every 100 ms. */
        void progress(PlanProgress progress);

        /** The plan of the best solution found; {@code metrics().terminatedEarly()} when cancelled. */
        void finished(EvacuationPlan plan);

        /** Building the problem or solving it threw, or {@link #finished} did. */
        void failed(Throwable cause);

        /** Cancelled before the solver took it: nothing was built or solved. */
        void cancelledBeforeStart();
    }

    private final int parallelSolverCount;
    private final Construction construction;
    /** The limits of a problem of so many VMs: {@link PlanLimits#forProblem}, or a test's. */
    private final IntFunction<PlanLimits> patience;
    /** One pool per patience of {@link PlanLimits#forProblem}: at most eight. */
    private final Map<Duration, Pool> pools = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    /** Hands jobs to their pool and stops them at their deadline: one thread. */
    private final ScheduledThreadPoolExecutor service;

    public EvacuationJobs(int parallelSolverCount) {
        this(parallelSolverCount, Construction.LEDGER_FIRST_FIT_DECREASING, PlanLimits::forProblem);
    }

    /** With another patience than {@link PlanLimits#forProblem}: for tests that need a solver that keeps going. */
    EvacuationJobs(int parallelSolverCount, Construction construction, IntFunction<PlanLimits> patience) {
        if (parallelSolverCount < 1) {
            throw new IllegalArgumentException("parallel solver count must be at least 1, got " + parallelSolverCount);
        }
        this.parallelSolverCount = parallelSolverCount;
        this.construction = construction;
        this.patience = patience;
        this.service = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "evacuation-jobs");
            t.setDaemon(true);
            return t;
        });
        // A job that ends before its deadline cancels it: the queue then holds, besides hand-overs
        // (one per job submitted and not yet handed over), one deadline per running job.
        service.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts solving plan {@code id} in the background and returns at once: {@code problem} is
     * called on the solver's thread to build it. The limits are {@link PlanLimits#forProblem} of
     * {@code vms} (which also picks the pool) with the time and wave limits of {@code requested}.
     *
     * @throws IllegalStateException when a job with this id is still known, or this is closed
     */
    public void submit(String id, int vms, PlanLimits requested, Supplier<EvacuationProblem> problem,
            Listener listener) {
        PlanLimits limits = patience.apply(vms).withTimeLimit(requested.timeLimit())
                .withWaveLimits(requested.maxOutboundPerHost(), requested.maxInboundPerHost(),
                        requested.maxParallel());
        Job job = new Job(id, limits, problem, listener);
        if (jobs.putIfAbsent(id, job) != null) {
            throw new IllegalStateException("an evacuation job with id " + id + " is still running");
        }
        try {
            service.execute(() -> handOver(job));
        } catch (RejectedExecutionException e) {
            jobs.remove(id, job);
            throw new IllegalStateException("evacuation jobs are closed; plan " + id + " was not started", e);
        }
    }

    /** On the service thread: gives the job to the pool of its size, built if it is the first. */
    private void handOver(Job job) {
        try {
            Pool pool = pool(job.limits);
            synchronized (job) {
                if (job.cancelled) {
                    job.end(job.listener::cancelledBeforeStart);
                    return;
                }
                job.pool = pool;
                job.queued = pool.threads.submit(job::run);
            }
        } catch (RuntimeException e) {
            job.end(() -> job.listener.failed(e));
        }
    }

    /**
     * Builds the pool of the smallest size and solves an empty plan through it, in the background:
     * the first plan after a start then does not pay for the solver's warm-up (its classes, a
     * factory and a first score director: about 0.3 s in a cold JVM, which made the first plan
     * after a start that much slower, docs/benchmarks.md). Most plans use that size: a few hosts,
     * fewer than 170 VMs.
     */
    public void warmUp() {
        EvacuationProblem nothing = new EvacuationProblem(WARM_UP, List.of(), List.of(), Set.of());
        submit(WARM_UP, 0, PlanLimits.defaults(), () -> nothing, new Listener() {
            @Override
            public void progress(PlanProgress progress) {
            }

            @Override
            public void finished(EvacuationPlan plan) {
                LOG.debugf("evacuation solver warmed up in %d ms", plan.metrics().solveMillis());
            }

            @Override
            public void failed(Throwable cause) {
                LOG.warnf(cause, "evacuation solver warm-up failed; the first plan will show why");
            }

            @Override
            public void cancelledBeforeStart() {
            }
        });
    }

    /**
     * Stops job {@code id} at its best solution so far and returns once it has ended (its listener
     * told), unless called on the job's own thread (a listener), which cannot wait for itself.
     * Nothing happens for a job not known (finished, or never submitted).
     */
    public void terminateEarly(String id) {
        Job job = jobs.get(id);
        if (job == null) {
            return;
        }
        synchronized (job) {
            job.cancelled = true;
            if (job.pool == null) {
                return; // the hand-over sees the flag
            }
            if (job.thread == null && job.queued.cancel(false)) {
                // Stopped while queued: its thread will never take it.
                job.end(job.listener::cancelledBeforeStart);
                return;
            }
        }
        job.stop();
        if (Thread.currentThread() != job.thread) {
            job.awaitEnd();
        }
    }

    /**
     * The status of job {@code id}: SOLVING_SCHEDULED until a solver thread takes it, SOLVING_ACTIVE
     * while it builds and solves, NOT_SOLVING once it ended, or when unknown.
     */
    public SolverStatus status(String id) {
        Job job = jobs.get(id);
        if (job == null) {
            return SolverStatus.NOT_SOLVING;
        }
        return job.thread != null ? SolverStatus.SOLVING_ACTIVE : SolverStatus.SOLVING_SCHEDULED;
    }

    /** Pools created so far: one per patience used. */
    int pools() {
        return pools.size();
    }

    /** Stops every job (their listeners are not told) and the solver threads. */
    @Override
    public void close() {
        service.shutdownNow();
        jobs.values().forEach(Job::stop);
        pools.values().forEach(p -> p.threads.shutdownNow());
        jobs.clear();
    }

    private Pool pool(PlanLimits limits) {
        return pools.computeIfAbsent(limits.unimprovedLimit(), unimproved -> new Pool(
                SolverFactories.create(construction, BACKSTOP, unimproved, limits.giveUpLimit()),
                "evacuation-solver-" + unimproved.toMillis() + "ms", parallelSolverCount));
    }

    /** The solvers of one patience: their factory and up to so many threads, started when needed. */
    private record Pool(SolverFactory<EvacuationSolution> factory, ThreadPoolExecutor threads) {

        Pool(SolverFactory<EvacuationSolution> factory, String name, int size) {
            this(factory, threads(name, size));
        }

        private static ThreadPoolExecutor threads(String name, int size) {
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, name + (n.incrementAndGet() == 1 ? "" : "-" + n.get()));
                        t.setDaemon(true);
                        return t;
                    });
            // Idle pools give their threads back: eight sizes need not hold eight threads each.
            pool.allowCoreThreadTimeOut(true);
            return pool;
        }
    }

    /** One submitted plan, from its hand-over to its listener's last word. */
    private final class Job {

        final String id;
        final PlanLimits limits;
        final Supplier<EvacuationProblem> source;
        final Listener listener;
        final AtomicBoolean ended = new AtomicBoolean();
        final CountDownLatch over = new CountDownLatch(1);
        /** Set once, when handed over, under this; the pool's future of {@link #run}. */
        Pool pool;
        Future<?> queued;
        /** Set under this; also read without it. */
        volatile boolean cancelled;
        /** The pool's thread, once it took the job (set under this). */
        volatile Thread thread;
        /** The solver once built, to stop; the stop asked of it (cancel or deadline) also before it exists. */
        volatile Solver<EvacuationSolution> solver;
        volatile boolean stopRequested;
        volatile long startNanos;
        volatile ScheduledFuture<?> deadline;
        /** Read and written on the solver thread only. */
        long lastReport = -EvacuationPlanner.PROGRESS_INTERVAL_MILLIS;

        Job(String id, PlanLimits limits, Supplier<EvacuationProblem> source, Listener listener) {
            this.id = id;
            this.limits = limits;
            this.source = source;
            this.listener = listener;
        }

        /** On the pool's thread: builds, solves and assembles the plan, and tells the listener. */
        void run() {
            synchronized (this) {
                if (cancelled) {
                    end(listener::cancelledBeforeStart);
                    return;
                }
                thread = Thread.currentThread();
            }
            try {
                EvacuationProblem problem = source.get();
                startNanos = System.nanoTime();
                EvacuationModel model = EvacuationModel.of(problem);
                EvacuationSolution input = model.newSolution();
                Solver<EvacuationSolution> built = pool.factory().buildSolver();
                built.addEventListener(event -> {
                    if (stopRequested) {
                        built.terminateEarly(); // asked before solving started, which clears a stop
                    }
                    best(event.getNewBestSolution());
                });
                solver = built;
                deadline = service.schedule(this::timeUp, limits.timeLimit().toNanos(), TimeUnit.NANOSECONDS);
                EvacuationSolution best = input.getVms().isEmpty() || cancelled ? input : built.solve(input);
                end(() -> finish(model, best));
            } catch (RuntimeException | Error e) {
                // Told even of an Error (out of memory): a plan must never stay SOLVING with no solver.
                end(() -> listener.failed(e));
                if (e instanceof Error error) {
                    throw error;
                }
            }
        }

        private void finish(EvacuationModel model, EvacuationSolution best) {
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            EvacuationPlan plan;
            try {
                plan = EvacuationPlanner.assemble(model, best, limits, millis, cancelled);
            } catch (RuntimeException e) {
                listener.failed(e);
                return;
            }
            try {
                listener.finished(plan);
            } catch (RuntimeException e) {
                listener.failed(e);
            }
        }

        private void timeUp() {
            LOG.debugf("evacuation plan %s reached its time limit of %s", id, limits.timeLimit());
            stop();
        }

        /** Asks the solver to stop at its best solution so far, now or as soon as it reports one. */
        void stop() {
            stopRequested = true;
            Solver<EvacuationSolution> s = solver;
            if (s != null) {
                s.terminateEarly();
            }
        }

        void awaitEnd() {
            try {
                over.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** A new best solution, on the solver thread. */
        void best(EvacuationSolution solution) {
            long elapsed = (System.nanoTime() - startNanos) / 1_000_000;
            if (elapsed - lastReport < EvacuationPlanner.PROGRESS_INTERVAL_MILLIS) {
                return;
            }
            lastReport = elapsed;
            try {
                listener.progress(new PlanProgress(id, elapsed, EvacuationPlanner.placed(solution),
                        solution.getVms().size(), solution.getScore() == null ? "" : solution.getScore().toString()));
            } catch (RuntimeException e) {
                // Progress is for show: a listener failing on it must not fail the plan.
                LOG.warnf(e, "evacuation plan %s: progress listener failed", id);
            }
        }

        /** Runs {@code tell} if this job has not ended yet, once it is forgotten and its deadline cancelled. */
        void end(Runnable tell) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            ScheduledFuture<?> d = deadline;
            if (d != null) {
                d.cancel(false);
            }
            jobs.remove(id, this);
            try {
                tell.run();
            } finally {
                over.countDown();
            }
        }
    }
}
