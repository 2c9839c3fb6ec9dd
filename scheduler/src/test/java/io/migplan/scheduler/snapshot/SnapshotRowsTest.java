package io.migplan.scheduler.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.AllocationPolicy;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotRowsTest {

    private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

    /** A report as the scheduler gets it: decoded from the wire, so no two reports share an object. */
    private static HostSnapshot decoded(String host) throws InvalidProtocolBufferException {
        return HostSnapshot.parseFrom(ClusterSnapshotHolderTest.fullReport(host, 1).build().toByteArray());
    }

    private static ReportedRows.HostColumns columns(String host) {
        return new ReportedRows.HostColumns(host, HostState.UP, AT, 1, AdminState.ACTIVE, "", AT);
    }

    /**
     * Two hosts reporting the same board: their entries hold one capacity model, one instance of
     * each type as offered and of each text, not a copy each (what a fleet of thousands of hosts
     * of a few board models would otherwise keep in memory).
     */
    @Test
    void hostsReportingTheSameBoardShareItsCapacityModelTypesAndTexts() throws Exception {
        List<HostEntry> entries = SnapshotRows.assemble(new ReportedRows().add(columns("h1"), decoded("h1"))
                .add(columns("h2"), decoded("h2")).rows(), AllocationPolicy.NONE);

        HostView one = entries.get(0).view();
        HostView two = entries.get(1).view();
        assertThat(one.parents()).hasSameSizeAs(two.parents()).hasSize(2);
        for (int k = 0; k < one.parents().size(); k++) {
            ParentView p = one.parents().get(k);
            ParentView q = two.parents().get(k);
            assertThat(q.capacity()).isSameAs(p.capacity());
            assertThat(q.board()).isSameAs(p.board());
            assertThat(q.address()).isSameAs(p.address());
            for (int t = 0; t < p.types().size(); t++) {
                assertThat(q.types().get(t)).isSameAs(p.types().get(t));
            }
        }
        assertThat(two.release()).isSameAs(one.release());
        VmRecord a = entries.get(0).vms().get(0);
        VmRecord b = entries.get(1).vms().get(0);
        assertThat(b.release()).isSameAs(a.release());
        assertThat(b.devices().get(0).source()).isSameAs(a.devices().get(0).source());
        assertThat(b.devices().get(0).typeId()).isSameAs(a.devices().get(0).typeId());
    }

    /** Sharing changes no value: an entry equals the one built from a report decoded alone. */
    @Test
    void sharedValuesLeaveEveryEntryEqualToOneBuiltAlone() throws Exception {
        HostEntry alone = SnapshotRows.assemble(new ReportedRows().add(columns("h2"), decoded("h2")).rows(),
                AllocationPolicy.NONE).get(0);
        HostEntry beside = SnapshotRows.assemble(new ReportedRows().add(columns("h1"), decoded("h1"))
                .add(columns("h2"), decoded("h2")).rows(), AllocationPolicy.NONE).get(1);

        assertThat(beside).isEqualTo(alone);
    }
}
