package io.migplan.agent.report;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.migplan.agent.HostScanner;
import io.migplan.agent.grpc.GrpcTransport;
import io.migplan.proto.v1.HeartbeatRequest;
import io.migplan.proto.v1.HeartbeatResponse;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.InventoryServiceGrpc;
import io.migplan.proto.v1.ReportInventoryRequest;
import io.migplan.proto.v1.ReportInventoryResponse;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>All state lives on one thread, so ticks never overlap. It does not decide what a snapshot
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
  private final InventoryServiceGrpc.InventoryServiceBlockingStub stub;
  private final ScheduledExecutorService executor;

  // Touched only on the executor thread.
  private HostSnapshot lastReportedContent;
  private long lastReportedGeneration;
  private boolean reportPending = true;
  private boolean reachable = true;

  /**
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
      LongConsumer generationFloor) {
    this.hostId = hostId;
    this.target = target;
    this.scanInterval = scanInterval;
    this.heartbeatInterval = heartbeatInterval;
    this.callTimeout = callTimeout;
    this.scan = scan;
    this.generationFloor = generationFloor;
    this.channel = GrpcTransport.channel(target);
    this.stub = InventoryServiceGrpc.newBlockingStub(channel);
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "reporter-" + hostId);
              t.setDaemon(true);
              return t;
            });
  }

  public void start() {
    executor.execute(() -> report(scan.get(), "start"));
    executor.scheduleWithFixedDelay(
        this::scanTick, scanInterval.toMillis(), scanInterval.toMillis(), TimeUnit.MILLISECONDS);
    executor.scheduleWithFixedDelay(
        this::heartbeatTick,
        heartbeatInterval.toMillis(),
        heartbeatInterval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Scans and reports now, on the reporter's thread; waits at most twice the call timeout. */
  public void reportNow() {
    try {
      executor
          .submit(() -> report(scan.get(), "requested"))
          .get(callTimeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("host {}: report to {} did not finish: {}", hostId, target, e.toString());
    }
  }

  private void scanTick() {
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
    try {
      if (reportPending) {
        report(scan.get(), "retry");
        return;
      }
      retryConnectionNow();
      HeartbeatResponse response =
          stub.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
              .heartbeat(
                  HeartbeatRequest.newBuilder()
                      .setHostId(hostId)
                      .setGeneration(lastReportedGeneration)
                      .build());
      markReachable();
      if (response.getResendInventory()) {
        report(scan.get(), "scheduler asked to resend");
      }
    } catch (StatusRuntimeException e) {
      markUnreachable(e);
    } catch (RuntimeException e) {
      LOG.warn("host {}: heartbeat tick failed: {}", hostId, e.toString());
    }
  }

  private void report(HostSnapshot snapshot, String why) {
    retryConnectionNow();
    try {
      ReportInventoryResponse response =
          stub.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
              .reportInventory(ReportInventoryRequest.newBuilder().setSnapshot(snapshot).build());
      markReachable();
      lastReportedContent = HostScanner.content(snapshot);
      lastReportedGeneration = snapshot.getGeneration();
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
      reportPending = true;
      markUnreachable(e);
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

  private void markUnreachable(StatusRuntimeException e) {
    // Log the change of state loudly, the repeats quietly, so a long outage does not flood logs.
    // The status's cause carries a full stack trace; the code and description say enough.
    String status = e.getStatus().getCode() + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription());
    if (reachable) {
      LOG.warn("host {}: scheduler {} unreachable ({}); retrying at the next tick", hostId, target, status);
    } else {
      LOG.debug("host {}: scheduler {} still unreachable ({})", hostId, target, status);
    }
    reachable = false;
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    GrpcTransport.close(channel);
  }
}
