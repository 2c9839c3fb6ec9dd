package io.migplan.scheduler.evacuation.planner;

import io.migplan.scheduler.evacuation.planner.SolverFactories.Construction;
import io.migplan.scheduler.evacuation.planner.domain.EvacuationSolution;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.optaplanner.core.api.solver.SolverManager;
import org.optaplanner.core.api.solver.SolverStatus;
import org.optaplanner.core.config.solver.SolverManagerConfig;

/**
 * Evacuation plans solved in the background on OptaPlanner's {@link SolverManager}: a job builds
 * its problem on the solver's thread (the manager's problem finder), reports new best solutions
 * to its {@link Listener} (at most every 100 ms, like {@link EvacuationPlanner#plan}), can be
 * stopped at its best solution so far ({@link #terminateEarly}), and ends in exactly one of the
 * listener's {@code finished}, {@code failed} or {@code cancelledBeforeStart}. Plans are built,
 * solved and assembled as {@link EvacuationPlanner#plan} does, with the same solver configuration.
 * It does not bound how many jobs run at once: its caller submits no more than it allows
 * ({@code PlanningLimiter}), so the managers' own queues, which are unbounded, stay empty.
 *
 * <p><b>Why a few SolverManagers and a timer.</b> A SolverManager is bound to one SolverFactory,
 * hence to one termination, and OptaPlanner 10.2 has no per-job override, while a plan's
 * termination has two parts that vary:
 * <ul>
 * <li>its patience, how long it keeps improving a solution that places everything (and how long
 * it tries when something stays unplaced), grows with the problem: {@link PlanLimits#forProblem}
 * gives one of eight values, 16 ms to 2 s in powers of two. It picks the manager: one per value,
 * created when first needed, so at most eight, each holding its factory (whose constraint
 * network is built once and reused by every plan of that size).</li>
 * <li>its time limit is the request's, any whole second from 1 to 600. It is a deadline: once the
 * problem is built, a timer (the {@code evacuation-jobs} thread) calls
 * {@link SolverManager#terminateEarly} at the limit, and a job that ends sooner cancels it; the
 * plan then ends as a solver's spent limit ends it (not counted as terminated early). The
 * factories' own spent limit is the longest a request may ask for, a backstop should the timer
 * ever be late. A manager per time limit would build up to 600 factories, and their threads,
 * for a stop a timer gives within milliseconds.</li>
 * </ul>
 * The manager is chosen when a job is submitted, before its problem is built, so the caller
 * gives the number of VMs the problem will hold (for an evacuation: the VMs on the hosts to empty,
 * in the snapshot the problem is built from). {@link #submit} returns at once: the same
 * {@code evacuation-jobs} thread hands the job to its manager, so the first plan of a size, which
 * builds that size's factory (about 0.3 s in a cold JVM), never makes its caller (an API request)
 * wait for it. Each manager runs up to {@code parallelSolverCount} jobs, so any one size can use
 * every slot the caller allows. OptaPlanner 10.2 ignores {@code SolverManagerConfig}'s thread
 * factory, so each job names its solver thread after its manager ({@code evacuation-solver-64ms})
 * when it starts.
 *
 * <p><b>Stopping.</b> {@link #terminateEarly} is a cancel: the plan is assembled from the best
 * solution so far with {@code terminatedEarly} set. It returns once the solver has stopped; asked
 * while the problem is being built, it waits for the build (the manager holds the job until
 * solving starts). A job stopped before its solver thread took it never builds its problem and
 * ends in {@code cancelledBeforeStart}.
 */
