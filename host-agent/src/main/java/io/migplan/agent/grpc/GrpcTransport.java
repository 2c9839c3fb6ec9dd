package io.migplan.agent.grpc;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.migplan.agent.config.AgentLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The only place the agent builds gRPC servers and channels, so that mutual TLS (agent identity
 * checked against the reported host id) is added here once. Today both are plaintext.
 */
public final class GrpcTransport {
  /**
   * Largest inbound message of channels to the scheduler and of servers other than an agent's
   * (the simulator's control, test doubles); a host snapshot of thousands of types stays far below
   * it (gRPC's default is 4 MiB). An agent's own server takes {@link AgentLimits}' size instead.
   */
  static final int MAX_INBOUND_BYTES = 16 * 1024 * 1024;

  private GrpcTransport() {}

  /** A server of the simulator's control or a test double: no call limits. */
  public static Server startServer(String address, int port, List<BindableService> services)
      throws IOException {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(address, port))
            .maxInboundMessageSize(MAX_INBOUND_BYTES);
    services.forEach(builder::addService);
    return builder.build().start();
  }

  /**
   * An agent's server: requests above {@code limits.maxInboundMessageBytes} are refused by gRPC as
   * they arrive (RESOURCE_EXHAUSTED, before they are buffered whole), and {@link CallLimits} bounds
   * the calls at once and the questions per batch.
   */
  public static Server startServer(
      String address, int port, List<BindableService> services, CallLimits limits) throws IOException {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(address, port))
            .maxInboundMessageSize(limits.limits().maxInboundMessageBytes())
            .intercept(limits);
    services.forEach(builder::addService);
    return builder.build().start();
  }

  /** A channel to "host:port". */
  public static ManagedChannel channel(String target) {
    return NettyChannelBuilder.forTarget(target)
        .usePlaintext()
        .maxInboundMessageSize(MAX_INBOUND_BYTES)
        .build();
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
