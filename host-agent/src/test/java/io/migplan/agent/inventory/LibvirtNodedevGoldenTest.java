package io.migplan.agent.inventory;

import static io.migplan.agent.TestTrees.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.agent.SysfsTrees;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.ParentDevice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * libvirt's node-device XML (tests/nodedevschemadata, copied under src/test/fixtures/libvirt):
 * the sysfs tree each file describes, read by the agent, gives libvirt's types, counts, device
 * APIs, names and mdevs. libvirt names devices differently ({@code pci_0000_00_02_0}, {@code
 * css_0_0_fffe}, {@code ap_matrix}, {@code computer} for virtual parents); {@link #SYSFS} maps
 * each to where the kernel puts it.
 */
class LibvirtNodedevGoldenTest {
  /** libvirt device name -> device path under sys/devices (the XML's {@code <path>} where given). */
  private static final Map<String, String> SYSFS = Map.of(
      "css_0_0_fffe", "css0/0.0.fffe",
      "ap_matrix", "vfio_ap/matrix",
      "pci_0000_02_10_7", "pci0000:00/0000:00:04.0/0000:02:10.7",
      "pci_0000_00_02_0", "pci0000:00/0000:00:02.0",
      // mtty's parent is a virtual class device; libvirt calls every such parent "computer".
      "computer", "virtual/mtty/mtty");

  @TempDir Path root;

  private MdevInventory read() {
    return new MdevInventoryReader(HostRoot.of(root), Optional.empty()).read();
  }

  private static Element xml(String file) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(fixture("libvirt/nodedevschemadata/" + file).toFile()).getDocumentElement();
  }

  private static String text(Element parent, String tag) {
    NodeList n = parent.getElementsByTagName(tag);
    return n.getLength() == 0 ? null : n.item(0).getTextContent().strip();
  }

  /** "type id, name, deviceAPI, availableInstances" rows of an mdev_types capability. */
  private static List<String> libvirtTypes(Element device) {
    List<String> rows = new ArrayList<>();
    NodeList types = device.getElementsByTagName("type");
    for (int i = 0; i < types.getLength(); i++) {
      Element t = (Element) types.item(i);
      rows.add(t.getAttribute("id") + "|" + text(t, "name") + "|" + text(t, "deviceAPI") + "|" + text(t, "availableInstances"));
    }
    return rows;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"css_0_0_fffe_mdev_types.xml", "ap_matrix_mdev_types.xml", "pci_0000_02_10_7_mdev_types.xml"})
  void mdevTypesOfAParentReadAsLibvirtListsThem(String file) throws Exception {
    Element device = xml(file);
    String devicePath = SYSFS.get(text(device, "name"));
    Path dir = SysfsTrees.mdevParent(root, devicePath);
    for (String row : libvirtTypes(device)) {
      String[] f = row.split("\\|");
      SysfsTrees.type(dir, f[0], Integer.parseInt(f[3]), f[2], f[1], null);
    }
    NodeList vendor = device.getElementsByTagName("vendor");
    NodeList product = device.getElementsByTagName("product");
    if (vendor.getLength() > 0) {
      SysfsTrees.write(dir.resolve("vendor"), ((Element) vendor.item(0)).getAttribute("id") + "\n");
      SysfsTrees.write(dir.resolve("device"), ((Element) product.item(0)).getAttribute("id") + "\n");
    }

    MdevInventory inventory = read();

    assertThat(inventory.problems()).isEmpty();
    ParentDevice parent = inventory.parents().get(0);
    assertThat(parent.getAddress()).isEqualTo(dir.getFileName().toString());
    List<String> ours = new ArrayList<>();
    for (DeviceType t : parent.getTypesList()) {
      ours.add(t.getTypeId() + "|" + t.getName() + "|" + t.getDeviceApi() + "|" + t.getAvailableInstances());
    }
    assertThat(ours).containsExactlyInAnyOrderElementsOf(libvirtTypes(device));
    if (vendor.getLength() > 0) {
      assertThat(parent.getVendorId()).isEqualTo("0x8086");
      assertThat(parent.getDeviceId()).isEqualTo("0x10ca");
    }
  }

  @Test
  void mdevDevicesReadWithLibvirtsTypeAndParent() throws Exception {
    String[] files = {
      "mdev_d069d019_36ea_4111_8f0a_8c9a70e21366.xml", "mdev_3627463d_b7f0_4fea_b468_f1da537d301b.xml",
      "mdev_ee0b88c4_f554_4dc1_809d_b2a01e8e48ad.xml", "mdev_fedc4916_1ca8_49ac_b176_871d16c13076.xml",
      "mdev_d2441d39_495e_4243_ad9f_beb3f14c23d9.xml"};
    Map<String, String> expected = new TreeMap<>();
    Map<String, String> libvirtParentOf = new TreeMap<>();
    for (String file : files) {
      Element device = xml(file);
      // The uuid is the device name after "mdev_", with libvirt's underscores back to dashes.
      String uuid = text(device, "name").substring("mdev_".length()).replace('_', '-');
      String typeId = ((Element) device.getElementsByTagName("type").item(0)).getAttribute("id");
      String libvirtParent = text(device, "parent");
      String devicePath = SYSFS.get(libvirtParent);
      Path dir = SysfsTrees.mdevParent(root, devicePath);
      if (!dir.resolve("mdev_supported_types").resolve(typeId).toFile().exists()) {
        SysfsTrees.type(dir, typeId, 1, typeId.startsWith("vfio_ap") ? "vfio-ap" : "vfio-pci", null, null);
      }
      SysfsTrees.mdev(root, devicePath, uuid, typeId);
      expected.put(uuid, typeId + "@" + libvirtParent);
      libvirtParentOf.put(dir.getFileName().toString(), libvirtParent);
    }

    MdevInventory inventory = read();

    assertThat(inventory.problems()).isEmpty();
    Map<String, String> ours = new TreeMap<>();
    for (DeviceInstance i : inventory.instances()) {
      ours.put(i.getUuid(), i.getTypeId() + "@" + libvirtParentOf.get(i.getParentAddress()));
    }
    assertThat(ours).isEqualTo(expected);
  }

  /** libvirt's copy of `mdevctl list --dumpjson` for a GVT-g iGPU and the AP matrix. */
  @Test
  void mdevctlListThatLibvirtParsesReadsAsTheSameDevices() throws Exception {
    JsonNode list = new ObjectMapper().readTree(fixture("libvirt/nodedevmdevctldata/mdevctl-list-multiple.json").toFile());
    Map<String, String> parents = Map.of("0000:00:02.0", "pci0000:00/0000:00:02.0", "matrix", "vfio_ap/matrix");
    Map<String, String> expected = new TreeMap<>();
    list.get(0).fields().forEachRemaining(p -> {
      Path dir = SysfsTrees.mdevParent(root, parents.get(p.getKey()));
      p.getValue().forEach(dev -> dev.fields().forEachRemaining(d -> {
        String typeId = d.getValue().get("mdev_type").asText();
        if (!dir.resolve("mdev_supported_types").resolve(typeId).toFile().exists()) {
          SysfsTrees.type(dir, typeId, 1, "vfio-pci", null, null);
        }
        SysfsTrees.mdev(root, parents.get(p.getKey()), d.getKey(), typeId);
        expected.put(d.getKey(), p.getKey() + "/" + typeId);
      }));
    });

    MdevInventory inventory = read();

    Map<String, String> ours = new TreeMap<>();
    inventory.instances().forEach(i -> ours.put(i.getUuid(), i.getParentAddress() + "/" + i.getTypeId()));
    assertThat(ours).isEqualTo(expected);
  }
}
