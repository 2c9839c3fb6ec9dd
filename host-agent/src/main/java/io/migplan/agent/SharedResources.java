package io.migplan.agent;

import io.grpc.ManagedChannel;
import io.migplan.agent.grpc.AgentTls;
import io.migplan.agent.grpc.GrpcTransport;
import io.migplan.agent.report.Reporter;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * What many agents in one process share instead of owning: one small scheduled executor for all
 * their reporters' ticks, one channel per scheduler target (per host with TLS), a per-host start delay that spreads
 * their first reports and heartbeats over time, and a listener told of every acknowledged report.
 * A single agent started without it owns a thread and a channel of its own, as before.
 *
 * <p>It decides none of the delays itself (the caller's function does) and does not own the
 * agents' servers: grpc-netty already shares its event loops and default executor between
 * servers in one process.
 */
public final class SharedResources implements AutoCloseable {
  private final ScheduledExecutorService executor;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final Function<String, Duration> startDelay;
  private final Reporter.Listener listener;

  private SharedResources(
      int threads, Function<String, Duration> startDelay, Reporter.Listener listener) {
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newScheduledThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "agents-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.startDelay = Objects.requireNonNull(startDelay, "startDelay");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * @param threads how many threads run every agent's ticks and calls to the scheduler
   * @param startDelay host id -> how long its first report waits; its heartbeats and scans keep
   *     that phase
   * @param listener told of every report the scheduler acknowledged
   */
  public static SharedResources create(
      int threads, Function<String, Duration> startDelay, Reporter.Listener listener) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    return new SharedResources(threads, startDelay, listener);
  }

  public ScheduledExecutorService executor() {
    return executor;
  }

  /** The one plaintext channel to {@code target}, created at first use; closed with these resources. */
  public ManagedChannel channel(String target) {
    return channels.computeIfAbsent(target, GrpcTransport::channel);
  }

  /**
   * The channel to {@code target} of the host {@code tls} speaks for, or the shared plaintext one
   * when {@code tls} is null. With TLS each host has a connection of its own: the scheduler knows a
   * host by the certificate of the connection its report comes over.
   */
  public ManagedChannel channel(String target, AgentTls tls) {
    if (tls == null) {
      return channel(target);
    }
    return channels.computeIfAbsent(target + " as " + tls.identity().uri(), k -> GrpcTransport.channel(target, tls));
  }

  /** How many channels were made: one per distinct scheduler target, or per host and target with TLS. */
  public int channelCount() {
    return channels.size();
  }

  public Duration startDelay(String hostId) {
    return startDelay.apply(hostId);
  }

  public Reporter.Listener listener() {
    return listener;
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      // Ticks hold calls with their own deadlines; a few seconds lets the last one finish.
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channels.values().forEach(GrpcTransport::close);
    channels.clear();
  }
}
