package io.migplan.agent.probe;

import java.util.Arrays;
import java.util.Optional;

/**
 * A vendor driver version as dotted numbers, e.g. NVIDIA's {@code 535.183.01}, {@code 550.90.07},
 * {@code 570.124.06}: the first number is the release branch ("major"), the second the release
 * within it ("minor"). Compared part by part as numbers, so {@code 550.90.07 < 550.127.05} although
 * the strings sort the other way, and {@code 01} equals {@code 1}; a missing part counts as 0.
 *
 * <p>It does not read suffixes ({@code -rc1}, {@code -generic}): such a string is not a version
 * here, and a rule that needs one answers UNKNOWN rather than guess.
 */
public record DriverVersion(String text, long[] parts) implements Comparable<DriverVersion> {
  /** Longer than any driver version seen (NVIDIA uses 3 parts, kernel modules at most 4). */
  private static final int MAX_PARTS = 8;
  /** 18 digits always fit a long; no driver uses numbers anywhere near that. */
  private static final int MAX_DIGITS = 18;

  public DriverVersion {
    parts = parts.clone();
  }

  public static Optional<DriverVersion> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String s = text.strip();
    if (s.isEmpty() || s.startsWith(".") || s.endsWith(".")) {
      return Optional.empty();
    }
    String[] fields = s.split("\\.", -1);
    if (fields.length > MAX_PARTS) {
      return Optional.empty();
    }
    long[] parts = new long[fields.length];
    for (int i = 0; i < fields.length; i++) {
      String f = fields[i];
      if (f.isEmpty() || f.length() > MAX_DIGITS || !f.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return Optional.empty();
      }
      parts[i] = Long.parseLong(f);
    }
    return Optional.of(new DriverVersion(s, parts));
  }

  /** The release branch, e.g. 550 for 550.90.07. */
  public long major() {
    return part(0);
  }

  /** The release within the branch, e.g. 90 for 550.90.07; 0 when absent. */
  public long minor() {
    return part(1);
  }

  public long part(int i) {
    return i < parts.length ? parts[i] : 0;
  }

  @Override
  public int compareTo(DriverVersion o) {
    int n = Math.max(parts.length, o.parts.length);
    for (int i = 0; i < n; i++) {
      int c = Long.compare(part(i), o.part(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** Numerically equal ({@code 550.90.7} equals {@code 550.90.07}). */
  public boolean sameAs(DriverVersion o) {
    return compareTo(o) == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DriverVersion v && sameAs(v);
  }

  @Override
  public int hashCode() {
    int n = parts.length;
    while (n > 0 && parts[n - 1] == 0) {
      n--;
    }
    return Arrays.hashCode(Arrays.copyOf(parts, n));
  }

  @Override
  public String toString() {
    return text;
  }
}
