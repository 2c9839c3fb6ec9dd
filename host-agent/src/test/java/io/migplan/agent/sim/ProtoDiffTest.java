package io.migplan.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.Host;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.Vm;
import org.junit.jupiter.api.Test;

class ProtoDiffTest {
  static final HostSnapshot HOST = HostSnapshot.newBuilder()
      .setHost(Host.newBuilder().setId("h1").setRelease("2025.1").setCpus(64).putLabels("pool", "a"))
      .addParents(ParentDevice.newBuilder().setAddress("0000:3b:00.0").setBoard("T4")
          .addTypes(DeviceType.newBuilder().setTypeId("nvidia-231").setAvailableInstances(4).putRaw("name", "x\n")))
      .addVms(Vm.newBuilder().setName("vm-1").setUuid("u1").addDeviceUuids("d1"))
      .build();

  @Test
  void equalMessagesHaveNoDifference() {
    assertThat(ProtoDiff.first(HOST, HOST.toBuilder().build())).isEmpty();
  }

  @Test
  void aValueDeepInAListIsNamedByTheKeysOfItsElements() {
    HostSnapshot.Builder b = HOST.toBuilder();
    b.getParentsBuilder(0).getTypesBuilder(0).setAvailableInstances(3);

    assertThat(ProtoDiff.first(HOST, b.build())).contains(
        new ProtoDiff.Difference("parents[0000:3b:00.0].types[nvidia-231].availableInstances", "4", "3"));
  }

  @Test
  void mapEntriesPresenceAndListLengthsAreNamed() {
    HostSnapshot.Builder label = HOST.toBuilder();
    label.getHostBuilder().putLabels("pool", "b");
    assertThat(ProtoDiff.first(HOST, label.build()))
        .contains(new ProtoDiff.Difference("host.labels.pool", "'a'", "'b'"));

    HostSnapshot.Builder raw = HOST.toBuilder();
    raw.getParentsBuilder(0).getTypesBuilder(0).putRaw("version", "1\n");
    assertThat(ProtoDiff.first(HOST, raw.build()))
        .contains(new ProtoDiff.Difference("parents[0000:3b:00.0].types[nvidia-231].raw.version", "absent", "'1\\n'"));

    HostSnapshot.Builder ratio = HOST.toBuilder();
    ratio.getHostBuilder().setCpuAllocationRatio(1.0);
    assertThat(ProtoDiff.first(HOST, ratio.build()))
        .contains(new ProtoDiff.Difference("host.cpuAllocationRatio", "unset", "1.0"));

    HostSnapshot.Builder devices = HOST.toBuilder();
    devices.getVmsBuilder(0).addDeviceUuids("d2");
    assertThat(ProtoDiff.first(HOST, devices.build()))
        .contains(new ProtoDiff.Difference("vms[vm-1].deviceUuids", "1 entries", "2 entries"));
  }
}
