package io.migplan.agent.libvirt;

import io.migplan.agent.inventory.HostRoot;
import io.migplan.agent.inventory.PciAddresses;
import io.migplan.agent.inventory.Problems;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.Vm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads the running VMs from libvirt's state files, {@code /run/libvirt/qemu/*.xml} under the
 * host root. On a real host each file is a {@code <domstatus>} wrapping the {@code <domain>};
 * a bare {@code <domain>} (as {@code virsh dumpxml} prints it) is read the same.
 *
 * <p>Decides: name, UUID, vCPUs (default 1), memory in MiB (rounded up) and the devices the VM
 * holds: the UUIDs of mdev hostdevs, and for PCI hostdevs whose address is a known vGPU VF (vGPU
 * 17+, no mdev) that vGPU's device id, so VMs and inventory name devices alike. Other PCI
 * hostdevs (NICs, whole GPUs) are not devices of the inventory and are left out. A file that does
 * not parse, and a missing or unreadable directory, become a {@link Problem} (never silence: an
 * empty VM list must mean no VM runs) and the other VMs are still read.
 * Parsing refuses DTDs and external entities, since the files are input the agent does not own.
 *
 * <p>Does not decide: whether a VM is migratable, nor anything from inactive domain definitions.
 */
public final class DomainXmlReader {
  private final HostRoot root;

  public DomainXmlReader(HostRoot root) {
    this.root = root;
  }

  public record Result(List<Vm> vms, List<Problem> problems) {}

  /**
   * The largest state file read: libvirt's status XML of a big VM is some hundreds of KiB, so
   * 16 MiB is far beyond any real one and keeps a runaway file from filling the heap.
   */
  static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

  public Result read() {
    return read(Map.of());
  }

