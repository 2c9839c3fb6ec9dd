package io.migplan.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RunStatusTest {

    static RunStatus status(List<String> waiting) {
        return status(CampaignKind.UPGRADE, waiting);
    }

    static RunStatus status(CampaignKind kind, List<String> waiting) {
        return new RunStatus(Duration.ofSeconds(75), 12, 1, 20, 7, 1, 2, waiting, 3, 4, 40, kind, Duration.ofSeconds(30));
    }

    @Test
    void theLineShowsCountsBatchHostsEstimateAndTheFirstReasonForWaiting() {
        assertThat(status(List.of("host-3 waits for a fresh scan", "another")).line(0)).isEqualTo(
                "[1m15s] done 12/20 issued, 1 failed, 7 in flight, 1 upgrading, 2 settling | batch 3 | hosts 4/40 upgraded"
                        + " | ~30s left | waiting: host-3 waits for a fresh scan (+1)");
    }

    @Test
    void theLineNamesTheHostsDoneByWhatTheCampaignDoesToThem() {
        assertThat(status(CampaignKind.ROLLBACK, List.of()).line(0)).contains(" | hosts 4/40 rolled back | ")
                .doesNotContain("upgraded");
        assertThat(status(CampaignKind.EVACUATION, List.of()).line(0)).contains(" | hosts 4/40 emptied | ")
                .doesNotContain("upgraded");
    }

    @Test
    void aLiveLineIsCutToTheTerminal() {
        assertThat(status(List.of()).line(40)).hasSize(40).endsWith("…");
    }

    @Test
    void theEstimateFollowsThePaceSoFar() {
        assertThat(RunStatus.estimate(Duration.ofSeconds(60), 0, 10, 0, 10)).isNull();
        assertThat(RunStatus.estimate(Duration.ofSeconds(60), 5, 10, 5, 10)).isEqualTo(Duration.ofSeconds(60));
        assertThat(RunStatus.estimate(Duration.ofSeconds(60), 10, 10, 10, 10)).isEqualTo(Duration.ZERO);
    }

    @Test
    void withoutATerminalALineIsPrintedEveryFewSeconds() {
        StringWriter out = new StringWriter();
        AtomicLong now = new AtomicLong();
        ProgressLine p = new ProgressLine(new PrintWriter(out), false, 0, now::get);
        p.show(status(List.of()), false);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        p.show(status(List.of()), true);
        now.addAndGet(ProgressLine.LOG_EVERY.toNanos());
        p.show(status(List.of()), false);
        assertThat(out.toString().lines()).hasSize(2);
    }

    @Test
    void onATerminalTheLineIsRewrittenInPlace() {
        StringWriter out = new StringWriter();
        AtomicLong now = new AtomicLong();
        ProgressLine p = new ProgressLine(new PrintWriter(out), true, 200, now::get);
        p.show(status(List.of()), false);
        p.event("migration m-1 failed: refused");
        p.finish();
        assertThat(out.toString()).startsWith("\r\033[K[1m15s]").contains("\r\033[Kmigration m-1 failed: refused\n")
                .doesNotContain("\n[");
    }
}
