package io.migplan.agent.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.scan.HostScanner;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.Host;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.ProblemSource;
import io.migplan.proto.v1.SignatureSource;
import io.migplan.proto.v1.Vm;
import io.migplan.agent.sim.FleetFile.InvalidFleetException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Writes the hosts of a {@link FleetFile} as sysfs-shaped trees under {@code DIR/<host>/} (the
 * layout {@link FleetGenerator} writes: parents under {@code sys/class/mdev_bus}, each type's
 * attribute files as the file's {@code raw} has them, active mdevs, a libvirt {@code <domstatus>}
 * per VM, the drivers' versions, {@code agent.yaml} with the host's facts), then reads each tree
 * back with the agent's own scanner and refuses the file when the agent would report anything
 * else than the file says: the first difference, named by host and field.
 *
 * <p>Writes nothing on refusal: hosts are written under a staging directory beside them and
 * moved into place only once every host read back the same. Refuses a directory that already
 * holds one of the hosts (a fleet file never reuses trees: they may differ from the file).
 *
 * <p>Values the file leaves empty are filled the way the agent reads them: a type's {@code
 * name}, {@code description}, {@code device_api} and {@code available_instances} files from its
 * fields when {@code raw} lacks them ({@code available_instances} always from its field), and a
 * {@code version} file from the signature when its source is the version attribute.
 */
public final class FleetTrees {
  /** Where every parent's device directory goes, relative to {@code sys/}; sysfs has it under its bus. */
  static final String DEVICES = "devices/platform/migplan-sim";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

  private FleetTrees() {}

