package io.migplan.scheduler.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.campaign.VerdictBook.Basis;
import io.migplan.scheduler.campaign.VerdictBook.Judgement;
import org.junit.jupiter.api.Test;

class VerdictBookTest {

    static final String SIG = "nvidia-231/T4/550.90.07";

    @Test
    void withNothingAskedTheReleasePolicyIsAssumedSameBoardForwardOnly() {
        VerdictBook book = new VerdictBook();
        assertThat(book.judge("nvidia-231", SIG, "T4", "2025.1", "t", "T4", "2025.2", false))
                .isEqualTo(new Judgement(true, Basis.ASSUMED, "", ""));
        Judgement otherBoard = book.judge("nvidia-231", SIG, "T4", "2025.1", "t", "V100", "2025.2", false);
        assertThat(otherBoard.compatible()).isFalse();
        assertThat(otherBoard.why()).contains("same board (T4)").contains("t is V100 at 2025.2");
        assertThat(book.judge("nvidia-231", SIG, "T4", "2025.2", "t", "T4", "2025.1", false).compatible()).isFalse();
    }

    @Test
    void theTargetsOwnAnswerCountsOnlyAtTheReleaseItRunsNow() {
        VerdictBook book = new VerdictBook();
        book.add("t", "T4", "2025.1", "nvidia-231", SIG, Verdict.VERDICT_INCOMPATIBLE, "", "SIGNATURE_MISMATCH");
        Judgement now = book.judge("nvidia-231", SIG, "T4", "2025.1", "t", "T4", "2025.1", true);
        assertThat(now.compatible()).isFalse();
        assertThat(now.basis()).isEqualTo(Basis.PROBED);
        assertThat(now.why()).contains("host t (T4, release 2025.1) answered INCOMPATIBLE").contains("SIGNATURE_MISMATCH");
        // Once upgraded it is another host as far as compatibility goes: its old answer does not count.
        assertThat(book.judge("nvidia-231", SIG, "T4", "2025.1", "t", "T4", "2025.2", false).basis())
                .isEqualTo(Basis.ASSUMED);
    }

    @Test
    void aTypeAnAgentCallsNotMigratableIsRefusedEverywhereWithThatCodeWhateverItsWords() {
        VerdictBook book = new VerdictBook();
        book.add("t", "HD630", "2025.1", "i915-GVTg_V5_4", SIG, Verdict.VERDICT_INCOMPATIBLE,
                VerdictBook.NOT_MIGRATABLE, "no migration support in this driver");

        Judgement j = book.judge("i915-GVTg_V5_4", SIG, "HD630", "2025.1", "other", "HD630", "2025.2", false);
        assertThat(j.compatible()).isFalse();
        assertThat(j.code()).isEqualTo(VerdictBook.NOT_MIGRATABLE);
        assertThat(j.why()).contains("host t").contains("no migration support in this driver");
        Judgement policy = book.judge("nvidia-231", SIG, "T4", "2025.1", "t", "V100", "2025.2", false);
        assertThat(policy.code()).isEqualTo(VerdictBook.NO_COMPATIBLE_TARGET);
    }

    @Test
    void oneParentAcceptingIsEnoughForItsHost() {
        VerdictBook book = new VerdictBook();
        book.add("t", "T4", "2025.1", "nvidia-231", SIG, Verdict.VERDICT_INCOMPATIBLE, "", "");
        book.add("t", "T4", "2025.1", "nvidia-231", SIG, Verdict.VERDICT_COMPATIBLE, "", "");
        assertThat(book.judge("nvidia-231", SIG, "T4", "2025.1", "t", "T4", "2025.1", true))
                .isEqualTo(new Judgement(true, Basis.PROBED, "", ""));
    }

    @Test
    void aCanarysRefusalIsLearnedForEveryHostOfItsBoardAtItsRelease() {
        VerdictBook book = new VerdictBook();
        book.add("canary", "T4", "2025.2", "nvidia-231", SIG, Verdict.VERDICT_COMPATIBLE, "", "");
        book.add("other", "T4", "2025.2", "nvidia-231", SIG, Verdict.VERDICT_UNKNOWN, "", "no answer");
        Judgement later = book.judge("nvidia-231", SIG, "T4", "2025.1", "next", "T4", "2025.2", false);
        assertThat(later.compatible()).isFalse();
        assertThat(later.basis()).isEqualTo(Basis.LEARNED);
        assertThat(later.why()).contains("host other").contains("UNKNOWN");
        // Other boards, releases and signatures learn nothing from it.
        assertThat(book.judge("nvidia-231", SIG, "V100", "2025.1", "v", "V100", "2025.2", false).basis())
                .isEqualTo(Basis.ASSUMED);
        assertThat(book.judge("nvidia-231", "other-sig", "T4", "2025.1", "next", "T4", "2025.2", false).compatible())
                .isTrue();
    }

    @Test
    void aLearnedAcceptanceIsSaidSo() {
        VerdictBook book = new VerdictBook();
        book.add("canary", "T4", "2025.2", "nvidia-231", SIG, Verdict.VERDICT_COMPATIBLE, "", "");
        assertThat(book.judge("nvidia-231", SIG, "T4", "2025.1", "next", "T4", "2025.2", false))
                .isEqualTo(new Judgement(true, Basis.LEARNED, "", ""));
    }
}
