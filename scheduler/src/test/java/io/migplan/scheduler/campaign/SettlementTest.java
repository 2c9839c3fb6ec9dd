package io.migplan.scheduler.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.entry;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.gpuVm;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.snapshot;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.t4;
import static io.migplan.scheduler.testsupport.Views.withState;

import io.migplan.proto.v1.Host;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.Vm;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.campaign.Settlement.Where;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.testsupport.Views;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What fresh scans of a migration's two hosts settle, for every place the VM can be seen. */
class SettlementTest {

    static final MigrationRow M = new MigrationRow("m-1", 1, 1, 1, "vm-a", "uuid-vm-a", "src", "dst", List.of("0000:3b:00.0"),
            List.of("nvidia-231"), "ISSUED", "PROBED", List.of(7L), "", false, null, "orch");

    /** A fresh scan of {@code host} listing {@code vms} (each with UUID "uuid-" + its name). */
    static FreshScans.Scan scan(String host, String... vms) {
        HostSnapshot.Builder b = HostSnapshot.newBuilder().setHost(Host.newBuilder().setId(host));
        for (String vm : vms) {
            b.addVms(Vm.newBuilder().setName(vm).setUuid("uuid-" + vm));
        }
        return new FreshScans.Seen(b.build());
    }

    @Test
    void onItsTargetOnlyIsDoneOnItsSourceOnlyIsFailed() {
        Settlement.Verdict done = Settlement.judge(M, scan("src", "vm-b"), scan("dst", "vm-a"));
        assertThat(done.where()).isEqualTo(Where.ON_TARGET);
        assertThat(done.outcome()).isEqualTo(MigrationState.DONE);
        assertThat(done.why()).isEqualTo("fresh scans show VM vm-a on its target dst and not on src");

        Settlement.Verdict failed = Settlement.judge(M, scan("src", "vm-a"), scan("dst"));
        assertThat(failed.where()).isEqualTo(Where.ON_SOURCE);
        assertThat(failed.outcome()).isEqualTo(MigrationState.FAILED);
        assertThat(failed.why()).isEqualTo("fresh scans show VM vm-a still on its source src and not on dst");
    }

    @Test
    void onBothOnNeitherOrWithAnAgentSilentNothingIsSettled() {
        assertThat(Settlement.judge(M, scan("src", "vm-a"), scan("dst", "vm-a")))
                .extracting(Settlement.Verdict::where, Settlement.Verdict::outcome)
                .containsExactly(Where.ON_BOTH, null);
        assertThat(Settlement.judge(M, scan("src"), scan("dst")))
                .extracting(Settlement.Verdict::where, Settlement.Verdict::outcome)
                .containsExactly(Where.ON_NEITHER, null);
        Settlement.Verdict silent = Settlement.judge(M, new FreshScans.Unavailable("the agent of host src timed out"),
                scan("dst", "vm-a"));
        assertThat(silent.where()).isEqualTo(Where.UNKNOWN);
        assertThat(silent.outcome()).isNull();
        assertThat(silent.why()).isEqualTo("cannot tell where VM vm-a is: the agent of host src timed out");
    }

    @Test
    void theReportsSettleADoneMigrationOnceTheTargetShowsTheVmAndTheSourceNoLonger() {
        HostEntry emptySource = entry(t4("src", "2025.1"));
        HostEntry sourceStill = entry(t4("src", "2025.1"), gpuVm("vm-a", "src"));
        HostEntry targetWith = entry(t4("dst", "2025.2"), gpuVm("vm-a", "dst"));
        HostEntry targetWithout = entry(t4("dst", "2025.2"));
        assertThat(Settlement.reported(M, snapshot(emptySource, targetWith))).isTrue();
        assertThat(Settlement.reported(M, snapshot(sourceStill, targetWith)))
                .as("the source has not reported the VM gone").isFalse();
        assertThat(Settlement.reported(M, snapshot(emptySource, targetWithout)))
                .as("the target has not reported the VM").isFalse();
        HostEntry silentSource = new HostEntry(withState(t4("src", "2025.1"), HostState.DOWN, Views.NOW),
                List.of(gpuVm("vm-a", "src")), Views.NOW);
        assertThat(Settlement.reported(M, snapshot(silentSource, targetWith)))
                .as("a source gone silent: its last report can no longer change").isTrue();
    }
}
