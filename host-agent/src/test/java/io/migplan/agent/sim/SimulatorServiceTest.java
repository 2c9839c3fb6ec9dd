package io.migplan.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.migplan.agent.FakeScheduler;
import io.migplan.agent.grpc.GrpcTransport;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.proto.v1.AgentServiceGrpc;
import io.migplan.proto.v1.GetInventoryRequest;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ListSimHostsRequest;
import io.migplan.proto.v1.MigrateVmRequest;
import io.migplan.proto.v1.MigrateVmResponse;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.SimHost;
import io.migplan.proto.v1.SimHostRef;
import io.migplan.proto.v1.SimulatorServiceGrpc;
import io.migplan.proto.v1.UpgradeHostRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SimulatorService over loopback, with the fleet reporting to a real in-test InventoryService. */
class SimulatorServiceTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration BEAT = Duration.ofMillis(100);
  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir Path dir;
  FakeScheduler scheduler;
  RunningFleet fleet;
  ManagedChannel channel;
  SimulatorServiceGrpc.SimulatorServiceBlockingStub control;

  @BeforeEach
  void start() throws Exception {
    scheduler = new FakeScheduler(0);
    fleet = FleetSimulator.start(FleetSpec.parse(FleetOperationsTest.SPEC), dir, scheduler.target(),
        FleetSimulator.Options.defaults().withIntervals(Duration.ofMillis(200), BEAT)
            .withCallTimeout(Duration.ofSeconds(1)).withStartSpread(Duration.ZERO));
    int port = fleet.startControlServer("127.0.0.1", 0);
    channel = GrpcTransport.channel("127.0.0.1:" + port);
    control = SimulatorServiceGrpc.newBlockingStub(channel);
    await("every host's first report").atMost(WAIT).pollInterval(POLL)
        .until(() -> fleet.hosts().stream().allMatch(h -> !scheduler.reportsFrom(h.hostId()).isEmpty()));
  }

  @AfterEach
  void stop() {
    GrpcTransport.close(channel);
    fleet.close();
    scheduler.close();
  }

  private SimulatorServiceGrpc.SimulatorServiceBlockingStub control() {
    return control.withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  @Test
  void listsHostsAndMigratesAVmSoThatBothHostsReReport() {
    List<SimHost> hosts = control().listHosts(ListSimHostsRequest.getDefaultInstance()).getHostsList();
    assertThat(hosts).extracting(SimHost::getHost).containsExactly("host-01", "host-02", "host-03", "host-04", "host-05");
    assertThat(hosts.get(0)).satisfies(h -> {
      assertThat(h.getBoard()).isEqualTo("T4");
      assertThat(h.getVms()).isEqualTo(1);
      assertThat(h.getDriverVersion()).isEqualTo(FleetSpec.DEFAULT_DRIVER_VERSION);
      assertThat(h.getEndpoint()).isEqualTo(fleet.host("host-01").endpoint());
      assertThat(h.getFailed()).isFalse();
    });

    MigrateVmResponse moved = control().migrateVm(MigrateVmRequest.newBuilder()
        .setVm(FleetOperationsTest.VM).setTargetHost("host-02").build());
    assertThat(moved.getSourceHost()).isEqualTo("host-01");
    assertThat(moved.getTargetParentsList()).containsExactly(FleetOperationsTest.GPU0);

    await("host-02 reports the VM").atMost(WAIT).pollInterval(POLL).until(() -> last("host-02").getVmsCount() == 1);
    await("host-01 reports it gone").atMost(WAIT).pollInterval(POLL).until(() -> last("host-01").getVmsCount() == 0);
    assertThat(last("host-02").getInstances(0).getParentAddress()).isEqualTo(FleetOperationsTest.GPU0);

    assertThatThrownBy(() -> control().migrateVm(MigrateVmRequest.newBuilder()
            .setVm(FleetOperationsTest.VM).setTargetHost("host-05").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription()).isEqualTo("host host-05 has no device type nvidia-231 (its board is V100)");
        });
    assertThatThrownBy(() -> control().migrateVm(MigrateVmRequest.newBuilder().setVm("nope").setTargetHost("host-02").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void aHostStillRunningAVmIsRefusedFailedPreconditionNamingItsVmCount() {
    assertThatThrownBy(() -> control().upgradeHost(UpgradeHostRequest.newBuilder()
            .setHost("host-01").setRelease("2025.2").build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
          assertThat(e.getStatus().getDescription())
              .isEqualTo("host host-01 still runs 1 VM and cannot be upgraded; migrate them away first");
        });
    assertThat(fleet.status("host-01").release()).isEqualTo(FleetSpec.DEFAULT_RELEASE);
  }

  @Test
  void anUpgradedHostsNextReportCarriesTheNewReleaseAndDriverVersion() {
    SimHost upgraded = control().upgradeHost(UpgradeHostRequest.newBuilder()
        .setHost("host-03").setRelease("2025.2").setDriverVersion("570.124.06").build());
    assertThat(upgraded.getRelease()).isEqualTo("2025.2");
    assertThat(upgraded.getDriverVersion()).isEqualTo("570.124.06");

    await("a report at 2025.2").atMost(WAIT).pollInterval(POLL)
        .until(() -> last("host-03").getHost().getRelease().equals("2025.2"));
    HostSnapshot report = last("host-03");
    assertThat(report.getParentsList()).isNotEmpty().allSatisfy(p -> {
      assertThat(p.getDriverVersion()).isEqualTo("570.124.06");
      assertThat(p.getTypes(0).getSignature()).endsWith("/nvidia-570.124.06");
    });
  }

  @Test
  void aFailedHostAnswersUnavailableAndStopsHeartbeatingUntilItRecovers() throws Exception {
    SimHost failed = control().failHost(SimHostRef.newBuilder().setHost("host-03").build());
    assertThat(failed.getFailed()).isTrue();
    String endpoint = fleet.host("host-03").endpoint();

    assertThat(probeStatus(endpoint)).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(inventoryStatus(endpoint)).isEqualTo(Status.Code.UNAVAILABLE);
    // A heartbeat may have been in flight when it failed; after that, silence: neither a heartbeat
    // nor a report from host-03 for eight beats in a row, while host-02 keeps beating.
    long othersBefore = heartbeats("host-02");
    AtomicReference<List<Long>> seen = new AtomicReference<>(List.of());
    await("eight beats of silence from host-03").atMost(WAIT).pollInterval(POLL).during(BEAT.multipliedBy(8))
        .until(() -> {
          List<Long> now = List.of(heartbeats("host-03"), (long) scheduler.reportsFrom("host-03").size());
          return now.equals(seen.getAndSet(now));
        });
    long beats = seen.get().get(0);
    long reports = seen.get().get(1);
    assertThat(heartbeats("host-02")).isGreaterThan(othersBefore);
    assertThat(control().listHosts(ListSimHostsRequest.getDefaultInstance()).getHostsList())
        .filteredOn(SimHost::getFailed).extracting(SimHost::getHost).containsExactly("host-03");

    SimHost recovered = control().recoverHost(SimHostRef.newBuilder().setHost("host-03").build());
    assertThat(recovered.getFailed()).isFalse();
    assertThat(probeStatus(endpoint)).isEqualTo(Status.Code.OK);
    await("a report after recovery").atMost(WAIT).pollInterval(POLL)
        .until(() -> scheduler.reportsFrom("host-03").size() > reports);
    await("heartbeats after recovery").atMost(WAIT).pollInterval(POLL).until(() -> heartbeats("host-03") > beats + 2);
  }

  private HostSnapshot last(String host) {
    List<HostSnapshot> reports = scheduler.reportsFrom(host);
    return reports.get(reports.size() - 1);
  }

  private long heartbeats(String host) {
    return scheduler.heartbeats.stream().filter(h -> h.getHostId().equals(host)).count();
  }

  private static Status.Code probeStatus(String endpoint) {
    ManagedChannel agent = GrpcTransport.channel(endpoint);
    try {
      AgentServiceGrpc.newBlockingStub(agent).withDeadlineAfter(5, TimeUnit.SECONDS).probeCompatibility(
          ProbeCompatibilityRequest.newBuilder().addQuestions(ProbeQuestion.newBuilder().setId("q1")
              .setSourceSignature("nvidia-231/T4/nvidia-550.90.07").setTargetTypeId("nvidia-231")).build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } finally {
      GrpcTransport.close(agent);
    }
  }

  private static Status.Code inventoryStatus(String endpoint) {
    ManagedChannel agent = GrpcTransport.channel(endpoint);
    try {
      AgentServiceGrpc.newBlockingStub(agent).withDeadlineAfter(5, TimeUnit.SECONDS)
          .getInventory(GetInventoryRequest.getDefaultInstance());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    } finally {
      GrpcTransport.close(agent);
    }
  }
}
