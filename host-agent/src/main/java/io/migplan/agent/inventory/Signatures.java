package io.migplan.agent.inventory;

import java.util.Optional;

/**
 * What identifies the migration state a device type produces on this host.
 *
 * <p>Format, in order of preference:
 *
 * <ol>
 *   <li>{@code VERSION_ATTRIBUTE}: the first line of the type's {@code version} (else {@code
 *       migration_version}) file, verbatim after trimming. This is the string the 2019 mdev
 *       proposal (shared/seed) reads from a type and writes to a target to ask "would you accept
 *       this?".
 *   <li>{@code DERIVED}: {@code <type_id>/<board>/<driver>-<driver_version>}, e.g. {@code
 *       nvidia-231/T4/nvidia-550.90.07}. An unknown board reads {@code unknown-board}, an unknown
 *       driver {@code unknown-driver}, an unknown version {@code unknown}. This follows the vendor
 *       rule (same type, same board SKU, same driver version; FACTS.md section 5), so two devices
 *       with equal derived signatures are the vendor's definition of compatible.
 * </ol>
 *
 * It does not decide compatibility between different signatures; the probes do.
 */
public final class Signatures {
  public static final String UNKNOWN_BOARD = "unknown-board";
  public static final String UNKNOWN_DRIVER = "unknown-driver";
  public static final String UNKNOWN_VERSION = "unknown";

  private Signatures() {}

  public static String derived(String typeId, String board, String driver, String driverVersion) {
    return typeId
        + "/"
        + orElse(board, UNKNOWN_BOARD)
        + "/"
        + orElse(driver, UNKNOWN_DRIVER)
        + "-"
        + orElse(driverVersion, UNKNOWN_VERSION);
  }

  /** A version attribute's first line counts only when it says something. */
  public static Optional<String> fromAttribute(Optional<String> firstLine) {
    return firstLine.filter(s -> !s.isBlank());
  }

  /** The parts of a derived signature; a part the agent did not know is empty. */
  public record Derived(
      String typeId, Optional<String> board, Optional<String> driver, Optional<String> driverVersion) {}

  /**
   * Reads a {@code DERIVED} signature back into its parts; anything else (a version attribute's
   * string, free text) is empty. The driver ends at the first {@code -} followed by a digit or by
   * {@code unknown}, because driver names may hold a dash ({@code vfio-pci}) but versions start
   * with a digit, while a version may hold dashes ({@code 6.8.0-45-generic}).
   */
  public static Optional<Derived> parseDerived(String signature) {
    if (signature == null) {
      return Optional.empty();
    }
    String[] fields = signature.split("/", -1);
    if (fields.length != 3 || fields[0].isEmpty() || fields[1].isEmpty()) {
      return Optional.empty();
    }
    String driverAndVersion = fields[2];
    for (int i = driverAndVersion.indexOf('-'); i > 0; i = driverAndVersion.indexOf('-', i + 1)) {
      String version = driverAndVersion.substring(i + 1);
      if (version.equals(UNKNOWN_VERSION)
          || (!version.isEmpty() && Character.isDigit(version.charAt(0)))) {
        return Optional.of(
            new Derived(
                fields[0],
                known(fields[1], UNKNOWN_BOARD),
                known(driverAndVersion.substring(0, i), UNKNOWN_DRIVER),
                known(version, UNKNOWN_VERSION)));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> known(String value, String placeholder) {
    return value.equals(placeholder) ? Optional.empty() : Optional.of(value);
  }

  private static String orElse(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}
