package io.migplan.agent.grpc;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The only place the agent builds gRPC servers and channels, so that mutual TLS (agent identity
 * checked against the reported host id) is added here once. Today both are plaintext.
 */
public final class GrpcTransport {
  /** Largest inbound message; a host snapshot of thousands of types stays far below it (gRPC's default is 4 MiB). */
  static final int MAX_INBOUND_BYTES = 16 * 1024 * 1024;

  private GrpcTransport() {}

  public static Server startServer(String address, int port, List<BindableService> services)
      throws IOException {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(address, port))
            .maxInboundMessageSize(MAX_INBOUND_BYTES);
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
