package io.migplan.scheduler.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedExecutorTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Runnable blockUntil(CountDownLatch gate, CountDownLatch running) {
        return () -> {
            running.countDown();
            try {
                gate.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    @Test
    void aTaskOfferedWhenEveryThreadIsBusyAndTheQueueFullIsRefusedAndCounted() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        try (BoundedExecutor executor = new BoundedExecutor("test-pool", 1, 2)) {
            assertThat(executor.offer(blockUntil(gate, running))).isTrue();
            assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(executor.offer(() -> ran.add("queued 1"))).isTrue();
            assertThat(executor.offer(() -> ran.add("queued 2"))).isTrue();
            assertThat(executor.queued()).isEqualTo(2);

            assertThat(executor.offer(() -> ran.add("refused"))).isFalse();
            assertThat(executor.refused()).isEqualTo(1);

            gate.countDown();
            await().atMost(WAIT).until(() -> ran.size() == 2);
            assertThat(ran).containsExactly("queued 1", "queued 2");
            assertThat(executor.offer(() -> ran.add("after"))).isTrue();
            await().atMost(WAIT).until(() -> ran.size() == 3);
            assertThat(executor.refused()).isEqualTo(1);
        }
    }

    @Test
    void itsThreadsAreNamedDaemonsAndATaskThatThrowsDoesNotStopThePool() throws Exception {
        List<Thread> threads = new CopyOnWriteArrayList<>();
        try (BoundedExecutor executor = new BoundedExecutor("matrix-test", 2, 4)) {
            executor.offer(() -> {
                throw new IllegalStateException("a task that fails");
            });
            executor.offer(() -> threads.add(Thread.currentThread()));
            await().atMost(WAIT).until(() -> threads.size() == 1);
        }
        assertThat(threads.get(0).getName()).matches("matrix-test-\\d+");
        assertThat(threads.get(0).isDaemon()).isTrue();
    }

    @Test
    void aClosedExecutorRefusesAndItsRunningTaskIsInterrupted() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        BoundedExecutor executor = new BoundedExecutor("closing", 1, 1);
        executor.offer(() -> {
            running.countDown();
            try {
                new CountDownLatch(1).await(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        executor.close();

        assertThat(interrupted.getCount()).isZero();
        assertThat(executor.offer(() -> { })).isFalse();
    }

    @Test
    void aPoolNeedsAThreadAndAQueue() {
        assertThatThrownBy(() -> new BoundedExecutor("none", 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("executor none needs at least one thread and a queue of at least one, got 0 thread(s)"
                        + " and a queue of 1");
    }
}
