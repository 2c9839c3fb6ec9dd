package io.migplan.agent.grpc;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.migplan.agent.config.AgentLimits;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the agent's server takes at once and per call ({@link AgentLimits}), so that no caller can
 * exhaust its small heap: past {@code maxConcurrentCalls} calls in flight, and for a probe batch
 * of more than {@code maxQuestionsPerBatch} questions, the call is refused {@code
 * RESOURCE_EXHAUSTED} with a sentence naming the limit, before any work is done. A request larger
 * than {@code maxInboundMessageBytes} never reaches it: gRPC refuses it as it arrives ({@link
 * GrpcTransport} sets the size), also {@code RESOURCE_EXHAUSTED}.
 *
 * <p>It decides only whether a call is taken, never what it answers. A refused call leaves the
 * agent as it was, and the scheduler asks again later.
 */
public final class CallLimits implements ServerInterceptor {
  private final AgentLimits limits;
  private final Semaphore calls;

  public CallLimits(AgentLimits limits) {
    this.limits = limits;
    this.calls = new Semaphore(limits.maxConcurrentCalls());
  }

  public AgentLimits limits() {
    return limits;
  }

  /** Calls being answered now. */
  public int inFlight() {
    return limits.maxConcurrentCalls() - calls.availablePermits();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!calls.tryAcquire()) {
      call.close(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "the agent already answers "
                  + limits.maxConcurrentCalls()
                  + " calls at once (limits.maxConcurrentCalls); ask again shortly"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    AtomicBoolean released = new AtomicBoolean();
    Runnable release =
        () -> {
          if (released.compareAndSet(false, true)) {
            calls.release();
          }
        };
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(call, headers);
    } catch (RuntimeException | Error e) {
      release.run();
      throw e;
    }
    return new Bounded<>(listener, call, release);
  }

  /** Forwards a taken call, refusing an oversized batch and giving its place back when it ends. */
  private final class Bounded<Q, R> extends SimpleForwardingServerCallListener<Q> {
    private final ServerCall<Q, R> call;
    private final Runnable release;
    private boolean refused;

    Bounded(ServerCall.Listener<Q> delegate, ServerCall<Q, R> call, Runnable release) {
      super(delegate);
      this.call = call;
      this.release = release;
    }

    @Override
    public void onMessage(Q message) {
      String excess = excess(message);
      if (excess != null) {
        // The service never sees the request, so its half-close must not reach it either.
        refused = true;
        call.close(Status.RESOURCE_EXHAUSTED.withDescription(excess), new Metadata());
        return;
      }
      super.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        super.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      try {
        super.onCancel();
      } finally {
        release.run();
      }
    }

    @Override
    public void onComplete() {
      try {
        super.onComplete();
      } finally {
        release.run();
      }
    }
  }

  /** Why a request asks more than one call may, or null. */
  String excess(Object message) {
    if (message instanceof ProbeCompatibilityRequest r && r.getQuestionsCount() > limits.maxQuestionsPerBatch()) {
      return "too many questions: "
          + r.getQuestionsCount()
          + " in one batch, at most "
          + limits.maxQuestionsPerBatch()
          + " (limits.maxQuestionsPerBatch); split the batch";
    }
    return null;
  }
}
