package io.migplan.agent.inventory;

import static io.migplan.agent.TestTrees.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.agent.SysfsTrees;
import io.migplan.agent.TestTrees;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.ParentDevice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvidiaVgpuReaderTest {
  @TempDir Path root;

  private static final String VF = "pci0000:40/0000:40:01.0/0000:41:00.4";

  private MdevInventory read() {
    return new MdevInventoryReader(HostRoot.of(root), Optional.empty()).read();
  }

  private static List<String> types(ParentDevice p) {
    return p.getTypesList().stream().map(t -> t.getTypeId() + " " + t.getName() + " " + t.getAvailableInstances()).toList();
  }

  /** The cases of NVIDIA's own parser test, as the bytes it feeds (separators are ours). */
  private static Map<String, String> vgpuDeviceManagerCases() {
    Map<String, String> cases = new LinkedHashMap<>();
    String name = null;
    StringBuilder body = new StringBuilder();
    for (String line : TestTrees.read(fixture("nvidia/vgpu-device-manager.creatable_vgpu_types.test-inputs.txt")).split("\n", -1)) {
      if (line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("=== ")) {
        if (name != null) {
          cases.put(name, body.toString());
        }
        name = line;
        body.setLength(0);
      } else if (name != null) {
        body.append(line).append('\n');
      }
    }
    cases.put(name, body.toString());
    return cases;
  }

  @Test
  void nvidiasParserInputsGiveTheTypesItsTestExpects() {
    Map<String, List<String>> expected = Map.of(
        "=== Single whole-card type ===", List.of("nvidia-1428 NVIDIA H200X-141C 1"),
        "=== MIG-backed and whole-card types ===", List.of("nvidia-1414 NVIDIA H200X-1-18C 1", "nvidia-1428 NVIDIA H200X-141C 1"),
        "=== Header or non-numeric lines are skipped ===", List.of("nvidia-1414 NVIDIA H200X-1-18C 1"),
        "=== Older style names with GRID prefix ===", List.of("nvidia-63 GRID P40-2Q 1"));
    Map<String, String> cases = vgpuDeviceManagerCases();
    assertThat(cases.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    int i = 0;
    for (var c : cases.entrySet()) {
      SysfsTrees.vgpuVf(root, "pci0000:40/0000:40:01.0/0000:41:0" + i + ".4", i, c.getValue(), "0\n");
      i++;
    }

    MdevInventory inventory = read();

    assertThat(inventory.problems()).isEmpty();
    List<List<String>> ours = new ArrayList<>();
    inventory.parents().forEach(p -> ours.add(types(p)));
    assertThat(ours).containsExactlyElementsOf(cases.keySet().stream().map(expected::get).toList());
  }

  @Test
  void emptyAndOddListingsReadWithoutProblems() {
    SysfsTrees.vgpuVf(root, "pci0000:40/0000:40:01.0/0000:41:00.4", 0, "", "0");
    SysfsTrees.vgpuVf(root, "pci0000:40/0000:40:01.0/0000:41:00.5", 1, "ID : vGPU type\n", "0\n");
    SysfsTrees.vgpuVf(root, "pci0000:40/0000:40:01.0/0000:41:00.6", 2,
        "\r\n  1145 :  NVIDIA L40S-1B  \r\n\n1146:NVIDIA L40S-2B\nnot a line\n", "0");

    MdevInventory inventory = read();

    assertThat(inventory.problems()).isEmpty();
    assertThat(inventory.parents()).extracting(ParentDevice::getAddress)
        .containsExactly("0000:41:00.4", "0000:41:00.5", "0000:41:00.6");
    assertThat(inventory.parents().get(0).getTypesList()).isEmpty();
    assertThat(inventory.parents().get(1).getTypesList()).isEmpty();
    assertThat(types(inventory.parents().get(2)))
        .containsExactly("nvidia-1145 NVIDIA L40S-1B 1", "nvidia-1146 NVIDIA L40S-2B 1");
    assertThat(inventory.parents().get(2).getTypes(0).getRawMap())
        .containsEntry("creatable_vgpu_types", "  1145 :  NVIDIA L40S-1B  \r");
  }

  @Test
  void aVgpuOfATypeNoLongerListedIsStillADeviceAndItsTypeIsListedFull() {
    SysfsTrees.vgpuVf(root, VF, 0, "ID : vGPU type\n", "1428\n");

    MdevInventory inventory = read();

    DeviceType present = inventory.parents().get(0).getTypes(0);
    assertThat(present.getTypeId()).isEqualTo("nvidia-1428");
    assertThat(present.getAvailableInstances()).isZero();
    assertThat(inventory.instances()).singleElement()
        .satisfies(i -> assertThat(i.getUuid()).isEqualTo("6e766770-0000-8000-8000-000000410004"));
    assertThat(VgpuDeviceIds.addressOf("6e766770-0000-8000-8000-000000410004")).contains("0000:41:00.4");
  }

  @Test
  void anUnreadableCurrentTypeIsAProblemAndNoTypeIsOffered() {
    Path vf = SysfsTrees.vgpuVf(root, VF, 0, "1145 : NVIDIA L40S-1B\n", "n/a\n");

    MdevInventory inventory = read();

    assertThat(inventory.problems()).singleElement().satisfies(p -> {
      assertThat(p.getPath()).isEqualTo(root.resolve("sys/bus/pci/devices/0000:41:00.4/nvidia/current_vgpu_type").toString());
      assertThat(p.getMessage()).contains("0000:41:00.4", "'n/a'", "check the NVIDIA vGPU manager");
    });
    assertThat(vf).exists();
    assertThat(types(inventory.parents().get(0))).containsExactly("nvidia-1145 NVIDIA L40S-1B 0");
  }
}
