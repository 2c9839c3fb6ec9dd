package io.migplan.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.agent.TestTrees;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ScanCommandTest {
  @Test
  void scanPrintsTypesInstancesAndProblemCountAsTextAndJson() {
    String root = TestTrees.fixture("derived/gvtg-igpu-host").toString();

    StringWriter text = new StringWriter();
    CommandLine cli = new CommandLine(new AgentCommand());
    cli.setOut(new PrintWriter(text));
    assertThat(cli.execute("scan", "--root", root)).isZero();
    assertThat(text.toString())
        .contains("0000:00:02.0", "  i915-GVTg_V5_4", "    Available instances: 4",
            "Description: low_gm_size: 128MB, high_gm_size: 512MB",
            "mdev 5c1f6e0a-2b7d-4d3e-8f1a-9c0b7e6d5a41 0000:00:02.0 i915-GVTg_V5_4", "3 problem(s)", "proc/meminfo", "set memoryMib",
            // The fixture has no libvirt state: its VMs are unknown and its active mdev is held by none.
            "run/libvirt/qemu", "mdev 5c1f6e0a-2b7d-4d3e-8f1a-9c0b7e6d5a41 (i915-GVTg_V5_4 on 0000:00:02.0) is active but no"
                + " running domain");

    StringWriter json = new StringWriter();
    cli = new CommandLine(new AgentCommand());
    cli.setOut(new PrintWriter(json));
    assertThat(cli.execute("scan", "--root", root, "--json")).isZero();
    assertThat(json.toString()).contains("\"typeId\": \"i915-GVTg_V5_4\"", "\"availableInstances\": 4");
  }
}
