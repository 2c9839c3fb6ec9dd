package io.migplan.scheduler.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockedRetriesTest {

    static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void aStuckCampaignIsTriedAfterTheFirstWaitThenAfterWaitsTwiceAsLongUpToTheLongest() {
        BlockedRetries r = new BlockedRetries();
        assertThat(r.due("e", T0)).as("never seen stuck").isFalse();
        r.after("e", true, false, T0);
        assertThat(r.due("e", T0.plus(BlockedRetries.FIRST).minusSeconds(1))).isFalse();
        Instant first = T0.plus(BlockedRetries.FIRST);
        assertThat(r.due("e", first)).isTrue();

        r.after("e", true, true, first);
        assertThat(r.due("e", first.plus(BlockedRetries.FIRST.multipliedBy(2)).minusSeconds(1))).isFalse();
        Instant second = first.plus(BlockedRetries.FIRST.multipliedBy(2));
        assertThat(r.due("e", second)).isTrue();

        Instant at = second;
        Duration wait = BlockedRetries.FIRST.multipliedBy(2);
        for (int i = 0; i < 10; i++) {
            r.after("e", true, true, at);
            wait = wait.multipliedBy(2).compareTo(BlockedRetries.LONGEST) > 0 ? BlockedRetries.LONGEST
                    : wait.multipliedBy(2);
            assertThat(r.due("e", at.plus(wait).minusSeconds(1))).isFalse();
            at = at.plus(wait);
            assertThat(r.due("e", at)).isTrue();
        }
        assertThat(wait).isEqualTo(BlockedRetries.LONGEST);
    }

    @Test
    void aStepThatDidNotTryKeepsTheTimeAndACampaignNoLongerStuckIsForgotten() {
        BlockedRetries r = new BlockedRetries();
        r.after("e", true, false, T0);
        r.after("e", true, false, T0.plusSeconds(30));
        assertThat(r.due("e", T0.plus(BlockedRetries.FIRST))).as("the later step did not move the time").isTrue();

        r.after("e", false, false, T0.plusSeconds(40));
        assertThat(r.due("e", T0.plusSeconds(3600))).isFalse();
    }

    @Test
    void campaignsNoLongerRunningAreForgotten() {
        BlockedRetries r = new BlockedRetries();
        r.after("gone", true, false, T0);
        r.after("kept", true, false, T0);
        r.retainOnly(List.of("kept"));
        Instant later = T0.plus(BlockedRetries.FIRST);
        assertThat(r.due("gone", later)).isFalse();
        assertThat(r.due("kept", later)).isTrue();
    }
}
