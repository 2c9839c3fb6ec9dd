package io.migplan.agent.sim;

import static io.migplan.agent.sim.FleetFile.expect;

import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.Host;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ParentKind;
import io.migplan.proto.v1.Vm;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a fleet file's hosts must hold for the simulator to run them: ids and names that are safe
 * as file names, counts and values within the bounds the scheduler itself accepts from an agent,
 * instances on parents and types that exist, VMs holding instances of their own host, and names
 * unique where the simulator keys by them (hosts; VMs across the fleet, as its operations name VMs).
 * The first value at fault is refused with a sentence naming the host and the field.
 *
 * <p>Decides only whether a file can be simulated; whether the written trees read back the same is
 * {@link FleetTrees}' check.
 */
final class FleetFileChecks {
  /** A host id, VM name, type id or driver: one path segment, no dot first. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+@-][A-Za-z0-9._+@-]*");
  /** A parent's sysfs name: a PCI address such as 0000:3b:00.0, "0.0.26ab", "matrix". */
  private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9_+@-][A-Za-z0-9._:+@-]*");
  /** A sysfs attribute file of a type: one path segment, no dot first. */
  private static final Pattern ATTRIBUTE = NAME;
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  /** Entries of a type directory that are not attribute values (MdevInventoryReader). */
  private static final Set<String> NOT_VALUES = Set.of("create", "remove", "devices");

  // The scheduler's bounds on one agent report (SnapshotValidator), so a file it could export reads.
  static final int MAX_ID = 253;
  static final int MAX_NAME = 256;
  static final int MAX_TEXT = 4096;
  static final int MAX_CPUS = 65_536;
  static final long MAX_MEMORY_MIB = 1L << 30;
  static final int MAX_LABELS = 64;
  static final int MAX_PARENTS = 4_096;
  static final int MAX_TYPES_PER_PARENT = 1_024;
  static final int MAX_ATTRIBUTES = 256;
  static final int MAX_INSTANCES = 65_536;
  static final int MAX_VMS = 10_000;
  static final int MAX_VCPUS = 4_096;
  static final int MAX_DEVICES_PER_VM = 64;
  /** A raw attribute file's text: sysfs shows at most one page. */
  static final int MAX_RAW = 4096;

  private FleetFileChecks() {}

  static void check(FleetFile file) {
    Set<String> hosts = new HashSet<>();
    Map<String, String> vmNames = new HashMap<>();
    Map<String, String> vmUuids = new HashMap<>();
    for (int i = 0; i < file.hosts().size(); i++) {
      FleetFile.Host h = file.hosts().get(i);
      String at = "hosts[" + i + "]";
      name(h.id(), at + ".id", "host " + at + ": ", MAX_ID);
      String who = "host " + h.id() + ": ";
      expect(hosts.add(h.id()), at + ".id", who + "listed twice; host ids are unique");
      host(h, at, who, vmNames, vmUuids);
    }
  }

  private static void host(FleetFile.Host h, String at, String who, Map<String, String> vmNames,
      Map<String, String> vmUuids) {
    HostSnapshot s = h.inventory();
    Host facts = s.getHost();
    String hat = at + ".inventory.host";
    expect(facts.getId().equals(h.id()), hat + ".id", who + "inventory.host.id is '" + facts.getId()
        + "', not the host's id");
    expect(!facts.getRelease().isBlank(), hat + ".release", who + "release is required");
    text(facts.getRelease(), hat + ".release", who, MAX_NAME);
    text(facts.getFailureDomain(), hat + ".failureDomain", who, MAX_NAME);
    range(facts.getCpus(), 1, MAX_CPUS, hat + ".cpus", who);
    range(facts.getMemoryMib(), 1, MAX_MEMORY_MIB, hat + ".memoryMib", who);
    expect(facts.getLabelsCount() <= MAX_LABELS, hat + ".labels", who + "more than " + MAX_LABELS + " labels");
    facts.getLabelsMap().forEach((k, v) -> {
      expect(!k.isBlank(), hat + ".labels", who + "a label has an empty name");
      text(k, hat + ".labels", who, MAX_NAME);
      text(v, hat + ".labels." + k, who, MAX_NAME);
    });
    if (facts.hasCpuAllocationRatio()) {
      ratio(facts.getCpuAllocationRatio(), hat + ".cpuAllocationRatio", who);
    }
    if (facts.hasMemoryAllocationRatio()) {
      ratio(facts.getMemoryAllocationRatio(), hat + ".memoryAllocationRatio", who);
    }
    range(facts.getReservedCpus(), 0, facts.getCpus(), hat + ".reservedCpus", who);
    range(facts.getReservedMemoryMib(), 0, facts.getMemoryMib(), hat + ".reservedMemoryMib", who);

    String inv = at + ".inventory";
    expect(s.getParentsCount() <= MAX_PARENTS, inv + ".parents", who + "more than " + MAX_PARENTS + " parents");
    Map<String, Set<String>> typesByParent = new HashMap<>();
    Map<String, String> driverVersions = new HashMap<>();
    for (int p = 0; p < s.getParentsCount(); p++) {
      ParentDevice parent = s.getParents(p);
      String pat = inv + ".parents[" + p + "]";
      address(parent.getAddress(), pat + ".address", who);
      String pwho = who + "parent " + parent.getAddress() + ": ";
      expect(typesByParent.put(parent.getAddress(), new HashSet<>()) == null, pat + ".address",
          pwho + "listed twice");
      expect(parent.getKind() != ParentKind.PARENT_KIND_NVIDIA_VGPU, pat + ".kind", pwho + "kind "
          + parent.getKind() + " (vGPU 17+ without mdev) is not simulated; only mdev parents are");
      if (!parent.getDriver().isEmpty()) {
        name(parent.getDriver(), pat + ".driver", pwho, MAX_NAME);
        String earlier = driverVersions.putIfAbsent(parent.getDriver(), parent.getDriverVersion());
        expect(earlier == null || earlier.equals(parent.getDriverVersion()), pat + ".driverVersion", pwho
            + "driver " + parent.getDriver() + " at version '" + parent.getDriverVersion() + "', but another parent"
            + " has it at '" + earlier + "'; a host loads one version of a driver");
      } else {
        expect(parent.getDriverVersion().isEmpty(), pat + ".driverVersion", pwho + "a driver version without a"
            + " driver");
      }
      text(parent.getDriverVersion(), pat + ".driverVersion", pwho, MAX_NAME);
      text(parent.getVendorId(), pat + ".vendorId", pwho, MAX_NAME);
      text(parent.getDeviceId(), pat + ".deviceId", pwho, MAX_NAME);
      text(parent.getBoard(), pat + ".board", pwho, MAX_NAME);
      if (!parent.getPhysicalFunction().isEmpty()) {
        address(parent.getPhysicalFunction(), pat + ".physicalFunction", pwho);
      }
      expect(parent.getTypesCount() <= MAX_TYPES_PER_PARENT, pat + ".types", pwho + "more than "
          + MAX_TYPES_PER_PARENT + " types");
      for (int t = 0; t < parent.getTypesCount(); t++) {
        DeviceType type = parent.getTypes(t);
        String tat = pat + ".types[" + t + "]";
        name(type.getTypeId(), tat + ".typeId", pwho, MAX_NAME);
        String twho = pwho + "type " + type.getTypeId() + ": ";
        expect(typesByParent.get(parent.getAddress()).add(type.getTypeId()), tat + ".typeId", twho + "listed twice");
        range(type.getAvailableInstances(), 0, MAX_INSTANCES, tat + ".availableInstances", twho);
        expect(!type.getDeviceApi().isBlank(), tat + ".deviceApi", twho + "deviceApi is required (vfio-pci, ...)");
        text(type.getDeviceApi(), tat + ".deviceApi", twho, MAX_NAME);
        text(type.getName(), tat + ".name", twho, MAX_NAME);
        text(type.getDescription(), tat + ".description", twho, MAX_TEXT);
        text(type.getSignature(), tat + ".signature", twho, MAX_TEXT);
        expect(type.getAttributesCount() <= MAX_ATTRIBUTES && type.getRawCount() <= MAX_ATTRIBUTES, tat, twho
            + "more than " + MAX_ATTRIBUTES + " attributes");
        type.getRawMap().forEach((file, value) -> {
          expect(ATTRIBUTE.matcher(file).matches() && file.length() <= MAX_NAME && !NOT_VALUES.contains(file),
              tat + ".raw", twho + "raw attribute '" + clip(file) + "' is not an attribute file name");
          text(value, tat + ".raw." + file, twho, MAX_RAW);
        });
      }
    }

    expect(s.getInstancesCount() <= MAX_INSTANCES, inv + ".instances", who + "more than " + MAX_INSTANCES
        + " instances");
    Set<String> instances = new HashSet<>();
    for (int d = 0; d < s.getInstancesCount(); d++) {
      DeviceInstance instance = s.getInstances(d);
      String dat = inv + ".instances[" + d + "]";
      uuid(instance.getUuid(), dat + ".uuid", who + "instance ");
      String dwho = who + "instance " + instance.getUuid() + ": ";
      expect(instances.add(instance.getUuid()), dat + ".uuid", dwho + "listed twice");
      Set<String> types = typesByParent.get(instance.getParentAddress());
      expect(types != null, dat + ".parentAddress", dwho + "its parent '" + clip(instance.getParentAddress())
          + "' is not a parent of the host");
      expect(types.contains(instance.getTypeId()), dat + ".typeId", dwho + "type '" + clip(instance.getTypeId())
          + "' is not a type of parent " + instance.getParentAddress());
    }

    expect(s.getVmsCount() <= MAX_VMS, inv + ".vms", who + "more than " + MAX_VMS + " VMs");
    Set<String> held = new HashSet<>();
    for (int v = 0; v < s.getVmsCount(); v++) {
      Vm vm = s.getVms(v);
      String vat = inv + ".vms[" + v + "]";
      name(vm.getName(), vat + ".name", who + "VM ", MAX_NAME);
      String vwho = who + "VM " + vm.getName() + ": ";
      String other = vmNames.putIfAbsent(vm.getName(), h.id());
      expect(other == null, vat + ".name", vwho + "host " + other + " has a VM of the same name; the simulator names"
          + " VMs across the fleet");
      uuid(vm.getUuid(), vat + ".uuid", vwho);
      other = vmUuids.putIfAbsent(vm.getUuid(), h.id());
      expect(other == null, vat + ".uuid", vwho + "UUID " + vm.getUuid() + " is also a VM's on host " + other);
      range(vm.getVcpus(), 1, MAX_VCPUS, vat + ".vcpus", vwho);
      range(vm.getMemoryMib(), 1, MAX_MEMORY_MIB, vat + ".memoryMib", vwho);
      text(vm.getAntiAffinityGroup(), vat + ".antiAffinityGroup", vwho, MAX_NAME);
      expect(vm.getDeviceUuidsCount() <= MAX_DEVICES_PER_VM, vat + ".deviceUuids", vwho + "more than "
          + MAX_DEVICES_PER_VM + " devices");
      for (int d = 0; d < vm.getDeviceUuidsCount(); d++) {
        String u = vm.getDeviceUuids(d);
        String dat = vat + ".deviceUuids[" + d + "]";
        expect(instances.contains(u), dat, vwho + "device " + clip(u) + " is not an instance of the host");
        expect(held.add(u), dat, vwho + "device " + u + " is held by another VM too");
      }
    }
  }

  private static void name(String value, String field, String who, int max) {
    expect(value != null && !value.isEmpty(), field, who + field + " is required");
    text(value, field, who, max);
    expect(NAME.matcher(value).matches(), field, who + field + " '" + clip(value) + "' must be letters, digits and"
        + " . _ + @ - (not first a dot): it names a file");
  }

  private static void address(String value, String field, String who) {
    expect(!value.isEmpty(), field, who + field + " is required");
    text(value, field, who, MAX_NAME);
    expect(ADDRESS.matcher(value).matches(), field, who + field + " '" + clip(value) + "' must be letters, digits"
        + " and . : _ + @ - (not first a dot): it names a sysfs directory");
  }

  private static void uuid(String value, String field, String who) {
    expect(UUID.matcher(value).matches(), field, who + field + " '" + clip(value) + "' is not a lower-case UUID");
  }

  private static void text(String value, String field, String who, int max) {
    expect(value.length() <= max, field, who + field + " is " + value.length() + " characters, more than " + max);
    expect(value.indexOf('\0') < 0, field, who + field + " holds a NUL character");
  }

  private static void range(long value, long min, long max, String field, String who) {
    expect(value >= min && value <= max, field, who + field + " must be in " + min + ".." + max + ", got " + value);
  }

  private static void ratio(double value, String field, String who) {
    // The agent's own bounds (AgentConfig): 0.1 .. 64.
    expect(value >= 0.1 && value <= 64, field, who + field + " must be in 0.1..64, got " + value);
  }

  private static String clip(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
