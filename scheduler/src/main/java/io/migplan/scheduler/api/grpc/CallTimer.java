package io.migplan.scheduler.api.grpc;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.migplan.scheduler.metrics.SchedulerMetrics;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.Prioritized;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Times every gRPC call to the scheduler from its arrival (this interceptor, the first of every
 * service's, runs as the call's headers are read) to its answer written, or to the caller's
 * cancelling it: the latency the scheduler adds, worker-pool queueing and batching included, and
 * nothing of the caller's own. Recorded once per call as {@code migplan.grpc.calls}
 * ({@link SchedulerMetrics#grpcCall}).
 */
@ApplicationScoped
@GlobalInterceptor
public class CallTimer implements ServerInterceptor, Prioritized {

    /** Above every other interceptor's (Quarkus calls the highest first), so the clock starts first. */
    static final int PRIORITY = Integer.MAX_VALUE;

    @Inject
    SchedulerMetrics metrics;

    @Override
    public int getPriority() {
        return PRIORITY;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        long arrived = System.nanoTime();
        String method = call.getMethodDescriptor().getFullMethodName();
        AtomicBoolean recorded = new AtomicBoolean();
        ServerCall<Q, R> timed = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                try {
                    super.close(status, trailers);
                } finally {
                    if (recorded.compareAndSet(false, true)) {
                        metrics.grpcCall(method, status.getCode().name(), System.nanoTime() - arrived);
                    }
                }
            }
        };
        return new SimpleForwardingServerCallListener<>(next.startCall(timed, headers)) {
            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    if (recorded.compareAndSet(false, true)) {
                        metrics.grpcCall(method, Status.Code.CANCELLED.name(), System.nanoTime() - arrived);
                    }
                }
            }
        };
    }
}
