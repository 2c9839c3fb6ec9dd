package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.CampaignPlanning.AfterWrite;
import io.migplan.scheduler.campaign.CampaignPlanning.Inputs;
import io.migplan.scheduler.campaign.CampaignPlanning.StalePlanException;
import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.campaign.CampaignStore.Settings;
import io.migplan.scheduler.campaign.PlanWatch.PlanStoppedException;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.migplan.scheduler.work.BoundedExecutor;
import io.migplan.scheduler.work.PlanningBusyException;
import io.migplan.scheduler.metrics.SchedulerMetrics;
import io.migplan.scheduler.work.PlanningLimiter;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Campaigns' first plans, solved in the background. A campaign takes a place from the
 * {@link PlanningLimiter} that evacuation plans use too ({@link #admit}: refused with 429 /
 * RESOURCE_EXHAUSTED, before anything is stored, when every solver and queue place is taken), is
 * stored PLANNING, and is handed over ({@link #start}); when a solver is free its plan is computed
 * on a {@code campaign-planning} thread with no transaction open, and written in one short
 * transaction ({@link CampaignPlanning#planAndWrite}) that makes it DRY_RUN or RUNNING. A plan
 * that cannot be made (its time limit spent, overtaken by other writers every time, or a fault)
 * leaves the campaign FAILED, with the reason in its row and history. It keeps each plan's
 * progress in memory for {@link #progress}. Re-plans of running campaigns, which
 * {@link CampaignRunner} asks for, are solved the same way ({@link #replan}).
 */
@ApplicationScoped
class CampaignPlanJobs {

    private static final Logger LOG = Logger.getLogger(CampaignPlanJobs.class);

    @Inject
    CampaignPlanning planning;
    @Inject
    CampaignStore store;
    @Inject
    ClusterSnapshotHolder snapshots;
    @Inject
    PlanningLimiter limiter;
    @Inject
    SchedulerMetrics metrics;
    @Inject
    MigplanConfig config;
    @Inject
    Clock clock;

    /**
     * Solves the plans the limiter lets run: as many threads as it lets run at once, and room in
     * the queue for every plan it may admit, so an admitted plan is never refused here.
     */
    private BoundedExecutor executor;
    /** The monotonic clock first plans' time limits are measured on. */
    private volatile LongSupplier nanoTime = System::nanoTime;

    /** For tests: first plans from now on measure their time limit on {@code clock}. */
    void measureTimeLimitsOn(LongSupplier clock) {
        nanoTime = clock;
    }

    /** Plans of this process from admission until written or failed. */
    private final Map<String, Job> active = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        int solving = config.planning().maxConcurrent();
        executor = new BoundedExecutor("campaign-planning", solving, solving + Math.max(1, config.planning()
                .maxQueued()));
    }

    /** Campaigns left PLANNING by a scheduler that stopped are FAILED: nothing plans them any more. */
    void onStart(@Observes StartupEvent event) {
        Instant now = clock.instant();
        List<String> orphaned = QuarkusTransaction.requiringNew().call(() -> {
            List<String> ids = store.idsIn(List.of("PLANNING"));
            ids.forEach(id -> fail(id, "the scheduler stopped while this campaign was being planned; create it"
                    + " again", now));
            return ids;
        });
        if (!orphaned.isEmpty()) {
            LOG.warnf("%d campaign(s) were being planned when the scheduler stopped; marked FAILED: %s",
                    orphaned.size(), orphaned);
        }
    }

    /**
     * A place for one more plan; give it back with {@code release} if the campaign is not stored.
     *
     * @throws PlanningBusyException when as many plans are solving and waiting as allowed
     */
    PlanningLimiter.Ticket admit() {
        return limiter.admit();
    }

    /**
     * Plans campaign {@code id}, stored PLANNING at plan version 0, over {@code scope} (fixed at
     * creation; the snapshot is taken when solving starts, and again if another writer wins),
     * as soon as {@code ticket} gets a solver; {@code after} runs in the write's transaction.
     */
    void start(String id, PlanningLimiter.Ticket ticket, String from, String to, Settings settings,
            List<String> scope, AfterWrite after) {
        run(new Job(id, ticket, new PlanWatch(Duration.ofSeconds(settings.timeLimitSeconds()), nanoTime),
                () -> inputs(id, from, to, settings, scope), after, why -> fail(id, why)),
                "the scheduler could not start planning it (it is stopping); create it again");
    }

    /**
     * Plans the rest of running campaign {@code id} again, from what {@code inputs} reads when
     * solving starts, as soon as {@code ticket} gets a solver; {@code after} runs in the write's
     * transaction; a plan that cannot be made or written is reported to {@code failed} (the
     * campaign stays as it is, and asks again later).
     */
    void replan(String id, PlanningLimiter.Ticket ticket, PlanWatch watch, CampaignPlanning.InputSource inputs,
            AfterWrite after, Consumer<String> failed) {
        run(new Job(id, ticket, watch, inputs, after, failed), "the scheduler is stopping");
    }

    /** Whether a plan of campaign {@code id} is waiting or solving in this process. */
    boolean planning(String id) {
        return active.containsKey(id);
    }

    private void run(Job job, String stopping) {
        active.put(job.id, job);
        job.ticket.start(() -> {
            if (!executor.offer(job::run)) {
                job.end(() -> job.failed.accept(stopping));
            }
        });
    }

    /**
     * What campaign {@code id}'s first plan starts from now: its plan version (a short read) and
     * the current snapshot.
     *
     * @throws PlanStoppedException when the campaign is no longer PLANNING
     */
    private Inputs inputs(String id, String from, String to, Settings settings, List<String> scope) {
        CampaignRow c = QuarkusTransaction.requiringNew().call(() -> store.require(id, false));
        requirePlanning(c);
        return new Inputs(c.planVersion(), snapshots.current(), from, to, settings, scope, Set.of(), 0, c.kind());
    }

    /**
     * Checks that campaign {@code c} still waits for its first plan.
     *
     * @throws PlanStoppedException when it does not (it was planned or failed elsewhere)
     */
    static void requirePlanning(CampaignRow c) {
        if (!c.state().equals("PLANNING")) {
            throw new PlanStoppedException("campaign " + c.id() + " is " + c.state() + ", no longer PLANNING;"
                    + " its plan is dropped");
        }
    }

    /** How far campaign {@code c}'s plan is, live when this process solves it. */
    CampaignView.Planning progress(CampaignRow c) {
        Job job = active.get(c.id());
        long elapsed = Duration.between(c.createdAt(), clock.instant()).toMillis();
        Integer limit = c.settings().timeLimitSeconds();
        if (job == null) {
            return new CampaignView.Planning(Math.max(0, elapsed), false, 0, "", "", limit == null ? 0 : limit);
        }
        return new CampaignView.Planning(Math.max(0, elapsed), job.ticket.isWaiting(), job.watch.evacuations(),
                job.watch.phase(), job.watch.bestScore(), limit == null ? 0 : limit);
    }

    /** Fails a PLANNING campaign with {@code reason}, in its own transaction. */
    private void fail(String id, String reason) {
        Instant now = clock.instant();
        QuarkusTransaction.requiringNew().run(() -> fail(id, reason, now));
    }

    /** Fails a PLANNING campaign with {@code reason}, in the caller's transaction; a campaign past PLANNING stays. */
    private void fail(String id, String reason, Instant now) {
        if (store.failPlanning(id, reason, now)) {
            store.event(id, "PLANNING_FAILED", reason, now);
        }
    }

    /** One campaign's plan from admission until written or failed. */
    private final class Job {

        final String id;
        final PlanningLimiter.Ticket ticket;
        final PlanWatch watch;
        final CampaignPlanning.InputSource inputs;
        final AfterWrite after;
        final Consumer<String> failed;

        Job(String id, PlanningLimiter.Ticket ticket, PlanWatch watch, CampaignPlanning.InputSource inputs,
                AfterWrite after, Consumer<String> failed) {
            this.id = id;
            this.ticket = ticket;
            this.watch = watch;
            this.inputs = inputs;
            this.after = after;
            this.failed = failed;
        }

        /** On a {@code campaign-planning} thread: computes and writes the plan, or says why it could not. */
        void run() {
            end(() -> {
                long start = System.nanoTime();
                String outcome = "FAILED";
                try {
                    planning.planAndWrite(id, inputs, watch, after);
                    outcome = "WRITTEN";
                } catch (PlanStoppedException | StalePlanException e) {
                    outcome = "STOPPED";
                    LOG.warnf("campaign %s: %s", id, e.getMessage());
                    failed.accept(e.getMessage());
                } catch (RuntimeException e) {
                    String incident = UUID.randomUUID().toString();
                    LOG.errorf(e, "campaign %s: planning failed, incident %s", id, incident);
                    failed.accept("planning failed; the scheduler's log has the details under incident " + incident);
                } finally {
                    metrics.planSolved("campaign", outcome, System.nanoTime() - start);
                }
            });
        }

        /** Runs {@code last}, then forgets the plan and frees its solver for the next one. */
        void end(Runnable last) {
            try {
                last.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "campaign %s: the outcome of its planning could not be stored", id);
            } finally {
                active.remove(id, this);
                ticket.release();
            }
        }
    }

    @PreDestroy
    void stop() {
        executor.close();
    }
}
