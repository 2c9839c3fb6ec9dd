package io.migplan.agent.inventory;

import static io.migplan.agent.TestTrees.fixture;
import static io.migplan.agent.TestTrees.populateActiveDevice;
import static io.migplan.agent.TestTrees.populateParentDevice;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.migplan.agent.TestTrees;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.ParentDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * mdevctl's own golden outputs (testdata/types and testdata/list, copied under
 * src/test/fixtures/mdevctl): the trees mdevctl's tests build, read by the agent, give the same
 * parents, types, counts, device APIs, names, descriptions and active devices.
 */
class MdevctlGoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;

  private MdevInventory read() {
    return new MdevInventoryReader(HostRoot.of(root), Optional.empty()).read();
  }

  /** mdevctl's types test setup (src/tests: the "types" fixture tree). */
  private void populateTypesTree() {
    populateParentDevice(root, "0000:00:02.0", "mdev_type1", 5, "vfio-pci", "name1", "description 1");
    populateParentDevice(root, "0000:00:02.0", "mdev_type2", 16, "vfio-pci", "name2", null);
    populateParentDevice(root, "0000:00:02.0", "mdev_type3", 1, "vfio-pci", "name3", "description 3");
    populateParentDevice(root, "0000:00:03.0", "nvidia-155", 4, "vfio-pci", "GRID M10-2B", null);
    populateParentDevice(root, "0000:00:03.0", "nvidia-36", 16, "vfio-pci", "GRID M10-0Q", null);
    populateParentDevice(root, "0.0.26ab", "vfio_ccw-io", 4, "vfio_mdev", "name", "description");
  }

  static Stream<Arguments> typesCases() {
    return Stream.of(
        Arguments.of("full", true, (Predicate<String>) p -> true),
        Arguments.of("parent-match-1", true, (Predicate<String>) "0000:00:02.0"::equals),
        Arguments.of("parent-match-2", true, (Predicate<String>) "0000:00:03.0"::equals),
        Arguments.of("parent-match-3", true, (Predicate<String>) "0.0.26ab"::equals),
        Arguments.of("parent-no-match", true, (Predicate<String>) "0000:00:04.0"::equals),
        Arguments.of("empty", false, (Predicate<String>) p -> true));
  }

  @ParameterizedTest(name = "types/{0}.json")
  @MethodSource("typesCases")
  void typesFixture(String name, boolean populated, Predicate<String> parentFilter) throws IOException {
    if (populated) {
      populateTypesTree();
    }
    MdevInventory inventory = read();

    assertThat(inventory.problems()).isEmpty();
    JsonNode golden = JSON.readTree(fixture("mdevctl/types/" + name + ".json").toFile());
    assertThat(asTypesJson(inventory, parentFilter)).isEqualTo(golden);
  }

  /** mdevctl's `types --dumpjson` shape; an empty listing is []. */
  static JsonNode asTypesJson(MdevInventory inventory, Predicate<String> parentFilter) {
    ObjectNode parents = JSON.createObjectNode();
    for (ParentDevice p : inventory.parents()) {
      if (!parentFilter.test(p.getAddress())) {
        continue;
      }
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
    ArrayNode out = JSON.createArrayNode();
    if (!parents.isEmpty()) {
      out.add(parents);
    }
    return out;
  }

  static final String UUID1 = "976d8cc2-4bfc-43b9-b9f9-f4af2de91ab9";
  static final String UUID2 = "59e8b599-afdd-4766-a59e-415ef4f5a492";

  static Stream<String> activeListCases() {
    return Stream.of(
        "active", "active-verbose", "active-parent", "active-parent-verbose", "active-uuid", "active-uuid-verbose",
        "active-uuid-parent", "active-uuid-parent-verbose", "active-callout", "active-callout-bad-json", "active-none");
  }

  /**
   * mdevctl's list test setup: two active devices; the case name says the filter (uuid {@link
   * #UUID1}, parent 0000:00:02.0) and "none" has no device. The .text golden gives
   * uuid/parent/type, the .json golden the type (callout attrs are mdevctl's, not sysfs').
   */
  @ParameterizedTest(name = "list/{0}")
  @MethodSource("activeListCases")
  void activeListFixture(String name) throws IOException {
    if (!name.equals("active-none")) {
      populateActiveDevice(root, UUID1, "0000:00:02.0", "arbitrary_type1");
      populateActiveDevice(root, UUID2, "0000:00:03.0", "arbitrary_type2");
    }
    Predicate<DeviceInstance> filter = i -> (!name.contains("uuid") || i.getUuid().equals(UUID1))
        && (!name.contains("parent") || i.getParentAddress().equals("0000:00:02.0"));

    MdevInventory inventory = read();

    assertThat(inventory.problems()).isEmpty();
    List<String> ours = new ArrayList<>();
    List<String> ourTypes = new ArrayList<>();
    inventory.instances().stream().filter(filter).forEach(i -> {
      ours.add(i.getUuid() + " " + i.getParentAddress() + " " + i.getTypeId());
      ourTypes.add(i.getTypeId());
    });
    List<String> golden = new ArrayList<>();
    for (String line : TestTrees.read(fixture("mdevctl/list/" + name + ".text")).split("\n")) {
      String[] f = line.strip().split(" ");
      if (f.length >= 3) {
        golden.add(f[0] + " " + f[1] + " " + f[2]);
      }
    }
    // mdevctl orders by parent, the inventory by uuid: the same devices either way.
    assertThat(ours).containsExactlyInAnyOrderElementsOf(golden);
    JsonNode json = JSON.readTree(fixture("mdevctl/list/" + name + ".json").toFile());
    List<String> goldenTypes = new ArrayList<>();
    if (json.isObject()) {
      goldenTypes.add(json.get("mdev_type").asText());
    } else {
      json.forEach(parents -> parents.fields().forEachRemaining(p -> p.getValue().forEach(dev ->
          dev.fields().forEachRemaining(d -> goldenTypes.add(d.getValue().get("mdev_type").asText())))));
    }
    assertThat(ourTypes).containsExactlyInAnyOrderElementsOf(goldenTypes);
  }
}
