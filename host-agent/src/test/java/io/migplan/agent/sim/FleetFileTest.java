package io.migplan.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentKind;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetFileTest {
  @TempDir Path dir;

  List<HostSnapshot> hosts;

  @BeforeEach
  void fleet() throws Exception {
    hosts = FleetDocuments.scanned(FleetSpec.of(2, 7), dir.resolve("generated"));
  }

  @Test
  void anExportIsReadWithItsHostsVerdictsAndTime() throws Exception {
    String json = FleetDocuments.json(hosts).replace("\"verdicts\":[]}]}", "\"verdicts\":[{\"parent\":\"0000:3b:00.0\","
        + "\"typeId\":\"nvidia-222\",\"sourceSignature\":\"s\",\"verdict\":\"COMPATIBLE\",\"code\":\"\","
        + "\"message\":\"\",\"backend\":\"RulesProbe\"}]}]}");
    Path file = dir.resolve("fleet.json");
    Files.writeString(file, json);

    FleetFile read = FleetFile.read(file);

    assertThat(read.takenAt()).isEqualTo(Instant.parse("2026-12-06T07:00:00Z"));
    assertThat(read.hosts()).extracting(FleetFile.Host::inventory).containsExactlyElementsOf(hosts);
    assertThat(read.hosts().get(1).verdicts()).containsExactly(
        new FleetFile.Verdict("0000:3b:00.0", "nvidia-222", "s", "COMPATIBLE", "", "", "RulesProbe"));
    assertThat(read.hosts().get(0).adminState()).isEqualTo("ACTIVE");
  }

  @Test
  void aBrokenDocumentIsRefusedSayingWhatIsWrongWithIt() {
    String good = FleetDocuments.json(hosts);
    refused("{\"format\":", "", "not a fleet document");
    refused("[]", "", "a fleet file is one JSON object");
    refused(good.replace("migplan-fleet", "other"), "format", "format must be \"migplan-fleet\", got \"other\"");
    refused(good.replace("\"version\":1", "\"version\":2"), "version", "version 2 is not one this simulator reads");
    refused(good.replace("\"hostCount\":2", "\"hostCount\":3"), "hostCount",
        "hostCount says 3 hosts but the file lists 2 (a truncated export?)");
    refused(good.replace("\"takenAt\":\"2026-12-06T07:00:00Z\"", "\"takenAt\":\"yesterday\""), "takenAt",
        "takenAt must be an instant");
    refused(good.replace("\"format\"", "\"colour\":\"red\",\"format\""), "colour", "unknown field 'colour'");
    refused(good.replace("\"memoryMib\"", "\"memoryMb\""), "hosts[0].inventory",
        "host host-01: inventory is not a host snapshot");
    refused(good + " {}", "", "the file goes on after its JSON object");
  }

  @Test
  void aValueOutOfBoundsOrPointingNowhereIsRefusedNamingTheHostAndTheField() {
    refusedHost(1, s -> s.toBuilder().setHost(s.getHost().toBuilder().setId("host-02/../x")).build(), "hosts[1].id",
        "host hosts[1]: hosts[1].id 'host-02/../x' must be letters, digits");
    refusedHost(1, s -> s.toBuilder().setHost(s.getHost().toBuilder().setCpus(0)).build(),
        "hosts[1].inventory.host.cpus", "host host-02: hosts[1].inventory.host.cpus must be in 1..65536, got 0");
    refusedHost(0, s -> s.toBuilder().setHost(s.getHost().toBuilder().setRelease("r".repeat(300))).build(),
        "hosts[0].inventory.host.release", "host host-01: hosts[0].inventory.host.release is 300 characters, more than 256");
    refusedHost(1, s -> s.toBuilder().setInstances(0, s.getInstances(0).toBuilder().setParentAddress("0000:99:00.0"))
        .build(), "hosts[1].inventory.instances[0].parentAddress", "its parent '0000:99:00.0' is not a parent of the host");
    refusedHost(1, s -> s.toBuilder().setVms(0, s.getVms(0).toBuilder().addDeviceUuids(
            "00000000-0000-4000-8000-000000000000")).build(),
        "hosts[1].inventory.vms[0].deviceUuids[1]", "device 00000000-0000-4000-8000-000000000000 is not an instance of the host");
    refusedHost(1, s -> s.toBuilder().setVms(0, s.getVms(0).toBuilder().setName(hosts.get(0).getVms(0).getName()))
        .build(), "hosts[1].inventory.vms[0].name", "host host-01 has a VM of the same name");
    refusedHost(0, s -> s.toBuilder().setParents(0, s.getParents(0).toBuilder()
        .setKind(ParentKind.PARENT_KIND_NVIDIA_VGPU)).build(), "hosts[0].inventory.parents[0].kind",
        "kind PARENT_KIND_NVIDIA_VGPU (vGPU 17+ without mdev) is not simulated");
    refusedHost(0, s -> s.toBuilder().setParents(1, s.getParents(1).toBuilder().setDriverVersion("535.54.03")).build(),
        "hosts[0].inventory.parents[1].driverVersion", "a host loads one version of a driver");
  }

  @Test
  void aFileLargerThanTheLimitIsRefusedWhileReading() {
    byte[] json = FleetDocuments.json(hosts).getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> FleetFile.read(new ByteArrayInputStream(json), json.length - 1))
        .isInstanceOf(FleetFile.InvalidFleetException.class)
        .hasMessage("the fleet file is larger than " + (json.length - 1) + " bytes");
  }

  @Test
  void moreHostsThanASimulatorRunsAreRefusedBeforeTheRestIsRead() {
    // Hosts are counted as they are read, before any is checked: an empty inventory will do.
    String one = "{\"id\":\"h\",\"inventory\":{}}";
    StringBuilder json = new StringBuilder("{\"format\":\"migplan-fleet\",\"version\":1,\"takenAt\":"
        + "\"2026-12-06T07:00:00Z\",\"hosts\":[");
    for (int i = 0; i <= FleetSpec.MAX_HOSTS; i++) {
      json.append(i == 0 ? "" : ",").append(one);
    }
    refused(json.append("]}").toString(), "hosts", "more than " + FleetSpec.MAX_HOSTS + " hosts");
  }

  private void refusedHost(int index, UnaryOperator<HostSnapshot> change, String field, String message) {
    List<HostSnapshot> changed = new java.util.ArrayList<>(hosts);
    changed.set(index, change.apply(hosts.get(index)));
    String json = FleetDocuments.json(changed);
    if (!changed.get(index).getHost().getId().equals(hosts.get(index).getHost().getId())) {
      json = json.replace("\"id\":\"" + hosts.get(index).getHost().getId() + "\",\"state\"",
          "\"id\":\"" + changed.get(index).getHost().getId() + "\",\"state\"");
    }
    refused(json, field, message);
  }

  private static void refused(String json, String field, String message) {
    assertThatThrownBy(() -> FleetFile.parse(json)).as(message)
        .isInstanceOfSatisfying(FleetFile.InvalidFleetException.class, e -> {
          assertThat(e.getMessage()).contains(message);
          assertThat(e.field()).isEqualTo(field);
        });
  }
}
