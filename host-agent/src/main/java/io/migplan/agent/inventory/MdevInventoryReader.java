package io.migplan.agent.inventory;

import io.migplan.agent.HostRoot;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.SignatureSource;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Reads parent devices, their mdev types and the active mdevs from sysfs under a {@link
 * HostRoot}, the way mdevctl enumerates them (fixtures/FACTS.md section 1).
 *
 * <p>Decides: which parents and types exist, what each attribute says (trimmed, with or without a
 * trailing newline), the board (from type names), the driver and its version, and each type's
 * {@link Signatures signature}. A bad device or attribute becomes a {@link Problem} naming the
 * path and the fix, and the rest of the host is still read: no exception leaves {@link #read()}.
 *
 * <p>Does not decide: capacity models (it reports {@code available_instances} as the driver
 * says), compatibility, or anything about VMs.
 */
public final class MdevInventoryReader {
  /** Attribute files holding a type's migration version, in the order they are tried (shared/seed). */
  public static final List<String> VERSION_ATTRIBUTES = List.of("version", "migration_version");

  private final HostRoot root;
  private final Optional<String> driverVersionOverride;

  public MdevInventoryReader(HostRoot root, Optional<String> driverVersionOverride) {
    this.root = root;
    this.driverVersionOverride = driverVersionOverride.filter(s -> !s.isBlank());
  }

  public MdevInventory read() {
    List<Problem> problems = new ArrayList<>();
    List<ParentDevice> parents = new ArrayList<>();
    for (Path entry : sortedEntries(root.mdevBus(), problems, "the mdev parent list")) {
      try {
        readParent(entry, problems).ifPresent(parents::add);
      } catch (RuntimeException | IOException e) {
        problems.add(
            Problems.of(
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
            Problems.of(
                entry,
                "Mediated device "
                    + entry.getFileName()
                    + " could not be read ("
                    + Problems.describe(e)
                    + "); check it with `mdevctl list` and remove it if it is stale."));
      }
    }
    return new MdevInventory(parents, instances, problems);
  }

  private Optional<ParentDevice> readParent(Path entry, List<Problem> problems) throws IOException {
    String address = entry.getFileName().toString();
    if (!Files.isDirectory(entry)) {
      problems.add(
          Problems.of(
              entry,
              "Parent device "
                  + address
                  + " is not a directory (a dangling link?); check that its driver is bound."));
      return Optional.empty();
    }
    ParentDevice.Builder parent = ParentDevice.newBuilder().setAddress(address);
    SysfsValues.readOptional(entry.resolve("vendor")).ifPresent(parent::setVendorId);
    SysfsValues.readOptional(entry.resolve("device")).ifPresent(parent::setDeviceId);
    String driver = SysfsValues.linkBasename(entry.resolve("driver")).orElse("");
    parent.setDriver(driver);
    String driverVersion = driverVersionOverride.orElse("");
    if (driverVersion.isEmpty() && !driver.isEmpty()) {
      driverVersion = SysfsValues.readOptional(root.module(driver).resolve("version")).orElse("");
    }
    parent.setDriverVersion(driverVersion);

    Path typesDir = entry.resolve("mdev_supported_types");
    List<RawType> rawTypes = new ArrayList<>();
    if (Files.isDirectory(typesDir)) {
      for (Path typeDir : sortedEntries(typesDir, problems, "the types of parent " + address)) {
        try {
          readType(address, typeDir, problems).ifPresent(rawTypes::add);
        } catch (RuntimeException | IOException e) {
          problems.add(
              Problems.of(
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
          Problems.of(
              typesDir,
              "Parent device "
                  + address
                  + " has no mdev_supported_types directory; check that the vendor driver is loaded."));
    }
    String board = BoardNames.fromTypeNames(rawTypes.stream().map(t -> t.type.getName()).toList());
    parent.setBoard(board);
    for (RawType raw : rawTypes) {
      DeviceType.Builder type = raw.type;
      if (raw.versionLine.isPresent()) {
        type.setSignature(raw.versionLine.get())
            .setSignatureSource(SignatureSource.SIGNATURE_SOURCE_VERSION_ATTRIBUTE);
      } else {
        type.setSignature(Signatures.derived(type.getTypeId(), board, driver, driverVersion))
            .setSignatureSource(SignatureSource.SIGNATURE_SOURCE_DERIVED);
      }
      parent.addTypes(type);
    }
    return Optional.of(parent.build());
  }

  private record RawType(DeviceType.Builder type, Optional<String> versionLine) {}

  private Optional<RawType> readType(String parent, Path typeDir, List<Problem> problems)
      throws IOException {
    String typeId = typeDir.getFileName().toString();
    if (!Files.isDirectory(typeDir)) {
      return Optional.empty();
    }
    Path availablePath = typeDir.resolve("available_instances");
    Optional<String> available = SysfsValues.readOptional(availablePath);
    if (available.isEmpty()) {
      problems.add(
          Problems.of(
              availablePath,
              "Type "
                  + typeId
                  + " on parent "
                  + parent
                  + " has no available_instances file; left out of the inventory, check the vendor driver."));
      return Optional.empty();
    }
    int availableInstances;
    try {
      availableInstances = Integer.parseInt(available.get());
    } catch (NumberFormatException e) {
      problems.add(
          Problems.of(
              availablePath,
              "Type "
                  + typeId
                  + " on parent "
                  + parent
                  + " has a non-numeric available_instances '"
                  + available.get()
                  + "'; left out of the inventory, check the vendor driver."));
      return Optional.empty();
    }
    Path deviceApiPath = typeDir.resolve("device_api");
    Optional<String> deviceApi = SysfsValues.readOptional(deviceApiPath);
    if (deviceApi.isEmpty()) {
      problems.add(
          Problems.of(
              deviceApiPath,
              "Type "
                  + typeId
                  + " on parent "
                  + parent
                  + " has no device_api file; left out of the inventory, check the vendor driver."));
      return Optional.empty();
    }
    DeviceType.Builder type =
        DeviceType.newBuilder()
            .setTypeId(typeId)
            .setAvailableInstances(availableInstances)
            .setDeviceApi(deviceApi.get());
    SysfsValues.readOptional(typeDir.resolve("name")).ifPresent(type::setName);
    SysfsValues.readOptional(typeDir.resolve("description")).ifPresent(type::setDescription);
    Optional<String> versionLine = Optional.empty();
    for (String attribute : VERSION_ATTRIBUTES) {
      Path file = typeDir.resolve(attribute);
      if (Files.isRegularFile(file)) {
        versionLine = Signatures.fromAttribute(SysfsValues.firstLine(file));
        break;
      }
    }
    return Optional.of(new RawType(type, versionLine));
  }

  private Optional<DeviceInstance> readInstance(Path entry, List<Problem> problems)
      throws IOException {
    String uuid = entry.getFileName().toString();
    if (!Files.exists(entry)) {
      problems.add(
          Problems.of(
              entry,
              "Mediated device "
                  + uuid
                  + " is a dangling link; check it with `mdevctl list` and remove it if it is stale."));
      return Optional.empty();
    }
    Path device = entry.toRealPath();
    Path parentDir = device.getParent();
    Path typeLink = device.resolve("mdev_type");
    if (!Files.exists(typeLink)) {
      problems.add(
          Problems.of(
              entry.resolve("mdev_type"),
              "Mediated device "
                  + uuid
                  + " has no mdev_type link, so its type is unknown; it was probably half-created:"
                  + " check it with `mdevctl list` and remove it if it is stale."));
      return Optional.empty();
    }
    String typeId = typeLink.toRealPath().getFileName().toString();
    return Optional.of(
        DeviceInstance.newBuilder()
            .setUuid(uuid)
            .setTypeId(typeId)
            .setParentAddress(parentDir == null ? "" : parentDir.getFileName().toString())
            .build());
  }

  /** Entries of a directory sorted by name; a missing directory is simply empty. */
  static List<Path> sortedEntries(Path dir, List<Problem> problems, String what) {
    List<Path> entries = new ArrayList<>();
    if (!Files.exists(dir)) {
      return entries;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(entries::add);
    } catch (IOException | RuntimeException e) {
      problems.add(
          Problems.of(
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
