package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.testsupport.Views.NOW;
import static io.migplan.scheduler.testsupport.Views.SIG;
import static io.migplan.scheduler.testsupport.Views.device;
import static io.migplan.scheduler.testsupport.Views.parent;
import static io.migplan.scheduler.testsupport.Views.type;
import static io.migplan.scheduler.testsupport.Views.withAdmin;
import static io.migplan.scheduler.testsupport.Views.withParents;
import static io.migplan.scheduler.testsupport.Views.withRelease;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.RollbackView.Figures;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.VmRecord;
import io.migplan.scheduler.testsupport.Views;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * How a campaign's way back is counted from its rows, a hand-built snapshot and stored verdicts:
 * which VMs count and in which batch, that only an agent's COMPATIBLE makes a VM possible, that room
 * is counted as an evacuation counts it, and which cells are left to ask.
 */
class RollbackCountTest {

    static final String FROM = "2025.1";
    static final String TO = "2025.2";
    static final String GPU = "0000:3b:00.0";
    static final RollbackCount.Campaign CAMPAIGN = new RollbackCount.Campaign("c-1", "RUNNING", FROM, TO);
    static final MatrixKey BACK = new MatrixKey("old-1", GPU, "nvidia-231", SIG);

    /** A T4 host at {@code release} whose GPU takes {@code free} more nvidia-231. */
    static HostView t4(String id, String release, int free) {
        return withParents(withRelease(Views.host(id), release), parent(GPU, type("nvidia-231", free)));
    }

    static VmRecord vm(String name, String host, String release) {
        return new VmRecord(name, "uuid-" + name, host, release, 4, 8192, List.of(device("mdev-" + name,
                "nvidia-231")), null, "");
    }

    /**
     * up-1 (upgraded in batch 0) runs a and b; up-2 (upgraded in batch 1) runs c, which a DONE
     * migration of batch 1 brought there; spare (at the new release, not the campaign's) runs d;
     * old-1 at the old release takes {@code oldFree} more nvidia-231; old-2 is draining.
     */
    static ClusterSnapshot fleet(int oldFree) {
        return ClusterSnapshot.of(List.of(
                new HostEntry(t4("up-1", TO, 2), List.of(vm("a", "up-1", TO), vm("b", "up-1", TO)), NOW),
                new HostEntry(t4("up-2", TO, 3), List.of(vm("c", "up-2", TO)), NOW),
                new HostEntry(t4("spare", TO, 3), List.of(vm("d", "spare", TO)), NOW),
                new HostEntry(t4("old-1", FROM, oldFree), List.of(), NOW),
                new HostEntry(withAdmin(t4("old-2", FROM, 4), AdminState.DRAINING, "operator"), List.of(), NOW)));
    }

    static final List<HostRow> HOSTS = List.of(new HostRow("up-1", 0, true, "DONE", null),
            new HostRow("up-2", 1, false, "DONE", null), new HostRow("old-1", 2, false, "PENDING", null));
    static final List<MigrationRow> MIGRATIONS = List.of(new MigrationRow("m-1", 1, 1, 0, "c", "uuid-c", "old-9",
            "up-2", List.of(GPU), List.of("nvidia-231"), "DONE", "PROBED", List.of(), null, true, null, "o"));

    static Function<Collection<MatrixKey>, Map<MatrixKey, StoredVerdict>> stored(Map<MatrixKey, StoredVerdict> all) {
        List<Collection<MatrixKey>> asked = new ArrayList<>();
        return keys -> {
            asked.add(keys);
            Map<MatrixKey, StoredVerdict> out = new HashMap<>();
            keys.forEach(k -> {
                if (all.containsKey(k)) {
                    out.put(k, all.get(k));
                }
            });
            return out;
        };
    }

    static StoredVerdict verdict(Verdict v, String code, String message) {
        return new StoredVerdict(v, code, message, "same-signature", 1, NOW);
    }

    static RollbackView view(int oldFree, Map<MatrixKey, StoredVerdict> verdicts) {
        return count(oldFree, verdicts).view(NOW);
    }

    static RollbackCount count(int oldFree, Map<MatrixKey, StoredVerdict> verdicts) {
        return new RollbackCount(CAMPAIGN, HOSTS, MIGRATIONS, fleet(oldFree), stored(verdicts));
    }

    @Test
    void theVmsCountedAreThoseOnUpgradedHostsOrMovedThereByTheCampaignEachInItsBatch() {
        var movers = RollbackCount.movers(CAMPAIGN, HOSTS, MIGRATIONS, fleet(4));
        assertThat(movers).extracting(m -> m.vm().name() + "@" + m.batch()).containsExactly("a@0", "b@0", "c@1");
    }

    @Test
    void withNoVerdictEveryVmIsUnknownNeverPossibleAndTheOneBackwardCellIsLeftToAsk() {
        RollbackCount count = count(4, Map.of());
        RollbackView v = count.view(NOW);
        assertThat(v.total()).isEqualTo(new Figures(3, 0, 0, 0, 0, 3));
        assertThat(v.batches()).extracting(b -> b.batch() + ":" + b.figures().unknown()).containsExactly("0:2", "1:1");
        assertThat(v.strandsAfterBatch()).isNull();
        assertThat(v.unknownFromBatch()).isZero();
        assertThat(v.oldHosts()).as("the draining old host takes no VMs").isEqualTo(1);
        assertThat(v.vms()).extracting(RollbackView.Vm::verdict).containsOnly("UNKNOWN");
        assertThat(v.vms().get(0).reasons().get(0).message()).contains("no agent at release 2025.1 has answered")
                .contains("old-1");
        assertThat(count.unasked()).containsOnlyKeys(BACK);
    }

