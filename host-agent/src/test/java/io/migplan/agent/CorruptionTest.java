package io.migplan.agent;

import static io.migplan.agent.SysfsTrees.T4;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.agent.scan.HostScanner;
import io.migplan.agent.SysfsTrees.NvidiaType;
import io.migplan.agent.config.AgentConfig;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.Vm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 seeded corruptions of attribute files, links, type directories and libvirt domain files
 * on a realistic host (two T4s, a GVT-g iGPU, vGPU 17+ VFs, VMs). Each is applied to the tree,
 * scanned, and undone. No exception may escape, every corruption that leaves something
 * unreadable must be a Problem with its path, and every other parent and VM is still reported.
 */
class CorruptionTest {
  private static final long SEED = 20240601L;
  private static final int CORRUPTIONS = 1000;

  @TempDir Path root;
  @TempDir Path backups;

  enum Kind { TRUNCATE, GARBAGE, EMPTY, BINARY, HUGE, DELETE, DANGLING, LOOP, NON_DIRECTORY }

  /** What a target is, which decides when a corruption of it must be reported. */
  enum Role { AVAILABLE, DEVICE_API, OPTIONAL_VALUE, LINK, PHYSFN, TYPE_DIR, CREATABLE, CURRENT, DOMAIN_XML }

  record Target(Path path, Role role, String owner) {}

  private final List<Target> targets = new ArrayList<>();

  private void buildHost() {
    String[] gpus = {"pci0000:3a/0000:3a:00.0/0000:3b:00.0", "pci0000:d7/0000:d7:00.0/0000:d8:00.0"};
    for (int g = 0; g < gpus.length; g++) {
      Path dir = SysfsTrees.mdevParent(root, gpus[g]);
      String address = dir.getFileName().toString();
      targets.add(new Target(root.resolve("sys/class/mdev_bus").resolve(address), Role.LINK, address));
      for (NvidiaType t : T4) {
        Path typeDir = SysfsTrees.nvidiaType(dir, t, g == 0 ? (t.fbMib() == 2048 ? t.max() - 2 : 0) : t.max());
        targets.add(new Target(typeDir, Role.TYPE_DIR, address));
        targets.add(new Target(typeDir.resolve("available_instances"), Role.AVAILABLE, address));
        targets.add(new Target(typeDir.resolve("device_api"), Role.DEVICE_API, address));
        targets.add(new Target(typeDir.resolve("name"), Role.OPTIONAL_VALUE, address));
        targets.add(new Target(typeDir.resolve("description"), Role.OPTIONAL_VALUE, address));
      }
    }
    for (int i = 1; i <= 2; i++) {
      String uuid = "0a3e1b6c-7d2f-4c1e-9b7a-5f0e2d3c4b0" + i;
      Path dev = SysfsTrees.mdev(root, gpus[0], uuid, "nvidia-231");
      targets.add(new Target(dev.resolve("mdev_type"), Role.LINK, "0000:3b:00.0"));
      targets.add(new Target(root.resolve("sys/bus/mdev/devices").resolve(uuid), Role.LINK, "0000:3b:00.0"));
      targets.add(new Target(SysfsTrees.domain(root, "t4-vm-" + i, "9d1c0000-0000-4000-8000-00000000000" + i,
          SysfsTrees.mdevHostdev(uuid)), Role.DOMAIN_XML, "t4-vm-" + i));
    }
    String igpu = "pci0000:00/0000:00:02.0";
    Path gvt = SysfsTrees.mdevParent(root, igpu);
    String[][] gvtTypes = {{"8", "64", "384", "5"}, {"4", "128", "512", "4"}, {"2", "256", "1024", "2"}, {"1", "512", "2048", "1"}};
    for (String[] t : gvtTypes) {
      Path typeDir = SysfsTrees.type(gvt, "i915-GVTg_V5_" + t[0], Integer.parseInt(t[3]), "vfio-pci", "GVTg_V5_" + t[0],
          "low_gm_size: " + t[1] + "MB\nhigh_gm_size: " + t[2] + "MB\nfence: 4\nresolution: 1920x1200\nweight: " + (16 / Integer.parseInt(t[0])) + "\n");
      targets.add(new Target(typeDir.resolve("available_instances"), Role.AVAILABLE, "0000:00:02.0"));
      targets.add(new Target(typeDir.resolve("description"), Role.OPTIONAL_VALUE, "0000:00:02.0"));
    }
    SysfsTrees.mdev(root, igpu, "5c1f6e0a-2b7d-4d3e-8f1a-9c0b7e6d5a41", "i915-GVTg_V5_4");
    for (int i = 0; i < 3; i++) {
      String path = "pci0000:40/0000:40:01.0/0000:41:00." + (4 + i);
      String address = "0000:41:00." + (4 + i);
      Path vf = SysfsTrees.vgpuVf(root, path, i, "ID : vGPU type\n1414 : NVIDIA H200X-1-18C\n1428 : NVIDIA H200X-141C\n",
          i == 0 ? "1414\n" : "0\n");
      targets.add(new Target(vf.resolve("nvidia/creatable_vgpu_types"), Role.CREATABLE, address));
      targets.add(new Target(vf.resolve("nvidia/current_vgpu_type"), Role.CURRENT, address));
      targets.add(new Target(vf.resolve("physfn"), Role.PHYSFN, address));
    }
    targets.add(new Target(SysfsTrees.domain(root, "h200-vm", "9d1c0000-0000-4000-8000-000000000009",
        SysfsTrees.pciHostdev(0, 0x41, 0, 4)), Role.DOMAIN_XML, "h200-vm"));
    for (int i = 0; i < 5; i++) {
      // The first holds the iGPU's mdev: an active mdev no domain holds would be a problem of its own.
      String[] hostdevs = i == 0 ? new String[] {SysfsTrees.mdevHostdev("5c1f6e0a-2b7d-4d3e-8f1a-9c0b7e6d5a41")}
          : new String[0];
      targets.add(new Target(SysfsTrees.domain(root, "plain-vm-" + i, "9d1c0000-0000-4000-8000-00000000010" + i,
          hostdevs), Role.DOMAIN_XML, "plain-vm-" + i));
    }
  }

