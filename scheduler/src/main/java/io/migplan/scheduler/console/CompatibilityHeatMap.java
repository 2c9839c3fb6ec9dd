package io.migplan.scheduler.console;

import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.compatibility.VerdictMeaning;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.Releases;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The compatibility matrix as the console's heat map: one row per source signature present in the
 * fleet (the signature of a device type some host offers), one column per target board and
 * release, and in each cell what the stored verdicts of that column's hosts say about that
 * signature: {@code compatible} (some answered COMPATIBLE, none refused), {@code incompatible} (one
 * refusal is enough, as a campaign reads it), {@code unknown} (only UNKNOWN answers) or {@code
 * assumed} (no host of the column has answered yet: campaigns assume the release policy until a
 * probe confirms). Only verdicts valid at the hosts' current generations count ({@code verdicts}, as
 * placement reads them). A column whose hosts do not offer the signature's type has no cell.
 * Decides nothing: what a verdict means is {@link VerdictMeaning}'s.
 */
public final class CompatibilityHeatMap {

    public static final List<String> STATES = List.of("compatible", "incompatible", "unknown", "assumed");

    /** Hosts a cell's hover line names, at most; the rest are counted. */
    static final int NAMED = 3;

    private CompatibilityHeatMap() {
    }

    /** A source signature and the device type that produces it. */
    public record Row(String signature, String typeId) {
    }

    /** A target board at a release. */
    public record Column(String board, String release) {
        public String label() {
            return board + " · " + release;
        }
    }

    /** One cell: its state (index into {@link #STATES}) and the reason shown on hover. */
    public record Cell(int row, int column, int state, String reason) {
        public String stateName() {
            return STATES.get(state);
        }
    }

    public record Map2(List<Row> rows, List<Column> columns, List<Cell> cells, int verdicts) {
    }

    /** The keys whose verdicts the map reads: every parent offering each row's type, for each signature. */
    public static List<MatrixKey> keys(ClusterSnapshot snapshot) {
        List<Row> rows = rows(snapshot);
        List<MatrixKey> keys = new ArrayList<>();
        for (ClusterSnapshot.HostEntry e : snapshot.hosts()) {
            HostView v = e.view();
            for (Row r : rows) {
                for (HostView.ParentView p : v.parentsWith(r.typeId())) {
                    keys.add(new MatrixKey(v.id(), p.address(), r.typeId(), r.signature()));
                }
            }
        }
        return keys;
    }

    public static Map2 of(ClusterSnapshot snapshot, Map<MatrixKey, StoredVerdict> stored) {
        List<Row> rows = rows(snapshot);
        TreeSet<Column> columnSet = new TreeSet<>(Comparator.comparing(Column::board)
                .thenComparing(Column::release, Releases.ORDER));
        Map<String, Column> columnOf = new TreeMap<>();
        for (ClusterSnapshot.HostEntry e : snapshot.hosts()) {
            Column c = new Column(FleetTiles.board(e.view()), FleetTiles.release(e.view()));
            columnSet.add(c);
            columnOf.put(e.view().id(), c);
        }
        List<Column> columns = List.copyOf(columnSet);
        Map<Column, Integer> columnIndex = new TreeMap<>(columnSet.comparator());
        for (int i = 0; i < columns.size(); i++) {
            columnIndex.put(columns.get(i), i);
        }
        // Per cell: the hosts offering the type, and each host's answer (a host accepts when any parent does).
        Map<Long, Tally> tallies = new TreeMap<>();
        for (ClusterSnapshot.HostEntry e : snapshot.hosts()) {
            HostView v = e.view();
            int col = columnIndex.get(columnOf.get(v.id()));
            for (int r = 0; r < rows.size(); r++) {
                Row row = rows.get(r);
                List<HostView.ParentView> parents = v.parentsWith(row.typeId());
                if (parents.isEmpty()) {
                    continue;
                }
                Tally t = tallies.computeIfAbsent((long) r << 32 | col, k -> new Tally());
                t.hosts++;
                StoredVerdict best = null;
                for (HostView.ParentView p : parents) {
                    StoredVerdict s = stored.get(new MatrixKey(v.id(), p.address(), row.typeId(), row.signature()));
                    if (s != null && (best == null || rank(s.verdict()) < rank(best.verdict()))) {
                        best = s;
                    }
                }
                t.add(v.id(), best);
            }
        }
        List<Cell> cells = new ArrayList<>();
        tallies.forEach((k, t) -> cells.add(t.cell((int) (k >>> 32), (int) (k & 0xffffffffL))));
        return new Map2(rows, columns, List.copyOf(cells), stored.size());
    }

