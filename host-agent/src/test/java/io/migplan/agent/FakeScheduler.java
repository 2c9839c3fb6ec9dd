package io.migplan.agent;

import io.grpc.Server;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.migplan.agent.pki.PkiDirectory;
import io.migplan.identity.PeerIdentity;
import java.net.InetSocketAddress;
import io.grpc.stub.StreamObserver;
import io.migplan.agent.grpc.GrpcTransport;
import io.migplan.proto.v1.HeartbeatRequest;
import io.migplan.proto.v1.HeartbeatResponse;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.InventoryServiceGrpc;
import io.migplan.proto.v1.ReportInventoryRequest;
import io.migplan.proto.v1.ReportInventoryResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** A real InventoryService on loopback that records what agents send. */
public final class FakeScheduler extends InventoryServiceGrpc.InventoryServiceImplBase implements AutoCloseable {
  public final List<HostSnapshot> reports = new CopyOnWriteArrayList<>();
  public final List<HeartbeatRequest> heartbeats = new CopyOnWriteArrayList<>();
  /** The next heartbeat answers resend_inventory=true once. */
  public final AtomicBoolean resendOnce = new AtomicBoolean();
  /** Heartbeats are answered this many milliseconds after they arrive (0: at once), holding no thread meanwhile. */
  public final AtomicLong heartbeatDelayMs = new AtomicLong();
  /** Heartbeats received and not yet answered, and the most there were at once. */
  public final AtomicInteger heartbeatsInFlight = new AtomicInteger();
  public final AtomicInteger mostHeartbeatsInFlight = new AtomicInteger();
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "fake-scheduler-later");
    t.setDaemon(true);
    return t;
  });
  private final Server server;

  public FakeScheduler(int port) throws IOException {
    server = GrpcTransport.startServer("127.0.0.1", port, List.of(this));
  }

  /** Serving mutual TLS with {@code self}'s certificate of {@code pki} (the scheduler's, or an impostor's). */
  public FakeScheduler(TestPki pki, PeerIdentity self) throws IOException {
    pki.issue(self);
    var credentials = TlsServerCredentials.newBuilder()
        .keyManager(new PkiDirectory(pki.dir).cert(self).toFile(), new PkiDirectory(pki.dir).key(self).toFile())
        .trustManager(pki.caFile().toFile())
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), credentials).addService(this).build().start();
  }

  public String target() {
    return "127.0.0.1:" + server.getPort();
  }

  public List<HostSnapshot> reportsFrom(String hostId) {
    return reports.stream().filter(r -> r.getHost().getId().equals(hostId)).toList();
  }

  @Override
  public void reportInventory(ReportInventoryRequest request, StreamObserver<ReportInventoryResponse> response) {
    reports.add(request.getSnapshot());
    response.onNext(ReportInventoryResponse.newBuilder().setApplied(true)
        .setStoredGeneration(request.getSnapshot().getGeneration()).build());
    response.onCompleted();
  }

  @Override
  public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
    heartbeats.add(request);
    mostHeartbeatsInFlight.accumulateAndGet(heartbeatsInFlight.incrementAndGet(), Math::max);
    Runnable answer = () -> {
      heartbeatsInFlight.decrementAndGet();
      response.onNext(HeartbeatResponse.newBuilder().setResendInventory(resendOnce.getAndSet(false)).build());
      response.onCompleted();
    };
    long delay = heartbeatDelayMs.get();
    if (delay == 0) {
      answer.run();
    } else {
      later.schedule(answer, delay, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    later.shutdownNow();
    GrpcTransport.stop(server);
  }
}
