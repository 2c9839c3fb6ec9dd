package io.migplan.scheduler.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A call answered later is answered only while its caller still waits for it. */
class GrpcCallsTest {

    /** Records what is written to the call; cancelled when the test says so. */
    static final class Call extends ServerCallStreamObserver<String> {
        final List<String> written = new CopyOnWriteArrayList<>();
        volatile boolean cancelled;

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public void setOnCancelHandler(Runnable onCancelHandler) {
        }

        @Override
        public void setCompression(String compression) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {
        }

        @Override
        public void disableAutoInboundFlowControl() {
        }

        @Override
        public void request(int count) {
        }

        @Override
        public void setMessageCompression(boolean enable) {
        }

        @Override
        public void onNext(String value) {
            written.add("next " + value);
        }

        @Override
        public void onError(Throwable t) {
            written.add("error " + t.getMessage());
        }

        @Override
        public void onCompleted() {
            written.add("completed");
        }
    }

    @Test
    void aCallStillWaitedForGetsItsValue() {
        Call call = new Call();
        CompletableFuture<String> value = new CompletableFuture<>();
        GrpcCalls.answerLater(call, () -> value);

        value.complete("beat written");

        assertThat(call.written).containsExactly("next beat written", "completed");
    }

    @Test
    void aCallTheClientCancelledMeanwhileIsNotAnswered() {
        Call call = new Call();
        CompletableFuture<String> value = new CompletableFuture<>();
        GrpcCalls.answerLater(call, () -> value);

        call.cancelled = true;
        value.complete("beat written");
        CompletableFuture<String> failed = new CompletableFuture<>();
        GrpcCalls.answerLater(call, () -> failed);
        failed.completeExceptionally(new IllegalStateException("not written"));

        assertThat(call.written).isEmpty();
    }

    /** A report the agent gave up on while it was stored: its answer would close the agents' shared connection. */
    @Test
    void aBlockingCallCancelledWhileItRanIsNotAnsweredAndOneStillWaitedForIs() {
        Call gone = new Call();
        GrpcCalls.answer(gone, () -> {
            gone.cancelled = true;
            return "report stored";
        });
        Call waiting = new Call();
        GrpcCalls.answer(waiting, () -> "report stored");

        assertThat(gone.written).isEmpty();
        assertThat(waiting.written).containsExactly("next report stored", "completed");
    }

    @Test
    void aCallPastItsDeadlineIsNotAnsweredEvenBeforeTheCancelArrives() throws Exception {
        AtomicLong now = new AtomicLong();
        Deadline.Ticker ticker = new Deadline.Ticker() {
            @Override
            public long nanoTime() {
                return now.get();
            }
        };
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            Call call = new Call();
            CompletableFuture<String> value = new CompletableFuture<>();
            Context.CancellableContext context = Context.current()
                    .withDeadline(Deadline.after(5, TimeUnit.SECONDS, ticker), timer);
            context.run(() -> GrpcCalls.answerLater(call, () -> value));

            now.addAndGet(TimeUnit.SECONDS.toNanos(6));
            value.complete("beat written");

            assertThat(call.written).isEmpty();
            context.cancel(null);
        } finally {
            timer.shutdownNow();
        }
    }
}
