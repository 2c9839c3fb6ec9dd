package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.testsupport.Views.NOW;
import static io.migplan.scheduler.testsupport.Views.SIG;
import static io.migplan.scheduler.testsupport.Views.parent;
import static io.migplan.scheduler.testsupport.Views.type;
import static io.migplan.scheduler.testsupport.Views.withParents;
import static io.migplan.scheduler.testsupport.Views.withRelease;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.campaign.CampaignPlanning.Computed;
import io.migplan.scheduler.campaign.CampaignPlanning.Inputs;
import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.CampaignStore.Settings;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.evacuation.planner.GreedyEvacuationPlanner;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.VmRecord;
import io.migplan.scheduler.testsupport.Views;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A rollback's plan computed from a hand-built fleet and stored verdicts (the path the offline plan
 * takes too): VMs go only to an old-release host whose agent answered COMPATIBLE for their type and
 * signature; a host with a VM refused back is BLOCKED with INCOMPATIBLE, one with a VM whose cell
 * nobody answered with UNKNOWN, per VM; hosts the campaign will roll back are no targets before
 * their agents answer at the old release.
 */
class RollbackPlanningTest {

    static final String NEW = "2025.2";
    static final String OLD = "2025.1";
    static final String GPU = "0000:3b:00.0";
    static final String GPU2 = "0000:af:00.0";

    static HostView host(String id, String release, int free) {
        return withParents(withRelease(Views.host(id), release), parent(GPU, type("nvidia-231", free),
                type("nvidia-232", free), type("nvidia-230", free)), parent(GPU2, type("nvidia-231", free)));
    }

    static VmRecord vm(String name, String host, String type) {
        return new VmRecord(name, "uuid-" + name, host, NEW, 4, 8192, List.of(new DeviceRequest("mdev-" + name, type,
                GPU, SIG, PlacementRequest.SourceFacts.NONE)), null, "");
    }

    /** new-1 runs a and b (nvidia-231), new-2 runs c (nvidia-232), new-3 runs d (nvidia-230); old-1 is empty. */
    static ClusterSnapshot fleet() {
        return ClusterSnapshot.of(List.of(
                new HostEntry(host("new-1", NEW, 2), List.of(vm("a", "new-1", "nvidia-231"),
                        vm("b", "new-1", "nvidia-231")), NOW),
                new HostEntry(host("new-2", NEW, 3), List.of(vm("c", "new-2", "nvidia-232")), NOW),
                new HostEntry(host("new-3", NEW, 3), List.of(vm("d", "new-3", "nvidia-230")), NOW),
                new HostEntry(host("old-1", OLD, 4), List.of(), NOW)));
    }

    static StoredVerdict verdict(Verdict v) {
        return new StoredVerdict(v, v == Verdict.VERDICT_COMPATIBLE ? "" : "SIGNATURE_MISMATCH",
                v == Verdict.VERDICT_COMPATIBLE ? "" : "signature differs", "same-signature", 1, NOW);
    }

    /**
     * old-1 accepts nvidia-231 on its first GPU (its second was never asked) and refuses nvidia-232;
     * nobody answered for nvidia-230. new-1's own agent (at the new release) accepts nvidia-231: that
     * is a forward answer, and counts for nothing in a rollback.
     */
    static final Map<MatrixKey, StoredVerdict> STORED = Map.of(
            new MatrixKey("old-1", GPU, "nvidia-231", SIG), verdict(Verdict.VERDICT_COMPATIBLE),
            new MatrixKey("old-1", GPU, "nvidia-232", SIG), verdict(Verdict.VERDICT_INCOMPATIBLE),
            new MatrixKey("new-2", GPU, "nvidia-231", SIG), verdict(Verdict.VERDICT_COMPATIBLE),
            new MatrixKey("new-2", GPU2, "nvidia-231", SIG), verdict(Verdict.VERDICT_COMPATIBLE));

    static Computed plan() {
        List<String> scope = List.of("new-1", "new-2", "new-3");
        Settings settings = new Settings(scope, 3, 3, 2, 2, 8, 0, false, true, 4, 600, 600);
        Inputs in = new Inputs(0, fleet(), NEW, OLD, settings, scope, Set.of(), 0, CampaignKind.ROLLBACK);
        return CampaignPlanning.compute("camp-back", in, RollbackCountTest.stored(STORED),
                new GreedyEvacuationPlanner()::plan, NOW);
    }

