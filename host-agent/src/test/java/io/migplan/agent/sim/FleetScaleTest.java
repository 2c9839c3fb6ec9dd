package io.migplan.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Attributes;
import io.grpc.Server;
import io.grpc.ServerTransportFilter;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.migplan.agent.TestTrees;
import io.migplan.agent.grpc.GrpcTransport;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.proto.v1.HeartbeatRequest;
import io.migplan.proto.v1.HeartbeatResponse;
import io.migplan.proto.v1.InventoryServiceGrpc;
import io.migplan.proto.v1.ReportInventoryRequest;
import io.migplan.proto.v1.ReportInventoryResponse;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fifty simulated hosts in this process, reporting over one connection to a real InventoryService. */
class FleetScaleTest {
  private static final int HOSTS = 50;
  private static final Duration SPREAD = Duration.ofSeconds(2);
  private static final int THREADS = 2;

  @TempDir Path dir;

  /** Records when each host first reported and how many connections reached it. */
  static final class Inventory extends InventoryServiceGrpc.InventoryServiceImplBase {
    final Map<String, Long> firstReportNanos = new ConcurrentHashMap<>();
    final LongAdder reports = new LongAdder();
    final LongAdder heartbeats = new LongAdder();
    final AtomicInteger connections = new AtomicInteger();

    @Override
    public void reportInventory(ReportInventoryRequest request, StreamObserver<ReportInventoryResponse> response) {
      firstReportNanos.putIfAbsent(request.getSnapshot().getHost().getId(), System.nanoTime());
      reports.increment();
      response.onNext(ReportInventoryResponse.newBuilder().setApplied(true)
          .setStoredGeneration(request.getSnapshot().getGeneration()).build());
      response.onCompleted();
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
      heartbeats.increment();
      response.onNext(HeartbeatResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  @Test
  void fiftyHostsAllReportThroughOneChannelSpreadOverTheirSeededStartDelays() throws Exception {
    Inventory inventory = new Inventory();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(inventory)
        .addTransportFilter(new ServerTransportFilter() {
          @Override
          public Attributes transportReady(Attributes attributes) {
            inventory.connections.incrementAndGet();
            return attributes;
          }
        })
        .build().start();
    LongAdder acknowledged = new LongAdder();
    int threadsBefore = Thread.activeCount();
    long t0 = System.nanoTime();
    try (RunningFleet fleet = FleetSimulator.start(FleetSpec.of(HOSTS, 11), dir, "127.0.0.1:" + server.getPort(),
        FleetSimulator.Options.defaults().withThreads(THREADS).withStartSpread(SPREAD)
            .withIntervals(Duration.ofSeconds(30), Duration.ofMillis(500))
            .withListener((host, generation, applied) -> acknowledged.increment()))) {
      await("a report from every host").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
          .until(() -> inventory.firstReportNanos.size() == HOSTS);

      // No host reported before its own delay, and the delays spread the reports over the window.
      List<Long> delaysMs = new ArrayList<>();
      for (FleetSimulator.SimulatedHost h : fleet.hosts()) {
        Duration delay = fleet.startDelay(h.hostId());
        delaysMs.add(delay.toMillis());
        assertThat(delay).isLessThan(SPREAD);
        assertThat(inventory.firstReportNanos.get(h.hostId()) - t0).as(h.hostId()).isGreaterThanOrEqualTo(delay.toNanos());
      }
      assertThat(delaysMs.stream().distinct().count()).isGreaterThan(HOSTS * 9L / 10);
      long quarter = SPREAD.toMillis() / 4;
      for (int q = 0; q < 4; q++) {
        long from = q * quarter;
        long inQuarter = delaysMs.stream().filter(d -> d >= from && d < from + quarter).count();
        assertThat(inQuarter).as("first reports in quarter " + q).isBetween(3L, HOSTS / 2L);
      }

      // One connection for all hosts; the agents' reporting runs on the shared threads only.
      assertThat(fleet.schedulerChannels()).isEqualTo(1);
      assertThat(inventory.connections.get()).isEqualTo(1);
      List<String> names = Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
      assertThat(names).noneMatch(n -> n.startsWith("reporter-"));
      assertThat(names.stream().filter(n -> n.startsWith("agents-")).count()).isLessThanOrEqualTo(THREADS);
      assertThat(Thread.activeCount() - threadsBefore).as("threads added for " + HOSTS + " hosts").isLessThan(HOSTS / 2);

      await("heartbeats").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> inventory.heartbeats.sum() >= HOSTS);
      assertThat(acknowledged.sum()).isEqualTo(inventory.reports.sum());
    } finally {
      GrpcTransport.stop(server);
    }
  }

  @Test
  void startDelaysAreTheSameForASeedAndDifferForAnother() throws Exception {
    List<FleetGenerator.GeneratedHost> hosts = FleetGenerator.generate(FleetSpec.of(20, 1), dir);
    FleetSimulator.Options options = FleetSimulator.Options.defaults().withStartSpread(SPREAD);
    Map<String, Duration> a = FleetSimulator.startDelays(FleetSpec.of(20, 1), hosts, options);
    assertThat(FleetSimulator.startDelays(FleetSpec.of(20, 1), hosts, options)).isEqualTo(a);
    assertThat(FleetSimulator.startDelays(FleetSpec.of(20, 2), hosts, options)).isNotEqualTo(a);
    // Without a spread given: 10 ms a host, at most the heartbeat interval.
    Map<String, Duration> small = FleetSimulator.startDelays(FleetSpec.of(20, 1), hosts, FleetSimulator.Options.defaults());
    assertThat(small.values()).allMatch(d -> d.toMillis() < 200);
  }

  @Test
  void slicesOfAFleetAreItsHostsWithTheirIdsTreesAndStartDelays() throws Exception {
    FleetSpec spec = FleetSpec.of(12, 5);
    FleetSimulator.Options options = FleetSimulator.Options.defaults().withStartSpread(SPREAD);
    List<FleetGenerator.GeneratedHost> whole = FleetGenerator.generate(spec, dir.resolve("whole"));
    List<FleetGenerator.GeneratedHost> first = FleetGenerator.generate(spec, dir.resolve("a"), new FleetGenerator.Slice(1, 5));
    List<FleetGenerator.GeneratedHost> second = FleetGenerator.generate(spec, dir.resolve("b"), new FleetGenerator.Slice(6, 12));

    assertThat(first.stream().map(FleetGenerator.GeneratedHost::hostId))
        .containsExactlyElementsOf(whole.subList(0, 5).stream().map(FleetGenerator.GeneratedHost::hostId).toList());
    assertThat(second.stream().map(FleetGenerator.GeneratedHost::hostId))
        .containsExactlyElementsOf(whole.subList(5, 12).stream().map(FleetGenerator.GeneratedHost::hostId).toList());
    Map<String, String> trees = new TreeMap<>(TestTrees.contents(dir.resolve("a")));
    trees.putAll(TestTrees.contents(dir.resolve("b")));
    assertThat(trees).isEqualTo(TestTrees.contents(dir.resolve("whole")));

    Map<String, Duration> delays = new HashMap<>(FleetSimulator.startDelays(spec, first, options));
    delays.putAll(FleetSimulator.startDelays(spec, second, options));
    assertThat(delays).isEqualTo(FleetSimulator.startDelays(spec, whole, options));
    assertThatThrownBy(() -> FleetGenerator.generate(spec, dir.resolve("c"), new FleetGenerator.Slice(10, 13)))
        .hasMessageContaining("the fleet has 12 hosts");
  }
}
