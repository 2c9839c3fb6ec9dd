package io.migplan.agent;

import io.grpc.ManagedChannel;
import io.migplan.agent.grpc.AgentTls;
import io.migplan.agent.grpc.GrpcTransport;
import io.migplan.agent.report.Reporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Held resources ({@link #held}) keep every agent's reporting, and its connection to the
 * scheduler, until {@link #release}: a process that starts a thousand agents builds their TLS
 * contexts, servers and first scans first, on every core, and only then do they connect and report
 * with their delays counted from the release, as a real fleet's agents, each started on its own host,
 * would. The scheduler then sees its agents' handshakes and reports, not the simulator's start.
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
  /** What waits for the release, in the order it came; null once released. Guarded by {@code this}. */
  private List<Runnable> waiting = new ArrayList<>();

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
    SharedResources shared = held(threads, startDelay, listener);
    shared.release();
    return shared;
  }

  /**
   * As {@link #create}, but agents connect and report only once {@link #release} is called: each
   * agent's reporter and connection wait for it ({@link #whenReleased}).
   */
  public static SharedResources held(
      int threads, Function<String, Duration> startDelay, Reporter.Listener listener) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    return new SharedResources(threads, startDelay, listener);
  }

  /** Lets the agents connect and report: what waited runs now, on this thread; what comes later runs at once. */
  public void release() {
    List<Runnable> run;
    synchronized (this) {
      run = waiting;
      waiting = null;
    }
    if (run != null) {
      run.forEach(Runnable::run);
    }
  }

  /** Runs {@code action} once released: now if so already, else on the thread that releases. */
  public void whenReleased(Runnable action) {
    synchronized (this) {
      if (waiting != null) {
        waiting.add(action);
        return;
      }
    }
    action.run();
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
    return channels.computeIfAbsent(target + " as " + tls.identity().uri(), k -> {
      ManagedChannel c = GrpcTransport.unconnectedChannel(target, tls);
      // Connect at the release, as GrpcTransport.channel does at once (the handshake on Netty's loop).
      whenReleased(() -> c.getState(true));
      return c;
    });
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