  /** Writes and checks every host of {@code file} under {@code dir}; nothing stays written on refusal. */
  public static List<FleetGenerator.GeneratedHost> write(FleetFile file, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (FleetFile.Host h : file.hosts()) {
      if (Files.exists(dir.resolve(h.id()))) {
        throw new InvalidFleetException("hosts", "host " + h.id() + ": " + dir.resolve(h.id()) + " exists already;"
            + " start a fleet file in a directory without its hosts");
      }
    }
    Path staging = Files.createTempDirectory(dir, ".fleet-");
    try {
      List<FleetFile.Host> hosts = file.hosts();
      Parallel.map(hosts.size(), i -> {
        FleetFile.Host h = hosts.get(i);
        Path root = staging.resolve(h.id());
        writeHost(h.inventory(), root);
        verify(h, root);
        return root;
      });
      List<FleetGenerator.GeneratedHost> out = new ArrayList<>();
      for (int i = 0; i < hosts.size(); i++) {
        String id = hosts.get(i).id();
        Path root = dir.resolve(id);
        try {
          Files.move(staging.resolve(id), root, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          // Hosts already moved go back, so a refusal leaves the directory as it was.
          for (FleetGenerator.GeneratedHost moved : out) {
            Files.move(moved.root(), staging.resolve(moved.hostId()), StandardCopyOption.ATOMIC_MOVE);
          }
          if (e instanceof FileAlreadyExistsException) {
            throw new InvalidFleetException("hosts", "host " + id + ": " + root + " appeared while the fleet was"
                + " written; start a fleet file in a directory nothing else writes to");
          }
          throw e;
        }
        out.add(new FleetGenerator.GeneratedHost(i + 1, id, root, root.resolve("agent.yaml")));
      }
      return out;
    } finally {
      deleteTree(staging);
    }
  }

  /** Writes one host's tree under {@code root} (which must not exist). */
  static void writeHost(HostSnapshot s, Path root) throws IOException {
    Host facts = s.getHost();
    Files.createDirectories(root.resolve("proc"));
    Files.createDirectories(root.resolve("sys/class/mdev_bus"));
    Files.createDirectories(root.resolve("sys/bus/mdev/devices"));
    Files.createDirectories(root.resolve("run/libvirt/qemu"));
    write(root.resolve("proc/meminfo"), "MemTotal:       " + facts.getMemoryMib() * 1024 + " kB");
    Map<String, String> drivers = new TreeMap<>();
    for (ParentDevice p : s.getParentsList()) {
      writeParent(root, p);
      if (!p.getDriver().isEmpty()) {
        drivers.put(p.getDriver(), p.getDriverVersion());
      }
    }
    for (var d : drivers.entrySet()) {
      Files.createDirectories(root.resolve("sys/bus/pci/drivers").resolve(d.getKey()));
      if (!d.getValue().isEmpty()) {
        Path module = root.resolve("sys/module").resolve(d.getKey());
        Files.createDirectories(module);
        write(module.resolve("version"), d.getValue());
      }
    }
    Map<String, HostTree.Gpu> parents = new LinkedHashMap<>();
    s.getParentsList().forEach(p -> parents.put(p.getAddress(),
        new HostTree.Gpu(p.getAddress(), devicePath(p), Map.of(), Map.of())));
    TreeEdit edit = new TreeEdit();
    for (DeviceInstance d : s.getInstancesList()) {
      HostTree.createInstance(root, parents.get(d.getParentAddress()), d.getUuid(), d.getTypeId(), edit);
    }
    for (Vm vm : s.getVmsList()) {
      write(root.resolve("run/libvirt/qemu").resolve(vm.getName() + ".xml"), FleetGenerator.domstatus(vm.getName(),
          vm.getUuid(), vm.getVcpus(), vm.getMemoryMib(), vm.getAntiAffinityGroup(), vm.getDeviceUuidsList()));
    }
    Files.writeString(root.resolve("agent.yaml"), "# Written by FleetTrees from a fleet file; root is relative to"
        + " this file.\n" + YAML.writeValueAsString(agentConfig(s)));
  }

  private static String devicePath(ParentDevice p) {
    return DEVICES + "/" + p.getAddress();
  }

  private static void writeParent(Path root, ParentDevice p) throws IOException {
    Path dir = root.resolve("sys").resolve(devicePath(p));
    Files.createDirectories(dir);
    Files.createSymbolicLink(root.resolve("sys/class/mdev_bus").resolve(p.getAddress()),
        Path.of("../../" + devicePath(p)));
    if (!p.getVendorId().isEmpty()) {
      write(dir.resolve("vendor"), p.getVendorId());
    }
    if (!p.getDeviceId().isEmpty()) {
      write(dir.resolve("device"), p.getDeviceId());
    }
    if (!p.getDriver().isEmpty()) {
      Files.createSymbolicLink(dir.resolve("driver"), Path.of("../../../../bus/pci/drivers/" + p.getDriver()));
    }
    if (!p.getPhysicalFunction().isEmpty()) {
      Files.createSymbolicLink(dir.resolve("physfn"), Path.of("../" + p.getPhysicalFunction()));
    }
    Path types = dir.resolve("mdev_supported_types");
    Files.createDirectory(types);
    for (DeviceType t : p.getTypesList()) {
      Path typeDir = types.resolve(t.getTypeId());
      Files.createDirectory(typeDir);
      Files.createDirectory(typeDir.resolve("devices"));
      Files.createFile(typeDir.resolve("create"));
      Map<String, String> files = new TreeMap<>(t.getRawMap());
      if (!t.getName().isEmpty()) {
        files.putIfAbsent("name", t.getName() + "\n");
      }
      if (!t.getDescription().isEmpty()) {
        files.putIfAbsent("description", t.getDescription() + "\n");
      }
      files.putIfAbsent("device_api", t.getDeviceApi() + "\n");
      files.put("available_instances", t.getAvailableInstances() + "\n");
      if (t.getSignatureSource() == SignatureSource.SIGNATURE_SOURCE_VERSION_ATTRIBUTE
          && !files.containsKey("version") && !files.containsKey("migration_version")) {
        files.put("version", t.getSignature() + "\n");
      }
      for (var f : files.entrySet()) {
        Files.writeString(typeDir.resolve(f.getKey()), f.getValue());
      }
    }
  }

  /** The agent config of a host: its facts, the tree as root, and the GPUs its model says are mixed-size. */
  private static Map<String, Object> agentConfig(HostSnapshot s) {
    Host h = s.getHost();
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("hostId", h.getId());
    c.put("release", h.getRelease());
    c.put("failureDomain", h.getFailureDomain());
    c.put("labels", new TreeMap<>(h.getLabelsMap()));
    c.put("root", ".");
    c.put("cpus", h.getCpus());
    c.put("memoryMib", h.getMemoryMib());
    if (h.hasCpuAllocationRatio()) {
      c.put("cpuAllocationRatio", h.getCpuAllocationRatio());
    }
    if (h.hasMemoryAllocationRatio()) {
      c.put("memoryAllocationRatio", h.getMemoryAllocationRatio());
    }
    if (h.getReservedCpus() != 0) {
      c.put("reservedCpus", h.getReservedCpus());
    }
    if (h.getReservedMemoryMib() != 0) {
      c.put("reservedMemoryMib", h.getReservedMemoryMib());
    }
    // sysfs cannot show the mode of an empty GPU; the agent is told, as an operator tells it.
    TreeSet<String> mixed = new TreeSet<>();
    s.getParentsList().stream().filter(p -> p.getCapacity().getRule() == CapacityRule.CAPACITY_RULE_NVIDIA_MIXED_SIZE)
        .forEach(p -> mixed.add(p.getAddress()));
    if (!mixed.isEmpty()) {
      c.put("nvidiaMixedSizeParents", List.copyOf(mixed));
    }
    return c;
  }

  /**
   * Scans the written tree as the host's agent will and refuses the host when the agent would
   * report anything else than the file says, naming the first field that differs.
   */
  static void verify(FleetFile.Host h, Path root) throws IOException {
    HostSnapshot scanned = new HostScanner(AgentConfig.load(root.resolve("agent.yaml"))).scan();
    for (Problem p : scanned.getProblemsList()) {
      // An active mdev no VM holds is reported as such, here as on the host the file came from.
      if (p.getSource() != ProblemSource.PROBLEM_SOURCE_LIBVIRT || !p.getMessage().contains("no running domain")) {
        throw new InvalidFleetException("hosts", "host " + h.id() + ": its tree does not read back cleanly: "
            + p.getMessage());
      }
    }
    HostSnapshot expected = normal(h.inventory());
    HostSnapshot actual = normal(scanned.toBuilder().clearProblems().build());
    ProtoDiff.first(expected, actual).ifPresent(d -> {
      throw new InvalidFleetException("hosts", "host " + h.id() + ": the agent would report " + d.field() + " as "
          + d.actual() + ", the file says " + d.expected() + " (a value the agent derives from the others, such as a"
          + " board, a derived signature or a capacity model, must be what it derives)");
    });
  }

  /** What a comparison looks at: no scan stamps or endpoint, lists in the agent's order. */
  static HostSnapshot normal(HostSnapshot s) {
    HostSnapshot.Builder b = s.toBuilder().clearGeneration().clearScannedAtUnixMs().clearProblems();
    b.getHostBuilder().clearAgentEndpoint();
    List<ParentDevice> parents = new ArrayList<>();
    for (ParentDevice p : s.getParentsList()) {
      List<DeviceType> types = new ArrayList<>(p.getTypesList());
      types.sort(Comparator.comparing(DeviceType::getTypeId));
      parents.add(p.toBuilder().clearTypes().addAllTypes(types).build());
    }
    parents.sort(Comparator.comparing(ParentDevice::getAddress));
    List<DeviceInstance> instances = new ArrayList<>(s.getInstancesList());
    instances.sort(Comparator.comparing(DeviceInstance::getUuid));
    List<Vm> vms = new ArrayList<>();
    for (Vm vm : s.getVmsList()) {
      vms.add(vm.toBuilder().clearDeviceUuids().addAllDeviceUuids(new TreeSet<>(vm.getDeviceUuidsList())).build());
    }
    vms.sort(Comparator.comparing(Vm::getName).thenComparing(Vm::getUuid));
    return b.clearParents().addAllParents(parents).clearInstances().addAllInstances(instances).clearVms()
        .addAllVms(vms).build();
  }

  private static void write(Path file, String value) throws IOException {
    Files.writeString(file, value.endsWith("\n") ? value : value + "\n");
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