  /** @param pciDeviceIds VF address ({@code 0000:59:00.4}) -> device id, for PCI hostdevs */
  public Result read(Map<String, String> pciDeviceIds) {
    List<Vm> vms = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    Path dir = root.libvirtRunningDomains();
    if (!Files.isDirectory(dir)) {
      // No directory is no evidence of no VMs: libvirtd may be stopped or the root misconfigured.
      problems.add(
          Problems.libvirt(
              dir,
              Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                  ? "libvirt's running-domain directory is not a directory; no VM is reported, check the"
                      + " libvirt installation."
                  : "libvirt's running-domain directory is missing, so the agent cannot tell which VMs run"
                      + " here; start libvirtd (it creates the directory) or check the agent's root."));
      return new Result(vms, problems);
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.xml")) {
      stream.forEach(files::add);
    } catch (IOException | RuntimeException e) {
      problems.add(
          Problems.libvirt(
              dir,
              "Could not list libvirt's running domains ("
                  + Problems.describe(e)
                  + "); check that the agent may read this directory."));
      return new Result(vms, problems);
    }
    files.sort(Comparator.comparing(p -> p.getFileName().toString()));
    DocumentBuilder builder;
    try {
      builder = newSafeBuilder();
    } catch (ParserConfigurationException e) {
      problems.add(Problems.libvirt(dir, "No XML parser is available (" + Problems.describe(e) + "); see the agent log."));
      return new Result(vms, problems);
    }
    for (Path file : files) {
      try {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
          throw new IOException("the file is " + size + " bytes, more than libvirt ever writes (" + MAX_FILE_BYTES + ")");
        }
        builder.reset();
        try (InputStream in = Files.newInputStream(file)) {
          vms.add(parse(builder.parse(in), pciDeviceIds));
        }
      } catch (IOException | SAXException | RuntimeException e) {
        problems.add(
            Problems.libvirt(
                file,
                "Domain file "
                    + file.getFileName()
                    + " could not be read ("
                    + Problems.describe(e)
                    + "); its VM is left out of the inventory, check it with `virsh dumpxml`."));
      }
    }
    vms.sort(Comparator.comparing(Vm::getName).thenComparing(Vm::getUuid));
    return new Result(vms, problems);
  }

  /** Parses one {@code <domain>} or {@code <domstatus>} document. */
  public static Vm parse(InputStream in)
      throws IOException, SAXException, ParserConfigurationException {
    return parse(newSafeBuilder().parse(in), Map.of());
  }

  static Vm parse(Document doc, Map<String, String> pciDeviceIds) {
    Element top = doc.getDocumentElement();
    Element domain;
    if ("domain".equals(top.getTagName())) {
      domain = top;
    } else if ("domstatus".equals(top.getTagName())) {
      domain = child(top, "domain");
      if (domain == null) {
        throw new IllegalArgumentException("<domstatus> holds no <domain>");
      }
    } else {
      throw new IllegalArgumentException(
          "root element is <" + top.getTagName() + ">, expected <domain> or <domstatus>");
    }
    Vm.Builder vm = Vm.newBuilder();
    Element name = child(domain, "name");
    if (name == null || name.getTextContent().isBlank()) {
      throw new IllegalArgumentException("<domain> has no <name>");
    }
    vm.setName(name.getTextContent().strip());
    Element uuid = child(domain, "uuid");
    if (uuid != null) {
      vm.setUuid(uuid.getTextContent().strip());
    }
    Element vcpu = child(domain, "vcpu");
    // libvirt's default when <vcpu> is absent is one vCPU (formatdomain, "CPU Allocation").
    int vcpus = 1;
    if (vcpu != null && !vcpu.getTextContent().isBlank()) {
      try {
        vcpus = Integer.parseInt(vcpu.getTextContent().strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "<vcpu> '" + vcpu.getTextContent().strip() + "' is not a number");
      }
    }
    vm.setVcpus(vcpus);
    Element memory = child(domain, "memory");
    if (memory == null) {
      memory = child(domain, "currentMemory");
    }
    if (memory != null) {
      vm.setMemoryMib(MemoryUnits.toMib(memory.getTextContent(), memory.getAttribute("unit")));
    }
    TreeSet<String> uuids = new TreeSet<>();
    Element devices = child(domain, "devices");
    if (devices != null) {
      for (Element hostdev : children(devices, "hostdev")) {
        if (!"subsystem".equals(hostdev.getAttribute("mode"))) {
          continue;
        }
        Element source = child(hostdev, "source");
        Element address = source == null ? null : child(source, "address");
        if (address == null) {
          continue;
        }
        if ("mdev".equals(hostdev.getAttribute("type"))) {
          if (!address.getAttribute("uuid").isBlank()) {
            uuids.add(address.getAttribute("uuid").strip());
          }
        } else if ("pci".equals(hostdev.getAttribute("type")) && !pciDeviceIds.isEmpty()) {
          PciAddresses.fromLibvirt(
                  address.getAttribute("domain"),
                  address.getAttribute("bus"),
                  address.getAttribute("slot"),
                  address.getAttribute("function"))
              .map(pciDeviceIds::get)
              .ifPresent(uuids::add);
        }
      }
    }
    vm.addAllDeviceUuids(uuids);
    vm.setAntiAffinityGroup(antiAffinityGroup(domain));
    return vm.build();
  }

  /** The namespace of the agent's element in libvirt's per-application {@code <metadata>}. */
  public static final String PLACEMENT_NAMESPACE = "https://migplan.io/xmlns/libvirt/placement/1";

  /**
   * The anti-affinity group from {@code <metadata><p:placement xmlns:p="...placement/1"
   * antiAffinityGroup="g"/>}. libvirt keeps one element per namespace there, under whatever
   * prefix the writer chose, so the element is found by the namespace it declares.
   */
  private static String antiAffinityGroup(Element domain) {
    Element metadata = child(domain, "metadata");
    if (metadata == null) {
      return "";
    }
    for (Node n = metadata.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (!(n instanceof Element e)) {
        continue;
      }
      String tag = e.getTagName();
      int colon = tag.indexOf(':');
      String prefix = colon < 0 ? "" : tag.substring(0, colon);
      String local = colon < 0 ? tag : tag.substring(colon + 1);
      String declared = e.getAttribute(prefix.isEmpty() ? "xmlns" : "xmlns:" + prefix);
      if ("placement".equals(local) && PLACEMENT_NAMESPACE.equals(declared)) {
        return e.getAttribute("antiAffinityGroup").strip();
      }
    }
    return "";
  }

  static DocumentBuilder newSafeBuilder() throws ParserConfigurationException {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    // No DOCTYPE at all: libvirt never writes one, and refusing it closes XXE and entity bombs.
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature("http://xml.org/sax/features/external-general-entities", false);
    f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    f.setNamespaceAware(false);
    DocumentBuilder builder = f.newDocumentBuilder();
    // The default handler prints parse errors to stderr; they are reported as Problems instead.
    builder.setErrorHandler(
        new org.xml.sax.ErrorHandler() {
          @Override
          public void warning(org.xml.sax.SAXParseException e) {}

          @Override
          public void error(org.xml.sax.SAXParseException e) throws SAXException {
            throw e;
          }

          @Override
          public void fatalError(org.xml.sax.SAXParseException e) throws SAXException {
            throw e;
          }
        });
    return builder;
  }

  private static Element child(Element parent, String tag) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && tag.equals(e.getTagName())) {
        return e;
      }
    }
    return null;
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && tag.equals(e.getTagName())) {
        out.add(e);
      }
    }
    return out;
  }
}
