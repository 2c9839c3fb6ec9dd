package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.campaign.Backoff.Reason.REPLAN_FAILED;
import static io.migplan.scheduler.campaign.Backoff.Reason.STUCK;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void aStuckCampaignIsTriedAfterTheFirstWaitThenAfterWaitsTwiceAsLongUpToTheLongest() {
        Backoff b = new Backoff();
        assertThat(b.due("e", STUCK, T0)).as("never seen stuck").isFalse();
        b.seen("e", STUCK, T0);
        assertThat(b.due("e", STUCK, T0.plus(Duration.ofMinutes(1)).minusSeconds(1))).isFalse();
        Instant first = T0.plus(Duration.ofMinutes(1));
        assertThat(b.due("e", STUCK, first)).isTrue();

        assertThat(b.tried("e", STUCK, first)).isEqualTo(Duration.ofMinutes(2));
        assertThat(b.due("e", STUCK, first.plus(Duration.ofMinutes(2)).minusSeconds(1))).isFalse();
        Instant second = first.plus(Duration.ofMinutes(2));
        assertThat(b.due("e", STUCK, second)).isTrue();

        Instant at = second;
        Duration wait = Duration.ofMinutes(2);
        for (int i = 0; i < 10; i++) {
            Duration next = wait.multipliedBy(2).compareTo(Duration.ofMinutes(30)) > 0 ? Duration.ofMinutes(30)
                    : wait.multipliedBy(2);
            assertThat(b.tried("e", STUCK, at)).isEqualTo(next);
            wait = next;
            assertThat(b.due("e", STUCK, at.plus(wait).minusSeconds(1))).isFalse();
            at = at.plus(wait);
            assertThat(b.due("e", STUCK, at)).isTrue();
        }
        assertThat(wait).as("the longest wait between two tries").isEqualTo(Duration.ofMinutes(30));
    }

    @Test
    void seeingItAgainKeepsTheTimeAndACampaignThatWorksAgainIsForgotten() {
        Backoff b = new Backoff();
        b.seen("e", STUCK, T0);
        b.seen("e", STUCK, T0.plusSeconds(30));
        assertThat(b.due("e", STUCK, T0.plus(Duration.ofMinutes(1)))).as("the later step did not move the time")
                .isTrue();

        b.forget("e", STUCK);
        assertThat(b.due("e", STUCK, T0.plusSeconds(3600))).isFalse();
        assertThat(b.size()).isZero();
    }

    @Test
    void aFailedReplanWaitsThirtySecondsAfterEachFailureAndNoLonger() {
        Backoff b = new Backoff();
        assertThat(b.waiting("c", REPLAN_FAILED, T0)).as("never failed").isFalse();
        Instant at = T0;
        for (int i = 0; i < 5; i++) {
            assertThat(b.tried("c", REPLAN_FAILED, at)).isEqualTo(Duration.ofSeconds(30));
            assertThat(b.waiting("c", REPLAN_FAILED, at.plusSeconds(29))).isTrue();
            at = at.plusSeconds(30);
            assertThat(b.waiting("c", REPLAN_FAILED, at)).isFalse();
        }
        b.forget("c", REPLAN_FAILED);
        assertThat(b.waiting("c", REPLAN_FAILED, at.minusSeconds(10))).as("a re-plan that worked").isFalse();
    }

    @Test
    void eachReasonWaitsOnItsOwn() {
        Backoff b = new Backoff();
        b.seen("e", STUCK, T0);
        assertThat(b.waiting("e", REPLAN_FAILED, T0)).isFalse();
        b.tried("e", REPLAN_FAILED, T0);
        b.forget("e", REPLAN_FAILED);
        assertThat(b.waiting("e", STUCK, T0.plusSeconds(59))).as("still waiting while stuck").isTrue();
        assertThat(b.due("e", STUCK, T0.plus(Duration.ofMinutes(1)))).isTrue();
    }

    @Test
    void campaignsNoLongerRunningAreForgottenForEveryReason() {
        Backoff b = new Backoff();
        b.seen("gone", STUCK, T0);
        b.tried("gone", REPLAN_FAILED, T0);
        b.seen("kept", STUCK, T0);
        b.tried("kept", REPLAN_FAILED, T0);
        b.retainOnly(List.of("kept"));
        assertThat(b.size()).as("the bound: running campaigns only").isEqualTo(2);
        Instant later = T0.plus(Duration.ofMinutes(1));
        assertThat(b.due("gone", STUCK, later)).isFalse();
        assertThat(b.waiting("gone", REPLAN_FAILED, T0.plusSeconds(1))).isFalse();
        assertThat(b.due("kept", STUCK, later)).isTrue();
        assertThat(b.waiting("kept", REPLAN_FAILED, T0.plusSeconds(1))).isTrue();
    }
}
