package io.migplan.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.testsupport.Views;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompatibilityHeatMapTest {

    static final String SIG = Views.SIG;
    static final String P = "0000:3b:00.0";

    static HostEntry host(String id, String release) {
        return new HostEntry(Views.withRelease(Views.withParents(Views.host(id), Views.parent(P,
                Views.type("nvidia-231", 1))), release), List.of(), Views.NOW);
    }

    static StoredVerdict said(Verdict v, String code, String message) {
        return new StoredVerdict(v, code, message, "nvidia", 1, Views.NOW);
    }

    static MatrixKey key(String host) {
        return new MatrixKey(host, P, "nvidia-231", SIG);
    }

    static final ClusterSnapshot FLEET = ClusterSnapshot.of(List.of(host("a1", "2025.1"), host("a2", "2025.1"),
            host("b1", "2025.2"), host("c1", "2026.1"), host("d1", "2026.2")));

    @Test
    void eachBoardAndReleaseIsACellOfTheSignaturesRowInOneOfFourStates() {
        CompatibilityHeatMap.Map2 map = CompatibilityHeatMap.of(FLEET, Map.of(
                key("a1"), said(Verdict.VERDICT_COMPATIBLE, "", ""),
                key("a2"), said(Verdict.VERDICT_INCOMPATIBLE, "SIGNATURE_MISMATCH", "driver 535 cannot read 550"),
                key("b1"), said(Verdict.VERDICT_COMPATIBLE, "", ""),
                key("c1"), said(Verdict.VERDICT_UNKNOWN, "NO_VERSION", "")));
        assertThat(map.rows()).extracting(CompatibilityHeatMap.Row::signature).containsExactly(SIG);
        assertThat(map.columns()).extracting(CompatibilityHeatMap.Column::label)
                .containsExactly("T4 · 2025.1", "T4 · 2025.2", "T4 · 2026.1", "T4 · 2026.2");
        assertThat(map.cells()).extracting(CompatibilityHeatMap.Cell::stateName)
                .containsExactly("incompatible", "compatible", "unknown", "assumed");
        assertThat(map.cells().get(0).reason()).isEqualTo("2 of 2 host(s) answered: 1 compatible, 1 incompatible,"
                + " 0 unknown; a2: SIGNATURE_MISMATCH driver 535 cannot read 550 (nvidia)");
        assertThat(map.cells().get(3).reason()).startsWith("no answer stored from its 1 host(s)");
    }

    @Test
    void theKeysAreEveryParentOfferingTheRowsTypeOnEveryHost() {
        assertThat(CompatibilityHeatMap.keys(FLEET)).hasSize(5).contains(key("d1"));
    }
}
