package io.migplan.agent.libvirt;

import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;

/**
 * Converts a libvirt memory amount with its {@code unit} attribute to MiB, rounding up so a VM is
 * never reported smaller than it is. Unit names and their meaning are libvirt's (formatdomain,
 * "memory"): no unit means KiB; "KB", "MB", ... are powers of 1000; "k"/"KiB", "M"/"MiB", ... are
 * powers of 1024.
 */
public final class MemoryUnits {
  private static final BigInteger MIB = BigInteger.valueOf(1024L * 1024L);
  private static final Map<String, BigInteger> BYTES_PER_UNIT =
      Map.ofEntries(
          Map.entry("b", BigInteger.ONE),
          Map.entry("bytes", BigInteger.ONE),
          Map.entry("kb", BigInteger.TEN.pow(3)),
          Map.entry("k", BigInteger.TWO.pow(10)),
          Map.entry("kib", BigInteger.TWO.pow(10)),
          Map.entry("mb", BigInteger.TEN.pow(6)),
          Map.entry("m", BigInteger.TWO.pow(20)),
          Map.entry("mib", BigInteger.TWO.pow(20)),
          Map.entry("gb", BigInteger.TEN.pow(9)),
          Map.entry("g", BigInteger.TWO.pow(30)),
          Map.entry("gib", BigInteger.TWO.pow(30)),
          Map.entry("tb", BigInteger.TEN.pow(12)),
          Map.entry("t", BigInteger.TWO.pow(40)),
          Map.entry("tib", BigInteger.TWO.pow(40)),
          Map.entry("pb", BigInteger.TEN.pow(15)),
          Map.entry("p", BigInteger.TWO.pow(50)),
          Map.entry("pib", BigInteger.TWO.pow(50)),
          Map.entry("eb", BigInteger.TEN.pow(18)),
          Map.entry("e", BigInteger.TWO.pow(60)),
          Map.entry("eib", BigInteger.TWO.pow(60)));

  private MemoryUnits() {}

  /**
   * @param unit the {@code unit} attribute, null or blank for libvirt's default (KiB)
   * @throws IllegalArgumentException for an unknown unit or a non-numeric amount
   */
  public static long toMib(String amount, String unit) {
    String u = unit == null || unit.isBlank() ? "kib" : unit.strip();
    // libvirt spells the byte units case-sensitively ("KB" vs "k"); the lower-cased table keeps
    // both meanings apart because the decimal ones all end in "b" and the binary ones do not.
    BigInteger perUnit = BYTES_PER_UNIT.get(u.toLowerCase(Locale.ROOT));
    if (perUnit == null) {
      throw new IllegalArgumentException("unknown memory unit '" + unit + "'");
    }
    BigInteger bytes;
    try {
      bytes = new BigInteger(amount.strip()).multiply(perUnit);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("memory amount '" + amount + "' is not a whole number");
    }
    if (bytes.signum() < 0) {
      throw new IllegalArgumentException("memory amount '" + amount + "' is negative");
    }
    BigInteger[] qr = bytes.divideAndRemainder(MIB);
    BigInteger mib = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    return mib.min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
  }
}
