package io.migplan.scheduler.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Completes a unary call: the value, a deliberate status, or INTERNAL for anything else,
 * whose trace is logged here under an incident id and never sent to the caller.
 */
final class GrpcCalls {

    private static final Logger LOG = Logger.getLogger(GrpcCalls.class);

    private GrpcCalls() {
    }

    static <T> void answer(StreamObserver<T> observer, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        } catch (StatusRuntimeException e) {
            observer.onError(e);
            return;
        } catch (RuntimeException e) {
            String incident = UUID.randomUUID().toString();
            LOG.errorf(e, "internal error in a gRPC call, incident %s", incident);
            observer.onError(Status.INTERNAL.withDescription(
                    "internal error; the scheduler's log has the details under incident " + incident).asRuntimeException());
            return;
        }
        observer.onNext(value);
        observer.onCompleted();
    }
}