  private HostScanner scanner;

  private HostSnapshot scan() {
    if (scanner == null) {
      scanner = new HostScanner(AgentConfig.builder().hostId("h").release("r").root(root).cpus(8).memoryMib(1024L).build());
    }
    return scanner.scan();
  }

  @Test
  @Timeout(60)
  void thousandSeededCorruptionsNeverEscapeAndAreEachReportedWithTheirPath() throws IOException {
    buildHost();
    HostSnapshot baseline = scan();
    assertThat(baseline.getProblemsList()).isEmpty();
    assertThat(baseline.getParentsCount()).isEqualTo(6);
    assertThat(baseline.getVmsCount()).isEqualTo(8);
    SplittableRandom rnd = new SplittableRandom(SEED);
    Kind[] kinds = Kind.values();
    int reported = 0;

    for (int n = 0; n < CORRUPTIONS; n++) {
      Target target = targets.get(rnd.nextInt(targets.size()));
      Kind kind = kinds[rnd.nextInt(kinds.length)];
      Path saved = save(target.path(), n);
      byte[] written = corrupt(target, kind, rnd);
      String what = "corruption #" + n + ": " + kind + " of " + root.relativize(target.path());

      HostSnapshot s = scan();

      assertThat(s.getProblemsList()).as(what).noneMatch(p -> p.getMessage().contains("scan stopped early"));
      if (mustBeReported(target, kind, written)) {
        Set<String> paths = s.getProblemsList().stream().map(p -> key(Path.of(p.getPath()))).collect(Collectors.toSet());
        assertThat(paths).as(what + " is reported").contains(key(target.path()));
        reported++;
      }
      Set<String> parents = s.getParentsList().stream().map(ParentDevice::getAddress).collect(Collectors.toSet());
      for (ParentDevice p : baseline.getParentsList()) {
        if (!p.getAddress().equals(target.owner())) {
          assertThat(parents).as(what + ": parent " + p.getAddress() + " still reported").contains(p.getAddress());
        }
      }
      Set<String> vms = s.getVmsList().stream().map(Vm::getName).collect(Collectors.toSet());
      for (Vm vm : baseline.getVmsList()) {
        if (!vm.getName().equals(target.owner())) {
          assertThat(vms).as(what + ": VM " + vm.getName() + " still reported").contains(vm.getName());
        }
      }

      restore(target.path(), saved);
      if (n % 50 == 0) {
        assertThat(HostScanner.content(scan())).as("tree restored after " + what).isEqualTo(HostScanner.content(baseline));
      }
    }
    // The seed must exercise the rule, not skip it.
    assertThat(reported).isGreaterThan(CORRUPTIONS / 3);
  }

