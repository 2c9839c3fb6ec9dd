package io.migplan.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.agent.TestTrees;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.sim.FleetSimulator.Migration;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Operations on real generated trees, read back by the agent's own reader. */
class FleetOperationsTest {
  /**
   * host-01: one T4 holding exactly one T4-2Q (fill 1/8 of max 8); host-02, host-03: two empty
   * T4s; host-04: one T4 full with a T4-16Q; host-05: an empty V100.
   */
  static final String SPEC = """
      seed: 5
      groups:
        - {name: src, board: T4, hosts: 1, gpusPerHost: 1, fill: 0.125, vmMix: [{type: nvidia-231}]}
        - {name: empty, board: T4, hosts: 2, gpusPerHost: 2, fill: 0}
        - {name: full, board: T4, hosts: 1, gpusPerHost: 1, fill: 1, vmMix: [{type: nvidia-234}]}
        - {name: v100, board: V100, hosts: 1, gpusPerHost: 1, fill: 0}
      """;
  static final String VM = "host-01-vm-01";
  static final String GPU0 = "0000:3b:00.0";
  static final String GPU1 = "0000:d8:00.0";
  private static final Pattern FB = Pattern.compile("framebuffer=(\\d+)M");
  private static final Pattern MAX = Pattern.compile("max_instance=(\\d+)");

  @TempDir Path dir;
  RunningFleet fleet;

  @BeforeEach
  void start() throws Exception {
    fleet = FleetSimulator.start(FleetSpec.parse(SPEC), dir, null);
  }

  @AfterEach
  void stop() {
    fleet.close();
  }

  @Test
  void oneT4_2QOnAnEmptyT4LocksItTo2GBAndTheLastOneLeavingUnlocksTheSource() {
    assertThat(available(scan("host-01"), GPU0)).containsEntry("nvidia-231", 7).containsEntry("nvidia-232", 0);

    Migration m = fleet.migrateVm(VM, "host-02", "");

    assertThat(m).isEqualTo(new Migration(VM, "host-01", "host-02", java.util.List.of(GPU0)));
    HostSnapshot target = scan("host-02");
    assertThat(target.getProblemsList()).isEmpty();
    Map<String, Integer> locked = available(target, GPU0);
    // The 2 GB types (2B, 2B4, 2A, 2Q) read max - 1; every other size reads 0.
    assertThat(locked).containsEntry("nvidia-223", 7).containsEntry("nvidia-224", 7)
        .containsEntry("nvidia-226", 7).containsEntry("nvidia-231", 7);
    parent(target, GPU0).getTypesList().forEach(t -> assertThat(t.getAvailableInstances()).as(t.getTypeId())
        .isEqualTo(num(FB, t) == 2048 ? num(MAX, t) - 1 : 0));
    assertThat(target.getInstancesList()).singleElement().satisfies(i -> {
      assertThat(i.getParentAddress()).isEqualTo(GPU0);
      assertThat(i.getTypeId()).isEqualTo("nvidia-231");
    });
    assertThat(target.getVmsList()).singleElement().satisfies(vm -> {
      assertThat(vm.getName()).isEqualTo(VM);
      assertThat(vm.getDeviceUuidsList()).containsExactly(target.getInstances(0).getUuid());
    });
    assertEmpty(parent(target, GPU1));

    HostSnapshot source = scan("host-01");
    assertThat(source.getProblemsList()).isEmpty();
    assertThat(source.getInstancesList()).isEmpty();
    assertThat(source.getVmsList()).isEmpty();
    assertEmpty(parent(source, GPU0));
    assertThat(fleet.hostOf(VM)).contains("host-02");
    assertThat(fleet.status("host-02").vms()).isEqualTo(1);

    // Back onto a named parent: the same rule in the other direction.
    fleet.migrateVm(VM, "host-01", GPU0);
    assertEmpty(parent(scan("host-02"), GPU0));
    assertThat(available(scan("host-01"), GPU0)).containsEntry("nvidia-231", 7).containsEntry("nvidia-222", 0);
  }

