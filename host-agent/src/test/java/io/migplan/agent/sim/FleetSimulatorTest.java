package io.migplan.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.migplan.agent.FakeScheduler;
import io.migplan.agent.grpc.GrpcTransport;
import io.migplan.proto.v1.AgentServiceGrpc;
import io.migplan.proto.v1.GetInventoryRequest;
import io.migplan.proto.v1.HostSnapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetSimulatorTest {
  @TempDir Path dir;

  @Test
  void everySimulatedHostServesOnItsOwnPortAndReportsToTheScheduler() throws Exception {
    try (FakeScheduler scheduler = new FakeScheduler(0);
        FleetSimulator.RunningFleet fleet = FleetSimulator.start(FleetSpec.of(3, 5), dir, scheduler.target())) {
      assertThat(fleet.hosts()).extracting(FleetSimulator.SimulatedHost::hostId)
          .containsExactly("host-01", "host-02", "host-03");
      assertThat(fleet.hosts()).extracting(FleetSimulator.SimulatedHost::endpoint).doesNotHaveDuplicates();

      await("a report from every host").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> fleet.hosts().stream().allMatch(h -> !scheduler.reportsFrom(h.hostId()).isEmpty()));
      for (FleetSimulator.SimulatedHost h : fleet.hosts()) {
        HostSnapshot reported = scheduler.reportsFrom(h.hostId()).get(0);
        assertThat(reported.getHost().getAgentEndpoint()).isEqualTo(h.endpoint());
        assertThat(reported.getProblemsList()).isEmpty();
        ManagedChannel channel = GrpcTransport.channel(h.endpoint());
        try {
          HostSnapshot served = AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
              .getInventory(GetInventoryRequest.getDefaultInstance());
          assertThat(served.getHost().getId()).isEqualTo(h.hostId());
          assertThat(served.getParentsList()).isEqualTo(reported.getParentsList());
        } finally {
          GrpcTransport.close(channel);
        }
      }
    }
    // A second start reuses the trees already in the directory.
    try (FleetSimulator.RunningFleet again = FleetSimulator.start(FleetSpec.of(3, 999), dir, null)) {
      assertThat(again.host("host-02").agent().scan().getParentsList()).isNotEmpty();
    }
  }

  @Test
  void aTreeFromBeforeReleaseFilesGetsOneSoItsUpgradesAreObservedToo() throws Exception {
    FleetGenerator.generate(FleetSpec.of(2, 5), dir);
    Path yaml = dir.resolve("host-02/agent.yaml");
    java.nio.file.Files.writeString(yaml, java.nio.file.Files.readString(yaml)
        .replace("releaseFile: " + FleetGenerator.RELEASE_FILE, "release: \"2024.4\""));
    java.nio.file.Files.delete(dir.resolve("host-02").resolve(FleetGenerator.RELEASE_FILE));

    try (FleetSimulator.RunningFleet fleet = FleetSimulator.start(FleetSpec.of(2, 5), dir, null)) {
      assertThat(fleet.host("host-02").agent().config().releaseFile())
          .contains(dir.resolve("host-02").resolve(FleetGenerator.RELEASE_FILE));
      assertThat(fleet.status("host-02").release()).isEqualTo("2024.4");
      Path file = dir.resolve("host-02").resolve(FleetGenerator.RELEASE_FILE);
      assertThat(io.migplan.agent.TestTrees.read(file)).isEqualTo("2024.4\n");
      // What an upgrade writes is what the agent then reports.
      java.nio.file.Files.writeString(file, "2025.1\n");
      assertThat(fleet.host("host-02").agent().scan().getHost().getRelease()).isEqualTo("2025.1");
    }
  }
}
