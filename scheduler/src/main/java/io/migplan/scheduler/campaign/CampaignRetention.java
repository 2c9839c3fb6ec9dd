package io.migplan.scheduler.campaign;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;

/**
 * Deletes campaigns nobody needs any more: dry runs created before a cutoff, and campaigns that
 * ended (COMPLETED, ABORTED, FAILED) before another, with their hosts, migrations and history.
 * A campaign still PLANNING, RUNNING or PAUSED is never deleted. A 1,000-host dry run holds about
 * 19,000 migration rows, so they go in slices, each in a transaction of its own, before the
 * campaign's row: no statement holds its locks for long. It decides only what is old enough;
 * how often it runs and the cutoffs are {@code RetentionJob}'s.
 */
@ApplicationScoped
public class CampaignRetention {

    /** The states of a campaign that has ended: nothing of it runs or will run. */
    static final List<String> ENDED = List.of("COMPLETED", "ABORTED", "FAILED");
    /** Campaigns looked up at once. */
    private static final int IDS_PER_QUERY = 50;

    @Inject
    CampaignStore store;

    /**
     * Deletes dry runs created before {@code dryRunsBefore} and ended campaigns last changed
     * before {@code endedBefore}, in statements of at most {@code rowsPerStatement} migrations,
     * stopping after about {@code statements} statements (the rest waits for the next call).
     * Returns the campaigns deleted.
     */
    public int prune(Instant dryRunsBefore, Instant endedBefore, int rowsPerStatement, int statements) {
        int[] budget = {statements};
        int deleted = prune(List.of("DRY_RUN"), dryRunsBefore, true, rowsPerStatement, budget);
        return deleted + prune(ENDED, endedBefore, false, rowsPerStatement, budget);
    }

    private int prune(List<String> states, Instant before, boolean byCreation, int rows, int[] budget) {
        int deleted = 0;
        while (budget[0] > 0) {
            List<String> ids = QuarkusTransaction.requiringNew().call(() -> store.idsOlderThan(states, before,
                    byCreation, IDS_PER_QUERY));
            budget[0]--;
            for (String id : ids) {
                while (budget[0] > 0 && QuarkusTransaction.requiringNew().call(() -> store.deleteMigrations(id, rows))
                        == rows) {
                    budget[0]--;
                }
                if (budget[0] <= 0) {
                    return deleted;
                }
                budget[0]--;
                deleted += QuarkusTransaction.requiringNew().call(() -> store.deleteCampaign(id, states)) ? 1 : 0;
            }
            if (ids.size() < IDS_PER_QUERY) {
                break;
            }
        }
        return deleted;
    }
}
