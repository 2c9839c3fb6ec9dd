package io.migplan.agent.grpc;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.migplan.identity.PeerIdentity;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.migplan.agent.config.AgentLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The only place the agent builds gRPC servers and channels. With {@link AgentTls} both speak
 * mutual TLS: the server requires a certificate of the CA and answers only the scheduler ({@link
 * SchedulerOnly}); a channel to the scheduler accepts only a certificate naming the scheduler.
 * Without it (tests, the simulator's control port, an {@code insecure} agent) they are plaintext.
 */
public final class GrpcTransport {
  /**
   * Largest inbound message of channels to the scheduler and of servers other than an agent's
   * (the simulator's control, test doubles); a host snapshot of thousands of types stays far below
   * it (gRPC's default is 4 MiB). An agent's own server takes {@link AgentLimits}' size instead.
   */
  static final int MAX_INBOUND_BYTES = 16 * 1024 * 1024;

  private GrpcTransport() {}

  /** A server of the simulator's control or a test double: plaintext, no call limits. */
  public static Server startServer(String address, int port, List<BindableService> services)
      throws IOException {
    return startServer(address, port, services, null, null);
  }

  /** An agent's server with {@code tls} (null: plaintext) and no call limits (tests). */
  public static Server startServer(String address, int port, List<BindableService> services, AgentTls tls)
      throws IOException {
    return startServer(address, port, services, tls, null);
  }

  /** An agent's server with {@code limits}, in plaintext (tests). */
  public static Server startServer(
      String address, int port, List<BindableService> services, CallLimits limits) throws IOException {
    return startServer(address, port, services, null, limits);
  }

  /**
   * An agent's server of {@code services}. With {@code tls} (null: plaintext) it requires a client
   * certificate of the CA and lets only the scheduler call, on behalf of host {@code
   * tls.identity()}. With {@code limits} (null: none), requests above {@code
   * limits.maxInboundMessageBytes} are refused by gRPC as they arrive (RESOURCE_EXHAUSTED, before
   * they are buffered whole), and {@link CallLimits} bounds the calls at once and the questions per
   * batch, for callers the identity check let through.
   */
  public static Server startServer(String address, int port, List<BindableService> services, AgentTls tls,
      CallLimits limits) throws IOException {
    InetSocketAddress bind = new InetSocketAddress(address, port);
    NettyServerBuilder builder =
        (tls == null ? NettyServerBuilder.forAddress(bind) : NettyServerBuilder.forAddress(bind, tls.serverCredentials()))
            .maxInboundMessageSize(limits == null ? MAX_INBOUND_BYTES : limits.limits().maxInboundMessageBytes());
    SchedulerOnly gate = tls == null ? null : new SchedulerOnly(tls.identity().hostId());
    for (BindableService s : services) {
      // The last interceptor listed is called first: the caller's identity, then the limits.
      List<ServerInterceptor> interceptors = new ArrayList<>();
      if (limits != null) {
        interceptors.add(limits);
      }
      if (gate != null) {
        interceptors.add(gate);
      }
      builder.addService(ServerInterceptors.intercept(s, interceptors));
    }
    return builder.build().start();
  }

  /** A plaintext channel to "host:port". */
  public static ManagedChannel channel(String target) {
    return channel(target, null);
  }

  /**
   * A channel to the scheduler at "host:port"; with {@code tls} (null: plaintext) it presents this
   * host's certificate and accepts only a peer whose certificate names the scheduler.
   */
  public static ManagedChannel channel(String target, AgentTls tls) {
    ManagedChannel channel = unconnectedChannel(target, tls);
    if (tls != null) {
      // Connect now: the handshake runs on Netty's event loop while the agent scans, instead of on
      // the reporter's thread inside its first call's deadline (a simulated fleet shares four).
      channel.getState(true);
    }
    return channel;
  }

  /** {@link #channel(String, AgentTls)} without connecting: it connects at its first call or {@code getState(true)}. */
  public static ManagedChannel unconnectedChannel(String target, AgentTls tls) {
    if (tls == null) {
      return NettyChannelBuilder.forTarget(target).usePlaintext().maxInboundMessageSize(MAX_INBOUND_BYTES).build();
    }
    return NettyChannelBuilder.forTarget(target, tls.channelCredentials(PeerIdentity.scheduler()))
        .maxInboundMessageSize(MAX_INBOUND_BYTES).build();
  }

  /** Closes a channel, waiting briefly for calls in flight. */
  public static void close(ManagedChannel channel) {
    channel.shutdown();
    try {
      // Calls carry their own deadlines; two seconds only lets the last one finish cleanly.
      if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  public static void stop(Server server) {
    server.shutdown();
    try {
      // As above: in-flight probes are short sysfs reads.
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
