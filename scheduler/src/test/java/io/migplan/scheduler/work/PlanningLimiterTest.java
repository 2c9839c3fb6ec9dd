package io.migplan.scheduler.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.scheduler.error.ErrorKind;
import io.migplan.scheduler.work.PlanningLimiter.Ticket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PlanningLimiterTest {

    private final List<String> started = new CopyOnWriteArrayList<>();
    private final PlanningLimiter limiter = new PlanningLimiter(2, 1, Duration.ofSeconds(5));

    private Ticket start(String job) {
        Ticket t = limiter.admit();
        t.start(() -> started.add(job));
        return t;
    }

    @Test
    void jobsStartAtOnceWhileASlotIsFreeThenWaitInArrivalOrder() {
        Ticket a = start("a");
        Ticket b = start("b");
        Ticket c = start("c");

        assertThat(started).containsExactly("a", "b");
        assertThat(c.isWaiting()).isTrue();
        assertThat(limiter.running()).isEqualTo(2);
        assertThat(limiter.waiting()).isEqualTo(1);

        b.release();

        assertThat(started).containsExactly("a", "b", "c");
        assertThat(limiter.running()).isEqualTo(2);
        assertThat(limiter.waiting()).isZero();
        a.release();
        c.release();
        assertThat(limiter.running()).isZero();
    }

    @Test
    void aJobPastTheSlotsAndTheQueueIsRefusedSayingWhenToRetryAndCountsNothing() {
        start("a");
        start("b");
        start("c");

        assertThatThrownBy(limiter::admit).isInstanceOfSatisfying(PlanningBusyException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.BUSY);
            assertThat(e.code()).isEqualTo("PLANNING_BUSY");
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(5));
            assertThat(e.getMessage()).isEqualTo("the scheduler is solving 2 plans and 1 more is waiting, as many"
                    + " as allowed (migplan.planning.max-concurrent=2, migplan.planning.max-queued=1); nothing was"
                    + " stored, try again in 5 s");
        });
        assertThat(limiter.running()).isEqualTo(2);
        assertThat(limiter.waiting()).isEqualTo(1);
    }

    @Test
    void anAdmittedJobNotStartedYetHoldsAPlaceUntilItStartsOrIsReleased() {
        Ticket a = limiter.admit();
        Ticket b = limiter.admit();
        Ticket c = limiter.admit();
        assertThatThrownBy(limiter::admit).isInstanceOf(PlanningBusyException.class);

        c.release(); // say its plan could not be stored
        Ticket d = limiter.admit();
        a.start(() -> started.add("a"));
        b.start(() -> started.add("b"));
        d.start(() -> started.add("d"));

        assertThat(started).containsExactly("a", "b");
        assertThat(d.isWaiting()).isTrue();
    }

    @Test
    void aWaitingJobWithdrawnNeverStartsAndFreesItsPlace() {
        Ticket a = start("a");
        start("b");
        Ticket c = start("c");

        assertThat(c.withdraw()).isTrue();
        assertThat(c.withdraw()).isFalse();
        a.release();

        assertThat(started).containsExactly("a", "b");
        assertThat(limiter.running()).isEqualTo(1);
        assertThat(limiter.waiting()).isZero();
        assertThat(a.withdraw()).as("a job that ran cannot be withdrawn").isFalse();
    }

    @Test
    void releasingTwiceFreesOneSlot() {
        Ticket a = start("a");
        start("b");
        start("c");

        a.release();
        a.release();

        assertThat(limiter.running()).isEqualTo(2);
        assertThat(started).containsExactly("a", "b", "c");
    }

    @Test
    void aStartThatThrowsEndsItsJobAndTheNextOneTakesTheSlot() {
        PlanningLimiter oneSlot = new PlanningLimiter(1, 2, Duration.ofSeconds(5));
        Ticket a = oneSlot.admit();
        a.start(() -> started.add("a"));
        oneSlot.admit().start(() -> {
            throw new IllegalStateException("no solver");
        });
        oneSlot.admit().start(() -> started.add("c")); // waits behind the failing one

        a.release(); // the failing one starts, fails and frees the slot; c takes it

        assertThat(started).containsExactly("a", "c");
        assertThat(oneSlot.running()).isEqualTo(1);
        assertThat(oneSlot.waiting()).isZero();
    }

    @Test
    void withNoQueueAJobIsRefusedAsSoonAsEverySlotIsTaken() {
        PlanningLimiter noQueue = new PlanningLimiter(1, 0, Duration.ofSeconds(1));
        noQueue.admit().start(() -> { });

        assertThatThrownBy(noQueue::admit).isInstanceOf(PlanningBusyException.class);
    }
}
