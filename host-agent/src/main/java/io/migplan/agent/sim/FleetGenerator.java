package io.migplan.agent.sim;

import io.migplan.agent.AgentConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Writes a deterministic fleet of sysfs-shaped host trees under {@code DIR/<host>/}: per host 1-2
 * NVIDIA GPUs (T4 or V100 boards with their real mdev types), active vGPUs with their VMs as
 * libvirt {@code <domstatus>} files, and an {@code agent.yaml} with the host's facts.
 *
 * <p>Decides: every value from the seed (same spec, same bytes), and availability by the NVIDIA
 * equal-size rule (FACTS.md section 3a): on a GPU whose vGPUs have framebuffer F, the types of
 * size F read {@code max_instance - used} and all others 0; an empty GPU reads {@code
 * max_instance} everywhere. At most half of a GPU is used, so moves have somewhere to go.
 *
 * <p>Does not model GVT-g, SR-IOV VFs or mixed-size mode.
 */
public final class FleetGenerator {
  /** The vendor id of NVIDIA in the PCI ID database. */
  static final String NVIDIA_VENDOR = "0x10de";
  /** A 2024 production branch driver, as seen on a real host (nvidia/OBSERVED.md D6). */
  public static final String DRIVER_VERSION = "550.90.07";
  /** The two GPU slots of fixtures/derived/nvidia-2xT4-host: (PCI root dir, bridge, GPU BDF). */
  private static final String[][] SLOTS = {
    {"pci0000:3a", "0000:3a:00.0", "0000:3b:00.0"},
    {"pci0000:d7", "0000:d7:00.0", "0000:d8:00.0"},
  };
  /** Spreads host indexes over the seed space (2^64 / golden ratio, as SplittableRandom does). */
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private FleetGenerator() {}

  /** A generated host: its id, its tree and the config to run its agent with. */
  public record GeneratedHost(String hostId, Path root, Path configFile) {
    public AgentConfig config() throws IOException {
      return AgentConfig.load(configFile);
    }
  }

  /** Writes the fleet; an existing host tree is left as it is (reused). */
  public static List<GeneratedHost> generate(FleetSpec spec, Path dir) throws IOException {
    List<GeneratedHost> hosts = new ArrayList<>();
    for (int i = 1; i <= spec.hosts(); i++) {
      String hostId = FleetSpec.hostId(i);
      Path root = dir.resolve(hostId);
      Path config = root.resolve("agent.yaml");
      if (!Files.exists(config)) {
        writeHost(spec, i, root);
      }
      hosts.add(new GeneratedHost(hostId, root, config));
    }
    return hosts;
  }

  /** The board of host i: pairs of hosts share a board, so every board spans both racks. */
  static GpuBoard boardOf(int index) {
    return GpuBoard.ALL.get(((index - 1) / 2) % GpuBoard.ALL.size());
  }

