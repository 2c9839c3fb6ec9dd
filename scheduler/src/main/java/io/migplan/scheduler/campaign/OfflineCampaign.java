package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.CampaignPlanning.Computed;
import io.migplan.scheduler.campaign.CampaignPlanning.Inputs;
import io.migplan.scheduler.campaign.CampaignStore.Settings;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.evacuation.planner.EvacuationPlanner;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A dry-run campaign planned at once, outside the service: the request checked by {@link
 * CampaignService}'s rules (fields, scope, policy defaults), planned by {@link
 * CampaignPlanning}'s computation with the same planners, and shown as {@code GET
 * /api/v1/campaigns/{id}} shows a DRY_RUN campaign's plan (batches, what cannot move, held back,
 * blocked, waiting, metrics). Nothing is stored, no agent is asked and no time limit stops it; it
 * has no history. Used by {@code plan --fleet FILE campaign} on an exported fleet. A rollback
 * ({@code rollback: true}) plans on the fleet file's verdicts alone: no agent is asked, so a backward
 * cell the file has no verdict for leaves the VM without that target.
 */
public final class OfflineCampaign {

    private OfflineCampaign() {
    }

    /**
     * Plans {@code request} (taken as a dry run) on {@code snapshot} as campaign {@code id}.
     *
     * @param selected   the hosts whose labels hold the request's selector, by id
     * @param known      the stored verdicts among the keys given (the fleet file's)
     * @param maxTimeLimit the scheduler's {@code migplan.planning.max-time-limit}, which bounds the policy's
     * @throws io.migplan.scheduler.error.InvalidRequestException naming the field at fault
     */
    public static CampaignView plan(String id, ClusterSnapshot snapshot, CampaignRequest request,
            Supplier<List<String>> selected, Function<Collection<MatrixKey>, Map<MatrixKey, StoredVerdict>> known,
            Duration maxTimeLimit, Instant now) {
        request.validate();
        String from = request.fromRelease().strip();
        String to = request.toRelease().strip();
        List<String> scope = CampaignService.scope(request, from, snapshot, selected);
        Settings settings = CampaignService.settings(request.policy(), scope, true, snapshot, maxTimeLimit);
        Inputs in = new Inputs(0, snapshot, from, to, settings, scope, Set.of(), 0, request.kind());
        EvacuationPlanner evacuations = new EvacuationPlanner();
        Computed plan = CampaignPlanning.compute(id, in, known, (problem, limits) -> evacuations.plan(problem, limits,
                p -> {
                }), now);
        var stored = plan.plan();
        List<CampaignView.HostNote> heldBack = CampaignService.notes(plan.hosts(), "HELD_BACK", "HELD_BACK");
        List<CampaignView.HostNote> blocked = CampaignService.notes(plan.hosts(), "BLOCKED", "BLOCKED");
        List<CampaignView.HostNote> waiting = CampaignService.notes(plan.hosts(), "WAITING", "HOST_NOT_UP");
        CampaignView.Progress progress = new CampaignView.Progress(plan.hosts().size(), 0, 0, 0, 0, 0);
        return new CampaignView(id, "DRY_RUN", from, to, true, plan.version(), null,
                CampaignService.batches(plan.hosts(), plan.migrations()), stored.unmovable(),
                heldBack.isEmpty() ? stored.heldBack() : heldBack, blocked.isEmpty() ? stored.blocked() : blocked,
                waiting, stored.metrics(), progress, List.of(), null, null, request.kind().name(), null);
    }
}
