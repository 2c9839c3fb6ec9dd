package io.migplan.agent.inventory;

import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ParentKind;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.SignatureSource;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads parent devices, their mdev types and the active mdevs from sysfs under a {@link
 * HostRoot}, the way mdevctl enumerates them (fixtures/FACTS.md section 1), plus the vGPU 17+
 * VFs that have no mdev at all ({@link NvidiaVgpuReader}).
 *
 * <p>Decides: which parents and types exist; each type's attribute files as read ({@code raw},
 * untrimmed) and trimmed (with or without a trailing newline), the description's parsed fields
 * ({@link TypeAttributes}); a VF's physical function (its {@code physfn} link); the board (from
 * type names), the driver and its version, each type's {@link Signatures signature}; and each
 * parent's capacity model ({@link ParentCapacities}). A bad device or attribute becomes a {@link
 * Problem} naming the path and the fix, and the rest of the host is still read: no exception
 * leaves {@link #read()}.
 *
 * <p>Does not decide: compatibility, or anything about VMs. {@code create} and {@code remove} are
 * write-only triggers and are never read.
 */
public final class MdevInventoryReader {
  /** Attribute files holding a type's migration version, in the order they are tried (shared/seed). */
  public static final List<String> VERSION_ATTRIBUTES = List.of("version", "migration_version");

  /** Entries of a type directory that hold no value: write-only triggers and the instance links. */
  private static final Set<String> NOT_VALUES = Set.of("create", "remove", "devices");
  /** The attributes the mdev ABI defines (Documentation/ABI/testing/sysfs-bus-vfio-mdev) and the version ones. */
  private static final Set<String> KNOWN_VALUES =
      Set.of("available_instances", "device_api", "name", "description", "version", "migration_version");

  /** The configured value meaning "every NVIDIA GPU on this host is in mixed-size mode". */
  public static final String ALL_PARENTS = "*";

  private final HostRoot root;
  private final Optional<String> driverVersionOverride;
  private final Set<String> mixedSizeParents;

  public MdevInventoryReader(HostRoot root, Optional<String> driverVersionOverride) {
    this(root, driverVersionOverride, Set.of());
  }

  /**
   * @param mixedSizeParents addresses of NVIDIA GPUs the operator put in mixed-size mode, or
   *     {@link #ALL_PARENTS}; sysfs cannot show the mode of an empty GPU
   */
  public MdevInventoryReader(HostRoot root, Optional<String> driverVersionOverride, Set<String> mixedSizeParents) {
    this.root = root;
    this.driverVersionOverride = driverVersionOverride.filter(s -> !s.isBlank());
    this.mixedSizeParents = Set.copyOf(mixedSizeParents);
  }

  public MdevInventory read() {
    List<Problem> problems = new ArrayList<>();
    List<ParentDevice.Builder> parents = new ArrayList<>();
    Map<String, String> driverVersions = new HashMap<>();
    for (Path entry : sortedEntries(root.mdevBus(), problems, "the mdev parent list")) {
      try {
        readParent(entry, driverVersions, problems).ifPresent(parents::add);
      } catch (RuntimeException | IOException e) {
        problems.add(
            Problems.sysfs(
                entry,
                "Parent device "
                    + entry.getFileName()
                    + " could not be read ("
                    + Problems.describe(e)
                    + "); check the device's sysfs directory and its vendor driver."));
      }
    }
    List<DeviceInstance> instances = new ArrayList<>();
    for (Path entry : sortedEntries(root.mdevDevices(), problems, "the active mdev list")) {
      try {
        readInstance(entry, problems).ifPresent(instances::add);
      } catch (RuntimeException | IOException e) {
        problems.add(
            Problems.sysfs(
                entry,
                "Mediated device "
                    + entry.getFileName()
                    + " could not be read ("
                    + Problems.describe(e)
                    + "); check it with `mdevctl list` and remove it if it is stale."));
      }
    }
    Set<String> mdevParents = new HashSet<>();
    parents.forEach(p -> mdevParents.add(p.getAddress()));
    new NvidiaVgpuReader(root, this, driverVersions).read(mdevParents, parents, instances, problems);
    try {
      ParentCapacities.assign(
          parents, instances, a -> mixedSizeParents.contains(ALL_PARENTS) || mixedSizeParents.contains(a));
    } catch (RuntimeException e) {
      // The models only read what the parse produced; this guards the report, not expected input.
      problems.add(
          Problems.sysfs(
              root.mdevBus(),
              "Capacity models could not be built (" + Problems.describe(e) + "); parents are reported without them."));
    }
    parents.sort(Comparator.comparing(ParentDevice.Builder::getAddress));
    instances.sort(Comparator.comparing(DeviceInstance::getUuid).thenComparing(DeviceInstance::getParentAddress));
    return new MdevInventory(parents.stream().map(ParentDevice.Builder::build).toList(), instances, problems);
  }

  private Optional<ParentDevice.Builder> readParent(Path entry, Map<String, String> driverVersions, List<Problem> problems)
      throws IOException {
    String address = entry.getFileName().toString();
    if (!Files.isDirectory(entry)) {
      problems.add(
          Problems.sysfs(
              entry,
              "Parent device "
                  + address
                  + " is not a directory (a dangling link?); check that its driver is bound."));
      return Optional.empty();
    }
    ParentDevice.Builder parent =
        ParentDevice.newBuilder().setAddress(address).setKind(ParentKind.PARENT_KIND_MDEV);
    readParentFacts(entry, parent, driverVersions, problems);

    Path typesDir = entry.resolve("mdev_supported_types");
    List<RawType> rawTypes = new ArrayList<>();
    if (Files.exists(typesDir, LinkOption.NOFOLLOW_LINKS)) {
      for (Path typeDir : sortedEntries(typesDir, problems, "the types of parent " + address)) {
        try {
          readType(address, typeDir, problems).ifPresent(rawTypes::add);
        } catch (RuntimeException | IOException e) {
          problems.add(
              Problems.sysfs(
                  typeDir,
                  "Type "
                      + typeDir.getFileName()
                      + " on parent "
                      + address
                      + " could not be read ("
                      + Problems.describe(e)
                      + "); left out of the inventory, check the vendor driver."));
        }
      }
    } else {
      problems.add(
          Problems.sysfs(
              typesDir,
              "Parent device "
                  + address
                  + " has no mdev_supported_types directory; check that the vendor driver is loaded."));
    }
    addTypes(parent, rawTypes);
    return Optional.of(parent);
  }

  /** Vendor, device, driver and its version, and the SR-IOV physical function of a device dir. */
  void readParentFacts(Path dir, ParentDevice.Builder parent, Map<String, String> driverVersions, List<Problem> problems) {
    String address = parent.getAddress();
    parent.setVendorId(optionalValue(dir.resolve("vendor"), address, problems));
    parent.setDeviceId(optionalValue(dir.resolve("device"), address, problems));
    String driver = "";
    try {
      driver = SysfsValues.readLinkName(dir.resolve("driver")).orElse("");
    } catch (IOException | RuntimeException e) {
      problems.add(
          Problems.sysfs(
              dir.resolve("driver"),
              "Device " + address + " has a driver entry that is not a link (" + Problems.describe(e)
                  + "); check which driver is bound to it."));
    }
    parent.setDriver(driver);
    String driverVersion = driverVersionOverride.orElse("");
    if (driverVersion.isEmpty() && !driver.isEmpty()) {
      String d = driver;
      driverVersion =
          driverVersions.computeIfAbsent(
              driver, k -> optionalValue(root.module(d).resolve("version"), "driver " + d, problems));
    }
    parent.setDriverVersion(driverVersion);
    try {
      SysfsValues.readLinkName(dir.resolve("physfn"))
          .ifPresent(pf -> parent.setPhysicalFunction(PciAddresses.canonical(pf)));
    } catch (IOException | RuntimeException e) {
      problems.add(
          Problems.sysfs(
              dir.resolve("physfn"),
              "Device " + address + " has a physfn entry that is not a link (" + Problems.describe(e)
                  + "); its physical GPU is unknown, check the SR-IOV setup (sriov-manage)."));
    }
  }

  private static String optionalValue(Path file, String owner, List<Problem> problems) {
    try {
      return SysfsValues.readTextIfPresent(file).map(String::strip).orElse("");
    } catch (IOException | RuntimeException e) {
      problems.add(
          Problems.sysfs(
              file,
              file.getFileName() + " of " + owner + " could not be read (" + Problems.describe(e)
                  + "); the value is left empty, check the device's sysfs directory."));
      return "";
    }
  }

  /** Board, signatures and types, once every type of a parent is read. */
  static void addTypes(ParentDevice.Builder parent, List<RawType> rawTypes) {
    String board = BoardNames.fromTypeNames(rawTypes.stream().map(t -> t.type.getName()).toList());
    parent.setBoard(board);
    for (RawType raw : rawTypes) {
      DeviceType.Builder type = raw.type;
      if (raw.versionLine.isPresent()) {
        type.setSignature(raw.versionLine.get())
            .setSignatureSource(SignatureSource.SIGNATURE_SOURCE_VERSION_ATTRIBUTE);
      } else {
        type.setSignature(
                Signatures.derived(type.getTypeId(), board, parent.getDriver(), parent.getDriverVersion()))
            .setSignatureSource(SignatureSource.SIGNATURE_SOURCE_DERIVED);
      }
      parent.addTypes(type);
    }
  }

  record RawType(DeviceType.Builder type, Optional<String> versionLine) {}

  private Optional<RawType> readType(String parent, Path typeDir, List<Problem> problems) throws IOException {
    String typeId = typeDir.getFileName().toString();
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(typeDir)) {
      stream.forEach(entries::add);
    } catch (NotDirectoryException e) {
      problems.add(
          Problems.sysfs(
              typeDir,
              "Type " + typeId + " on parent " + parent
                  + " is not a directory; left out of the inventory, check the vendor driver."));
      return Optional.empty();
    }
    Map<String, String> raw = new TreeMap<>();
    Set<String> failed = new HashSet<>();
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      if (NOT_VALUES.contains(name)) {
        continue;
      }
      try {
        raw.put(name, SysfsValues.readText(entry));
      } catch (IOException e) {
        if (!KNOWN_VALUES.contains(name) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          continue; // a vendor's attribute group, not a value
        }
        failed.add(name);
        problems.add(
            Problems.sysfs(
                entry,
                "Attribute " + name + " of type " + typeId + " on parent " + parent
                    + " could not be read (" + Problems.describe(e) + ")"
                    + (name.equals("available_instances") || name.equals("device_api")
                        ? "; the type is left out of the inventory, check the vendor driver."
                        : "; the rest of the type is still reported, check the vendor driver.")));
      }
    }
    Path availablePath = typeDir.resolve("available_instances");
    String available = raw.get("available_instances");
    if (available == null) {
      if (!failed.contains("available_instances")) {
        problems.add(
            Problems.sysfs(
                availablePath,
                "Type " + typeId + " on parent " + parent
                    + " has no available_instances file; left out of the inventory, check the vendor driver."));
      }
      return Optional.empty();
    }
    int availableInstances;
    try {
      availableInstances = Integer.parseInt(available.strip());
      if (availableInstances < 0) {
        throw new NumberFormatException("negative");
      }
    } catch (NumberFormatException e) {
      problems.add(
          Problems.sysfs(
              availablePath,
              "Type " + typeId + " on parent " + parent + " has a non-numeric available_instances '"
                  + Problems.excerpt(available.strip())
                  + "'; left out of the inventory, check the vendor driver."));
      return Optional.empty();
    }
    String deviceApi = raw.get("device_api");
    if (deviceApi == null) {
      if (!failed.contains("device_api")) {
        problems.add(
            Problems.sysfs(
                typeDir.resolve("device_api"),
                "Type " + typeId + " on parent " + parent
                    + " has no device_api file; left out of the inventory, check the vendor driver."));
      }
      return Optional.empty();
    }
    DeviceType.Builder type =
        DeviceType.newBuilder()
            .setTypeId(typeId)
            .setAvailableInstances(availableInstances)
            .setDeviceApi(deviceApi.strip())
            .putAllRaw(raw);
    String name = raw.get("name");
    if (name != null) {
      type.setName(name.strip());
    }
    String description = raw.get("description");
    if (description != null) {
      type.setDescription(description.strip());
    }
    TypeAttributes.Parsed parsed = TypeAttributes.parse(typeId, type.getDescription());
    type.putAllAttributes(parsed.attributes());
    parsed.complaint().ifPresent(why ->
        problems.add(
            Problems.sysfs(
                description == null ? typeDir : typeDir.resolve("description"),
                "Type " + typeId + " on parent " + parent + " has a description the agent cannot fully read ("
                    + Problems.excerpt(why) + "); its capacity falls back to the driver's own counts,"
                    + " check the driver version.")));
    Optional<String> versionLine = Optional.empty();
    for (String attribute : VERSION_ATTRIBUTES) {
      String text = raw.get(attribute);
      if (text != null) {
        int newline = text.indexOf('\n');
        versionLine = Signatures.fromAttribute(Optional.of((newline < 0 ? text : text.substring(0, newline)).strip()));
        break;
      }
    }
    return Optional.of(new RawType(type, versionLine));
  }

  private Optional<DeviceInstance> readInstance(Path entry, List<Problem> problems) throws IOException {
    String uuid = entry.getFileName().toString();
    if (!Files.isDirectory(entry)) {
      problems.add(
          Problems.sysfs(
              entry,
              "Mediated device "
                  + uuid
                  + " is a dangling link; check it with `mdevctl list` and remove it if it is stale."));
      return Optional.empty();
    }
    // The parent is the directory holding the device; the link's own text says so without a
    // walk through every link on the way (mdevctl canonicalizes; the answer is the same).
    String parent = null;
    try {
      Path dir = Files.readSymbolicLink(entry).getParent();
      Path name = dir == null ? null : dir.getFileName();
      if (name != null && !name.toString().equals("..") && !name.toString().equals(".")) {
        parent = name.toString();
      }
    } catch (NotLinkException e) {
      // a plain directory: fall through to the canonical path
    }
    if (parent == null) {
      Path up = entry.toRealPath().getParent();
      parent = up == null || up.getFileName() == null ? "" : up.getFileName().toString();
    }
    Path typeLink = entry.resolve("mdev_type");
    Optional<String> typeId;
    try {
      typeId = SysfsValues.readLinkName(typeLink);
    } catch (NotLinkException e) {
      problems.add(
          Problems.sysfs(
              typeLink,
              "Mediated device " + uuid + " has an mdev_type that is not a link, so its type is unknown;"
                  + " check it with `mdevctl list` and remove it if it is stale."));
      return Optional.empty();
    }
    if (typeId.isEmpty() || !Files.isDirectory(typeLink)) {
      problems.add(
          Problems.sysfs(
              typeLink,
              "Mediated device "
                  + uuid
                  + (typeId.isEmpty() ? " has no mdev_type link" : " has an mdev_type link that leads nowhere")
                  + ", so its type is unknown; it was probably half-created:"
                  + " check it with `mdevctl list` and remove it if it is stale."));
      return Optional.empty();
    }
    return Optional.of(
        DeviceInstance.newBuilder().setUuid(uuid).setTypeId(typeId.get()).setParentAddress(parent).build());
  }

  /** Entries of a directory sorted by name; a missing directory is simply empty. */
  static List<Path> sortedEntries(Path dir, List<Problem> problems, String what) {
    List<Path> entries = new ArrayList<>();
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return entries;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(entries::add);
    } catch (IOException | RuntimeException e) {
      problems.add(
          Problems.sysfs(
              dir,
              "Could not list "
                  + what
                  + " ("
                  + Problems.describe(e)
                  + "); check the directory's permissions."));
    }
    entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return entries;
  }
}
