package io.migplan.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.agent.HostScanner;
import io.migplan.agent.TestTrees;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.Vm;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetGeneratorTest {
  private static final Pattern FB = Pattern.compile("framebuffer=(\\d+)M");
  private static final Pattern MAX = Pattern.compile("max_instance=(\\d+)");

  @TempDir Path dir;

  @Test
  void theSameSeedWritesIdenticalTreesAndAnotherSeedDoesNot() throws Exception {
    FleetGenerator.generate(FleetSpec.of(6, 42), dir.resolve("a"));
    FleetGenerator.generate(FleetSpec.of(6, 42), dir.resolve("b"));
    FleetGenerator.generate(FleetSpec.of(6, 43), dir.resolve("c"));

    Map<String, String> a = TestTrees.contents(dir.resolve("a"));
    assertThat(a).hasSizeGreaterThan(100);
    assertThat(TestTrees.contents(dir.resolve("b"))).isEqualTo(a);
    assertThat(TestTrees.contents(dir.resolve("c"))).isNotEqualTo(a);
  }

  @Test
  void generatedHostsParseBackWithoutProblemsAndFollowTheEqualSizeRule() throws Exception {
    List<FleetGenerator.GeneratedHost> hosts = FleetGenerator.generate(FleetSpec.of(8, 7), dir);

    Set<String> boards = new TreeSet<>();
    Set<String> racks = new TreeSet<>();
    int vms = 0;
    int freeSlots = 0;
    for (FleetGenerator.GeneratedHost generated : hosts) {
      HostSnapshot s = new HostScanner(generated.config()).scan();
      assertThat(s.getProblemsList()).as(generated.hostId()).isEmpty();
      assertThat(s.getHost().getId()).isEqualTo(generated.hostId());
      assertThat(s.getHost().getRelease()).isEqualTo(FleetSpec.DEFAULT_RELEASE);
      assertThat(s.getHost().getCpus()).isPositive();
      assertThat(s.getHost().getMemoryMib()).isPositive();
      racks.add(s.getHost().getFailureDomain());
      assertThat(s.getParentsCount()).isBetween(1, 2);

      Set<String> instanceUuids = s.getInstancesList().stream().map(DeviceInstance::getUuid).collect(Collectors.toSet());
      Set<String> vmDevices = new HashSet<>();
      for (Vm vm : s.getVmsList()) {
        assertThat(vm.getName()).startsWith(generated.hostId() + "-vm-");
        assertThat(vm.getDeviceUuidsList()).hasSize(1);
        vmDevices.addAll(vm.getDeviceUuidsList());
      }
      assertThat(vmDevices).isEqualTo(instanceUuids);
      vms += s.getVmsCount();

      for (ParentDevice p : s.getParentsList()) {
        boards.add(p.getBoard());
        assertThat(p.getVendorId()).isEqualTo("0x10de");
        assertThat(p.getDriver()).isEqualTo("nvidia");
        assertThat(p.getDriverVersion()).isEqualTo(FleetGenerator.DRIVER_VERSION);
        assertThat(p.getTypes(0).getSignature()).endsWith("/" + p.getBoard() + "/nvidia-" + FleetGenerator.DRIVER_VERSION);
        freeSlots += assertEqualSizeRule(p, s.getInstancesList());
      }
    }
    assertThat(boards).containsExactly("T4", "V100");
    assertThat(racks).containsExactly("rack-a", "rack-b");
    assertThat(vms).isPositive();
    assertThat(freeSlots).isPositive();
  }

  /** Checks one GPU against FACTS.md 3a and returns the free slots of its used type. */
  private static int assertEqualSizeRule(ParentDevice p, List<DeviceInstance> all) {
    Map<String, Long> used = all.stream().filter(i -> i.getParentAddress().equals(p.getAddress()))
        .collect(Collectors.groupingBy(DeviceInstance::getTypeId, TreeMap::new, Collectors.counting()));
    Map<String, DeviceType> types = p.getTypesList().stream().collect(Collectors.toMap(DeviceType::getTypeId, t -> t));
    if (used.isEmpty()) {
      for (DeviceType t : p.getTypesList()) {
        assertThat(t.getAvailableInstances()).as(p.getAddress() + " " + t.getTypeId()).isEqualTo(num(MAX, t));
      }
      return 0;
    }
    Set<Integer> sizes = used.keySet().stream().map(id -> num(FB, types.get(id))).collect(Collectors.toSet());
    assertThat(sizes).as("one framebuffer size per GPU").hasSize(1);
    int fb = sizes.iterator().next();
    long count = used.values().stream().mapToLong(Long::longValue).sum();
    for (DeviceType t : p.getTypesList()) {
      int expected = num(FB, t) == fb ? (int) (num(MAX, t) - count) : 0;
      assertThat(t.getAvailableInstances()).as(p.getAddress() + " " + t.getTypeId()).isEqualTo(expected);
    }
    int free = types.get(used.keySet().iterator().next()).getAvailableInstances();
    assertThat(free).as("room left on " + p.getAddress()).isPositive();
    return free;
  }

  private static int num(Pattern p, DeviceType t) {
    Matcher m = p.matcher(t.getDescription());
    assertThat(m.find()).as(t.getTypeId() + " description " + t.getDescription()).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
