package io.migplan.agent.inventory;

import java.util.Locale;
import java.util.Optional;

/**
 * The id of a vGPU that has no mdev UUID (vGPU 17+ on SR-IOV VFs, nvidia/OBSERVED.md section E):
 * a UUID-shaped string made from the VF's PCI address, so it goes wherever an mdev UUID goes
 * (DeviceInstance.uuid, Vm.device_uuids) and is the same on every scan and every agent.
 *
 * <p>Form: {@code 6e766770-0000-8000-8000-DDDDDDBBSSFF}, where DDDDDD/BB/SS/FF are the PCI
 * domain, bus, slot and function in hex ({@code 0000:59:00.4} gives {@code
 * 6e766770-0000-8000-8000-000000590004}). The first group is ASCII "nvgp"; version 8 and variant
 * 10 mark it as a custom RFC 9562 UUID, so it never collides with the random (version 4) UUIDs
 * mdevs get, and it can be read back to the address. It decides nothing about which VFs are vGPUs.
 */
public final class VgpuDeviceIds {
  private static final String PREFIX = "6e766770-0000-8000-8000-";

  private VgpuDeviceIds() {}

  /** The id of the vGPU on a VF, or empty when the address is not {@code dddd:bb:ss.f}. */
  public static Optional<String> forAddress(String pciAddress) {
    return PciAddresses.parse(pciAddress)
        .map(a -> PREFIX + String.format(Locale.ROOT, "%06x%02x%02x%02x", a.domain(), a.bus(), a.slot(), a.function()));
  }

  public static boolean isDerived(String uuid) {
    return uuid.startsWith(PREFIX);
  }

  /** The canonical address an id was made from ({@code 0000:59:00.4}), if it is one of ours. */
  public static Optional<String> addressOf(String uuid) {
    if (!isDerived(uuid) || uuid.length() != PREFIX.length() + 12) {
      return Optional.empty();
    }
    String hex = uuid.substring(PREFIX.length());
    try {
      return Optional.of(
          PciAddresses.format(
              Integer.parseInt(hex.substring(0, 6), 16),
              Integer.parseInt(hex.substring(6, 8), 16),
              Integer.parseInt(hex.substring(8, 10), 16),
              Integer.parseInt(hex.substring(10, 12), 16)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
