package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.Transitions.MigrationState;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A campaign as {@code GET /api/v1/campaigns/{id}?view=summary} shows it: everything of the full
 * {@link CampaignView} but its migrations, which the database counts instead ({@link CampaignOverview}), per state over the campaign
 * and per batch (the list itself is paged at {@code GET …/migrations}). CANCELLED migrations are
 * left out of the counts as the full view leaves them out of its lists.
 *
 * @param migrations migrations per state (PLANNED, ISSUED, DONE, FAILED), states with none left out
 */
public record CampaignSummary(String id, String state, String fromRelease, String toRelease, boolean dryRun,
        int planVersion, String replanPending, Map<String, Integer> migrations, List<Batch> batches,
        List<CampaignView.Unmovable> unmovable, List<CampaignView.HostNote> heldBack,
        List<CampaignView.HostNote> blocked, List<CampaignView.HostNote> waiting, CampaignView.Metrics metrics,
        CampaignView.Progress progress, List<CampaignView.Event> history, CampaignView.Planning planning,
        String failure, String kind, String reason) {

    /** A batch: its hosts and state as in the full view, its migrations counted per state. */
    public record Batch(int index, List<String> hosts, boolean canary, String state, int migrationCount,
            Map<String, Integer> migrations) {
    }

    /**
     * The summary of a campaign from its {@code overview} (whose migrations the database counted)
     * and its whole {@code history}, oldest first.
     */
    static CampaignSummary of(CampaignOverview.Overview overview, List<CampaignView.Event> history) {
        Map<String, Integer> total = new TreeMap<>();
        List<Batch> batches = overview.batches().stream().map(b -> {
            Map<String, Integer> counts = counts(b);
            counts.forEach((state, n) -> total.merge(state, n, Integer::sum));
            return new Batch(b.index(), b.hosts(), b.canary(), b.state(), b.migrations(), counts);
        }).toList();
        return new CampaignSummary(overview.id(), overview.state(), overview.fromRelease(), overview.toRelease(),
                overview.dryRun(), overview.planVersion(), overview.replanPending(), total, batches,
                overview.unmovable(), overview.heldBack(), overview.blocked(), overview.waiting(), overview.metrics(),
                overview.progress(), history, overview.planning(), overview.failure(), overview.kind(),
                overview.reason());
    }

    /** A batch's migrations per state, states with none left out. */
    private static Map<String, Integer> counts(CampaignOverview.Batch b) {
        Map<String, Integer> counts = new TreeMap<>();
        put(counts, MigrationState.PLANNED, b.planned());
        put(counts, MigrationState.ISSUED, b.issued());
        put(counts, MigrationState.DONE, b.done());
        put(counts, MigrationState.FAILED, b.failed());
        return counts;
    }

    private static void put(Map<String, Integer> counts, MigrationState state, int n) {
        if (n > 0) {
            counts.put(state.name(), n);
        }
    }
}
