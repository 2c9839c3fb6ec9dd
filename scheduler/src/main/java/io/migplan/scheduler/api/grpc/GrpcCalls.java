package io.migplan.scheduler.api.grpc;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import io.migplan.scheduler.error.ErrorKind;
import io.migplan.scheduler.error.InvalidRequestException;
import io.migplan.scheduler.error.Texts;
import io.migplan.scheduler.error.RefusalException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
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
        ServerCallStreamObserver<T> server = observer instanceof ServerCallStreamObserver<T> s ? s : null;
        Deadline deadline = Context.current().getDeadline();
        T value;
        try {
            value = call.get();
        } catch (RuntimeException e) {
            if (!callerGone(server, deadline)) {
                fail(observer, e);
            }
            return;
        }
        // A caller that gave up while the call ran gets no answer, as in answerLater.
        if (callerGone(server, deadline)) {
            return;
        }
        observer.onNext(value);
        observer.onCompleted();
    }

    /**
     * {@link #answer} for a call whose value comes later: the call's own refusals (a field out
     * of bounds) are answered at once, the value or failure when the stage completes, on
     * whichever thread completes it, with no worker thread waiting meanwhile. A caller that gave
     * up meanwhile (cancelled, or past its deadline) gets no answer: HTTP/2 headers written to a
     * stream the client has reset make Netty treat it as a new stream of the server's, a protocol
     * error that closes the whole connection (GOAWAY "Request stream N is not correct for server
     * connection", netty/netty#3643), failing every call on it: at 10,000 agents sharing one
     * channel, thousands of calls at once.
     */
    static <T> void answerLater(StreamObserver<T> observer, Supplier<? extends CompletionStage<T>> call) {
        CompletionStage<T> stage;
        try {
            stage = call.get();
        } catch (RuntimeException e) {
            fail(observer, e);
            return;
        }
        ServerCallStreamObserver<T> server = observer instanceof ServerCallStreamObserver<T> s ? s : null;
        Deadline deadline = Context.current().getDeadline();
        stage.whenComplete((value, error) -> {
            if (callerGone(server, deadline)) {
                return;
            }
            if (error != null) {
                fail(observer, error instanceof CompletionException && error.getCause() != null ? error.getCause()
                        : error);
            } else {
                observer.onNext(value);
                observer.onCompleted();
            }
        });
    }

    /** Whether the caller has given up on the call: cancelled it, or its deadline passed (it cancels then). */
    static boolean callerGone(ServerCallStreamObserver<?> server, Deadline deadline) {
        return (server != null && server.isCancelled()) || (deadline != null && deadline.isExpired());
    }

    /**
     * Completes a server-streaming call from {@code call}'s items: the call's own refusals are
     * answered at once as {@link #answer}'s are; then each item is sent when the client's
     * transport is ready for it (gRPC flow control: the next item is asked of the stream only
     * then, so a slow client is never buffered for), the stream's end completes the call, and a
     * client that cancels cancels the stream.
     */
    static <T> void stream(StreamObserver<T> observer, Supplier<Multi<T>> call) {
        Multi<T> items;
        try {
            items = call.get();
        } catch (RuntimeException e) {
            fail(observer, e);
            return;
        }
        ServerCallStreamObserver<T> server = observer instanceof ServerCallStreamObserver<T> s ? s : null;
        items.subscribe().withSubscriber(new MultiSubscriber<T>() {
            private volatile Flow.Subscription subscription;
            /** Whether an item was asked for and has not come yet. */
            private final AtomicBoolean asked = new AtomicBoolean();

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                if (server != null) {
                    server.setOnCancelHandler(s::cancel);
                    server.setOnReadyHandler(this::askIfReady);
                }
                askIfReady();
            }

            private void askIfReady() {
                if ((server == null || server.isReady()) && asked.compareAndSet(false, true)) {
                    subscription.request(1);
                }
            }

            @Override
            public void onItem(T item) {
                observer.onNext(item);
                asked.set(false);
                askIfReady();
            }

            @Override
            public void onFailure(Throwable failure) {
                fail(observer, failure);
            }

            @Override
            public void onCompletion() {
                observer.onCompleted();
            }
        });
    }

    /** A deliberate status as it is; a refusal as its kind's status; anything else INTERNAL, logged under an incident id. */
    private static void fail(StreamObserver<?> observer, Throwable e) {
        if (e instanceof StatusRuntimeException s) {
            observer.onError(s);
            return;
        }
        StatusRuntimeException refusal = e instanceof RuntimeException r ? refusal(r) : null;
        if (refusal != null) {
            observer.onError(refusal);
            return;
        }
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "internal error in a gRPC call, incident %s", incident);
        observer.onError(Status.INTERNAL.withDescription(
                "internal error; the scheduler's log has the details under incident " + incident).asRuntimeException());
    }

    /**
     * The request, once it meets its record's constraints, the same the REST API checks with
     * {@code @Valid}; else a {@link ConstraintViolationException}, refused as INVALID_ARGUMENT.
     */
    static <R> R valid(Validator validator, R request) {
        Set<ConstraintViolation<R>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return request;
    }

    /**
     * A field a gRPC request must set (REST's path makes it impossible to leave out): the value, or
     * an INVALID_ARGUMENT naming the field and, if given, what belongs there.
     */
    static String required(String field, String value, String hint) {
        if (value.isBlank()) {
            throw new InvalidRequestException(field + " is empty" + (hint.isEmpty() ? "" : ": " + hint));
        }
        return text(field, value, Texts.MAX_ID);
    }

    /** A text field of a gRPC request, once it meets {@link Texts}'s rule; else INVALID_ARGUMENT naming it. */
    static String text(String field, String value, int maxLength) {
        String why = Texts.problem(field, value, maxLength);
        if (why != null) {
            throw new InvalidRequestException(why);
        }
        return value;
    }

    /** The domain of the {@code google.rpc.ErrorInfo} every refusal carries, beside its code as {@code reason}. */
    static final String ERROR_DOMAIN = "migplan.io";

    /**
     * The status matching the REST API's answer for a service's refusal ({@link ErrorKind} maps
     * both), so both APIs refuse the same things; null for anything else, which is an internal
     * fault. The refusal's code travels as a {@code google.rpc.ErrorInfo} detail, and leads the
     * description where the status alone does not say it, as in {@code "CAMPAIGN_ACTIVE: campaign
     * camp-1 is still running ..."}. A refusal that says when to retry carries the delay as a
     * {@code google.rpc.RetryInfo} detail, what the REST API sends as {@code Retry-After}.
     */
    static StatusRuntimeException refusal(RuntimeException e) {
        RefusalException r = RefusalException.from(e);
        if (r == null) {
            return null;
        }
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(r.kind().grpcStatus().value())
                .setMessage(r.kind().describe(r.code(), r.getMessage()))
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(r.code()).setDomain(ERROR_DOMAIN).build()));
        r.retryAfter().ifPresent(delay -> status.addDetails(Any.pack(RetryInfo.newBuilder()
                .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(delay.getSeconds())
                        .setNanos(delay.getNano()))
                .build())));
        return StatusProto.toStatusRuntimeException(status.build());
    }
}
