package io.migplan.agent.report;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.migplan.agent.scan.HostScanner;
import io.migplan.agent.grpc.GrpcTransport;
import io.migplan.proto.v1.HeartbeatRequest;
import io.migplan.proto.v1.HeartbeatResponse;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.InventoryServiceGrpc;
import io.migplan.proto.v1.ReportInventoryRequest;
import io.migplan.proto.v1.ReportInventoryResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the scheduler's picture of this host current: reports a snapshot at start, re-scans every
 * scan interval and reports again when anything but the generation and scan time changed, sends a
 * heartbeat every heartbeat interval and re-reports when the scheduler asks for it
 * ({@code resend_inventory}). An unreachable scheduler is logged and retried at the next tick; the
 * agent keeps serving. Every call carries a deadline.
 *
 * <p>All state lives on one thread at a time (a serial queue over its own thread, or over an
 * executor shared by many agents), so ticks never overlap. A heartbeat holds no thread while it
 * waits for its answer (the answer is handled as a task of the same queue): thousands of agents
 * sharing a few threads then keep their beat schedule even when the scheduler answers slowly,
 * which blocking calls could not (each held a thread for its whole round trip). It does not decide what a snapshot
 * holds (the scanner does) nor what the scheduler does with it.
 */
public final class Reporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Reporter.class);

  private final String hostId;
  private final String target;
  private final Duration scanInterval;
  private final Duration heartbeatInterval;
  private final Duration callTimeout;
  private final Supplier<HostSnapshot> scan;
  private final LongConsumer generationFloor;
  private final ManagedChannel channel;
  private final boolean ownsChannel;
  private final InventoryServiceGrpc.InventoryServiceBlockingStub stub;
  private final InventoryServiceGrpc.InventoryServiceStub asyncStub;
  private final ScheduledExecutorService executor;
  private final boolean ownsExecutor;
  private final SerialExecutor serial;
  private final Duration startDelay;
  private final Listener listener;
  private final AtomicBoolean scanQueued = new AtomicBoolean();
  private final AtomicBoolean heartbeatQueued = new AtomicBoolean();
  private final List<ScheduledFuture<?>> ticks = new ArrayList<>();
  private volatile boolean paused;

  // Touched only on the executor thread.
  private HostSnapshot lastReportedContent;
  /** The generation of the last report the scheduler applied: what a heartbeat vouches for. */
  private long lastAppliedGeneration;
  private boolean reportPending = true;
  private boolean reachable = true;

  /**
   * A reporter with a thread of its own, reporting over {@code channel} (to {@code target}), which
   * it closes when closed.
   *
   * @param scan re-reads the host and returns a fresh snapshot
   * @param generationFloor told the scheduler's stored generation when it holds a newer one than
   *     ours (an agent restarted with a clock behind), so the next snapshot outranks it
   */
  public Reporter(
      String hostId,
      String target,
      Duration scanInterval,
      Duration heartbeatInterval,
      Duration callTimeout,
      Supplier<HostSnapshot> scan,
      LongConsumer generationFloor,
      ManagedChannel channel) {
    this(
        hostId,
        target,
        scanInterval,
        heartbeatInterval,
        callTimeout,
        scan,
        generationFloor,
        channel,
        true,
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "reporter-" + hostId);
              t.setDaemon(true);
              return t;
            }),
        true,
        Duration.ZERO,
        Listener.NONE);
  }

  /**
   * A reporter that borrows the channel and executor (many agents in one process). Its first
   * report waits {@code startDelay}; its scans and heartbeats keep that phase. Closing it leaves
   * the channel and executor to their owner.
   */
  public static Reporter sharing(
      String hostId,
      String target,
      Duration scanInterval,
      Duration heartbeatInterval,
      Duration callTimeout,
      Supplier<HostSnapshot> scan,
      LongConsumer generationFloor,
      ManagedChannel channel,
      ScheduledExecutorService executor,
      Duration startDelay,
      Listener listener) {
    return new Reporter(
        hostId, target, scanInterval, heartbeatInterval, callTimeout, scan, generationFloor,
        channel, false, executor, false, startDelay, listener);
  }

  private Reporter(
      String hostId,
      String target,
      Duration scanInterval,
      Duration heartbeatInterval,
      Duration callTimeout,
      Supplier<HostSnapshot> scan,
      LongConsumer generationFloor,
      ManagedChannel channel,
      boolean ownsChannel,
      ScheduledExecutorService executor,
      boolean ownsExecutor,
      Duration startDelay,
      Listener listener) {
    this.hostId = hostId;
    this.target = target;
    this.scanInterval = scanInterval;
    this.heartbeatInterval = heartbeatInterval;
    this.callTimeout = callTimeout;
    this.scan = scan;
    this.generationFloor = generationFloor;
    this.channel = channel;
    this.ownsChannel = ownsChannel;
    this.stub = InventoryServiceGrpc.newBlockingStub(channel);
    this.asyncStub = InventoryServiceGrpc.newStub(channel);
    this.executor = executor;
    this.ownsExecutor = ownsExecutor;
    this.serial = new SerialExecutor(executor, hostId);
    this.startDelay = startDelay;
    this.listener = listener;
  }

  /** Told of every report the scheduler answered, from the reporter's thread. */
  @FunctionalInterface
  public interface Listener {
    Listener NONE = (hostId, generation, applied) -> {};

    void acknowledged(String hostId, long generation, boolean applied);

    /** How long a call the scheduler answered took, from sending it to its answer ({@code "report"} or {@code "heartbeat"}). */
    default void answered(String call, long nanos) {}

    /**
     * The scheduler answered a heartbeat of {@code hostId}: {@code vouched} when it refreshed the
     * host's liveness, false when it asked for the inventory again (the beat kept nothing alive).
     */
    default void heartbeatAnswered(String hostId, boolean vouched) {}

    /**
     * A call ({@code "report"} or {@code "heartbeat"}) failed with {@code code} (a gRPC status
     * code: DEADLINE_EXCEEDED, UNAVAILABLE, RESOURCE_EXHAUSTED...): no answer, so no time either.
     */
    default void failed(String call, String code) {}
  }

  public void start() {
    long delay = startDelay.toMillis();
    executor.schedule(
        () -> serial.execute(() -> report(scan.get(), "start")), delay, TimeUnit.MILLISECONDS);
    ticks.add(
        executor.scheduleWithFixedDelay(
            () -> enqueueOnce(scanQueued, this::scanTick),
            delay + scanInterval.toMillis(),
            scanInterval.toMillis(),
            TimeUnit.MILLISECONDS));
    ticks.add(
        executor.scheduleWithFixedDelay(
            () -> enqueueOnce(heartbeatQueued, this::heartbeatTick),
            delay + heartbeatInterval.toMillis(),
            heartbeatInterval.toMillis(),
            TimeUnit.MILLISECONDS));
  }

  /** A tick still waiting its turn is not queued twice, so a slow scheduler cannot pile them up. */
  private void enqueueOnce(AtomicBoolean queued, Runnable tick) {
    if (queued.compareAndSet(false, true)) {
      serial.execute(
          () -> {
            queued.set(false);
            tick.run();
          });
    }
  }

  /** Scans and reports now, on the reporter's thread; waits at most twice the call timeout. */
  public void reportNow() {
    FutureTask<Void> task = new FutureTask<>(() -> report(scan.get(), "requested"), null);
    serial.execute(task);
    try {
      task.get(callTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("host {}: report to {} did not finish: {}", hostId, target, e.toString());
    }
  }

  /** Scans and reports soon, on the reporter's thread, without waiting for it. */
  public void requestReport() {
    serial.execute(() -> report(scan.get(), "requested"));
  }

  /**
   * Stops reporting and heartbeating (the host looks dead to the scheduler) until {@link
   * #resume()}; the ticks keep their schedule and do nothing.
   */
  public void pause() {
    paused = true;
  }

  /** Reports at once and then ticks as before. */
  public void resume() {
    paused = false;
    serial.execute(
        () -> {
          reportPending = true;
          report(scan.get(), "resumed");
        });
  }

  private void scanTick() {
    if (paused) {
      return;
    }
    try {
      HostSnapshot snapshot = scan.get();
      if (reportPending || !HostScanner.content(snapshot).equals(lastReportedContent)) {
        report(snapshot, reportPending ? "retry" : "inventory changed");
      }
    } catch (RuntimeException e) {
      LOG.warn("host {}: scan tick failed: {}", hostId, e.toString());
    }
  }

  private void heartbeatTick() {
    if (paused) {
      return;
    }
    try {
      if (reportPending) {
        report(scan.get(), "retry");
        return;
      }
      retryConnectionNow();
      long sent = System.nanoTime();
      asyncStub
          .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
          .heartbeat(
              HeartbeatRequest.newBuilder().setHostId(hostId).setGeneration(lastAppliedGeneration).build(),
              new StreamObserver<>() {
                @Override
                public void onNext(HeartbeatResponse response) {
                  long took = System.nanoTime() - sent;
                  serial.execute(() -> heartbeatAnswered(response, took));
                }

                @Override
                public void onError(Throwable t) {
                  Status status = Status.fromThrowable(t);
                  serial.execute(() -> heartbeatFailed(status));
                }

                @Override
                public void onCompleted() {}
              });
    } catch (RuntimeException e) {
      LOG.warn("host {}: heartbeat tick failed: {}", hostId, e.toString());
    }
  }

  /** A heartbeat's answer, on the reporter's queue. */
  private void heartbeatAnswered(HeartbeatResponse response, long nanos) {
    listener.answered("heartbeat", nanos);
    listener.heartbeatAnswered(hostId, !response.getResendInventory());
    markReachable();
    if (response.getResendInventory()) {
      report(scan.get(), "scheduler asked to resend");
    }
  }

  /** A heartbeat that got no answer, on the reporter's queue. */
  private void heartbeatFailed(Status status) {
    listener.failed("heartbeat", status.getCode().name());
    markUnreachable(status);
  }

  private void report(HostSnapshot snapshot, String why) {
    if (paused) {
      return;
    }
    retryConnectionNow();
    try {
      long sent = System.nanoTime();
      ReportInventoryResponse response =
          stub.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
              .reportInventory(ReportInventoryRequest.newBuilder().setSnapshot(snapshot).build());
      listener.answered("report", System.nanoTime() - sent);
      markReachable();
      listener.acknowledged(hostId, snapshot.getGeneration(), response.getApplied());
      lastReportedContent = HostScanner.content(snapshot);
      if (response.getApplied()) {
        lastAppliedGeneration = snapshot.getGeneration();
      }
      reportPending = false;
      if (!response.getApplied() && response.getStoredGeneration() >= snapshot.getGeneration()) {
        // The scheduler holds a newer generation than ours: outrank it at the next tick.
        generationFloor.accept(response.getStoredGeneration());
        reportPending = true;
        LOG.info(
            "host {}: scheduler holds generation {} >= {}; will report a newer one",
            hostId,
            response.getStoredGeneration(),
            snapshot.getGeneration());
      } else {
        LOG.debug("host {}: reported generation {} ({})", hostId, snapshot.getGeneration(), why);
      }
    } catch (StatusRuntimeException e) {
      listener.failed("report", e.getStatus().getCode().name());
      reportPending = true;
      markUnreachable(e.getStatus());
    }
  }

  /**
   * After a failure gRPC waits out its own reconnect backoff (up to two minutes) and fails calls
   * meanwhile; the agent's ticks are the retry schedule, so reconnect when a tick asks.
   */
  private void retryConnectionNow() {
    if (!reachable) {
      channel.resetConnectBackoff();
    }
  }

  private void markReachable() {
    if (!reachable) {
      LOG.info("host {}: scheduler {} reachable again", hostId, target);
    }
    reachable = true;
  }

  private void markUnreachable(Status s) {
    // Log the change of state loudly, the repeats quietly, so a long outage does not flood logs.
    // The status's cause carries a full stack trace; the code and description say enough.
    String status = s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
    if (reachable) {
      LOG.warn("host {}: scheduler {} unreachable ({}); retrying at the next tick", hostId, target, status);
    } else {
      LOG.debug("host {}: scheduler {} still unreachable ({})", hostId, target, status);
    }
    reachable = false;
  }

  @Override
  public void close() {
    ticks.forEach(t -> t.cancel(false));
    serial.close();
    if (ownsExecutor) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (ownsChannel) {
      GrpcTransport.close(channel);
    }
  }

  /**
   * Runs one reporter's tasks one at a time, in order, on a possibly shared pool: what keeps
   * "all state on one thread" true when a thousand reporters share four threads.
   */
  private static final class SerialExecutor implements Executor {
    private final Executor pool;
    private final String hostId;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;
    private boolean closed;

    SerialExecutor(Executor pool, String hostId) {
      this.pool = pool;
      this.hostId = hostId;
    }

    @Override
    public void execute(Runnable task) {
      synchronized (this) {
        if (closed) {
          return;
        }
        queue.add(task);
        if (running) {
          return;
        }
        running = true;
      }
      try {
        pool.execute(this::drain);
      } catch (RejectedExecutionException e) {
        // The pool is shutting down with the process; nothing is left to report to.
        synchronized (this) {
          running = false;
          queue.clear();
        }
      }
    }

    private void drain() {
      while (true) {
        Runnable next;
        synchronized (this) {
          next = closed ? null : queue.poll();
          if (next == null) {
            running = false;
            return;
          }
        }
        try {
          next.run();
        } catch (RuntimeException e) {
          LOG.warn("host {}: reporter task failed: {}", hostId, e.toString());
        }
      }
    }

    synchronized void close() {
      closed = true;
      queue.clear();
    }
  }
}
