package io.migplan.scheduler.offline;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.inventory.AllocationPolicy;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.VmRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A fleet file's hosts as the snapshot holds them once built from the rows they would be stored as. */
class FleetRowsTest {

    static final String GPU_HOST = "{\"id\":\"h1\",\"state\":\"UP\",\"adminState\":\"DRAINING\",\"adminReason\":\"psu\","
            + "\"inventory\":{\"host\":{\"id\":\"h1\",\"release\":\"2025.1\",\"cpus\":32,\"memoryMib\":\"65536\","
            + "\"failureDomain\":\"rack-1\",\"labels\":{\"pool\":\"a\"}},"
            + "\"parents\":[{\"address\":\"0000:3b:00.0\",\"board\":\"T4\",\"driver\":\"nvidia\","
            + "\"driverVersion\":\"550.90.07\",\"kind\":\"PARENT_KIND_MDEV\",\"types\":[{\"typeId\":\"nvidia-231\","
            + "\"name\":\"GRID T4-2Q\",\"availableInstances\":7,\"signature\":\"nvidia-231/T4/550.90.07\"}]}],"
            + "\"instances\":[{\"uuid\":\"d-1\",\"typeId\":\"nvidia-231\",\"parentAddress\":\"0000:3b:00.0\"}],"
            + "\"vms\":[{\"name\":\"vm-b\",\"uuid\":\"u-2\",\"vcpus\":4,\"memoryMib\":\"4096\",\"deviceUuids\":[\"d-9\"]},"
            + "{\"name\":\"vm-a\",\"uuid\":\"u-1\",\"vcpus\":8,\"memoryMib\":\"8192\",\"deviceUuids\":[\"d-1\"],"
            + "\"antiAffinityGroup\":\"db\"}]},"
            + "\"verdicts\":[{\"parent\":\"0000:3b:00.0\",\"typeId\":\"nvidia-231\",\"sourceSignature\":\"s\","
            + "\"verdict\":\"INCOMPATIBLE\",\"code\":\"DRIVER\",\"message\":\"older driver\",\"backend\":\"RulesProbe\"}]}";

    static FleetRows rows() {
        return new FleetRows(FleetDocument.parse(FleetDocumentTest.doc(GPU_HOST, FleetDocumentTest.host("h0", "", "")),
                FleetDocumentTest.NOW));
    }

    @Test
    void aHostLooksToThePlannersAsItWouldStored() {
        ClusterSnapshot snapshot = rows().snapshot(AllocationPolicy.NONE);

        assertThat(snapshot.hosts()).extracting(e -> e.view().id()).containsExactly("h0", "h1");
        HostView h1 = snapshot.host("h1").orElseThrow().view();
        assertThat(h1.usedCpus()).isEqualTo(12);
        assertThat(h1.usedMemoryMib()).isEqualTo(12288);
        assertThat(h1.failureDomain()).isEqualTo("rack-1");
        assertThat(h1.adminState().name()).isEqualTo("DRAINING");
        assertThat(h1.antiAffinityGroups()).containsOnlyKeys("db");
        assertThat(h1.parents()).singleElement().satisfies(p -> {
            assertThat(p.board()).isEqualTo("T4");
            assertThat(p.type("nvidia-231").orElseThrow().availableInstances()).isEqualTo(7);
        });
        List<VmRecord> vms = snapshot.host("h1").orElseThrow().vms();
        assertThat(vms).extracting(VmRecord::name).containsExactly("vm-a", "vm-b");
        assertThat(vms.get(0).devices()).singleElement()
                .satisfies(d -> assertThat(d.sourceSignature()).isEqualTo("nvidia-231/T4/550.90.07"));
    }

    @Test
    void aVmHoldingADeviceItsHostDidNotReportIsUnresolvedWithTheLoadersSentence() {
        VmRecord vm = rows().snapshot(AllocationPolicy.NONE).vm("u-2").orElseThrow();

        assertThat(vm.unresolved()).isEqualTo("VM vm-b holds mdev d-9, which host h1 did not report as an active"
                + " device; its type is unknown, so no target can be judged until the host reports it");
    }

    @Test
    void theFilesVerdictsAreTheStoredOnesAndOnlyTheKeysAskedAreAnswered() {
        var verdicts = rows().verdicts();
        MatrixKey known = new MatrixKey("h1", "0000:3b:00.0", "nvidia-231", "s");

        var answered = FleetRows.among(verdicts, List.of(known, new MatrixKey("h0", "p", "t", "s")));

        assertThat(answered).containsOnlyKeys(known);
        assertThat(answered.get(known).message()).isEqualTo("older driver");
    }

    @Test
    void aSelectorMatchesTheHostsWhoseLabelsHoldIt() {
        assertThat(rows().matching(Map.of("pool", "a"))).containsExactly("h1");
        assertThat(rows().matching(Map.of("pool", "b"))).isEmpty();
    }
}
