package io.migplan.agent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.agent.sim.FleetSimulator;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChurnTest {
  /** Three T4 hosts half full, two V100 hosts, one of them empty: room on both boards. */
  static final String SPEC = """
      seed: 7
      groups:
        - {name: t4, board: T4, hosts: 3, gpusPerHost: 2, fill: 0.5, vmMix: [{type: nvidia-231}]}
        - {name: v100, board: V100, hosts: 1, gpusPerHost: 1, fill: 0.5}
        - {name: spare, board: V100, hosts: 1, gpusPerHost: 1, fill: 0}
      """;

  @TempDir Path dir;

  @Test
  void vmsMoveOnlyBetweenHostsOfTheirBoardAndNoneIsLostOrDuplicated() throws Exception {
    try (RunningFleet fleet = FleetSimulator.start(FleetSpec.parse(SPEC), dir, null)) {
      Map<String, String> boardBefore = boards(fleet);
      int vmsBefore = fleet.listHosts().stream().mapToInt(FleetSimulator.HostStatus::vms).sum();
      Map<String, String> hostBefore = hosts(fleet);
      Churn churn = new Churn(fleet, 1);

      for (int i = 0; i < 40; i++) {
        churn.step();
      }

      assertThat(churn.moved() + churn.refused()).isEqualTo(40);
      assertThat(churn.moved()).isPositive();
      assertThat(hosts(fleet)).isNotEqualTo(hostBefore);
      assertThat(boards(fleet)).isEqualTo(boardBefore);
      assertThat(fleet.listHosts().stream().mapToInt(FleetSimulator.HostStatus::vms).sum()).isEqualTo(vmsBefore);
      assertThat(churn.summary(2.0)).startsWith(churn.moved() + " moved (" + String.format(java.util.Locale.ROOT,
          "%.1f", churn.moved() / 2.0) + " per s), " + churn.refused() + " refused").endsWith("0 failed");
    }
  }

  @Test
  void theSameSeedMakesTheSameMovesOnTheSameFleet() throws Exception {
    List<Map<String, String>> first = moves(dir.resolve("a"));
    List<Map<String, String>> second = moves(dir.resolve("b"));
    assertThat(second).isEqualTo(first);
  }

  @Test
  void aRateOfNothingOrMoreThanAThousandIsRefused() throws Exception {
    try (RunningFleet fleet = FleetSimulator.start(FleetSpec.parse(SPEC), dir, null); Churn churn = new Churn(fleet, 1)) {
      assertThatThrownBy(() -> churn.start(0)).hasMessageContaining("give more than 0 and at most 1000");
      assertThatThrownBy(() -> churn.start(1001)).hasMessageContaining("give more than 0 and at most 1000");
      assertThat(churn.moved() + churn.refused()).isZero();
    }
  }

  private static List<Map<String, String>> moves(Path dir) throws Exception {
    List<Map<String, String>> after = new ArrayList<>();
    try (RunningFleet fleet = FleetSimulator.start(FleetSpec.parse(SPEC), dir, null)) {
      Churn churn = new Churn(fleet, 3);
      for (int i = 0; i < 10; i++) {
        churn.step();
        after.add(hosts(fleet));
      }
    }
    return after;
  }

  /** Each VM's host. */
  private static Map<String, String> hosts(RunningFleet fleet) {
    Map<String, String> out = new TreeMap<>();
    fleet.vms().forEach(vm -> out.put(vm, fleet.hostOf(vm).orElseThrow()));
    return out;
  }

  /** Each VM's host's board. */
  private static Map<String, String> boards(RunningFleet fleet) {
    Map<String, String> out = new TreeMap<>();
    hosts(fleet).forEach((vm, host) -> out.put(vm, fleet.status(host).board()));
    return out;
  }
}