  /** Whether the corruption left the scanner something it cannot read (see the class comment). */
  private static boolean mustBeReported(Target t, Kind kind, byte[] written) {
    boolean unreadable = kind == Kind.DANGLING || kind == Kind.LOOP || kind == Kind.NON_DIRECTORY
        || kind == Kind.BINARY || kind == Kind.HUGE;
    String text = written == null ? null : new String(written, StandardCharsets.UTF_8).strip();
    return switch (t.role()) {
      case AVAILABLE -> kind == Kind.DELETE || unreadable || !text.matches("\\d{1,9}");
      case DEVICE_API, CREATABLE -> kind == Kind.DELETE ? t.role() == Role.DEVICE_API : unreadable;
      case OPTIONAL_VALUE -> unreadable;
      case CURRENT -> kind == Kind.DELETE || unreadable || !text.matches("\\d{1,9}");
      // A link replaced by anything but a link (or by one leading nowhere) cannot be followed.
      case LINK, TYPE_DIR -> kind != Kind.DELETE;
      case PHYSFN -> kind != Kind.DELETE && kind != Kind.DANGLING && kind != Kind.LOOP;
      case DOMAIN_XML -> kind != Kind.DELETE;
    };
  }

  /** Replaces the target; returns the bytes written when it became a regular file. */
  private byte[] corrupt(Target t, Kind kind, SplittableRandom rnd) throws IOException {
    Path p = t.path();
    byte[] old = Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.readAllBytes(p) : new byte[0];
    byte[] content = switch (kind) {
      case TRUNCATE -> truncated(old, t.role() == Role.DOMAIN_XML, rnd);
      case GARBAGE -> garbage(rnd, 1 + rnd.nextInt(200));
      case EMPTY -> new byte[0];
      case BINARY -> binary(rnd);
      // Past the 64 KiB a sysfs value can hold; 70-200 KiB.
      case HUGE -> garbage(rnd, 70_000 + rnd.nextInt(130_000));
      default -> null;
    };
    delete(p);
    switch (kind) {
      case DELETE -> {}
      case DANGLING -> Files.createSymbolicLink(p, Path.of("gone-" + rnd.nextInt(1000)));
      case LOOP -> Files.createSymbolicLink(p, p.getFileName());
      case NON_DIRECTORY -> {
        if (t.role() == Role.TYPE_DIR || t.role() == Role.LINK || t.role() == Role.PHYSFN) {
          Files.writeString(p, "not a directory\n");
        } else {
          Files.createDirectories(p.resolve("not-a-file"));
        }
      }
      default -> Files.write(p, content);
    }
    return content;
  }

  private static byte[] truncated(byte[] old, boolean xml, SplittableRandom rnd) {
    int limit = old.length;
    if (xml) {
      // Cut before the closing '>' so the document cannot be complete.
      String s = new String(old, StandardCharsets.UTF_8);
      limit = s.lastIndexOf('>');
    }
    int len = limit <= 0 ? 0 : rnd.nextInt(limit);
    byte[] out = new byte[len];
    System.arraycopy(old, 0, out, 0, len);
    return out;
  }

  private static byte[] garbage(SplittableRandom rnd, int len) {
    byte[] out = new byte[len];
    for (int i = 0; i < len; i++) {
      out[i] = (byte) (0x20 + rnd.nextInt(0x5f)); // printable ASCII
    }
    return out;
  }

  private static byte[] binary(SplittableRandom rnd) {
    byte[] out = new byte[1 + rnd.nextInt(64)];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) rnd.nextInt(256);
    }
    out[rnd.nextInt(out.length)] = 0; // at least one NUL, so it is never text by chance
    return out;
  }

  /** The path with its directory resolved, so sysfs' two spellings of one file compare equal. */
  private static String key(Path p) {
    try {
      return p.getParent().toRealPath().resolve(p.getFileName()).toString();
    } catch (IOException e) {
      return p.toString();
    }
  }

  private Path save(Path p, int n) {
    Path copy = backups.resolve(Integer.toString(n));
    TestTrees.copyTree(p, copy);
    return copy;
  }

  private static void restore(Path p, Path saved) throws IOException {
    delete(p);
    if (Files.exists(saved, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isSymbolicLink(saved)) {
        Files.createSymbolicLink(p, Files.readSymbolicLink(saved));
      } else {
        TestTrees.copyTree(saved, p);
      }
      delete(saved);
    }
  }

  private static void delete(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(p);
      return;
    }
    Files.walkFileTree(p, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
