package io.migplan.agent.inventory;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The one directory every host path hangs off: {@code /} in production, a test or simulator tree
 * elsewhere (the mdevctl "Environment" idea). Decides where sysfs, procfs and libvirt's runtime
 * files are looked up; it does not read them.
 */
public final class HostRoot {
  private final Path root;

  private HostRoot(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public static HostRoot of(Path root) {
    return new HostRoot(Objects.requireNonNull(root, "root"));
  }

  public static HostRoot of(String root) {
    return of(Path.of(root));
  }

  public Path root() {
    return root;
  }

  /** An absolute host path such as {@code /sys/module} re-anchored under this root. */
  public Path resolve(String hostPath) {
    String relative = hostPath.startsWith("/") ? hostPath.substring(1) : hostPath;
    return root.resolve(relative);
  }

  /** One entry per parent device; a symlink to the device dir on a real host. */
  public Path mdevBus() {
    return resolve("sys/class/mdev_bus");
  }

  /** One symlink per active mediated device, named by its UUID. */
  public Path mdevDevices() {
    return resolve("sys/bus/mdev/devices");
  }

  public Path module(String name) {
    return resolve("sys/module").resolve(name);
  }

  /** libvirt's state files for running QEMU domains. */
  public Path libvirtRunningDomains() {
    return resolve("run/libvirt/qemu");
  }

  public Path procMeminfo() {
    return resolve("proc/meminfo");
  }

  /** The directory of one mdev type on one parent, whether or not it exists. */
  public Path typeDir(String parent, String typeId) {
    return mdevBus().resolve(parent).resolve("mdev_supported_types").resolve(typeId);
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