  static void writeHost(FleetSpec spec, int index, Path root) throws IOException {
    String hostId = FleetSpec.hostId(index);
    SplittableRandom rnd = new SplittableRandom(spec.seed() ^ (index * GOLDEN_GAMMA));
    GpuBoard board = boardOf(index);
    // Typical GPU servers of the T4/V100 era: 64 or 128 threads, 512 or 768 GiB.
    int cpus = rnd.nextBoolean() ? 64 : 128;
    long memoryMib = (rnd.nextBoolean() ? 512L : 768L) * 1024;
    String rack = index % 2 == 1 ? "rack-a" : "rack-b";
    int gpus = 1 + rnd.nextInt(2);

    Files.createDirectories(root);
    write(root.resolve("sys/module/nvidia/version"), DRIVER_VERSION);
    Files.createDirectories(root.resolve("sys/bus/pci/drivers/nvidia"));
    Files.createDirectories(root.resolve("sys/class/mdev_bus"));
    Files.createDirectories(root.resolve("sys/bus/mdev/devices"));
    Files.createDirectories(root.resolve("run/libvirt/qemu"));
    write(root.resolve("proc/meminfo"), "MemTotal:       " + memoryMib * 1024 + " kB");

    int vmNumber = 0;
    for (int g = 0; g < gpus; g++) {
      String[] slot = SLOTS[g];
      String bdf = slot[2];
      String devicePath = "devices/" + slot[0] + "/" + slot[1] + "/" + bdf;
      Path gpuDir = root.resolve("sys").resolve(devicePath);
      Files.createDirectories(gpuDir);
      write(gpuDir.resolve("vendor"), NVIDIA_VENDOR);
      write(gpuDir.resolve("device"), board.pciDeviceId());
      Files.createSymbolicLink(gpuDir.resolve("driver"), Path.of("../../../../bus/pci/drivers/nvidia"));
      Files.createSymbolicLink(
          root.resolve("sys/class/mdev_bus").resolve(bdf), Path.of("../../" + devicePath));

      GpuBoard.VgpuType used = board.type(board.popularTypes().get(rnd.nextInt(board.popularTypes().size())));
      // Up to half the GPU, so every used GPU still has room for arrivals.
      int count = rnd.nextInt(used.maxInstance() / 2 + 1);
      for (GpuBoard.VgpuType type : board.types()) {
        Path typeDir = gpuDir.resolve("mdev_supported_types").resolve(type.typeId());
        Files.createDirectories(typeDir.resolve("devices"));
        write(typeDir.resolve("name"), type.name());
        write(typeDir.resolve("description"), type.description());
        write(typeDir.resolve("device_api"), "vfio-pci");
        write(typeDir.resolve("available_instances"), Integer.toString(available(type, used, count)));
        Files.createFile(typeDir.resolve("create"));
      }
      for (int n = 0; n < count; n++) {
        UUID uuid = UUID.nameUUIDFromBytes((hostId + "/" + bdf + "/" + n).getBytes(StandardCharsets.UTF_8));
        Path mdev = gpuDir.resolve(uuid.toString());
        Files.createDirectories(mdev);
        Files.createSymbolicLink(
            mdev.resolve("mdev_type"), Path.of("../mdev_supported_types/" + used.typeId()));
        Files.createFile(mdev.resolve("remove"));
        Files.createSymbolicLink(
            gpuDir.resolve("mdev_supported_types").resolve(used.typeId()).resolve("devices").resolve(uuid.toString()),
            Path.of("../../../" + uuid));
        Files.createSymbolicLink(
            root.resolve("sys/bus/mdev/devices").resolve(uuid.toString()),
            Path.of("../../../" + devicePath + "/" + uuid));
        vmNumber++;
        String vmName = String.format("%s-vm-%02d", hostId, vmNumber);
        // Sized like desktop/workstation VMs that carry one vGPU.
        int vcpus = rnd.nextBoolean() ? 4 : 8;
        int memoryGib = rnd.nextBoolean() ? 8 : 16;
        write(root.resolve("run/libvirt/qemu").resolve(vmName + ".xml"), domstatus(vmName, vcpus, memoryGib, uuid));
      }
    }

    String yaml =
        "# Generated by FleetGenerator (seed "
            + spec.seed()
            + "); root is relative to this file.\n"
            + "hostId: "
            + hostId
            + "\nrelease: \""
            + spec.release()
            + "\"\nfailureDomain: "
            + rack
            + "\nlabels:\n  gpu-board: "
            + board.model()
            + "\nroot: .\ncpus: "
            + cpus
            + "\nmemoryMib: "
            + memoryMib
            + "\n";
    Files.writeString(root.resolve("agent.yaml"), yaml);
  }

  /** The equal-size rule: see the class comment. */
  static int available(GpuBoard.VgpuType type, GpuBoard.VgpuType used, int count) {
    if (count == 0) {
      return type.maxInstance();
    }
    return type.framebufferMib() == used.framebufferMib() ? type.maxInstance() - count : 0;
  }

  private static String domstatus(String name, int vcpus, int memoryGib, UUID mdev) {
    UUID vmUuid = UUID.nameUUIDFromBytes(("vm/" + name).getBytes(StandardCharsets.UTF_8));
    return "<domstatus state='running' reason='booted' pid='1'>\n"
        + "  <domain type='kvm' id='1'>\n"
        + "    <name>" + name + "</name>\n"
        + "    <uuid>" + vmUuid + "</uuid>\n"
        + "    <memory unit='KiB'>" + (long) memoryGib * 1024 * 1024 + "</memory>\n"
        + "    <currentMemory unit='KiB'>" + (long) memoryGib * 1024 * 1024 + "</currentMemory>\n"
        + "    <vcpu placement='static'>" + vcpus + "</vcpu>\n"
        + "    <devices>\n"
        + "      <hostdev mode='subsystem' type='mdev' managed='no' model='vfio-pci' display='off'>\n"
        + "        <source>\n"
        + "          <address uuid='" + mdev + "'/>\n"
        + "        </source>\n"
        + "      </hostdev>\n"
        + "    </devices>\n"
        + "  </domain>\n"
        + "</domstatus>\n";
  }

  /** Values end with a newline, as the kernel writes them. */
  private static void write(Path file, String value) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, value + (value.endsWith("\n") ? "" : "\n"));
  }
}
