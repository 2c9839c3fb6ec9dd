package io.migplan.scheduler.evacuation.planner;

import static io.migplan.scheduler.evacuation.planner.Problems.host;
import static io.migplan.scheduler.evacuation.planner.Problems.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.migplan.scheduler.bench.Fleet;
import io.migplan.scheduler.bench.FleetGenerator;
import io.migplan.scheduler.bench.PlanChecker;
import io.migplan.scheduler.evacuation.planner.SolverFactories.Construction;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.optaplanner.core.api.solver.SolverStatus;

/** Evacuation plans as background jobs on their solvers' pools: progress, cancel, deadline, failure. */
class EvacuationJobsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(20);

    /** Limits with a time limit long enough that only the test stops the solver. */
    private static final PlanLimits FIVE_MINUTES = Problems.limits().withTimeLimit(Duration.ofMinutes(5));

    private final List<EvacuationJobs> opened = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(EvacuationJobs::close);
    }

    private EvacuationJobs jobs(int solvers) {
        EvacuationJobs jobs = new EvacuationJobs(solvers);
        opened.add(jobs);
        return jobs;
    }

    /** Jobs whose solver never stops on its own before five minutes: without improvement it goes on. */
    private EvacuationJobs patientJobs(int solvers) {
        EvacuationJobs jobs = new EvacuationJobs(solvers, Construction.LEDGER_FIRST_FIT_DECREASING,
                vms -> PlanLimits.defaults().withUnimprovedLimits(Duration.ofMinutes(5), Duration.ofMinutes(5)));
        opened.add(jobs);
        return jobs;
    }

    /** What a job told its listener. */
    static class Recorder implements EvacuationJobs.Listener {
        final List<PlanProgress> progress = new CopyOnWriteArrayList<>();
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        final AtomicInteger endings = new AtomicInteger();
        volatile EvacuationPlan plan;
        volatile Throwable cause;

        @Override
        public void progress(PlanProgress p) {
            progress.add(p);
        }

        @Override
        public void finished(EvacuationPlan p) {
            plan = p;
            end("finished");
        }

        @Override
        public void failed(Throwable c) {
            cause = c;
            end("failed");
        }

        @Override
        public void cancelledBeforeStart() {
            end("cancelledBeforeStart");
        }

        private void end(String how) {
            endings.incrementAndGet();
            outcome.complete(how);
        }

        String awaitOutcome() throws Exception {
            return outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** A problem source that waits for the test before it gives the problem. */
    static final class Gate implements Supplier<EvacuationProblem> {
        final CountDownLatch open = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();
        final EvacuationProblem problem;

        Gate(EvacuationProblem problem) {
            this.problem = problem;
        }

        @Override
        public EvacuationProblem get() {
            calls.incrementAndGet();
            try {
                if (!open.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return problem;
        }
    }

    private static EvacuationProblem fleetProblem(String id, int hosts, int evacuated, long seed) {
        Fleet fleet = FleetGenerator.generate(hosts, seed);
        return fleet.evacuation(id, FleetGenerator.pickEvacuation(fleet, evacuated, seed));
    }

    @Test
    void aJobPlansEveryVmOrSaysWhyNotAndReportsProgress() throws Exception {
        EvacuationProblem problem = fleetProblem("p-job", 40, 4, 7);
        Recorder r = new Recorder();

        jobs(2).submit("p-job", problem.vms().size(), Problems.limits(), () -> problem, r);

        assertThat(r.awaitOutcome()).isEqualTo("finished");
        assertThat(PlanChecker.violations(problem, r.plan)).isEmpty();
        assertThat(r.plan.migrations().size() + r.plan.unplaced().size()).isEqualTo(problem.vms().size());
        assertThat(r.plan.metrics().terminatedEarly()).isFalse();
        assertThat(r.progress).isNotEmpty().allSatisfy(p -> {
            assertThat(p.problemId()).isEqualTo("p-job");
            assertThat(p.total()).isEqualTo(problem.vms().size());
        });
    }

    @Test
    void aCancelFromAnotherThreadStopsAtTheBestSolutionSoFarWithACompletePlan() throws Exception {
        EvacuationProblem problem = fleetProblem("p-cancel", 200, 20, 5);
        EvacuationJobs jobs = patientJobs(2);
        Recorder r = new Recorder();
        jobs.submit("p-cancel", problem.vms().size(), FIVE_MINUTES, () -> problem, r);
        // A best solution reported: the solver runs.
        await("the plan reports progress").atMost(WAIT).pollInterval(POLL).until(() -> !r.progress.isEmpty());
        assertThat(jobs.status("p-cancel")).isEqualTo(SolverStatus.SOLVING_ACTIVE);

        jobs.terminateEarly("p-cancel");

        assertThat(r.awaitOutcome()).isEqualTo("finished");
        assertThat(r.plan.metrics().terminatedEarly()).isTrue();
        assertThat(PlanChecker.violations(problem, r.plan)).isEmpty();
        assertThat(r.plan.migrations().size() + r.plan.unplaced().size()).isEqualTo(problem.vms().size());
        assertThat(jobs.status("p-cancel")).isEqualTo(SolverStatus.NOT_SOLVING);
    }

    @Test
    void theRequestsTimeLimitStopsTheSolverAsASpentLimitWouldNotAsACancel() throws Exception {
        EvacuationProblem problem = fleetProblem("p-deadline", 40, 4, 7);
        Recorder r = new Recorder();

        patientJobs(1).submit("p-deadline", problem.vms().size(), FIVE_MINUTES.withTimeLimit(Duration.ofSeconds(1)),
                () -> problem, r);

        assertThat(r.awaitOutcome()).isEqualTo("finished");
        assertThat(r.plan.metrics().terminatedEarly()).isFalse();
        assertThat(r.plan.metrics().solveMillis()).isBetween(1_000L, 30_000L);
        assertThat(PlanChecker.violations(problem, r.plan)).isEmpty();
    }

    @Test
    void aCancelWhileTheProblemIsBuiltWaitsForTheBuildThenStopsTheSolverAtOnce() throws Exception {
        EvacuationProblem problem = fleetProblem("p-build", 40, 4, 7);
        EvacuationJobs jobs = patientJobs(1);
        Gate gate = new Gate(problem);
        Recorder r = new Recorder();
        jobs.submit("p-build", problem.vms().size(), FIVE_MINUTES, gate, r);
        await("the problem is being built").atMost(WAIT).pollInterval(POLL).until(() -> gate.calls.get() == 1);

        Thread canceller = new Thread(() -> jobs.terminateEarly("p-build"), "canceller");
        canceller.start();
        await("the cancel waits for the build").atMost(WAIT).pollInterval(POLL)
                .until(() -> canceller.getState() == Thread.State.WAITING);
        assertThat(r.outcome).isNotDone();
        gate.open.countDown();
        canceller.join(WAIT.toMillis());

        assertThat(canceller.isAlive()).isFalse();
        assertThat(r.awaitOutcome()).isEqualTo("finished");
        assertThat(r.plan.metrics().terminatedEarly()).isTrue();
        // Stopped as soon as solving started: the assembly completes what the solver had.
        assertThat(PlanChecker.violations(problem, r.plan)).isEmpty();
        assertThat(r.plan.migrations().size() + r.plan.unplaced().size()).isEqualTo(problem.vms().size());
    }

    @Test
    void aJobStoppedBeforeItsSolverTookItIsToldSoAndBuildsNothing() throws Exception {
        EvacuationProblem first = fleetProblem("p-first", 40, 4, 7);
        EvacuationJobs jobs = patientJobs(1);
        Gate busy = new Gate(first);
        Recorder firstOutcome = new Recorder();
        jobs.submit("p-first", first.vms().size(), FIVE_MINUTES.withTimeLimit(Duration.ofSeconds(1)), busy,
                firstOutcome);
        await("the only solver is busy").atMost(WAIT).pollInterval(POLL).until(() -> busy.calls.get() == 1);
        Gate second = new Gate(first);
        Recorder r = new Recorder();
        jobs.submit("p-second", first.vms().size(), FIVE_MINUTES, second, r);
        assertThat(jobs.status("p-second")).isEqualTo(SolverStatus.SOLVING_SCHEDULED);

        jobs.terminateEarly("p-second");

        assertThat(r.awaitOutcome()).isEqualTo("cancelledBeforeStart");
        assertThat(jobs.status("p-second")).isEqualTo(SolverStatus.NOT_SOLVING);
        busy.open.countDown();
        second.open.countDown();
        assertThat(firstOutcome.awaitOutcome()).isEqualTo("finished");
        assertThat(second.calls).hasValue(0);
        assertThat(r.endings).hasValue(1);
    }

    @Test
    void aProblemThatCannotBeBuiltEndsInFailedWithItsCauseAndItsIdIsFreeAgain() throws Exception {
        EvacuationJobs jobs = jobs(1);
        Recorder r = new Recorder();
        IllegalStateException broken = new IllegalStateException("the matrix cannot be read");

        jobs.submit("p-broken", 3, Problems.limits(), () -> {
            throw broken;
        }, r);

        assertThat(r.awaitOutcome()).isEqualTo("failed");
        assertThat(r.cause).isSameAs(broken);
        assertThat(r.endings).hasValue(1);
        Recorder again = new Recorder();
        EvacuationProblem empty = problem(List.of(host("h1", 64, 0)), List.of());
        // The id is free again once the failure is reported.
        org.awaitility.Awaitility.await("the id is free again").atMost(java.time.Duration.ofSeconds(10))
                .ignoreExceptionsMatching(e -> e instanceof IllegalStateException)
                .until(() -> {
                    jobs.submit("p-broken", 0, Problems.limits(), () -> empty, again);
                    return true;
                });
        assertThat(again.awaitOutcome()).isEqualTo("finished");
    }

    /**
     * Small plans one after the other, as the start-up warm-up and a busy API run them: every one
     * ends. On OptaPlanner's SolverManager one in a few hundred never did (its solver thread waited
     * forever to hand over the final solution) and every plan behind it waited too.
     */
    @Test
    void hundredsOfSmallPlansOneAfterTheOtherAllEnd() throws Exception {
        EvacuationProblem problem = fleetProblem("p-series", 12, 2, 3);
        EvacuationJobs jobs = jobs(2);
        for (int i = 0; i < 400; i++) {
            Recorder r = new Recorder();
            jobs.submit("p-series-" + i, problem.vms().size(), Problems.limits(), () -> problem, r);
            assertThat(r.outcome.get(20, TimeUnit.SECONDS)).as("plan %d", i).isEqualTo("finished");
        }
    }

    @Test
    void anEvacuationWithNothingToMoveFinishesWithAnEmptyPlan() throws Exception {
        EvacuationProblem empty = problem(List.of(host("h1", 64, 0)), List.of());
        Recorder r = new Recorder();

        jobs(1).submit("p-empty", 0, Problems.limits(), () -> empty, r);

        assertThat(r.awaitOutcome()).isEqualTo("finished");
        assertThat(r.plan.migrations()).isEmpty();
        assertThat(r.plan.unplaced()).isEmpty();
    }

    @Test
    void aProgressListenerThatThrowsDoesNotFailThePlan() throws Exception {
        EvacuationProblem problem = fleetProblem("p-noisy", 40, 4, 7);
        Recorder r = new Recorder() {
            @Override
            public void progress(PlanProgress p) {
                throw new IllegalStateException("progress cannot be shown");
            }
        };

        jobs(1).submit("p-noisy", problem.vms().size(), Problems.limits(), () -> problem, r);

        assertThat(r.awaitOutcome()).isEqualTo("finished");
        assertThat(r.plan.migrations().size() + r.plan.unplaced().size()).isEqualTo(problem.vms().size());
    }

    @Test
    void problemSizesUseAtMostEightSolverPoolsOneEachForThoseSeen() throws Exception {
        // The patience of PlanLimits.forProblem picks the pool: eight values over every size.
        Set<Duration> patiences = IntStream.concat(IntStream.rangeClosed(0, 30_000), IntStream.of(1_000_000,
                        Integer.MAX_VALUE))
                .mapToObj(n -> PlanLimits.forProblem(n).unimprovedLimit())
                .collect(java.util.stream.Collectors.toSet());
        assertThat(patiences).hasSize(8);

        EvacuationJobs jobs = jobs(1);
        EvacuationProblem empty = problem(List.of(host("h1", 64, 0)), List.of());
        for (int vms : new int[] {1, 2, 100_000, 3}) {
            Recorder r = new Recorder();
            jobs.submit("p-" + vms, vms, Problems.limits(), () -> empty, r);
            assertThat(r.awaitOutcome()).isEqualTo("finished");
        }
        assertThat(jobs.pools()).isEqualTo(2);
    }

    @Test
    void aWarmUpBuildsTheSmallestSizesSolverAndLeavesNoJob() {
        EvacuationJobs jobs = jobs(1);

        jobs.warmUp();

        await("the warm-up ends").atMost(WAIT).pollInterval(POLL)
                .until(() -> jobs.status(EvacuationJobs.WARM_UP) == SolverStatus.NOT_SOLVING && jobs.pools() == 1);
    }
}
