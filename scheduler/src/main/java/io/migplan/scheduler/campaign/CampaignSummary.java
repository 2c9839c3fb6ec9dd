package io.migplan.scheduler.campaign;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A campaign as {@code GET /api/v1/campaigns/{id}?view=summary} shows it: everything of the full
 * {@link CampaignView} but its migrations, which are counted instead, per state over the campaign
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

    /** The summary of {@code full}. */
    public static CampaignSummary of(CampaignView full) {
        Map<String, Integer> total = new TreeMap<>();
        List<Batch> batches = full.batches().stream().map(b -> {
            Map<String, Integer> counts = counts(b.migrations());
            counts.forEach((state, n) -> total.merge(state, n, Integer::sum));
            return new Batch(b.index(), b.hosts(), b.canary(), b.state(), b.migrations().size(), counts);
        }).toList();
        return new CampaignSummary(full.id(), full.state(), full.fromRelease(), full.toRelease(), full.dryRun(),
                full.planVersion(), full.replanPending(), total, batches, full.unmovable(), full.heldBack(),
                full.blocked(), full.waiting(), full.metrics(), full.progress(), full.history(), full.planning(),
                full.failure(), full.kind(), full.reason());
    }

    private static Map<String, Integer> counts(List<CampaignView.Migration> migrations) {
        Map<String, Integer> counts = new TreeMap<>();
        migrations.forEach(m -> counts.merge(m.state(), 1, Integer::sum));
        return counts;
    }
}
