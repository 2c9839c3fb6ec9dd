package io.migplan.agent.sim;

import io.migplan.capacity.CapacityModels;
import io.migplan.capacity.NvidiaEqualSizeModel;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.TypeDemand;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GPUs of one simulated host as the simulator needs them: for each parent under {@code
 * sys/class/mdev_bus}, its device directory, its types (framebuffer and max_instance from the
 * description the driver writes) and the mdevs on it. Read from the tree every time, so a tree
 * edited by hand or reused from an earlier run is still the truth; and where the files of one
 * mdev go, shared by the generator and the operations.
 *
 * <p>Capacity follows the NVIDIA equal-size rule (fixtures/FACTS.md section 3a): an empty GPU
 * offers every type at max_instance; a GPU holding vGPUs of framebuffer F offers the types of size
 * F at {@code max_instance - used} (different series of one size coexist, as observed on RTX A6000
 * and P40, OBSERVED.md D3 and D5) and every other type at 0.
 */
final class HostTree {
  private static final Pattern FRAMEBUFFER = Pattern.compile("framebuffer=(\\d+)M");
  private static final Pattern MAX_INSTANCE = Pattern.compile("max_instance=(\\d+)");

  private HostTree() {}

  record TypeInfo(String typeId, int framebufferMib, int maxInstance) {}

  /** One GPU: address, its directory relative to {@code sys/}, its types and mdev uuid -> type. */
  record Gpu(String address, String devicePath, Map<String, TypeInfo> types, Map<String, String> instances) {
    int used() {
      return instances.size();
    }

    /** The framebuffer all vGPUs here share, or 0 when the GPU is empty. */
    int lockedFramebufferMib() {
      return (int) capacity().getLockedFramebufferMib();
    }

    /** The agent's equal-size model of this GPU, the rule every availability here follows. */
    Capacity capacity() {
      Map<String, TypeDemand> demands = new TreeMap<>();
      types.values().forEach(t -> demands.put(t.typeId(),
          NvidiaEqualSizeModel.demand(t.framebufferMib(), t.maxInstance())));
      return NvidiaEqualSizeModel.of(demands, List.copyOf(instances.values()));
    }

    int available(TypeInfo type) {
      return CapacityModels.fits(capacity(), type.typeId());
    }

    /** Why a vGPU of {@code typeId} cannot be created here, or empty when it can. */
    Optional<String> refusal(String typeId) {
      TypeInfo type = types.get(typeId);
      if (type == null) {
        return Optional.of(address + " has no type " + typeId);
      }
      if (available(type) > 0) {
        return Optional.empty();
      }
      int locked = lockedFramebufferMib();
      if (locked != type.framebufferMib()) {
        return Optional.of(address + " is locked to " + locked + " MiB vGPUs (" + used() + " present), "
            + typeId + " needs " + type.framebufferMib() + " MiB");
      }
      return Optional.of(address + " is full (" + used() + " of " + type.maxInstance() + " " + typeId + ")");
    }

    Gpu with(String uuid, String typeId) {
      Map<String, String> more = new TreeMap<>(instances);
      more.put(uuid, typeId);
      return new Gpu(address, devicePath, types, more);
    }

    Gpu without(String uuid) {
      Map<String, String> fewer = new TreeMap<>(instances);
      fewer.remove(uuid);
      return new Gpu(address, devicePath, types, fewer);
    }
  }

  /** The host's GPUs in address order. */
  static List<Gpu> read(Path root) throws IOException {
    List<Gpu> gpus = new ArrayList<>();
    for (Path entry : sorted(root.resolve("sys/class/mdev_bus"))) {
      String address = entry.getFileName().toString();
      Path link = Files.readSymbolicLink(entry);
      // The bus entry points at ../../devices/...; relative to sys/ that is devices/...
      String devicePath = link.toString().replaceFirst("^(\\.\\./)+", "");
      Path dir = root.resolve("sys").resolve(devicePath);
      Map<String, TypeInfo> types = new LinkedHashMap<>();
      for (Path typeDir : sorted(dir.resolve("mdev_supported_types"))) {
        String description = Files.readString(typeDir.resolve("description"));
        types.put(typeDir.getFileName().toString(), new TypeInfo(typeDir.getFileName().toString(),
            number(FRAMEBUFFER, description, typeDir), number(MAX_INSTANCE, description, typeDir)));
      }
      Map<String, String> instances = new TreeMap<>();
      for (Path child : sorted(dir)) {
        Path typeLink = child.resolve("mdev_type");
        if (Files.isSymbolicLink(typeLink)) {
          instances.put(child.getFileName().toString(), Files.readSymbolicLink(typeLink).getFileName().toString());
        }
      }
      gpus.add(new Gpu(address, devicePath, types, instances));
    }
    return gpus;
  }

  /** Writes available_instances of every type of a GPU as the rule says. */
  static void writeAvailability(Path root, Gpu gpu, TreeEdit edit) throws IOException {
    Path types = typesDir(root, gpu);
    for (TypeInfo t : gpu.types().values()) {
      Path file = types.resolve(t.typeId()).resolve("available_instances");
      String value = Integer.toString(gpu.available(t));
      if (!Files.readString(file).strip().equals(value)) {
        edit.write(file, value);
      }
    }
  }

  /** The files of one mdev as the kernel shows them: its directory, the type's link, the bus link. */
  static void createInstance(Path root, Gpu gpu, String uuid, String typeId, TreeEdit edit) throws IOException {
    Path mdev = root.resolve("sys").resolve(gpu.devicePath()).resolve(uuid);
    edit.createDirectory(mdev);
    edit.symlink(mdev.resolve("mdev_type"), Path.of("../mdev_supported_types/" + typeId));
    edit.createFile(mdev.resolve("remove"));
    edit.symlink(typesDir(root, gpu).resolve(typeId).resolve("devices").resolve(uuid), Path.of("../../../" + uuid));
    edit.symlink(root.resolve("sys/bus/mdev/devices").resolve(uuid), Path.of("../../../" + gpu.devicePath() + "/" + uuid));
  }

  static void removeInstance(Path root, Gpu gpu, String uuid, TreeEdit edit) throws IOException {
    String typeId = gpu.instances().get(uuid);
    Path mdev = root.resolve("sys").resolve(gpu.devicePath()).resolve(uuid);
    edit.delete(root.resolve("sys/bus/mdev/devices").resolve(uuid));
    edit.delete(typesDir(root, gpu).resolve(typeId).resolve("devices").resolve(uuid));
    for (Path child : sorted(mdev)) {
      edit.delete(child);
    }
    edit.delete(mdev);
  }

  private static Path typesDir(Path root, Gpu gpu) {
    return root.resolve("sys").resolve(gpu.devicePath()).resolve("mdev_supported_types");
  }

  private static int number(Pattern p, String description, Path typeDir) throws IOException {
    Matcher m = p.matcher(description);
    if (!m.find()) {
      throw new IOException(typeDir + "/description has no " + p.pattern() + ": " + description.strip());
    }
    return Integer.parseInt(m.group(1));
  }

  static List<Path> sorted(Path dir) throws IOException {
    List<Path> entries = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return entries;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(entries::add);
    }
    entries.sort(Comparator.comparing(p -> p.getFileName().toString()));
    return entries;
  }

  static boolean exists(Path p) {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
  }
}
