package io.migplan.scheduler.retention;

import io.migplan.scheduler.audit.AuditLog;
import io.migplan.scheduler.campaign.CampaignRetention;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.evacuation.PlanService;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Prunes what has outlived {@code migplan.retention.*}, every {@code prune-every}: dry-run
 * campaigns, ended campaigns, finished evacuation plans and old audit records ({@link CampaignRetention},
 * {@link PlanService#pruneFinished}, {@link AuditLog#prune}). Each run is bounded: deletes of at most
 * {@link #ROWS_PER_STATEMENT} rows, each in its own short transaction, at most
 * {@link #STATEMENTS_PER_RUN} of them; what is left waits for the next run. Reads never prune.
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    /**
     * Rows one delete removes at most: a 1,000-host dry run's 19,000 migrations go in 20 statements of
     * a few tens of milliseconds each, so none holds its row locks long.
     */
    static final int ROWS_PER_STATEMENT = 1000;
    /** Statements one run issues at most: 200,000 rows, about ten 1,000-host dry runs, in well under a minute. */
    static final int STATEMENTS_PER_RUN = 200;

    @Inject
    CampaignRetention campaigns;
    @Inject
    PlanService plans;
    @Inject
    AuditLog audit;
    @Inject
    MigplanConfig config;
    @Inject
    Clock clock;

    @Scheduled(every = "${migplan.retention.prune-every}",
            skipExecutionIf = Scheduled.ApplicationNotRunning.class,
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            prune();
        } catch (RuntimeException e) {
            LOG.warnf(e, "pruning failed; the next run tries again");
        }
    }

    /** One bounded run; returns what it deleted. */
    public Pruned prune() {
        Instant now = clock.instant();
        MigplanConfig.Retention r = config.retention();
        int deletedCampaigns = campaigns.prune(now.minus(r.dryRuns()), now.minus(r.finishedCampaigns()),
                ROWS_PER_STATEMENT, STATEMENTS_PER_RUN / 2);
        int deletedPlans = plans.pruneFinished(now.minus(r.plans()), ROWS_PER_STATEMENT, STATEMENTS_PER_RUN / 4);
        int deletedAudit = audit.prune(now.minus(r.audit()), ROWS_PER_STATEMENT, STATEMENTS_PER_RUN / 4);
        if (deletedCampaigns + deletedPlans + deletedAudit > 0) {
            LOG.infof("pruned %d campaign(s), %d evacuation plan(s) and %d audit record(s) past their retention",
                    deletedCampaigns, deletedPlans, deletedAudit);
        }
        return new Pruned(deletedCampaigns, deletedPlans, deletedAudit);
    }

    /** What one run deleted. */
    public record Pruned(int campaigns, int plans, int auditRecords) {
    }
}
