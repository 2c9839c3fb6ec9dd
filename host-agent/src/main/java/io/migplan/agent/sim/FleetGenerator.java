package io.migplan.agent.sim;

import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.libvirt.DomainXmlReader;
import io.migplan.capacity.CapacityModels;
import io.migplan.capacity.ComputeAllocation;
import io.migplan.capacity.NvidiaEqualSizeModel;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Writes a deterministic fleet of sysfs-shaped host trees under {@code DIR/<host>/} from a {@link
 * FleetSpec}: per host its group's GPUs (with the board's real mdev types), vGPUs drawn from the
 * group's VM mix up to its fill level, each with a VM as a libvirt {@code <domstatus>} file, the
 * driver version in {@code sys/module/nvidia/version}, {@code proc/meminfo}, the release in
 * {@code etc/migplan-release} (read by the agent as a real host's package file would be, so an
 * upgrade is observed, not configured) and an {@code agent.yaml} with the host's facts.
 *
 * <p>Decides: every value from the seed (same spec, same bytes); per GPU one type drawn by weight
 * and {@code fill * max_instance} vGPUs of it (rounded up or down at random so the fleet averages
 * the fill level), fewer when the host's allocatable CPUs or memory run out ({@link
 * ComputeAllocation}: the group's ratios and reservations; 1.0 and none unless the spec sets them,
 * so CPUs are no longer overcommitted unless a ratio says so); availability by the equal-size rule
 * of {@link HostTree}.
 *
 * <p>Does not model GVT-g, SR-IOV VFs or mixed-size mode. Files are written plainly, without
 * fsync: a tree is a test fixture, not data to keep.
 */
public final class FleetGenerator {
  /** The vendor id of NVIDIA in the PCI ID database. */
  static final String NVIDIA_VENDOR = "0x10de";
  /** The driver version hosts get when the spec does not say (see FleetSpec). */
  public static final String DRIVER_VERSION = FleetSpec.DEFAULT_DRIVER_VERSION;
  /** A host's release file under its root, named in its agent.yaml as {@code releaseFile}. */
  public static final String RELEASE_FILE = "etc/migplan-release";
  /**
   * GPU slots as (PCI root dir, bridge, GPU BDF). The first two are those of
   * fixtures/derived/nvidia-2xT4-host; the others follow its one-GPU-per-root-port pattern on the
   * bus numbers a dual-socket 8-GPU server typically uses.
   */
  private static final String[][] SLOTS = {
    {"pci0000:3a", "0000:3a:00.0", "0000:3b:00.0"},
    {"pci0000:d7", "0000:d7:00.0", "0000:d8:00.0"},
    {"pci0000:5d", "0000:5d:00.0", "0000:5e:00.0"},
    {"pci0000:85", "0000:85:00.0", "0000:86:00.0"},
    {"pci0000:ae", "0000:ae:00.0", "0000:af:00.0"},
    {"pci0000:17", "0000:17:00.0", "0000:18:00.0"},
    {"pci0000:24", "0000:24:00.0", "0000:25:00.0"},
    {"pci0000:9a", "0000:9a:00.0", "0000:9b:00.0"},
  };
  /** Spreads host indexes over the seed space (2^64 / golden ratio, as SplittableRandom does). */
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private FleetGenerator() {}

  /** A generated host: its index in the fleet (1-based), its id, its tree and the config to run its agent with. */
  public record GeneratedHost(int index, String hostId, Path root, Path configFile) {
    public AgentConfig config() throws IOException {
      return AgentConfig.load(configFile);
    }
  }

  /**
   * Hosts {@code first} to {@code last} (1-based, inclusive) of a fleet: what one process runs
   * when several share a fleet too large for one. Each host keeps the id, tree and start delay it
   * has in the whole fleet, so disjoint slices run side by side as the whole fleet would.
   */
  public record Slice(int first, int last) {
    public Slice {
      if (first < 1 || last < first) {
        throw new IllegalArgumentException("a slice runs hosts first..last with 1 <= first <= last, not " + first
            + ".." + last);
      }
    }

    /** Every host of {@code spec}. */
    public static Slice all(FleetSpec spec) {
      return new Slice(1, spec.hosts());
    }

    public int hosts() {
      return last - first + 1;
    }
  }

  /**
   * Writes the fleet, hosts in parallel on every core (each host's bytes depend only on the seed
   * and its index); an existing host tree is left as it is (reused).
   */
  public static List<GeneratedHost> generate(FleetSpec spec, Path dir) throws IOException {
    // Checked first: an empty or broken spec is refused for what is wrong with it, not for its slice.
    return generate(spec.validate(), dir, Slice.all(spec));
  }

  /** {@link #generate(FleetSpec, Path)} for the hosts of {@code slice} only. */
  public static List<GeneratedHost> generate(FleetSpec spec, Path dir, Slice slice) throws IOException {
    List<FleetSpec.HostGroup> layout = spec.validate().layout();
    if (slice.last() > layout.size()) {
      throw new IllegalArgumentException("the fleet has " + layout.size() + " hosts; the slice ends at host "
          + slice.last());
    }
    Files.createDirectories(dir);
    return Parallel.map(slice.hosts(), i -> {
      int index = slice.first() + i;
      String hostId = FleetSpec.hostId(index, layout.size());
      Path root = dir.resolve(hostId);
      Path config = root.resolve("agent.yaml");
      if (!Files.exists(config)) {
        writeHost(spec, layout.get(index - 1), index, hostId, root);
      }
      return new GeneratedHost(index, hostId, root, config);
    });
  }

