package io.migplan.agent.bench;

import io.migplan.agent.scan.HostScanner;
import io.migplan.agent.config.AgentConfig;
import io.migplan.capacity.CapacityModels;
import io.migplan.capacity.NvidiaEqualSizeModel;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.TypeDemand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Times full scans ({@link HostScanner#scan()}) of a generated 8-GPU host (20 T4-like types per
 * GPU, 64 VMs each holding one vGPU) against the raw I/O floor: the same directory listings,
 * links and files read without any parsing. Both run alternately in one process so they share
 * the machine's noise. A benchmark, not a test: it asserts nothing.
 */
@Command(
    name = "bench-scan",
    description = "Time full scans of a generated 8-GPU host against the raw I/O floor.",
    mixinStandardHelpOptions = true)
public final class BenchScanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--iterations", defaultValue = "300", description = "timed scans (default: ${DEFAULT-VALUE})")
  int iterations;

  @Option(names = "--warmup", defaultValue = "300", description = "untimed scans first, for the JIT (default: ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--dir", description = "where to write the host tree (default: a temporary directory, removed after)")
  Path dir;

  /** GPUs of the generated host: a dense 8-GPU server. */
  static final int GPUS = 8;
  /** vGPUs (and VMs) per GPU, 64 in all; sizes mixed: 1, 2, 4 and 8 GiB types, one GPU left empty. */
  static final int[] FILL = {16, 8, 12, 4, 8, 10, 2, 4};
  /** The framebuffer (GiB) of the type filling each GPU; max_instance = 16 / size. */
  static final int[] FILL_SIZE_GIB = {1, 2, 1, 4, 2, 1, 8, 1};
  /** Types per GPU: sizes 1, 2, 4, 8 and 16 GiB in five series (B, A, Q, C, B4), as on a T4; ids 222 upward. */
  static final int TYPES = 20;

  private static int sizeGib(int type) {
    return 1 << (type % 5);
  }

  private static int maxInstance(int type) {
    return 16 / sizeGib(type);
  }

  private static String typeId(int type) {
    return "nvidia-" + (222 + type);
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    boolean temporary = dir == null;
    Path root = temporary ? Files.createTempDirectory("bench-scan") : dir;
    try {
      int files = writeHost(root);
      AgentConfig config =
          AgentConfig.builder().hostId("bench").release("bench").root(root).cpus(64).memoryMib(524288L).build();
      HostScanner scanner = new HostScanner(config);
      HostSnapshot check = scanner.scan();
      out.printf(Locale.ROOT, "host: %d parents, %d types, %d mdevs, %d VMs, %d problems, %d entries read per scan%n",
          check.getParentsCount(), check.getParentsList().stream().mapToInt(p -> p.getTypesCount()).sum(),
          check.getInstancesCount(), check.getVmsCount(), check.getProblemsCount(), files);
      long sink = 0;
      for (int i = 0; i < warmup; i++) {
        sink += scanner.scan().getParentsCount() + rawFloor(root);
      }
      long[] scans = new long[iterations];
      long[] floors = new long[iterations];
      for (int i = 0; i < iterations; i++) {
        long t0 = System.nanoTime();
        sink += scanner.scan().getParentsCount();
        long t1 = System.nanoTime();
        sink += rawFloor(root);
        long t2 = System.nanoTime();
        scans[i] = t1 - t0;
        floors[i] = t2 - t1;
      }
      Arrays.sort(scans);
      Arrays.sort(floors);
      out.printf(Locale.ROOT, "scan:      median %.2f ms  p90 %.2f ms  (n=%d, warmup %d)%n",
          ms(percentile(scans, 50)), ms(percentile(scans, 90)), iterations, warmup);
      out.printf(Locale.ROOT, "raw floor: median %.2f ms  p90 %.2f ms%n", ms(percentile(floors, 50)), ms(percentile(floors, 90)));
      out.printf(Locale.ROOT, "ratio scan/floor (medians): %.2f%s%n",
          (double) percentile(scans, 50) / percentile(floors, 50), sink == 42 ? " " : "");
      out.flush();
      return 0;
    } finally {
      if (temporary) {
        deleteTree(root);
      }
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static long percentile(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  /** Lists, reads links and files exactly where a scan looks, parsing nothing; returns bytes read. */
  static long rawFloor(Path root) throws IOException {
    long bytes = 0;
    for (Path parent : list(root.resolve("sys/class/mdev_bus"))) {
      bytes += read(parent.resolve("vendor")) + read(parent.resolve("device"));
      Files.readSymbolicLink(parent.resolve("driver"));
      for (Path type : list(parent.resolve("mdev_supported_types"))) {
        for (Path file : list(type)) {
          String name = file.getFileName().toString();
          if (!name.equals("create") && !name.equals("devices")) {
            bytes += read(file);
          }
        }
      }
    }
    bytes += read(root.resolve("sys/module/nvidia/version"));
    for (Path mdev : list(root.resolve("sys/bus/mdev/devices"))) {
      Files.readSymbolicLink(mdev);
      Files.readSymbolicLink(mdev.resolve("mdev_type"));
    }
    for (Path xml : list(root.resolve("run/libvirt/qemu"))) {
      bytes += read(xml);
    }
    bytes += read(root.resolve("proc/meminfo"));
    return bytes;
  }

  private static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      s.forEach(out::add);
    }
    return out;
  }

  private static long read(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllBytes(file).length : 0;
  }

  /** Writes the host; returns the number of files and links a scan reads. */
  static int writeHost(Path root) throws IOException {
    int entries = 0;
    write(root.resolve("sys/module/nvidia/version"), "550.90.07\n");
    write(root.resolve("proc/meminfo"), "MemTotal:       536870912 kB\n");
    Files.createDirectories(root.resolve("sys/bus/pci/drivers/nvidia"));
    Files.createDirectories(root.resolve("sys/class/mdev_bus"));
    Files.createDirectories(root.resolve("sys/bus/mdev/devices"));
    Files.createDirectories(root.resolve("run/libvirt/qemu"));
    int vm = 0;
    for (int g = 0; g < GPUS; g++) {
      String bdf = String.format(Locale.ROOT, "0000:%02x:00.0", 0x1b + 0x10 * g);
      String devicePath = String.format(Locale.ROOT, "devices/pci0000:%02x/0000:%02x:00.0/%s", 0x1a + 0x10 * g, 0x1a + 0x10 * g, bdf);
      Path gpu = root.resolve("sys").resolve(devicePath);
      Files.createDirectories(gpu);
      write(gpu.resolve("vendor"), "0x10de\n");
      write(gpu.resolve("device"), "0x1eb8\n");
      Files.createSymbolicLink(gpu.resolve("driver"), Path.of("../../../../bus/pci/drivers/nvidia"));
      Files.createSymbolicLink(root.resolve("sys/class/mdev_bus").resolve(bdf), Path.of("../../" + devicePath));
      entries += 4;
      int used = FILL[g];
      String usedType = null;
      Map<String, TypeDemand> demands = new TreeMap<>();
      for (int t = 0; t < TYPES; t++) {
        demands.put(typeId(t), NvidiaEqualSizeModel.demand(sizeGib(t) * 1024L, maxInstance(t)));
        if (usedType == null && sizeGib(t) == FILL_SIZE_GIB[g]) {
          usedType = typeId(t);
        }
      }
      // What each type has free is the equal-size rule's, from the vGPUs present.
      Capacity capacity = NvidiaEqualSizeModel.of(demands, Collections.nCopies(used, usedType));
      for (int t = 0; t < TYPES; t++) {
        String series = new String[] {"B", "A", "Q", "C", "B4"}[t / 4 % 5];
        Path type = gpu.resolve("mdev_supported_types").resolve(typeId(t));
        Files.createDirectories(type.resolve("devices"));
        write(type.resolve("name"), "GRID T4-" + sizeGib(t) + series + "\n");
        write(type.resolve("description"), "num_heads=4, frl_config=60, framebuffer=" + sizeGib(t) * 1024
            + "M, max_resolution=7680x4320, max_instance=" + maxInstance(t) + "\n");
        write(type.resolve("device_api"), "vfio-pci\n");
        write(type.resolve("available_instances"), CapacityModels.fits(capacity, typeId(t)) + "\n");
        write(type.resolve("create"), "");
        entries += 5;
      }
      for (int n = 0; n < used; n++) {
        UUID uuid = UUID.nameUUIDFromBytes(("bench/" + bdf + "/" + n).getBytes(StandardCharsets.UTF_8));
        Path mdev = gpu.resolve(uuid.toString());
        Files.createDirectories(mdev);
        Files.createSymbolicLink(mdev.resolve("mdev_type"), Path.of("../mdev_supported_types/" + usedType));
        write(mdev.resolve("remove"), "");
        Files.createSymbolicLink(
            gpu.resolve("mdev_supported_types").resolve(usedType).resolve("devices").resolve(uuid.toString()),
            Path.of("../../../" + uuid));
        Files.createSymbolicLink(
            root.resolve("sys/bus/mdev/devices").resolve(uuid.toString()), Path.of("../../../" + devicePath + "/" + uuid));
        vm++;
        String name = String.format(Locale.ROOT, "bench-vm-%02d", vm);
        write(root.resolve("run/libvirt/qemu").resolve(name + ".xml"), domstatus(name, uuid));
        entries += 3;
      }
    }
    return entries;
  }

  private static String domstatus(String name, UUID mdev) {
    UUID vm = UUID.nameUUIDFromBytes(("vm/" + name).getBytes(StandardCharsets.UTF_8));
    return "<domstatus state='running' reason='booted' pid='1'>\n  <domain type='kvm' id='1'>\n"
        + "    <name>" + name + "</name>\n    <uuid>" + vm + "</uuid>\n"
        + "    <memory unit='KiB'>16777216</memory>\n    <vcpu placement='static'>8</vcpu>\n"
        + "    <devices>\n      <hostdev mode='subsystem' type='mdev' managed='no' model='vfio-pci' display='off'>\n"
        + "        <source>\n          <address uuid='" + mdev + "'/>\n        </source>\n      </hostdev>\n"
        + "    </devices>\n  </domain>\n</domstatus>\n";
  }

  private static void write(Path file, String value) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, value);
  }

  private static void deleteTree(Path root) throws IOException {
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