    @Test
    void vmsGoOnlyWhereAnOldHostsAgentAnsweredCompatibleEachOnItsOwnAnswer() {
        Computed plan = plan();
        assertThat(plan.migrations()).extracting(m -> m.vm() + "->" + m.to()).containsExactlyInAnyOrder(
                "a->old-1", "b->old-1");
        assertThat(plan.migrations()).extracting(MigrationRow::basis).containsOnly("PROBED");
        assertThat(plan.hosts()).filteredOn(h -> h.host().equals("new-1")).extracting(HostRow::state)
                .containsExactly("PENDING");
    }

    @Test
    void aHostWithAVmRefusedBackOrNeverAnsweredIsBlockedWithAReasonPerVm() {
        Computed plan = plan();
        Map<String, HostRow> hosts = new java.util.HashMap<>();
        plan.hosts().forEach(h -> hosts.put(h.host(), h));
        assertThat(hosts.get("new-2").state()).isEqualTo("BLOCKED");
        assertThat(hosts.get("new-2").note()).startsWith("INCOMPATIBLE: VM c: PROBE_INCOMPATIBLE: host old-1")
                .contains("refuses nvidia-232");
        assertThat(hosts.get("new-3").state()).isEqualTo("BLOCKED");
        assertThat(hosts.get("new-3").note()).startsWith("UNKNOWN: VM d: BACKWARD_UNKNOWN:")
                .contains("no agent at release " + OLD + " has answered");
        assertThat(plan.plan().heldBack()).as("a rollback holds nothing back: it blocks, saying why").isEmpty();
        assertThat(plan.plan().blocked()).extracting(CampaignView.HostNote::host).containsExactlyInAnyOrder("new-2",
                "new-3");
        assertThat(plan.plan().blocked()).flatExtracting(CampaignView.HostNote::reasons)
                .extracting(r -> r.code()).containsExactlyInAnyOrder("INCOMPATIBLE", "UNKNOWN");
        assertThat(plan.plan().unmovable()).extracting(CampaignView.Unmovable::vm).containsExactlyInAnyOrder("c", "d");
    }

    @Test
    void aVmTheOldHostAcceptsButHasNoRoomForIsBlockedNoRoom() {
        ClusterSnapshot full = ClusterSnapshot.of(List.of(
                new HostEntry(host("new-1", NEW, 2), List.of(vm("a", "new-1", "nvidia-231"),
                        vm("b", "new-1", "nvidia-231")), NOW),
                new HostEntry(withParents(withRelease(Views.host("old-1"), OLD), parent(GPU, type("nvidia-231", 1))),
                        List.of(), NOW)));
        Settings settings = new Settings(List.of("new-1"), 1, 1, 2, 2, 8, 0, false, true, 2, 600, 600);
        Computed plan = CampaignPlanning.compute("camp-back", new Inputs(0, full, NEW, OLD, settings,
                List.of("new-1"), Set.of(), 0, CampaignKind.ROLLBACK), RollbackCountTest.stored(STORED),
                new GreedyEvacuationPlanner()::plan, NOW);
        assertThat(plan.migrations()).isEmpty();
        HostRow h = plan.hosts().get(0);
        assertThat(h.state()).isEqualTo("BLOCKED");
        assertThat(h.note()).startsWith("NO_ROOM: VM ").contains("whose agents accept its state have no room for it");
    }

    @Test
    void theOfflinePlanOfARollbackIsTheSameComputationOnTheFilesVerdicts() {
        CampaignView v = OfflineCampaign.plan("what-if", fleet(), new CampaignRequest(NEW, OLD, null, null, null, true,
                true), List::of, RollbackCountTest.stored(STORED), java.time.Duration.ofMinutes(1), NOW);
        assertThat(v.kind()).isEqualTo("ROLLBACK");
        assertThat(v.batches()).flatExtracting(CampaignView.Batch::migrations)
                .extracting(m -> m.vm() + "->" + m.to()).containsExactlyInAnyOrder("a->old-1", "b->old-1");
        assertThat(v.blocked()).extracting(CampaignView.HostNote::host).containsExactlyInAnyOrder("new-2", "new-3");
    }
}