  /** A per-host random stream: hosts do not shift each other's values when one changes. */
  static SplittableRandom random(long seed, int index) {
    return new SplittableRandom(seed ^ (index * GOLDEN_GAMMA));
  }

  static void writeHost(FleetSpec spec, FleetSpec.HostGroup group, int index, String hostId, Path root)
      throws IOException {
    SplittableRandom rnd = random(spec.seed(), index);
    GpuBoard board = group.gpuBoard();
    // What VMs may still be given, by the rule the host's agent will report: a GPU gets fewer VMs
    // than its fill level once the host's allocatable CPUs or memory run out.
    ComputeAllocation rule = group.allocation();
    long memoryLeftMib = rule.allocatableMemoryMib(group.memoryMib());
    long cpusLeft = rule.allocatableCpus(group.cpus());

    Files.createDirectories(root.resolve("sys/module/nvidia"));
    Files.createDirectories(root.resolve("proc"));
    write(root.resolve("sys/module/nvidia/version"), group.driverVersion());
    Files.createDirectories(root.resolve("sys/bus/pci/drivers/nvidia"));
    Files.createDirectories(root.resolve("sys/class/mdev_bus"));
    Files.createDirectories(root.resolve("sys/bus/mdev/devices"));
    Files.createDirectories(root.resolve("run/libvirt/qemu"));
    write(root.resolve("proc/meminfo"), "MemTotal:       " + group.memoryMib() * 1024 + " kB");
    Files.createDirectories(root.resolve(RELEASE_FILE).getParent());
    write(root.resolve(RELEASE_FILE), group.release());

    int vmNumber = 0;
    for (int g = 0; g < group.gpusPerHost(); g++) {
      String[] slot = SLOTS[g];
      String bdf = slot[2];
      String devicePath = "devices/" + slot[0] + "/" + slot[1] + "/" + bdf;
      Path gpuDir = root.resolve("sys").resolve(devicePath);
      Files.createDirectories(gpuDir);
      write(gpuDir.resolve("vendor"), NVIDIA_VENDOR);
      write(gpuDir.resolve("device"), board.pciDeviceId());
      Files.createSymbolicLink(gpuDir.resolve("driver"), Path.of("../../../../bus/pci/drivers/nvidia"));
      Files.createSymbolicLink(root.resolve("sys/class/mdev_bus").resolve(bdf), Path.of("../../" + devicePath));

      FleetSpec.VmShape shape = pick(group.vmMix(), rnd);
      GpuBoard.VgpuType used = board.type(shape.type());
      int count = (int) Math.floor(group.fill() * used.maxInstance() + rnd.nextDouble());
      count = (int) Math.min(Math.min(count, used.maxInstance()),
          Math.min(memoryLeftMib / shape.memoryMib(), cpusLeft / shape.vcpus()));
      memoryLeftMib -= count * shape.memoryMib();
      cpusLeft -= (long) count * shape.vcpus();

      Path typesDir = gpuDir.resolve("mdev_supported_types");
      Files.createDirectory(typesDir);
      for (GpuBoard.VgpuType type : board.types()) {
        Path typeDir = typesDir.resolve(type.typeId());
        Files.createDirectory(typeDir);
        Files.createDirectory(typeDir.resolve("devices"));
        write(typeDir.resolve("name"), type.name());
        write(typeDir.resolve("description"), type.description());
        write(typeDir.resolve("device_api"), "vfio-pci");
        write(typeDir.resolve("available_instances"), Integer.toString(available(type, used, count)));
        Files.createFile(typeDir.resolve("create"));
      }
      for (int n = 0; n < count; n++) {
        UUID uuid = UUID.nameUUIDFromBytes((hostId + "/" + bdf + "/" + n).getBytes(StandardCharsets.UTF_8));
        Path mdev = gpuDir.resolve(uuid.toString());
        Files.createDirectory(mdev);
        Files.createSymbolicLink(mdev.resolve("mdev_type"), Path.of("../mdev_supported_types/" + used.typeId()));
        Files.createFile(mdev.resolve("remove"));
        Files.createSymbolicLink(
            typesDir.resolve(used.typeId()).resolve("devices").resolve(uuid.toString()), Path.of("../../../" + uuid));
        Files.createSymbolicLink(
            root.resolve("sys/bus/mdev/devices").resolve(uuid.toString()),
            Path.of("../../../" + devicePath + "/" + uuid));
        vmNumber++;
        String vmName = String.format("%s-vm-%02d", hostId, vmNumber);
        write(root.resolve("run/libvirt/qemu").resolve(vmName + ".xml"),
            domstatus(vmName, shape.vcpus(), shape.memoryMib(), uuid.toString()));
      }
    }

    String yaml =
        "# Generated by FleetGenerator (seed " + spec.seed() + ", group " + group.name()
            + "); root is relative to this file.\n"
            + "hostId: " + hostId + "\n"
            + "releaseFile: " + RELEASE_FILE + "\n"
            + "failureDomain: " + spec.failureDomainOf(index) + "\n"
            + "labels:\n"
            + "  gpu-board: " + board.model() + "\n"
            + "  sim-group: " + group.name() + "\n"
            + "root: .\n"
            + "cpus: " + group.cpus() + "\n"
            + "memoryMib: " + group.memoryMib() + "\n"
            + allocationYaml(group);
    Files.writeString(root.resolve("agent.yaml"), yaml);
  }