public final class EvacuationJobs implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EvacuationJobs.class);

    /** The factories' own spent limit: the longest time limit a request may ask for (EvacuationRequest). */
    static final Duration BACKSTOP = Duration.ofSeconds(600);

    /** The id of {@link #warmUp}'s empty plan; plans of the API are named {@code evac-…}. */
    static final String WARM_UP = "warm-up";

    /** What a job tells its submitter: on OptaPlanner's threads, the service thread or the canceller's. */
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
    /** One manager per patience of {@link PlanLimits#forProblem}: at most eight. */
    private final Map<Duration, SolverManager<EvacuationSolution, String>> managers = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    /** Hands jobs to their manager and stops them at their deadline: one thread. */
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
     * {@code vms} (which also picks the manager) with the time and wave limits of {@code requested}.
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

    /** On the service thread: gives the job to the manager of its size, built if it is the first. */
    private void handOver(Job job) {
        try {
            SolverManager<EvacuationSolution, String> manager = manager(job.limits);
            synchronized (job) {
                if (job.cancelled) {
                    job.end(job.listener::cancelledBeforeStart);
                    return;
                }
                job.manager = manager;
                manager.solveAndListen(job.id, job::find, job::best, job::last, job::fail);
                job.submitted = true;
            }
        } catch (RuntimeException e) {
            job.end(() -> job.listener.failed(e));
        }
    }

    /**
     * Builds the SolverManager of the smallest size and solves an empty plan through it, in the
     * background: the first plan after a start then does not pay for OptaPlanner's warm-up (its
     * job classes, a factory and a first score director: about 0.3 s in a cold JVM, which made
     * the first plan after a start that much slower, docs/benchmarks.md). Most plans use that
     * size: a few hosts, fewer than 170 VMs.
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
     * Stops job {@code id} at its best solution so far and returns once its solver has stopped
     * (the listener is then told, or about to be, on OptaPlanner's consumer thread). Nothing
     * happens for a job not known (finished, or never submitted).
     */
    public void terminateEarly(String id) {
        Job job = jobs.get(id);
        if (job == null) {
            return;
        }
        SolverManager<EvacuationSolution, String> manager;
        synchronized (job) {
            job.cancelled = true;
            if (!job.submitted) {
                return; // the hand-over sees the flag
            }
            manager = job.manager;
        }
        manager.terminateEarly(id);
        if (!job.started) {
            // Stopped while scheduled: OptaPlanner calls no consumer for such a job.
            job.end(job.listener::cancelledBeforeStart);
        }
    }

    /**
     * OptaPlanner's status of job {@code id}: SOLVING_SCHEDULED until a solver thread takes it,
     * NOT_SOLVING once it ended, or when unknown.
     */
    public SolverStatus status(String id) {
        Job job = jobs.get(id);
        if (job == null) {
            return SolverStatus.NOT_SOLVING;
        }
        SolverManager<EvacuationSolution, String> manager = job.manager;
        return manager == null ? SolverStatus.SOLVING_SCHEDULED : manager.getSolverStatus(id);
    }

    /** Managers created so far: one per patience used. */
    int managers() {
        return managers.size();
    }

    /** Stops every job (their listeners are not told) and the solver threads. */
    @Override
    public void close() {
        service.shutdownNow();
        managers.values().forEach(SolverManager::close);
        jobs.clear();
    }

    private SolverManager<EvacuationSolution, String> manager(PlanLimits limits) {
        return managers.computeIfAbsent(limits.unimprovedLimit(), unimproved -> SolverManager.create(
                SolverFactories.create(construction, BACKSTOP, unimproved, limits.giveUpLimit()),
                new SolverManagerConfig().withParallelSolverCount(Integer.toString(parallelSolverCount))));
    }

    /** One submitted plan; its methods are the manager's problem finder and consumers. */
    private final class Job {

        final String id;
        final PlanLimits limits;
        final Supplier<EvacuationProblem> source;
        final Listener listener;
        final AtomicBoolean ended = new AtomicBoolean();
        /** Set once, when handed over, under this. */
        volatile SolverManager<EvacuationSolution, String> manager;
        /** Guarded by this; cancelled also read without it, once submitted. */
        volatile boolean cancelled;
        boolean submitted;
        /** The solver thread took the job and builds its problem. */
        volatile boolean started;
        volatile long startNanos;
        volatile EvacuationModel model;
        volatile ScheduledFuture<?> deadline;
        /** Read and written on the consumer thread only. */
        long lastReport = -EvacuationPlanner.PROGRESS_INTERVAL_MILLIS;

        Job(String id, PlanLimits limits, Supplier<EvacuationProblem> source, Listener listener) {
            this.id = id;
            this.limits = limits;
            this.source = source;
            this.listener = listener;
        }

        /** The problem finder, on the solver thread. */
        EvacuationSolution find(String problemId) {
            if (manager.getSolverStatus(problemId) != SolverStatus.SOLVING_ACTIVE) {
                // OptaPlanner calls the finder of a job it cancelled before it started, for a return
                // value nobody reads: build nothing.
                return null;
            }
            started = true;
            Thread.currentThread().setName("evacuation-solver-" + limits.unimprovedLimit().toMillis() + "ms");
            EvacuationProblem problem = source.get();
            startNanos = System.nanoTime();
            EvacuationModel built = EvacuationModel.of(problem);
            model = built;
            deadline = service.schedule(this::timeUp, limits.timeLimit().toNanos(), TimeUnit.NANOSECONDS);
            return built.newSolution();
        }

        private void timeUp() {
            LOG.debugf("evacuation plan %s reached its time limit of %s", id, limits.timeLimit());
            manager.terminateEarly(id);
        }

        /** A new best solution, on the consumer thread. */
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

        /** The final best solution, on the consumer thread. */
        void last(EvacuationSolution best) {
            end(() -> {
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
            });
        }

        /** The problem finder or the solver threw. */
        void fail(String problemId, Throwable cause) {
            if (ended.get()) {
                LOG.warnf(cause, "evacuation plan %s: failure after it ended", problemId);
                return;
            }
            end(() -> listener.failed(cause));
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
            tell.run();
        }
    }
}