  @Test
  void aSecondVgpuOfTheSameSizePacksOntoTheLockedGpuAndAnotherSizeTakesTheEmptyOne() throws Exception {
    fleet.migrateVm(VM, "host-02", GPU1);
    // The only other VM in this fleet is the 16Q of host-04; it needs a whole GPU: host-02's GPU0.
    Migration big = fleet.migrateVm("host-04-vm-01", "host-02", "");
    assertThat(big.targetParents()).containsExactly(GPU0);
    HostSnapshot s = scan("host-02");
    assertThat(available(s, GPU0)).allSatisfy((type, n) -> assertThat(n).as(type).isZero());
    assertThat(available(s, GPU1)).containsEntry("nvidia-231", 7).containsEntry("nvidia-234", 0);
    assertEmpty(parent(scan("host-04"), GPU0));
  }

  @Test
  void noRoomNoSuchTypeNoSuchParentAndFailedHostsAreRefusedAndChangeNothing() {
    Map<String, String> before = TestTrees.contents(dir);

    assertRefused(() -> fleet.migrateVm(VM, "host-04", ""), SimulationException.Kind.FAILED_PRECONDITION,
        "host host-04: no free instance of nvidia-231 on any GPU (0000:3b:00.0 is locked to 16384 MiB vGPUs (1 present), nvidia-231 needs 2048 MiB)");
    assertRefused(() -> fleet.migrateVm(VM, "host-05", ""), SimulationException.Kind.FAILED_PRECONDITION,
        "host host-05 has no device type nvidia-231 (its board is V100)");
    assertRefused(() -> fleet.migrateVm(VM, "host-02", "0000:af:00.0"), SimulationException.Kind.NOT_FOUND,
        "host host-02 has no parent device 0000:af:00.0");
    assertRefused(() -> fleet.migrateVm("no-such-vm", "host-02", ""), SimulationException.Kind.NOT_FOUND, "no VM no-such-vm");
    assertRefused(() -> fleet.migrateVm(VM, "host-01", ""), SimulationException.Kind.FAILED_PRECONDITION, "already runs on host host-01");
    fleet.failHost("host-02");
    assertRefused(() -> fleet.migrateVm(VM, "host-02", ""), SimulationException.Kind.FAILED_PRECONDITION,
        "host host-02 is failed and cannot receive");
    assertRefused(() -> fleet.upgradeHost("host-02", "2025.2", ""), SimulationException.Kind.FAILED_PRECONDITION,
        "host host-02 is failed");
    fleet.recoverHost("host-02");

    assertThat(TestTrees.contents(dir)).isEqualTo(before);
    assertThat(fleet.hostOf(VM)).contains("host-01");
  }

  @Test
  void aWriteFailureHalfWayLeavesBothTreesAsTheyWere() {
    Map<String, String> before = TestTrees.contents(dir);
    for (int step : new int[] {0, 3, 10, 20}) {
      fleet.operations().failNextSourceEditAt(step);
      assertRefused(() -> fleet.migrateVm(VM, "host-02", ""), SimulationException.Kind.INTERNAL, "were undone");
      assertThat(TestTrees.contents(dir)).as("after a failure at step " + step).isEqualTo(before);
      assertThat(fleet.hostOf(VM)).contains("host-01");
    }
    fleet.migrateVm(VM, "host-02", "");
    assertThat(TestTrees.contents(dir)).isNotEqualTo(before);
  }

  @Test
  void theSameOperationsOnTheSameSeedGiveIdenticalTrees() throws Exception {
    try (RunningFleet twin = FleetSimulator.start(FleetSpec.parse(SPEC), dir.resolve("twin"), null)) {
      for (RunningFleet f : java.util.List.of(fleet, twin)) {
        f.migrateVm(VM, "host-03", "");
        f.migrateVm("host-04-vm-01", "host-03", "");
        f.upgradeHost("host-02", "2025.2", "570.124.06");
      }
      for (String host : java.util.List.of("host-01", "host-02", "host-03", "host-04")) {
        assertThat(TestTrees.contents(dir.resolve("twin").resolve(host)))
            .as(host).isEqualTo(TestTrees.contents(dir.resolve(host)));
      }
    }
  }

