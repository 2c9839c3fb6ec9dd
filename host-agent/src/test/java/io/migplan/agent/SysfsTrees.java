package io.migplan.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds sysfs-shaped trees the way a real host lays them out (unlike {@link TestTrees}, which
 * follows mdevctl's flattened fake tree): devices live under {@code sys/devices/...},
 * {@code sys/class/mdev_bus/<name>} and {@code sys/bus/mdev/devices/<uuid>} are relative symlinks
 * to them, values end with a newline, and every type has its write-only {@code create} and its
 * {@code devices/} directory. Paths of devices are given relative to {@code sys/devices}.
 */
public final class SysfsTrees {
  private SysfsTrees() {}

  /** One row of a vGPU type table: id, name, framebuffer MiB, heads, frl, resolution, max. */
  public record NvidiaType(String id, String name, int fbMib, int heads, int frl, String res, int max) {
    public String description() {
      return "num_heads=" + heads + ", frl_config=" + frl + ", framebuffer=" + fbMib + "M, max_resolution=" + res
          + ", max_instance=" + max;
    }
  }

  /** Tesla T4 types, nvidia/OBSERVED.md section B (vgpuConfig.xml of driver 510.47.03). */
  public static final List<NvidiaType> T4 =
      List.of(
          new NvidiaType("nvidia-222", "GRID T4-1B", 1024, 4, 45, "5120x2880", 16),
          new NvidiaType("nvidia-223", "GRID T4-2B", 2048, 4, 45, "5120x2880", 8),
          new NvidiaType("nvidia-224", "GRID T4-2B4", 2048, 4, 45, "5120x2880", 8),
          new NvidiaType("nvidia-225", "GRID T4-1A", 1024, 1, 60, "1280x1024", 16),
          new NvidiaType("nvidia-226", "GRID T4-2A", 2048, 1, 60, "1280x1024", 8),
          new NvidiaType("nvidia-227", "GRID T4-4A", 4096, 1, 60, "1280x1024", 4),
          new NvidiaType("nvidia-228", "GRID T4-8A", 8192, 1, 60, "1280x1024", 2),
          new NvidiaType("nvidia-229", "GRID T4-16A", 16384, 1, 60, "1280x1024", 1),
          new NvidiaType("nvidia-230", "GRID T4-1Q", 1024, 4, 60, "5120x2880", 16),
          new NvidiaType("nvidia-231", "GRID T4-2Q", 2048, 4, 60, "7680x4320", 8),
          new NvidiaType("nvidia-232", "GRID T4-4Q", 4096, 4, 60, "7680x4320", 4),
          new NvidiaType("nvidia-233", "GRID T4-8Q", 8192, 4, 60, "7680x4320", 2),
          new NvidiaType("nvidia-234", "GRID T4-16Q", 16384, 4, 60, "7680x4320", 1),
          new NvidiaType("nvidia-252", "GRID T4-1B4", 1024, 4, 45, "5120x2880", 16),
          new NvidiaType("nvidia-319", "GRID T4-4C", 4096, 1, 60, "4096x2160", 4),
          new NvidiaType("nvidia-320", "GRID T4-8C", 8192, 1, 60, "4096x2160", 2),
          new NvidiaType("nvidia-321", "GRID T4-16C", 16384, 1, 60, "4096x2160", 1));

  /** A device directory under sys/devices, e.g. {@code pci0000:3a/0000:3a:00.0/0000:3b:00.0}. */
  public static Path device(Path root, String devicePath) {
    Path dir = root.resolve("sys/devices").resolve(devicePath);
    mkdirs(dir);
    return dir;
  }

  /** Registers a device as an mdev parent: {@code sys/class/mdev_bus/<name> -> ../../devices/<path>}. */
  public static Path mdevParent(Path root, String devicePath) {
    Path dir = device(root, devicePath);
    link(root.resolve("sys/class/mdev_bus").resolve(dir.getFileName().toString()), "../../devices/" + devicePath);
    return dir;
  }

  /** A type directory with newline-terminated values; null name/description are left out. */
  public static Path type(Path parentDir, String typeId, int available, String deviceApi, String name, String description) {
    Path t = parentDir.resolve("mdev_supported_types").resolve(typeId);
    mkdirs(t.resolve("devices"));
    write(t.resolve("available_instances"), available + "\n");
    write(t.resolve("device_api"), deviceApi + "\n");
    if (name != null) {
      write(t.resolve("name"), name + "\n");
    }
    if (description != null) {
      write(t.resolve("description"), description.endsWith("\n") ? description : description + "\n");
    }
    write(t.resolve("create"), "");
    return t;
  }

  public static Path nvidiaType(Path parentDir, NvidiaType type, int available) {
    return type(parentDir, type.id(), available, "vfio-pci", type.name(), type.description());
  }

  /** An active mdev under its parent, with the links the kernel makes for it. */
  public static Path mdev(Path root, String parentDevicePath, String uuid, String typeId) {
    Path parentDir = device(root, parentDevicePath);
    Path dev = parentDir.resolve(uuid);
    mkdirs(dev);
    link(dev.resolve("mdev_type"), "../mdev_supported_types/" + typeId);
    write(dev.resolve("remove"), "");
    link(parentDir.resolve("mdev_supported_types").resolve(typeId).resolve("devices").resolve(uuid), "../../../" + uuid);
    link(root.resolve("sys/bus/mdev/devices").resolve(uuid), "../../../devices/" + parentDevicePath + "/" + uuid);
    return dev;
  }

  /** An SR-IOV VF: {@code physfn -> ../<pf>} (the PF is its sibling) and the PF's {@code virtfnN}. */
  public static void physfn(Path root, String vfDevicePath, int vfIndex) {
    Path vf = device(root, vfDevicePath);
    Path pf = vf.getParent();
    String pfName = pfNameOf(vf);
    mkdirs(pf.resolve(pfName));
    link(vf.resolve("physfn"), "../" + pfName);
    link(pf.resolve(pfName).resolve("virtfn" + vfIndex), "../" + vf.getFileName());
  }

  /** The PF of a VF: same bus and slot, function 0 (how NVIDIA SR-IOV GPUs number them). */
  private static String pfNameOf(Path vf) {
    String name = vf.getFileName().toString();
    return name.substring(0, name.lastIndexOf('.')) + ".0";
  }

  /** {@code sys/bus/pci/devices/<bdf> -> ../../../devices/<path>}. */
  public static void pciBusLink(Path root, String devicePath) {
    String bdf = Path.of(devicePath).getFileName().toString();
    link(root.resolve("sys/bus/pci/devices").resolve(bdf), "../../../devices/" + devicePath);
  }

  /** A vGPU 17+ VF: {@code nvidia/creatable_vgpu_types} and {@code nvidia/current_vgpu_type}. */
  public static Path vgpuVf(Path root, String vfDevicePath, int vfIndex, String creatable, String current) {
    Path vf = device(root, vfDevicePath);
    physfn(root, vfDevicePath, vfIndex);
    pciBusLink(root, vfDevicePath);
    write(vf.resolve("vendor"), "0x10de\n");
    write(vf.resolve("nvidia/creatable_vgpu_types"), creatable);
    write(vf.resolve("nvidia/current_vgpu_type"), current);
    return vf;
  }

  /** A running VM's libvirt status file holding the given hostdev elements. */
  public static Path domain(Path root, String name, String uuid, String... hostdevs) {
    StringBuilder xml = new StringBuilder();
    xml.append("<domstatus state='running' reason='booted' pid='4242'>\n  <domain type='kvm' id='7'>\n")
        .append("    <name>").append(name).append("</name>\n")
        .append("    <uuid>").append(uuid).append("</uuid>\n")
        .append("    <memory unit='KiB'>8388608</memory>\n    <vcpu placement='static'>4</vcpu>\n    <devices>\n");
    for (String h : hostdevs) {
      xml.append("      ").append(h).append('\n');
    }
    xml.append("    </devices>\n  </domain>\n</domstatus>\n");
    Path file = root.resolve("run/libvirt/qemu").resolve(name + ".xml");
    write(file, xml.toString());
    return file;
  }

  public static String mdevHostdev(String uuid) {
    return "<hostdev mode='subsystem' type='mdev' managed='no' model='vfio-pci'><source><address uuid='" + uuid
        + "'/></source></hostdev>";
  }

  public static String pciHostdev(int domain, int bus, int slot, int function) {
    return String.format(
        "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x%04x' bus='0x%02x'"
            + " slot='0x%02x' function='0x%x'/></source></hostdev>",
        domain, bus, slot, function);
  }

  public static void write(Path file, String content) {
    TestTrees.write(file, content);
  }

  public static void link(Path link, String target) {
    try {
      mkdirs(link.getParent());
      if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(Path.of(target))) {
        return; // already there: helpers may register the same parent twice
      }
      Files.createSymbolicLink(link, Path.of(target));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
