package io.migplan.agent.inventory;

import static io.migplan.agent.TestTrees.fixture;
import static io.migplan.agent.TestTrees.populateActiveDevice;
import static io.migplan.agent.TestTrees.populateParentDevice;
import static io.migplan.agent.TestTrees.write;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.SignatureSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MdevInventoryReaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;

  private MdevInventory read(Path root) {
    return new MdevInventoryReader(HostRoot.of(root), Optional.empty()).read();
  }

  /** The tree of mdevctl's `types` test; its expected output is testdata/types/full.json. */
  @Test
  void mdevctlTypesTreeParsesToMdevctlsGoldenOutput() throws IOException {
    populateParentDevice(root, "0000:00:02.0", "mdev_type1", 5, "vfio-pci", "name1", "description 1");
    populateParentDevice(root, "0000:00:02.0", "mdev_type2", 16, "vfio-pci", "name2", null);
    populateParentDevice(root, "0000:00:02.0", "mdev_type3", 1, "vfio-pci", "name3", "description 3");
    populateParentDevice(root, "0000:00:03.0", "nvidia-155", 4, "vfio-pci", "GRID M10-2B", null);
    populateParentDevice(root, "0000:00:03.0", "nvidia-36", 16, "vfio-pci", "GRID M10-0Q", null);
    populateParentDevice(root, "0.0.26ab", "vfio_ccw-io", 4, "vfio_mdev", "name", "description");

    MdevInventory inventory = read(root);

    assertThat(inventory.problems()).isEmpty();
    JsonNode golden = JSON.readTree(fixture("mdevctl/full.json").toFile());
    assertThat(asMdevctlTypesJson(inventory)).isEqualTo(golden);
  }

  /** mdevctl's `types --dumpjson` shape: [{parent: [{type: {attrs}}]}], empty name/description omitted. */
  private static JsonNode asMdevctlTypesJson(MdevInventory inventory) {
    ObjectNode parents = JSON.createObjectNode();
    for (ParentDevice p : inventory.parents()) {
      ArrayNode types = parents.putArray(p.getAddress());
      for (DeviceType t : p.getTypesList()) {
        ObjectNode attrs = types.addObject().putObject(t.getTypeId());
        attrs.put("available_instances", t.getAvailableInstances());
        attrs.put("device_api", t.getDeviceApi());
        if (!t.getName().isEmpty()) {
          attrs.put("name", t.getName());
        }
        if (!t.getDescription().isEmpty()) {
          attrs.put("description", t.getDescription().replace("\n", ", "));
        }
      }
    }
    return JSON.createArrayNode().add(parents);
  }

  @Test
  void derivedTwoT4HostMatchesExpectedJson() throws IOException {
    JsonNode expected = JSON.readTree(fixture("derived/EXPECTED.json").toFile()).get("nvidia-2xT4-host");

    MdevInventory inventory = read(fixture("derived/nvidia-2xT4-host"));

    assertThat(inventory.problems()).isEmpty();
    Map<String, Map<String, Integer>> available = new TreeMap<>();
    for (ParentDevice p : inventory.parents()) {
      available.put(p.getAddress(), p.getTypesList().stream()
          .collect(Collectors.toMap(DeviceType::getTypeId, DeviceType::getAvailableInstances, (a, b) -> a, TreeMap::new)));
      assertThat(p.getBoard()).isEqualTo("T4");
    }
    Map<String, Map<String, Integer>> expectedAvailable = new TreeMap<>();
    Map<String, String> expectedInstances = new TreeMap<>();
    expected.get("parents").fields().forEachRemaining(parent -> {
      Map<String, Integer> types = new TreeMap<>();
      parent.getValue().get("available").fields().forEachRemaining(t -> types.put(t.getKey(), t.getValue().asInt()));
      expectedAvailable.put(parent.getKey(), types);
      parent.getValue().get("instances").fields()
          .forEachRemaining(i -> expectedInstances.put(i.getKey(), parent.getKey() + "/" + i.getValue().asText()));
    });
    assertThat(available).isEqualTo(expectedAvailable);
    Map<String, String> instances = new TreeMap<>();
    inventory.instances().forEach(i -> instances.put(i.getUuid(), i.getParentAddress() + "/" + i.getTypeId()));
    assertThat(instances).isEqualTo(expectedInstances);

    DeviceType t231 = type(inventory, "0000:3b:00.0", "nvidia-231");
    assertThat(t231.getName()).isEqualTo("GRID T4-2Q");
    assertThat(t231.getDescription())
        .isEqualTo("num_heads=4, frl_config=60, framebuffer=2048M, max_resolution=7680x4320, max_instance=8");
    assertThat(t231.getDeviceApi()).isEqualTo("vfio-pci");
    // No driver link and no module version in this tree: both parts read "unknown".
    assertThat(t231.getSignature()).isEqualTo("nvidia-231/T4/unknown-driver-unknown");
    assertThat(t231.getSignatureSource()).isEqualTo(SignatureSource.SIGNATURE_SOURCE_DERIVED);
  }

  @Test
  void derivedGvtgHostMatchesExpectedJsonAfterOneV54() throws IOException {
    JsonNode expected = JSON.readTree(fixture("derived/EXPECTED.json").toFile())
        .get("gvtg-igpu-host").get("available_after_one_GVTg_V5_4");

    MdevInventory inventory = read(fixture("derived/gvtg-igpu-host"));

    assertThat(inventory.problems()).isEmpty();
    assertThat(inventory.parents()).extracting(ParentDevice::getAddress).containsExactly("0000:00:02.0");
    ParentDevice igpu = inventory.parents().get(0);
    assertThat(igpu.getBoard()).isEmpty();
    Map<String, Integer> available = new TreeMap<>();
    igpu.getTypesList().forEach(t -> available.put(t.getTypeId(), t.getAvailableInstances()));
    Map<String, Integer> want = new TreeMap<>();
    expected.fields().forEachRemaining(e -> want.put(e.getKey(), e.getValue().asInt()));
    assertThat(available).isEqualTo(want);
    assertThat(igpu.getTypesList()).extracting(DeviceType::getTypeId)
        .containsExactly("i915-GVTg_V5_1", "i915-GVTg_V5_2", "i915-GVTg_V5_4", "i915-GVTg_V5_8");
    assertThat(type(inventory, "0000:00:02.0", "i915-GVTg_V5_8").getDescription())
        .isEqualTo("low_gm_size: 64MB\nhigh_gm_size: 384MB\nfence: 4\nresolution: 1024x768\nweight: 2");
    assertThat(inventory.instances()).containsExactly(DeviceInstance.newBuilder()
        .setUuid("5c1f6e0a-2b7d-4d3e-8f1a-9c0b7e6d5a41").setTypeId("i915-GVTg_V5_4").setParentAddress("0000:00:02.0").build());
  }

  @Test
  void valuesReadTheSameWithOrWithoutTrailingNewlineAndOptionalFilesMayBeMissing() {
    Path a = populateParentDevice(root, "0000:00:02.0", "i915-GVTg_V4_2", 1, "vfio-pci", "x", null);
    write(a.resolve("available_instances"), "1\n");
    write(a.resolve("device_api"), "vfio-pci\n");
    a.resolve("name").toFile().delete();
    populateParentDevice(root, "0000:00:02.0", "i915-GVTg_V4_8", 4, "vfio-pci", "x", null);
    root.resolve("sys/class/mdev_bus/0000:00:02.0/mdev_supported_types/i915-GVTg_V4_8/name").toFile().delete();

    MdevInventory inventory = read(root);

    assertThat(inventory.problems()).isEmpty();
    assertThat(inventory.parents().get(0).getTypesList())
        .extracting(DeviceType::getTypeId, DeviceType::getAvailableInstances, DeviceType::getDeviceApi, DeviceType::getName)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("i915-GVTg_V4_2", 1, "vfio-pci", ""),
            org.assertj.core.groups.Tuple.tuple("i915-GVTg_V4_8", 4, "vfio-pci", ""));
  }

  @Test
  void parentFactsComeFromVendorDeviceDriverLinkAndModuleVersion() throws IOException {
    populateParentDevice(root, "0000:3b:00.0", "nvidia-231", 8, "vfio-pci", "GRID T4-2Q", null);
    Path parent = root.resolve("sys/class/mdev_bus/0000:3b:00.0");
    write(parent.resolve("vendor"), "0x10de\n");
    write(parent.resolve("device"), "0x1eb8\n");
    Files.createDirectories(root.resolve("sys/bus/pci/drivers/nvidia"));
    Files.createSymbolicLink(parent.resolve("driver"), root.resolve("sys/bus/pci/drivers/nvidia"));
    write(root.resolve("sys/module/nvidia/version"), "550.90.07\n");

    ParentDevice p = read(root).parents().get(0);

    assertThat(p.getVendorId()).isEqualTo("0x10de");
    assertThat(p.getDeviceId()).isEqualTo("0x1eb8");
    assertThat(p.getDriver()).isEqualTo("nvidia");
    assertThat(p.getDriverVersion()).isEqualTo("550.90.07");
    assertThat(p.getTypes(0).getSignature()).isEqualTo("nvidia-231/T4/nvidia-550.90.07");

    ParentDevice overridden =
        new MdevInventoryReader(HostRoot.of(root), Optional.of("535.54.03")).read().parents().get(0);
    assertThat(overridden.getDriverVersion()).isEqualTo("535.54.03");
    assertThat(overridden.getTypes(0).getSignature()).isEqualTo("nvidia-231/T4/nvidia-535.54.03");
  }

  @Test
  void versionAttributeFirstLineIsTheSignature() {
    Path t = populateParentDevice(root, "0000:00:02.0", "i915-GVTg_V5_2", 2, "vfio-pci", "GVTg_V5_2", null);
    write(t.resolve("version"), "00028086-193b-i915-GVTg_V5_2\n00028086-193b-i915-GVTg_V5_1\n");
    Path m = populateParentDevice(root, "0000:00:02.0", "i915-GVTg_V5_4", 2, "vfio-pci", "GVTg_V5_4", null);
    write(m.resolve("migration_version"), "00028086-193b-i915-GVTg_V5_4");

    MdevInventory inventory = read(root);

    assertThat(type(inventory, "0000:00:02.0", "i915-GVTg_V5_2").getSignature()).isEqualTo("00028086-193b-i915-GVTg_V5_2");
    assertThat(type(inventory, "0000:00:02.0", "i915-GVTg_V5_2").getSignatureSource())
        .isEqualTo(SignatureSource.SIGNATURE_SOURCE_VERSION_ATTRIBUTE);
    assertThat(type(inventory, "0000:00:02.0", "i915-GVTg_V5_4").getSignature()).isEqualTo("00028086-193b-i915-GVTg_V5_4");
  }

  @Test
  void nonNumericAvailableInstancesIsAProblemAndTheRestOfTheHostIsStillRead() {
    Path bad = populateParentDevice(root, "0000:3b:00.0", "nvidia-231", 8, "vfio-pci", "GRID T4-2Q", null);
    write(bad.resolve("available_instances"), "eight\n");
    populateParentDevice(root, "0000:3b:00.0", "nvidia-232", 4, "vfio-pci", "GRID T4-4Q", null);
    populateParentDevice(root, "0000:d8:00.0", "nvidia-231", 8, "vfio-pci", "GRID T4-2Q", null);

    MdevInventory inventory = read(root);

    assertThat(inventory.problems()).singleElement().satisfies(p -> {
      assertThat(p.getPath()).isEqualTo(bad.resolve("available_instances").toString());
      assertThat(p.getMessage()).contains("nvidia-231", "0000:3b:00.0", "'eight'", "check the vendor driver");
    });
    assertThat(inventory.parents()).extracting(ParentDevice::getAddress).containsExactly("0000:3b:00.0", "0000:d8:00.0");
    assertThat(inventory.parents().get(0).getTypesList()).extracting(DeviceType::getTypeId).containsExactly("nvidia-232");
    assertThat(inventory.parents().get(1).getTypesList()).extracting(DeviceType::getTypeId).containsExactly("nvidia-231");
  }

  @Test
  void missingMdevTypeLinkIsAProblemAndOtherDevicesAreStillRead() throws IOException {
    populateActiveDevice(root, "11111111-0000-0000-0000-000000000001", "0000:00:02.0", "mtty-1");
    populateActiveDevice(root, "11111111-0000-0000-0000-000000000002", "0000:00:02.0", "mtty-2");
    Files.delete(root.resolve("sys/bus/mdev/devices/11111111-0000-0000-0000-000000000001/mdev_type"));

    MdevInventory inventory = read(root);

    assertThat(inventory.instances()).extracting(DeviceInstance::getUuid, DeviceInstance::getTypeId, DeviceInstance::getParentAddress)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("11111111-0000-0000-0000-000000000002", "mtty-2", "0000:00:02.0"));
    assertThat(inventory.problems()).singleElement().satisfies(p -> {
      assertThat(p.getPath()).endsWith("11111111-0000-0000-0000-000000000001/mdev_type");
      assertThat(p.getMessage()).contains("11111111-0000-0000-0000-000000000001", "no mdev_type link", "mdevctl list");
    });
    assertThat(inventory.parents()).hasSize(1);
  }

  @Test
  void danglingParentLinkAndMissingDeviceApiAreProblemsNotFailures() throws IOException {
    Files.createDirectories(root.resolve("sys/class/mdev_bus"));
    Files.createSymbolicLink(root.resolve("sys/class/mdev_bus/0000:aa:00.0"), root.resolve("sys/devices/gone"));
    Path noApi = populateParentDevice(root, "0000:3b:00.0", "nvidia-231", 8, "vfio-pci", "GRID T4-2Q", null);
    Files.delete(noApi.resolve("device_api"));
    populateParentDevice(root, "0000:3b:00.0", "nvidia-232", 4, "vfio-pci", "GRID T4-4Q", null);

    MdevInventory inventory = read(root);

    assertThat(inventory.problems()).hasSize(2);
    assertThat(inventory.problems()).anySatisfy(p -> assertThat(p.getMessage()).contains("0000:aa:00.0", "not a directory"));
    assertThat(inventory.problems()).anySatisfy(p -> assertThat(p.getMessage()).contains("nvidia-231", "no device_api"));
    assertThat(inventory.parents()).extracting(ParentDevice::getAddress).containsExactly("0000:3b:00.0");
  }

  @Test
  void emptyRootIsAnEmptyHostWithoutProblems() {
    MdevInventory inventory = read(root);
    assertThat(inventory.parents()).isEmpty();
    assertThat(inventory.instances()).isEmpty();
    assertThat(inventory.problems()).isEmpty();
  }

  private static DeviceType type(MdevInventory inventory, String parent, String typeId) {
    return inventory.parents().stream().filter(p -> p.getAddress().equals(parent))
        .flatMap(p -> p.getTypesList().stream()).filter(t -> t.getTypeId().equals(typeId))
        .findFirst().orElseThrow();
  }
}