  @Test
  void aHostStillRunningAVmIsNotUpgradedAndNothingChanges() {
    Map<String, String> before = TestTrees.contents(dir);

    assertRefused(() -> fleet.upgradeHost("host-01", "2025.2", "570.124.06"), SimulationException.Kind.FAILED_PRECONDITION,
        "host host-01 still runs 1 VM and cannot be upgraded; migrate them away first");

    assertThat(TestTrees.contents(dir)).isEqualTo(before);
    assertThat(fleet.status("host-01").release()).isEqualTo(FleetSpec.DEFAULT_RELEASE);
    // Emptied, it is upgraded.
    fleet.migrateVm(VM, "host-02", "");
    assertThat(fleet.upgradeHost("host-01", "2025.2", "").release()).isEqualTo("2025.2");
  }

  @Test
  void anUpgradeWritesTheReleaseFileTheAgentReadsAndChangesDriverVersionAndEverySignature() throws Exception {
    fleet.migrateVm(VM, "host-02", "");
    FleetSimulator.HostStatus status = fleet.upgradeHost("host-01", "2025.2", "570.124.06");

    assertThat(status.release()).isEqualTo("2025.2");
    assertThat(status.driverVersion()).isEqualTo("570.124.06");
    assertThat(TestTrees.read(dir.resolve("host-01/sys/module/nvidia/version"))).isEqualTo("570.124.06\n");
    assertThat(TestTrees.read(dir.resolve("host-01/" + FleetGenerator.RELEASE_FILE))).isEqualTo("2025.2\n");
    // The agent config is not touched: the release is observed, not configured.
    AgentConfig config = AgentConfig.load(dir.resolve("host-01/agent.yaml"));
    assertThat(config.release()).isEmpty();
    assertThat(config.releaseFile()).contains(dir.resolve("host-01/" + FleetGenerator.RELEASE_FILE));
    HostSnapshot s = scan("host-01");
    assertThat(s.getHost().getRelease()).isEqualTo("2025.2");
    assertThat(s.getParentsList()).allSatisfy(p -> {
      assertThat(p.getDriverVersion()).isEqualTo("570.124.06");
      assertThat(p.getTypesList()).allSatisfy(t -> assertThat(t.getSignature()).endsWith("/T4/nvidia-570.124.06"));
    });
    // Capacity is untouched by an upgrade.
    assertEmpty(parent(s, GPU0));

    assertThat(fleet.upgradeHost("host-01", "2025.3", "").driverVersion()).isEqualTo("570.124.06");
    assertRefused(() -> fleet.upgradeHost("host-01", "2025.4", "newest"), SimulationException.Kind.INVALID_ARGUMENT, "driver_version");
    assertRefused(() -> fleet.upgradeHost("host-01", " ", ""), SimulationException.Kind.INVALID_ARGUMENT, "release is required");
    assertRefused(() -> fleet.upgradeHost("host-01", "2025\n2", ""), SimulationException.Kind.INVALID_ARGUMENT,
        "release contains a control character (U+000A) at 4");
  }

  private HostSnapshot scan(String host) {
    return fleet.host(host).agent().scan();
  }

  private static ParentDevice parent(HostSnapshot s, String address) {
    return s.getParentsList().stream().filter(p -> p.getAddress().equals(address)).findFirst().orElseThrow();
  }

  private static Map<String, Integer> available(HostSnapshot s, String address) {
    Map<String, Integer> out = new java.util.TreeMap<>();
    parent(s, address).getTypesList().forEach(t -> out.put(t.getTypeId(), t.getAvailableInstances()));
    return out;
  }

  private static void assertEmpty(ParentDevice p) {
    assertThat(p.getTypesList()).allSatisfy(t -> assertThat(t.getAvailableInstances()).as(t.getTypeId()).isEqualTo(num(MAX, t)));
  }

  private static int num(Pattern p, DeviceType t) {
    Matcher m = p.matcher(t.getDescription());
    assertThat(m.find()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static void assertRefused(Runnable op, SimulationException.Kind kind, String message) {
    assertThatThrownBy(op::run).isInstanceOfSatisfying(SimulationException.class, e -> {
      assertThat(e.kind()).isEqualTo(kind);
      assertThat(e.getMessage()).contains(message);
    });
  }
}