    /** COMPATIBLE first: a host accepts when any of its parents does. */
    private static int rank(Verdict v) {
        return VerdictMeaning.compatible(v) ? 0 : v == Verdict.VERDICT_INCOMPATIBLE ? 1 : 2;
    }

    /** Every (signature, type) some host offers, sorted; a type without a signature has no row. */
    static List<Row> rows(ClusterSnapshot snapshot) {
        Set<Row> rows = new TreeSet<>(Comparator.comparing(Row::signature).thenComparing(Row::typeId));
        for (ClusterSnapshot.HostEntry e : snapshot.hosts()) {
            for (HostView.ParentView p : e.view().parents()) {
                for (HostView.TypeView t : p.types()) {
                    if (t.signature() != null && !t.signature().isEmpty()) {
                        rows.add(new Row(t.signature(), t.typeId()));
                    }
                }
            }
        }
        return List.copyOf(rows);
    }

    private static final class Tally {
        int hosts;
        final List<String> compatible = new ArrayList<>();
        final List<String> refused = new ArrayList<>();
        final List<String> unknown = new ArrayList<>();
        String firstRefusal;
        String firstUnknown;

        void add(String host, StoredVerdict v) {
            if (v == null) {
                return;
            }
            if (VerdictMeaning.compatible(v.verdict())) {
                compatible.add(host);
            } else if (v.verdict() == Verdict.VERDICT_INCOMPATIBLE) {
                refused.add(host);
                if (firstRefusal == null) {
                    firstRefusal = host + ": " + said(v);
                }
            } else {
                unknown.add(host);
                if (firstUnknown == null) {
                    firstUnknown = host + ": " + said(v);
                }
            }
        }

        Cell cell(int row, int column) {
            int answered = compatible.size() + refused.size() + unknown.size();
            String counts = answered + " of " + hosts + " host(s) answered: " + compatible.size() + " compatible, "
                    + refused.size() + " incompatible, " + unknown.size() + " unknown";
            if (!refused.isEmpty()) {
                return new Cell(row, column, 1, counts + "; " + firstRefusal);
            }
            if (!compatible.isEmpty()) {
                return new Cell(row, column, 0, counts + "; e.g. " + named(compatible));
            }
            if (!unknown.isEmpty()) {
                return new Cell(row, column, 2, counts + "; " + firstUnknown);
            }
            return new Cell(row, column, 3, "no answer stored from its " + hosts + " host(s) at their current"
                    + " generation: campaigns assume the release policy (same board, release not older) until a"
                    + " probe confirms");
        }

        private static String named(List<String> hosts) {
            List<String> sorted = hosts.stream().sorted().toList();
            return String.join(", ", sorted.subList(0, Math.min(NAMED, sorted.size())))
                    + (sorted.size() > NAMED ? " and " + (sorted.size() - NAMED) + " more" : "");
        }

        private static String said(StoredVerdict v) {
            String code = v.code() == null || v.code().isEmpty() ? v.verdict().name().substring("VERDICT_".length())
                    : v.code();
            return code + (v.message() == null || v.message().isEmpty() ? "" : " " + v.message())
                    + (v.backend() == null || v.backend().isEmpty() ? "" : " (" + v.backend() + ")");
        }
    }
}
