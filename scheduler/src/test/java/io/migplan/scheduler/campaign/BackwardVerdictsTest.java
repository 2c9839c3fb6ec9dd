package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.testsupport.Views.NOW;
import static io.migplan.scheduler.testsupport.Views.SIG;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.VmRecord;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one backward rule: only an agent's COMPATIBLE lets a VM back; unknown and never asked accept nothing. */
class BackwardVerdictsTest {

    static final String GPU = RollbackPlanningTest.GPU;
    static final String GPU2 = RollbackPlanningTest.GPU2;
    static final HostView OLD = RollbackPlanningTest.host("old-1", RollbackPlanningTest.OLD, 4);
    static final VmRecord A = RollbackPlanningTest.vm("a", "new-1", "nvidia-231");

    static BackwardVerdicts on(Map<MatrixKey, Verdict> verdicts) {
        Map<MatrixKey, StoredVerdict> stored = new java.util.HashMap<>();
        verdicts.forEach((k, v) -> stored.put(k, new StoredVerdict(v, "", "", "same-signature", 1, NOW)));
        return new BackwardVerdicts(stored);
    }

    @Test
    void oneParentAnsweringCompatibleAcceptsTheVm() {
        BackwardVerdicts b = on(Map.of(new MatrixKey("old-1", GPU2, "nvidia-231", SIG), Verdict.VERDICT_COMPATIBLE));
        assertThat(b.accepts(OLD, A)).isTrue();
        assertThat(b.judge(A, List.of(OLD), "2025.1").verdict()).isEqualTo(BackwardVerdicts.POSSIBLE);
    }

    @Test
    void unknownOrNeverAskedAcceptsNothingAndIsUnknown() {
        for (BackwardVerdicts b : List.of(on(Map.of()), on(Map.of(new MatrixKey("old-1", GPU, "nvidia-231", SIG),
                Verdict.VERDICT_UNKNOWN)))) {
            assertThat(b.accepts(OLD, A)).isFalse();
            assertThat(b.judge(A, List.of(OLD), "2025.1").verdict()).isEqualTo(BackwardVerdicts.UNKNOWN);
        }
    }

    @Test
    void everyParentRefusingIsIncompatibleWithTheAgentsWords() {
        BackwardVerdicts b = on(Map.of(new MatrixKey("old-1", GPU, "nvidia-231", SIG), Verdict.VERDICT_INCOMPATIBLE,
                new MatrixKey("old-1", GPU2, "nvidia-231", SIG), Verdict.VERDICT_INCOMPATIBLE));
        assertThat(b.accepts(OLD, A)).isFalse();
        BackwardVerdicts.Judged j = b.judge(A, List.of(OLD), "2025.1");
        assertThat(j.verdict()).isEqualTo(BackwardVerdicts.INCOMPATIBLE);
        assertThat(j.reasons().get(0).message()).contains("host old-1", "refuses nvidia-231");
    }

    @Test
    void theCellsToAskAreEachParentOfferingTheTypeOnEachOldHost() {
        assertThat(BackwardVerdicts.cells(List.of(A), List.of(OLD))).containsOnlyKeys(
                new MatrixKey("old-1", GPU, "nvidia-231", SIG), new MatrixKey("old-1", GPU2, "nvidia-231", SIG));
    }

    @Test
    void anAgentsRefusalIsGivenBeforeAHostThatDoesNotOfferTheType() {
        HostView v100 = io.migplan.scheduler.testsupport.Views.withParents(io.migplan.scheduler.testsupport.Views
                .withRelease(io.migplan.scheduler.testsupport.Views.host("old-0"), "2025.1"),
                io.migplan.scheduler.testsupport.Views.parent(GPU, io.migplan.scheduler.testsupport.Views.type(
                        "nvidia-105", 4)));
        BackwardVerdicts b = on(Map.of(new MatrixKey("old-1", GPU, "nvidia-231", SIG), Verdict.VERDICT_INCOMPATIBLE,
                new MatrixKey("old-1", GPU2, "nvidia-231", SIG), Verdict.VERDICT_INCOMPATIBLE));
        BackwardVerdicts.Judged j = b.judge(A, List.of(v100, OLD), "2025.1");
        assertThat(j.verdict()).isEqualTo(BackwardVerdicts.INCOMPATIBLE);
        assertThat(j.reasons().get(0).message()).contains("host old-1", "refuses nvidia-231");
    }
}
