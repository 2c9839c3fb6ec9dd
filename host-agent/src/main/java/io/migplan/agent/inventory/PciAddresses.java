package io.migplan.agent.inventory;

import java.util.Locale;
import java.util.Optional;

/**
 * PCI addresses as sysfs names them ({@code 0000:59:00.4}: domain, bus, slot, function in hex)
 * and as libvirt writes them ({@code domain='0x0000' bus='0x59' slot='0x00' function='0x4'}).
 * Both forms map to the one canonical sysfs spelling, so a VM's hostdev and a VF can be matched.
 */
public final class PciAddresses {
  /**
   * Field limits: 8-bit bus, 5-bit slot and 3-bit function (PCI); domains go past 16 bits on
   * hosts with Intel VMD (0x10000 and up), so up to six hex digits are accepted.
   */
  private static final int MAX_DOMAIN = 0xffffff;
  private static final int MAX_BUS = 0xff;
  private static final int MAX_SLOT = 0x1f;
  private static final int MAX_FUNCTION = 0x7;

  public record Address(int domain, int bus, int slot, int function) {}

  private PciAddresses() {}

  public static Optional<Address> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int c1 = text.indexOf(':');
    int c2 = c1 < 0 ? -1 : text.indexOf(':', c1 + 1);
    int dot = c2 < 0 ? -1 : text.indexOf('.', c2 + 1);
    if (c1 <= 0 || c2 < 0 || dot < 0) {
      return Optional.empty();
    }
    return of(
        hex(text.substring(0, c1)),
        hex(text.substring(c1 + 1, c2)),
        hex(text.substring(c2 + 1, dot)),
        hex(text.substring(dot + 1)));
  }

  /** libvirt's attributes, each "0x.." hex (or decimal, which libvirt also accepts). */
  public static Optional<String> fromLibvirt(String domain, String bus, String slot, String function) {
    return of(number(domain), number(bus), number(slot), number(function))
        .map(a -> format(a.domain(), a.bus(), a.slot(), a.function()));
  }

  public static String canonical(String text) {
    return parse(text).map(a -> format(a.domain(), a.bus(), a.slot(), a.function())).orElse(text);
  }

  static String format(int domain, int bus, int slot, int function) {
    return String.format(Locale.ROOT, "%04x:%02x:%02x.%x", domain, bus, slot, function);
  }

  private static Optional<Address> of(int domain, int bus, int slot, int function) {
    if (domain < 0 || domain > MAX_DOMAIN || bus < 0 || bus > MAX_BUS || slot < 0 || slot > MAX_SLOT
        || function < 0 || function > MAX_FUNCTION) {
      return Optional.empty();
    }
    return Optional.of(new Address(domain, bus, slot, function));
  }

  private static int hex(String s) {
    // Six hex digits is the widest field (the domain); longer is not an address.
    if (s.isEmpty() || s.length() > 6) {
      return -1;
    }
    try {
      return Integer.parseInt(s, 16);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int number(String s) {
    if (s == null) {
      return -1;
    }
    String t = s.strip();
    if (t.isEmpty()) {
      return 0;
    }
    if (t.startsWith("0x") || t.startsWith("0X")) {
      return hex(t.substring(2));
    }
    try {
      return t.length() > 8 ? -1 : Integer.parseInt(t);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