  /** The group's ratios and reservations as agent config keys; none when the spec sets none. */
  private static String allocationYaml(FleetSpec.HostGroup group) {
    StringBuilder out = new StringBuilder();
    if (group.cpuAllocationRatio() != null) {
      out.append("cpuAllocationRatio: ").append(group.cpuAllocationRatio()).append('\n');
    }
    if (group.memoryAllocationRatio() != null) {
      out.append("memoryAllocationRatio: ").append(group.memoryAllocationRatio()).append('\n');
    }
    if (group.reservedCpus() != 0) {
      out.append("reservedCpus: ").append(group.reservedCpus()).append('\n');
    }
    if (group.reservedMemoryMib() != 0) {
      out.append("reservedMemoryMib: ").append(group.reservedMemoryMib()).append('\n');
    }
    return out.toString();
  }

  private static FleetSpec.VmShape pick(List<FleetSpec.VmShape> mix, SplittableRandom rnd) {
    int total = mix.stream().mapToInt(FleetSpec.VmShape::weight).sum();
    int r = rnd.nextInt(total);
    for (FleetSpec.VmShape shape : mix) {
      r -= shape.weight();
      if (r < 0) {
        return shape;
      }
    }
    throw new IllegalStateException("weights add up to " + total);
  }

  /** The equal-size rule for a GPU holding {@code count} vGPUs of {@code used}: see {@link HostTree}. */
  static int available(GpuBoard.VgpuType type, GpuBoard.VgpuType used, int count) {
    Capacity gpu = Capacity.newBuilder()
        .setRule(CapacityRule.CAPACITY_RULE_NVIDIA_EQUAL_SIZE)
        .setLockedFramebufferMib(count == 0 ? 0 : used.framebufferMib())
        .setUsedInstances(count)
        .putDemand(type.typeId(), NvidiaEqualSizeModel.demand(type.framebufferMib(), type.maxInstance()))
        .build();
    return CapacityModels.fits(gpu, type.typeId());
  }

  /** The libvirt status file of a running VM holding the given mdevs; its UUID follows from its name. */
  static String domstatus(String name, int vcpus, long memoryMib, String... mdevs) {
    UUID vmUuid = UUID.nameUUIDFromBytes(("vm/" + name).getBytes(StandardCharsets.UTF_8));
    return domstatus(name, vmUuid.toString(), vcpus, memoryMib, "", List.of(mdevs));
  }

  /**
   * The libvirt status file of a running VM holding the given mdevs, in an anti-affinity group
   * when {@code antiAffinityGroup} is not empty (the metadata element DomainXmlReader reads).
   */
  static String domstatus(String name, String uuid, int vcpus, long memoryMib, String antiAffinityGroup,
      List<String> mdevs) {
    StringBuilder hostdevs = new StringBuilder();
    for (String mdev : mdevs) {
      hostdevs.append("      <hostdev mode='subsystem' type='mdev' managed='no' model='vfio-pci' display='off'>\n")
          .append("        <source>\n")
          .append("          <address uuid='").append(xml(mdev)).append("'/>\n")
          .append("        </source>\n")
          .append("      </hostdev>\n");
    }
    String metadata = antiAffinityGroup.isEmpty() ? ""
        : "    <metadata>\n      <migplan:placement xmlns:migplan='" + DomainXmlReader.PLACEMENT_NAMESPACE
            + "' antiAffinityGroup='" + xml(antiAffinityGroup) + "'/>\n    </metadata>\n";
    return "<domstatus state='running' reason='booted' pid='1'>\n"
        + "  <domain type='kvm' id='1'>\n"
        + "    <name>" + xml(name) + "</name>\n"
        + "    <uuid>" + xml(uuid) + "</uuid>\n"
        + metadata
        + "    <memory unit='KiB'>" + memoryMib * 1024 + "</memory>\n"
        + "    <currentMemory unit='KiB'>" + memoryMib * 1024 + "</currentMemory>\n"
        + "    <vcpu placement='static'>" + vcpus + "</vcpu>\n"
        + "    <devices>\n"
        + hostdevs
        + "    </devices>\n"
        + "  </domain>\n"
        + "</domstatus>\n";
  }

  /** Text and attribute values escaped for XML. */
  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;")
        .replace("\"", "&quot;");
  }

  /** Values end with a newline, as the kernel writes them. */
  private static void write(Path file, String value) throws IOException {
    Files.writeString(file, value + (value.endsWith("\n") ? "" : "\n"));
  }
}
