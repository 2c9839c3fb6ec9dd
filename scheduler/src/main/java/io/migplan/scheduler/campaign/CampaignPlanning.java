package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.planner.CampaignPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.campaign.planner.CampaignPlanner;
import io.migplan.scheduler.campaign.planner.CampaignPolicy;
import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.CampaignStore.Settings;
import io.migplan.scheduler.campaign.VerdictBook.Basis;
import io.migplan.scheduler.compatibility.Verdicts;
import io.migplan.scheduler.snapshot.Releases;
import io.migplan.scheduler.error.Reason;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.VmRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plans (and re-plans) a campaign's remaining work from the cluster snapshot and writes the
 * plan as rows: hosts with their batch, migrations with what they rely on. Runs inside the
 * caller's transaction, so a plan is stored whole or not at all.
 */
@ApplicationScoped
class CampaignPlanning {

    /** The latest plan's lists and figures, as the campaign row keeps them (batches are rows). */
    record StoredPlan(List<CampaignView.Unmovable> unmovable, List<CampaignView.HostNote> heldBack,
            List<CampaignView.HostNote> blocked, CampaignView.Metrics metrics) {
    }

    /** A plan written: how many hosts it batched and migrations it planned. */
    record Written(StoredPlan plan, int batchedHosts, int migrations) {
    }

    @Inject
    CampaignStore store;
    @Inject
    Verdicts verdicts;

    private final CampaignPlanner planner = new CampaignPlanner();

    /**
     * Plans {@code scope} (hosts still to upgrade) with {@code upgrading} hosts taken at the new
     * release, numbering batches after {@code batchOffset}, and writes hosts and migrations of
     * plan {@code version}. Hosts of the scope that are not up are written WAITING.
     */
    Written plan(String campaign, int version, ClusterSnapshot snapshot, String from, String to, Settings settings,
            Collection<String> scope, Set<String> upgrading, int batchOffset, Instant now) {
        CampaignProblemBuilder builder = new CampaignProblemBuilder(
                keys -> verdicts.stored(snapshot, keys), settings.allowBackward(),
                CampaignRunner.adminReasonPrefix(campaign));
        CampaignProblemBuilder.Built built = builder.build(campaign + "-v" + version, snapshot, from, to, scope,
                upgrading, now);
        CampaignPolicy policy = new CampaignPolicy(settings.maxHostsInMaintenance(), settings.maxPerFailureDomain(),
                settings.maxOutboundPerHost(), settings.maxInboundPerHost(), settings.maxParallel(),
                settings.headroomPercent());
        CampaignPlan plan = planner.plan(built.problem(), policy);

        Map<String, Integer> batchOf = new HashMap<>();
        int seq = 0;
        int migrations = 0;
        for (CampaignPlan.Batch b : plan.batches()) {
            int index = batchOffset + b.index();
            for (String h : b.hosts()) {
                store.upsertHost(campaign, new HostRow(h, index, b.canary(), "PENDING", ""));
                batchOf.put(h, index);
            }
        }
        for (CampaignPlan.Batch b : plan.batches()) {
            int index = batchOffset + b.index();
            for (EvacuationPlan.Migration m : b.migrations()) {
                Basis basis = basis(built, snapshot, m, index, batchOf, upgrading, to);
                store.insertMigration(campaign, new MigrationRow(campaign + "-" + version + "-" + (++seq), version,
                        index, m.wave(), m.vm(), m.vmUuid(), m.from(), m.to(), m.devices(), m.types(), "PLANNED",
                        basis == null ? "NOT_NEEDED" : basis.name(), List.of(), "", false, null, ""));
                migrations++;
            }
        }
        for (CampaignPlan.HostHold h : plan.heldBack()) {
            store.upsertHost(campaign, new HostRow(h.host(), null, false, "HELD_BACK", sentence(h.reasons())));
        }
        for (CampaignPlan.HostHold h : plan.blocked()) {
            store.upsertHost(campaign, new HostRow(h.host(), null, false, "BLOCKED", sentence(h.reasons())));
        }
        for (String h : built.absent()) {
            String state = snapshot.host(h).map(e -> e.view().state().name()).orElse("unknown to the scheduler");
            store.upsertHost(campaign, new HostRow(h, null, false, "WAITING", "host " + h + " is " + state
                    + "; it is planned once it is up again"));
        }
        return new Written(stored(plan, uuid -> {
            VmRecord record = built.vms().get(uuid);
            return record == null ? null : CampaignProblemBuilder.explain(record, snapshot, built.verdicts(), to);
        }), batchOf.size(), migrations);
    }

    /**
     * The weakest ground among the VM's devices for its target: the target at the release it
     * runs when the migration's batch starts.
     */
    private static Basis basis(CampaignProblemBuilder.Built built, ClusterSnapshot snapshot, EvacuationPlan.Migration m,
            int batch, Map<String, Integer> batchOf, Set<String> upgrading, String to) {
        VmRecord vm = built.vms().get(m.vmUuid());
        if (vm == null || vm.devices().isEmpty()) {
            return null;
        }
        HostEntry target = snapshot.host(m.to()).orElseThrow();
        HostEntry source = snapshot.host(vm.host()).orElseThrow();
        boolean upgradedBefore = upgrading.contains(m.to()) || batchOf.getOrDefault(m.to(), Integer.MAX_VALUE) < batch;
        String release = upgradedBefore ? to : target.view().release();
        boolean runsItNow = !upgrading.contains(m.to()) && Releases.compare(target.view().release(), release) == 0;
        Basis weakest = Basis.PROBED;
        for (var d : vm.devices()) {
            String sourceBoard = CampaignProblemBuilder.boardOf(source, d.sourceParent());
            Basis b = built.verdicts().judge(d.typeId(), d.sourceSignature(), sourceBoard, source.view().release(),
                    m.to(), CampaignProblemBuilder.board(target.view()), release, runsItNow).basis();
            if (b.compareTo(weakest) > 0) {
                weakest = b;
            }
        }
        return weakest;
    }

    /**
     * The plan's lists and figures; each unmovable VM gets the verdict that rules it out, when one
     * does ({@code explain} is given the VM's UUID).
     */
    private static StoredPlan stored(CampaignPlan plan,
            java.util.function.Function<String, Reason> explain) {
        var m = plan.metrics();
        List<CampaignView.Unmovable> unmovable = new ArrayList<>();
        for (CampaignPlan.Unmovable u : plan.unmovable()) {
            List<Reason> why = new ArrayList<>(u.reasons());
            Reason verdict = explain.apply(u.vmUuid());
            if (verdict != null) {
                why.add(verdict);
            }
            unmovable.add(new CampaignView.Unmovable(u.vm(), u.vmUuid(), u.host(), why));
        }
        return new StoredPlan(unmovable,
                plan.heldBack().stream().map(h -> new CampaignView.HostNote(h.host(), h.reasons())).toList(),
                plan.blocked().stream().map(h -> new CampaignView.HostNote(h.host(), h.reasons())).toList(),
                new CampaignView.Metrics(m.vms(), m.migrations(), m.migrationsPerVm(), m.movedTwice(), m.batches(),
                        m.waves(), m.lowerBound(), m.blocked(), m.planMillis(), new CampaignView.Naive(
                                m.naive().migrations(), m.naive().migrationsPerVm(), m.naive().movedTwice(),
                                m.naive().blocked())));
    }

    private static String sentence(List<Reason> reasons) {
        return String.join("; ", reasons.stream().map(r -> r.code() + ": " + r.message()).toList());
    }
}
