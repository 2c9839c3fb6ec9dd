package io.migplan.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.scan.HostScanner;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.SignatureSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetTreesTest {
  @TempDir Path dir;

  @Test
  void aGeneratedFleetWrittenFromItsExportReadsBackAsTheSameInventory() throws Exception {
    List<HostSnapshot> hosts = FleetDocuments.scanned(FleetSpec.of(4, 7), dir.resolve("generated"));
    FleetFile file = FleetFile.parse(FleetDocuments.json(hosts));

    List<FleetGenerator.GeneratedHost> written = FleetTrees.write(file, dir.resolve("copy"));

    assertThat(written).extracting(FleetGenerator.GeneratedHost::hostId)
        .containsExactly("host-01", "host-02", "host-03", "host-04");
    for (int i = 0; i < hosts.size(); i++) {
      HostSnapshot again = new HostScanner(AgentConfig.load(written.get(i).configFile())).scan();
      assertThat(again.getProblemsList()).isEmpty();
      assertThat(FleetTrees.normal(again)).isEqualTo(hosts.get(i));
    }
    assertThat(hosts.stream().mapToInt(HostSnapshot::getVmsCount).sum()).isPositive();
    try (Stream<Path> left = Files.list(dir.resolve("copy"))) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("host-01", "host-02", "host-03", "host-04");
    }
  }

  @Test
  void anAntiAffinityGroupAVersionAttributeAndALabelAreWrittenSoTheAgentReadsThem() throws Exception {
    HostSnapshot h = FleetDocuments.scanned(FleetSpec.of(1, 3), dir.resolve("generated")).get(0);
    HostSnapshot.Builder b = h.toBuilder();
    b.getHostBuilder().putLabels("pool", "what-if").setCpuAllocationRatio(2.0).setReservedCpus(2);
    b.getVmsBuilder(0).setAntiAffinityGroup("db <1> & 'x'");
    b.getParentsBuilder(0).getTypesBuilder(0).setSignature("0x10de-v1-opaque")
        .setSignatureSource(SignatureSource.SIGNATURE_SOURCE_VERSION_ATTRIBUTE)
        .putRaw("version", "0x10de-v1-opaque\n");
    HostSnapshot wanted = FleetTrees.normal(b.build());

    List<FleetGenerator.GeneratedHost> written =
        FleetTrees.write(FleetFile.parse(FleetDocuments.json(List.of(wanted))), dir.resolve("copy"));

    HostSnapshot again = new HostScanner(AgentConfig.load(written.get(0).configFile())).scan();
    assertThat(FleetTrees.normal(again)).isEqualTo(wanted);
    assertThat(again.getVms(0).getAntiAffinityGroup()).isEqualTo("db <1> & 'x'");
  }

  @Test
  void aValueTheAgentWouldReadDifferentlyIsRefusedNamingHostAndFieldAndNothingIsWritten() throws Exception {
    List<HostSnapshot> hosts = new ArrayList<>(FleetDocuments.scanned(FleetSpec.of(2, 7), dir.resolve("generated")));
    HostSnapshot.Builder b = hosts.get(1).toBuilder();
    b.getParentsBuilder(0).setBoard("A100");
    hosts.set(1, b.build());
    FleetFile file = FleetFile.parse(FleetDocuments.json(hosts));
    Path target = dir.resolve("copy");

    assertThatThrownBy(() -> FleetTrees.write(file, target))
        .isInstanceOf(FleetFile.InvalidFleetException.class)
        .hasMessageContaining("host host-02: the agent would report parents[" + hosts.get(1).getParents(0).getAddress()
            + "].board as 'T4', the file says 'A100'");
    try (Stream<Path> left = Files.list(target)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aDirectoryThatAlreadyHoldsAHostIsRefusedBeforeAnythingIsWritten() throws Exception {
    List<HostSnapshot> hosts = FleetDocuments.scanned(FleetSpec.of(2, 7), dir.resolve("generated"));
    Path target = dir.resolve("copy");
    Files.createDirectories(target.resolve("host-02"));

    assertThatThrownBy(() -> FleetTrees.write(FleetFile.parse(FleetDocuments.json(hosts)), target))
        .isInstanceOf(FleetFile.InvalidFleetException.class)
        .hasMessageContaining("host host-02: " + target.resolve("host-02") + " exists already");
    try (Stream<Path> left = Files.list(target)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("host-02");
    }
  }
}
