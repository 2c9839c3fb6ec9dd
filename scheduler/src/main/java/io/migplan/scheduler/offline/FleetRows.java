package io.migplan.scheduler.offline;

import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.inventory.AllocationPolicy;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ReportedRows;
import io.migplan.scheduler.snapshot.SnapshotRows;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fleet file as the scheduler would hold it once its hosts had reported: each host's inventory
 * made into the rows the loader would read back once stored ({@link ReportedRows}), then
 * assembled by {@link SnapshotRows}, so an offline snapshot is built by the one assembly the
 * loader uses. The file's verdicts are the stored verdicts, all valid (the file holds
 * only those valid at each host's generation). Every host is at generation 0 and last reported and
 * heartbeated when the export was taken.
 *
 * <p>Decides how a file's fields map onto stored rows. Does not decide what they mean to placement.
 */
public final class FleetRows {

    private final FleetDocument doc;

    public FleetRows(FleetDocument doc) {
        this.doc = doc;
    }

    /** The cluster snapshot of the file's hosts, CPU and memory resolved under {@code policy}. */
    public ClusterSnapshot snapshot(AllocationPolicy policy) {
        return ClusterSnapshot.of(SnapshotRows.assemble(rows(), policy));
    }

    /** The rows, in {@link SnapshotRows}'s columns and order. */
    SnapshotRows rows() {
        ReportedRows rows = new ReportedRows();
        for (FleetDocument.Host h : byId()) {
            rows.add(new ReportedRows.HostColumns(h.id(), h.state(), doc.takenAt(), 0L, h.adminState(),
                    h.adminReason(), doc.takenAt()), h.inventory());
        }
        return rows.rows();
    }

    /** The file's verdicts, as stored verdicts asked at generation 0 when the export was taken. */
    public Map<MatrixKey, StoredVerdict> verdicts() {
        Map<MatrixKey, StoredVerdict> out = new HashMap<>();
        for (FleetDocument.Host h : doc.hosts()) {
            for (FleetDocument.Verdict v : h.verdicts()) {
                out.put(new MatrixKey(h.id(), v.parent(), v.typeId(), v.sourceSignature()),
                        new StoredVerdict(Verdict.valueOf("VERDICT_" + v.verdict()), v.code(), v.message(), v.backend(),
                                0L, doc.takenAt()));
            }
        }
        return out;
    }

    /** The stored verdicts among {@code keys}, as {@code Verdicts#stored} answers. */
    public static Map<MatrixKey, StoredVerdict> among(Map<MatrixKey, StoredVerdict> verdicts,
            Collection<MatrixKey> keys) {
        Map<MatrixKey, StoredVerdict> out = new HashMap<>();
        for (MatrixKey k : keys) {
            StoredVerdict v = verdicts.get(k);
            if (v != null) {
                out.put(k, v);
            }
        }
        return out;
    }

    /** The hosts whose labels hold every entry of {@code selector}, by id: {@code labels @> selector}. */
    public List<String> matching(Map<String, String> selector) {
        List<String> out = new ArrayList<>();
        for (FleetDocument.Host h : byId()) {
            Map<String, String> labels = h.inventory().getHost().getLabelsMap();
            if (selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
                out.add(h.id());
            }
        }
        return out;
    }

    private List<FleetDocument.Host> byId() {
        List<FleetDocument.Host> out = new ArrayList<>(doc.hosts());
        out.sort(Comparator.comparing(FleetDocument.Host::id));
        return out;
    }
}
