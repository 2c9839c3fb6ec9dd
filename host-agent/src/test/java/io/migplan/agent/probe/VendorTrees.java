package io.migplan.agent.probe;

import static io.migplan.agent.TestTrees.populateParentDevice;
import static io.migplan.agent.TestTrees.write;

import io.migplan.agent.inventory.Signatures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A host with three vendors: a T4 bound to nvidia, the mtty sample's virtual parent (no driver
 * link, as on a real host) and an iGPU bound to i915 whose V5_4 type has a version attribute.
 */
public final class VendorTrees {
  public static final String T4 = "0000:3b:00.0";
  public static final String MTTY = "mtty";
  public static final String IGPU = "0000:00:02.0";
  public static final String DRIVER = "550.90.07";
  public static final String T231 = Signatures.derived("nvidia-231", "T4", "nvidia", DRIVER);

  private VendorTrees() {}

  public static void build(Path root) {
    try {
      populateParentDevice(root, T4, "nvidia-231", 6, "vfio-pci", "GRID T4-2Q", null);
      populateParentDevice(root, T4, "nvidia-232", 4, "vfio-pci", "GRID T4-4Q", null);
      driver(root, T4, "sys/bus/pci/drivers/nvidia");
      write(root.resolve("sys/module/nvidia/version"), DRIVER + "\n");
      populateParentDevice(root, MTTY, "mtty-1", 24, "vfio-pci", "Single port serial", null);
      populateParentDevice(root, MTTY, "mtty-2", 12, "vfio-pci", "Dual port serial", null);
      Path v54 = populateParentDevice(root, IGPU, "i915-GVTg_V5_4", 4, "vfio-pci", "GVTg_V5_4", null);
      write(v54.resolve("version"), "00028086-193b-i915-GVTg_V5_4\n");
      driver(root, IGPU, "sys/bus/pci/drivers/i915");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds a type to the T4 after the agent has scanned. */
  public static void addT4Type(Path root, String typeId, String name) {
    populateParentDevice(root, T4, typeId, 2, "vfio-pci", name, null);
  }

  private static void driver(Path root, String parent, String driverDir) throws IOException {
    Files.createDirectories(root.resolve(driverDir));
    Files.createSymbolicLink(root.resolve("sys/class/mdev_bus").resolve(parent).resolve("driver"), root.resolve(driverDir));
  }

  /** A tool that answers every question COMPATIBLE, naming itself. */
  public static Path compatibleTool(Path dir) {
    return CommandScripts.answering(dir, "vendor-tool",
        "printf '{\"id\":\"%s\",\"verdict\":\"COMPATIBLE\",\"message\":\"vendor tool accepts %s\"}\\n' \"$id\" \"$id\"");
  }
}
