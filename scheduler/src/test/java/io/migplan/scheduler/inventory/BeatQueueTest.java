package io.migplan.scheduler.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.migplan.scheduler.error.ErrorKind;
import io.migplan.scheduler.error.RefusalException;
import io.migplan.scheduler.inventory.BeatQueue.Beat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BeatQueueTest {

    /** A writer that holds its first write until released, recording every batch; host "h-odd*" beats are not vouched for. */
    private static final class Writer {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<List<Beat>> batches = new CopyOnWriteArrayList<>();

        BeatQueue.Written write(List<Beat> beats) {
            batches.add(List.copyOf(beats));
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Set<Beat> vouched = new HashSet<>();
            beats.stream().filter(b -> !b.host().startsWith("h-odd")).forEach(vouched::add);
            return new BeatQueue.Written(vouched, Set.of());
        }
    }

    @Test
    void beatsArrivingWhileAWriteRunsAreWrittenTogetherInTheNext() throws Exception {
        Writer w = new Writer();
        try (BeatQueue q = new BeatQueue(100, w::write)) {
            CompletableFuture<Boolean> first = q.beat(new Beat("h-0", 1));
            assertThat(w.entered.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Boolean>> rest = new ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                rest.add(q.beat(new Beat((i % 2 == 0 ? "h-even-" : "h-odd-") + i, i)));
            }
            w.release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i <= 50; i++) {
                assertThat(rest.get(i - 1).get(10, TimeUnit.SECONDS)).as("beat %d", i).isEqualTo(i % 2 == 0);
            }
            assertThat(w.batches).hasSize(2);
            assertThat(w.batches.get(1)).hasSize(50);
            assertThat(q.writes()).isEqualTo(2);
        }
    }

    /** Writes start at least the interval apart: a beat just after a write waits out the rest for others to join it. */
    @Test
    void aBeatJustAfterAWriteWaitsOutTheIntervalSoThatOthersShareItsWrite() throws Exception {
        Duration interval = Duration.ofMillis(500);
        List<Long> starts = new CopyOnWriteArrayList<>();
        try (BeatQueue q = new BeatQueue(100, beats -> {
            starts.add(System.nanoTime());
            return new BeatQueue.Written(Set.copyOf(beats), Set.of());
        }, interval)) {
            assertThat(q.beat(new Beat("h-0", 1)).get(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Boolean> next = q.beat(new Beat("h-1", 1));

            assertThat(next.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(starts).hasSize(2);
            assertThat(starts.get(1) - starts.get(0)).isGreaterThanOrEqualTo(interval.toNanos());
        }
    }

    /** The interval counts from the last write: the first beat (or one after a quiet spell) is written at once. */
    @Test
    void theFirstBeatIsWrittenWithoutWaitingForTheInterval() throws Exception {
        try (BeatQueue q = new BeatQueue(100, beats -> new BeatQueue.Written(Set.copyOf(beats), Set.of()),
                Duration.ofHours(1))) {
            assertThat(q.beat(new Beat("h-0", 1)).get(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Stopping while a batch waits out the interval fails its beats rather than dropping them. */
    @Test
    void closingWhileABatchWaitsOutTheIntervalFailsItsBeats() throws Exception {
        List<List<Beat>> batches = new CopyOnWriteArrayList<>();
        BeatQueue q = new BeatQueue(100, beats -> {
            batches.add(List.copyOf(beats));
            return new BeatQueue.Written(Set.copyOf(beats), Set.of());
        }, Duration.ofHours(1));
        assertThat(q.beat(new Beat("h-0", 1)).get(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Boolean> waiting = q.beat(new Beat("h-1", 1));

        q.close();

        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
        assertThat(e.getCause()).hasMessage("the scheduler is stopping");
        assertThat(batches).hasSize(1);
    }

    @Test
    void aFullQueueRefusesABeatAtOnceSayingWhenToBeatAgainAndDoesNotWriteIt() throws Exception {
        Writer w = new Writer();
        try (BeatQueue q = new BeatQueue(3, w::write)) {
            q.beat(new Beat("h-0", 1));
            assertThat(w.entered.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Boolean>> waiting = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                waiting.add(q.beat(new Beat("h-" + i, 1)));
            }
            CompletableFuture<Boolean> refused = q.beat(new Beat("h-refused", 1));
            assertThat(refused).isCompletedExceptionally();
            RefusalException why = (RefusalException) refused.handle((v, e) -> e).get();
            assertThat(why.kind()).isEqualTo(ErrorKind.BUSY);
            assertThat(why.getMessage()).isEqualTo("3 heartbeats are waiting to be written; beat again in 5 s");
            w.release.countDown();
            for (CompletableFuture<Boolean> f : waiting) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(w.batches.stream().flatMap(List::stream)).noneMatch(b -> b.host().equals("h-refused"));
        }
    }

    @Test
    void aFailedWriteFailsEveryBeatOfItsBatchAndTheNextBatchIsWrittenAgain() throws Exception {
        List<Integer> calls = new CopyOnWriteArrayList<>();
        try (BeatQueue q = new BeatQueue(10, beats -> {
            calls.add(beats.size());
            if (calls.size() == 1) {
                throw new IllegalStateException("database unreachable");
            }
            return new BeatQueue.Written(Set.copyOf(beats), Set.of());
        })) {
            CompletableFuture<Boolean> lost = q.beat(new Beat("h-1", 1));
            assertThat(lost.handle((v, e) -> e).get(10, TimeUnit.SECONDS)).hasMessage("database unreachable");
            assertThat(q.beat(new Beat("h-1", 1)).get(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * A beat whose host row another transaction holds is skipped by its batch: the rest of the batch
     * is answered at once, and the skipped beat leads the next batches until its row is free.
     */
    @Test
    void aBeatSkippedForABusyHostRowWaitsForLaterBatchesWithoutHoldingUpItsOwn() throws Exception {
        List<List<Beat>> batches = new CopyOnWriteArrayList<>();
        CountDownLatch rowFree = new CountDownLatch(1);
        Beat held = new Beat("h-held", 1);
        try (BeatQueue q = new BeatQueue(100, beats -> {
            batches.add(List.copyOf(beats));
            Set<Beat> busy = rowFree.getCount() > 0 && beats.contains(held) ? Set.of(held) : Set.of();
            Set<Beat> vouched = new HashSet<>(beats);
            vouched.removeAll(busy);
            return new BeatQueue.Written(vouched, busy);
        })) {
            CompletableFuture<Boolean> skipped = q.beat(held);
            CompletableFuture<Boolean> other = q.beat(new Beat("h-free", 1));

            assertThat(other.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(skipped).isNotDone();
            rowFree.countDown();
            assertThat(skipped.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(batches.stream().filter(b -> b.contains(held)).count()).isGreaterThan(1);
            assertThat(batches.get(batches.size() - 1)).containsExactly(held);
        }
    }

    /** A host row held longer than the agents' call deadline: its beat is refused, not kept forever. */
    @Test
    void aBeatWhoseHostRowStaysBusyIsRefusedAfterTheLimit() throws Exception {
        Beat held = new Beat("h-held", 1);
        try (BeatQueue q = new BeatQueue(100, beats -> new BeatQueue.Written(Set.of(), Set.copyOf(beats)))) {
            CompletableFuture<Boolean> skipped = q.beat(held);

            Throwable why = skipped.handle((v, e) -> e).get(BeatQueue.BUSY_LIMIT.toSeconds() + 10, TimeUnit.SECONDS);

            assertThat(why).isInstanceOf(RefusalException.class);
            assertThat(((RefusalException) why).kind()).isEqualTo(ErrorKind.BUSY);
            assertThat(why.getMessage()).isEqualTo("host h-held: another transaction held its row for 5 s;"
                    + " beat again in 5 s");
        }
    }

    @Test
    void closingFailsTheBeatsStillWaitingAndRefusesNewOnes() throws Exception {
        Writer w = new Writer();
        BeatQueue q = new BeatQueue(10, w::write);
        q.beat(new Beat("h-0", 1));
        assertThat(w.entered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Boolean> waiting = q.beat(new Beat("h-1", 1));
        // The write in progress is interrupted, never released: h-1 is still waiting when the queue stops.
        q.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
        assertThat(e.getCause()).hasMessage("the scheduler is stopping");
        assertThat(q.beat(new Beat("h-2", 1))).isCompletedExceptionally();
        assertThat(w.batches).hasSize(1);
    }
}