    @Test
    void anAgentsOwnUnknownIsNotPossibleEither() {
        RollbackView v = view(4, Map.of(BACK, verdict(Verdict.VERDICT_UNKNOWN, "FACTS_UNKNOWN", "no driver version")));
        assertThat(v.total().possible()).isZero();
        assertThat(v.total().unknown()).isEqualTo(3);
    }

    @Test
    void aCompatibleVerdictWithRoomMakesEveryVmPossibleAndNothingIsLeftToAsk() {
        RollbackCount count = count(4, Map.of(BACK, verdict(Verdict.VERDICT_COMPATIBLE, "", "")));
        RollbackView v = count.view(NOW);
        assertThat(v.total()).isEqualTo(new Figures(3, 3, 0, 0, 0, 0));
        assertThat(v.strandsAfterBatch()).isNull();
        assertThat(v.unknownFromBatch()).isNull();
        assertThat(v.vms()).isEmpty();
        assertThat(count.unasked()).isEmpty();
        assertThat(v.versionRange().known()).isFalse();
        assertThat(v.versionRange().why()).contains("no version range");
        assertThat(v.versionRange().acceptedBack()).containsExactly("nvidia-231 " + SIG);
    }

    @Test
    void anIncompatibleVerdictStrandsFromTheFirstBatchWithTheAgentsReason() {
        RollbackView v = view(4, Map.of(BACK, verdict(Verdict.VERDICT_INCOMPATIBLE, "SIGNATURE_MISMATCH",
                "driver 550 refuses state of driver 570")));
        assertThat(v.total()).isEqualTo(new Figures(3, 0, 3, 3, 0, 0));
        assertThat(v.strandsAfterBatch()).isZero();
        assertThat(v.vms().get(0).reasons().get(0).code()).isEqualTo("PROBE_INCOMPATIBLE");
        assertThat(v.vms().get(0).reasons().get(0).message()).contains("old-1")
                .contains("SIGNATURE_MISMATCH: driver 550 refuses state of driver 570");
        assertThat(v.versionRange().refusedBack()).containsExactly("nvidia-231 " + SIG);
    }

    @Test
    void roomIsSharedByTheVmsGoingBackSoALaterBatchCanStrand() {
        // old-1 takes one more instance: a rollback after batch 0 has two VMs for it, one stays.
        RollbackView v = view(1, Map.of(BACK, verdict(Verdict.VERDICT_COMPATIBLE, "", "")));
        assertThat(v.batches().get(0).figures()).isEqualTo(new Figures(2, 1, 1, 0, 1, 0));
        assertThat(v.strandsAfterBatch()).isZero();
        assertThat(v.total()).isEqualTo(new Figures(3, 1, 2, 0, 2, 0));
        assertThat(v.vms()).extracting(RollbackView.Vm::verdict).containsOnly("NO_ROOM");
        assertThat(v.vms().get(0).reasons().get(0).message()).contains("no room");
    }

    @Test
    void roomForEveryVmOfTheFirstBatchButNotTheSecondStrandsAfterTheSecond() {
        RollbackView v = view(2, Map.of(BACK, verdict(Verdict.VERDICT_COMPATIBLE, "", "")));
        assertThat(v.batches().get(0).figures().possible()).isEqualTo(2);
        assertThat(v.batches().get(1).figures()).isEqualTo(new Figures(1, 0, 1, 0, 1, 0));
        assertThat(v.strandsAfterBatch()).isEqualTo(1);
    }

    @Test
    void anOldHostThisCampaignDrainsCountsAsATargetButOneAnOperatorDrainsDoesNot() {
        ClusterSnapshot s = fleet(0);
        HostView ours = withAdmin(t4("old-3", FROM, 4), AdminState.DRAINING, CampaignRunner.adminReasonPrefix("c-1")
                + "draining for the upgrade");
        s = s.with(List.of(new HostEntry(ours, List.of(), NOW)), List.of());
        MatrixKey back3 = new MatrixKey("old-3", GPU, "nvidia-231", SIG);
        RollbackCount count = new RollbackCount(CAMPAIGN, HOSTS, MIGRATIONS, s, stored(Map.of(back3,
                verdict(Verdict.VERDICT_COMPATIBLE, "", ""))));
        RollbackView v = count.view(NOW);
        assertThat(v.oldHosts()).isEqualTo(2);
        assertThat(v.total()).as("old-1 is full; old-3 takes all three once the campaign is stopped")
                .isEqualTo(new Figures(3, 3, 0, 0, 0, 0));
        assertThat(count.unasked()).containsOnlyKeys(BACK);
    }

    @Test
    void withNoHostAtTheOldReleaseEveryVmCannotGoBackAndSaysWhy() {
        ClusterSnapshot onlyNew = ClusterSnapshot.of(List.of(
                new HostEntry(t4("up-1", TO, 2), List.of(vm("a", "up-1", TO)), NOW)));
        RollbackView v = new RollbackCount(CAMPAIGN, HOSTS, List.of(), onlyNew, stored(Map.of())).view(NOW);
        assertThat(v.total()).isEqualTo(new Figures(1, 0, 1, 1, 0, 0));
        assertThat(v.vms().get(0).reasons().get(0).code()).isEqualTo("NO_OLD_RELEASE_TARGET");
    }
}
