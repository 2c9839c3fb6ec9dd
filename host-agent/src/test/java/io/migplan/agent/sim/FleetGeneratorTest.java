package io.migplan.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.agent.scan.HostScanner;
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

  @Test
  void aHostGetsNoMoreVmsThanItsCpusTakeUnderItsRatioAndReservation() throws Exception {
    // 16 T4-1B fit each GPU at fill 1; 4-vCPU VMs on 16 CPUs stop at 4, at ratio 2.0 at 8, and
    // with 8 CPUs reserved at ratio 2.0 at floor((16 - 8) x 2) / 4 = 4.
    FleetSpec spec = FleetSpec.parse("""
        seed: 5
        groups:
          - {name: plain, board: T4, hosts: 1, cpus: 16, fill: 1, vmMix: [{type: nvidia-222, vcpus: 4, memoryMib: 1024}]}
          - {name: doubled, board: T4, hosts: 1, cpus: 16, fill: 1, cpuAllocationRatio: 2.0,
             vmMix: [{type: nvidia-222, vcpus: 4, memoryMib: 1024}]}
          - {name: reserved, board: T4, hosts: 1, cpus: 16, fill: 1, cpuAllocationRatio: 2.0, reservedCpus: 8,
             memoryAllocationRatio: 1.5, reservedMemoryMib: 4096,
             vmMix: [{type: nvidia-222, vcpus: 4, memoryMib: 1024}]}
        """);
    List<FleetGenerator.GeneratedHost> hosts = FleetGenerator.generate(spec, dir);

    Map<String, HostSnapshot> byGroup = new TreeMap<>();
    for (int i = 0; i < hosts.size(); i++) {
      byGroup.put(spec.groupOf(i + 1).name(), new HostScanner(hosts.get(i).config()).scan());
    }
    assertThat(byGroup.get("plain").getVmsList()).hasSize(4);
    assertThat(byGroup.get("plain").getHost().hasCpuAllocationRatio()).isFalse();
    assertThat(byGroup.get("doubled").getVmsList()).hasSize(8);
    assertThat(byGroup.get("doubled").getHost().getCpuAllocationRatio()).isEqualTo(2.0);
    HostSnapshot reserved = byGroup.get("reserved");
    assertThat(reserved.getVmsList()).hasSize(4);
    assertThat(reserved.getHost().getReservedCpus()).isEqualTo(8);
    assertThat(reserved.getHost().getMemoryAllocationRatio()).isEqualTo(1.5);
    assertThat(reserved.getHost().getReservedMemoryMib()).isEqualTo(4096);
  }

  @Test
  void aSpecWhoseVmCannotFitItsHostIsRefusedBeforeAnythingIsWritten() {
    FleetSpec spec = new FleetSpec(1L, List.of(new FleetSpec.HostGroup("tiny", "T4", 2, 1, "2025.1", "550.90.07",
        16, 65536L, 0.5, List.of(new FleetSpec.VmShape("nvidia-222", 1, 8, 4096)), null, null, 12, 0L)),
        List.of("r1"), 0);
    Path out = dir.resolve("fleet");
    assertThatThrownBy(() -> FleetGenerator.generate(spec, out))
        .isInstanceOf(FleetSpec.InvalidSpecException.class)
        .hasMessage("groups[0].vmMix[0].vcpus: group tiny: a VM of nvidia-222 needs 8 vCPUs, more than a host's"
            + " 4 allocatable (16 CPUs x 1.0, 12 reserved); lower vcpus, or raise cpus or cpuAllocationRatio");
    assertThat(out).doesNotExist();
  }

  @Test
  void aSpecsGroupsGetTheirBoardsVersionsDomainsAndFillLevel() throws Exception {
    FleetSpec spec = FleetSpec.parse("""
        seed: 3
        failureDomains: [r1, r2, r3]
        groups:
          - {name: t4, board: T4, hosts: 10, gpusPerHost: 2, fill: 0.75, cpuAllocationRatio: 2.0,
             vmMix: [{type: nvidia-231, weight: 3}, {type: nvidia-232, weight: 1}]}
          - {name: p40, board: P40, hosts: 2, gpusPerHost: 4, release: "2024.4", driverVersion: "535.161.07", fill: 0.5}
          - {name: tight, board: T4, hosts: 1, memoryMib: 32768, fill: 1,
             vmMix: [{type: nvidia-222, vcpus: 4, memoryMib: 16384}]}
        """);
    List<FleetGenerator.GeneratedHost> hosts = FleetGenerator.generate(spec, dir);
    assertThat(hosts).hasSize(13);

    double usedShare = 0;
    int t4Gpus = 0;
    Map<String, Integer> typesUsed = new TreeMap<>();
    for (int i = 0; i < hosts.size(); i++) {
      FleetGenerator.GeneratedHost generated = hosts.get(i);
      FleetSpec.HostGroup group = spec.groupOf(i + 1);
      HostSnapshot s = new HostScanner(generated.config()).scan();
      assertThat(s.getProblemsList()).as(generated.hostId()).isEmpty();
      assertThat(s.getHost().getRelease()).isEqualTo(group.release());
      assertThat(s.getHost().getFailureDomain()).isEqualTo(List.of("r1", "r2", "r3").get(i % 3));
      assertThat(s.getHost().getLabelsMap()).containsEntry("sim-group", group.name());
      assertThat(s.getParentsList()).hasSize(group.gpusPerHost()).allSatisfy(p -> {
        assertThat(p.getBoard()).isEqualTo(group.board());
        assertThat(p.getDriverVersion()).isEqualTo(group.driverVersion());
      });
      for (ParentDevice p : s.getParentsList()) {
        assertEqualSizeRuleAllowingFull(p, s.getInstancesList());
        if (group.name().equals("t4")) {
          t4Gpus++;
          List<DeviceInstance> on = s.getInstancesList().stream().filter(d -> d.getParentAddress().equals(p.getAddress())).toList();
          on.forEach(d -> typesUsed.merge(d.getTypeId(), 1, Integer::sum));
          int max = on.isEmpty() ? 1 : num(MAX, p.getTypesList().stream().filter(t -> t.getTypeId().equals(on.get(0).getTypeId())).findFirst().orElseThrow());
          usedShare += (double) on.size() / max;
        }
      }
      if (group.name().equals("tight")) {
        // 16 T4-1B fit the GPU, but 32 GiB of memory holds two 16 GiB VMs.
        assertThat(s.getVmsList()).hasSize(2).allSatisfy(vm -> assertThat(vm.getMemoryMib()).isEqualTo(16384));
      }
    }
    assertThat(usedShare / t4Gpus).isCloseTo(0.75, org.assertj.core.data.Offset.offset(0.1));
    assertThat(typesUsed.keySet()).containsExactlyInAnyOrder("nvidia-231", "nvidia-232");
    assertThat(typesUsed.get("nvidia-231")).isGreaterThan(typesUsed.get("nvidia-232"));
    assertThat(TestTrees.read(dir.resolve("host-11/sys/module/nvidia/version"))).isEqualTo("535.161.07\n");
  }

  private static void assertEqualSizeRuleAllowingFull(ParentDevice p, List<DeviceInstance> all) {
    Map<String, DeviceType> types = p.getTypesList().stream().collect(Collectors.toMap(DeviceType::getTypeId, t -> t));
    List<DeviceInstance> on = all.stream().filter(i -> i.getParentAddress().equals(p.getAddress())).toList();
    for (DeviceType t : p.getTypesList()) {
      int expected = on.isEmpty() ? num(MAX, t)
          : num(FB, t) == num(FB, types.get(on.get(0).getTypeId())) ? num(MAX, t) - on.size() : 0;
      assertThat(t.getAvailableInstances()).as(p.getAddress() + " " + t.getTypeId()).isEqualTo(expected);
    }
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
