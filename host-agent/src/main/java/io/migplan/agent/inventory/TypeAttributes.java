package io.migplan.agent.inventory;

import io.migplan.capacity.Resources;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns a type's description (and, where there is none, its name) into named values, by the
 * grammar of the driver that owns the type. The driver is the type id's prefix: {@code
 * <driver>-<vendor name>} (fixtures/FACTS.md section 1).
 *
 * <p>Keys, all values as decimal or {@code WxH} text:
 *
 * <ul>
 *   <li>nvidia: {@code framebuffer_mib, max_instance, num_heads, frl_config, max_resolution}, plus
 *       any further {@code key=value} field under its own key (the field set changes between
 *       driver releases, FACTS.md section 2).
 *   <li>i915 (GVT-g): {@code low_gm_mib, high_gm_mib, fences, resolution, weight}.
 *   <li>mdpy: {@code resolution}; mbochs: {@code memory_mib}; mtty: {@code ports} (from the type
 *       id, mtty has no description; KERNEL-FACTS.md section 2).
 *   <li>vGPU 17+ names without a description ({@link #fromVgpuName}): {@code framebuffer_mib} and
 *       {@code series}, and {@code gpu_instance_slices} for MIG-backed types.
 * </ul>
 *
 * A description that does not follow its driver's grammar yields what could be read and a
 * sentence saying what is wrong; it does not decide what the caller does about it. Hand-written
 * scanning rather than regular expressions: this runs for every type on every scan.
 */
public final class TypeAttributes {
  public static final String FRAMEBUFFER_MIB = Resources.FRAMEBUFFER_MIB;
  public static final String MAX_INSTANCE = "max_instance";
  public static final String NUM_HEADS = "num_heads";
  public static final String FRL_CONFIG = "frl_config";
  public static final String MAX_RESOLUTION = "max_resolution";
  public static final String LOW_GM_MIB = Resources.LOW_GM_MIB;
  public static final String HIGH_GM_MIB = Resources.HIGH_GM_MIB;
  public static final String FENCES = Resources.FENCES;
  public static final String RESOLUTION = "resolution";
  public static final String WEIGHT = "weight";
  public static final String MEMORY_MIB = Resources.MEMORY_MIB;
  public static final String PORTS = Resources.PORTS;
  public static final String SERIES = "series";
  public static final String GPU_INSTANCE_SLICES = Resources.GPU_INSTANCE_SLICES;

  /** What a description said, and why it could not all be read (empty when it could). */
  public record Parsed(Map<String, String> attributes, Optional<String> complaint) {
    static Parsed ok(Map<String, String> attributes) {
      return new Parsed(attributes, Optional.empty());
    }
  }

  private TypeAttributes() {}

  /** The driver part of a type id: "nvidia" for "nvidia-231", "" when there is no dash. */
  public static String driverOf(String typeId) {
    int dash = typeId.indexOf('-');
    return dash <= 0 ? "" : typeId.substring(0, dash);
  }

  public static Parsed parse(String typeId, String description) {
    String text = description == null ? "" : description.strip();
    return switch (driverOf(typeId)) {
      case "nvidia" -> text.isEmpty() ? Parsed.ok(Map.of()) : nvidia(text);
      case "i915" -> text.isEmpty() ? Parsed.ok(Map.of()) : gvtg(text);
      case "mdpy" -> mdpy(text);
      case "mbochs" -> mbochs(text);
      case "mtty" -> mtty(typeId);
      default -> Parsed.ok(Map.of());
    };
  }

  /**
   * {@code num_heads=4, frl_config=60, framebuffer=2048M, max_resolution=7680x4320,
   * max_instance=8} (nvidia/OBSERVED.md section A).
   */
  static Parsed nvidia(String text) {
    Map<String, String> out = new TreeMap<>();
    StringBuilder bad = new StringBuilder();
    int start = 0;
    while (start <= text.length()) {
      int comma = text.indexOf(',', start);
      int end = comma < 0 ? text.length() : comma;
      String field = text.substring(start, end).strip();
      start = end + 1;
      if (field.isEmpty()) {
        if (comma < 0) {
          break;
        }
        continue;
      }
      int eq = field.indexOf('=');
      if (eq <= 0) {
        note(bad, "'" + field + "' is not key=value");
        continue;
      }
      String key = field.substring(0, eq).strip();
      String value = field.substring(eq + 1).strip();
      switch (key) {
        case "framebuffer" -> {
          long mib = sizeMib(value);
          if (mib < 0) {
            note(bad, "framebuffer '" + value + "' is not a size such as 2048M");
          } else {
            out.put(FRAMEBUFFER_MIB, Long.toString(mib));
          }
        }
        case NUM_HEADS, FRL_CONFIG, MAX_INSTANCE -> {
          if (isDecimal(value)) {
            out.put(key, value);
          } else {
            note(bad, key + " '" + value + "' is not a whole number");
          }
        }
        case MAX_RESOLUTION -> {
          if (isResolution(value)) {
            out.put(key, value);
          } else {
            note(bad, key + " '" + value + "' is not WxH");
          }
        }
        default -> out.put(key, value);
      }
      if (comma < 0) {
        break;
      }
    }
    if (!out.containsKey(FRAMEBUFFER_MIB)) {
      note(bad, "no framebuffer field");
    }
    if (!out.containsKey(MAX_INSTANCE)) {
      note(bad, "no max_instance field");
    }
    return new Parsed(out, bad.isEmpty() ? Optional.empty() : Optional.of(bad.toString()));
  }

  /**
   * Five "key: value" lines, {@code low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\n
   * resolution: 1920x1200\nweight: 4\n} (KERNEL-FACTS.md section 3). Lines joined with ", " (as
   * mdevctl prints them) read the same.
   */
  static Parsed gvtg(String text) {
    Map<String, String> out = new TreeMap<>();
    StringBuilder bad = new StringBuilder();
    int start = 0;
    while (start < text.length()) {
      int end = nextSeparator(text, start);
      String line = text.substring(start, end).strip();
      start = end + 1;
      if (line.isEmpty()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        note(bad, "'" + line + "' is not 'key: value'");
        continue;
      }
      String key = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      switch (key) {
        case "low_gm_size", "high_gm_size" -> {
          long mib = sizeMib(value);
          if (mib < 0) {
            note(bad, key + " '" + value + "' is not a size such as 128MB");
          } else {
            out.put(key.equals("low_gm_size") ? LOW_GM_MIB : HIGH_GM_MIB, Long.toString(mib));
          }
        }
        case "fence", "weight" -> {
          if (isDecimal(value)) {
            out.put(key.equals("fence") ? FENCES : WEIGHT, value);
          } else {
            note(bad, key + " '" + value + "' is not a whole number");
          }
        }
        case "resolution" -> {
          if (isResolution(value)) {
            out.put(RESOLUTION, value);
          } else {
            note(bad, key + " '" + value + "' is not WxH");
          }
        }
        default -> out.put(key, value);
      }
    }
    for (String required : new String[] {LOW_GM_MIB, HIGH_GM_MIB, FENCES}) {
      if (!out.containsKey(required)) {
        note(bad, "no " + required + " value");
      }
    }
    return new Parsed(out, bad.isEmpty() ? Optional.empty() : Optional.of(bad.toString()));
  }

  /** "virtual display, 640x480 framebuffer" (KERNEL-FACTS.md section 2). */
  static Parsed mdpy(String text) {
    for (String word : text.replace(',', ' ').split(" ")) {
      if (isResolution(word)) {
        return Parsed.ok(Map.of(RESOLUTION, word));
      }
    }
    return text.isEmpty()
        ? Parsed.ok(Map.of())
        : new Parsed(Map.of(), Optional.of("no WxH resolution in '" + text + "'"));
  }

  /** "virtual display, 4 MB video memory" (KERNEL-FACTS.md section 2). */
  static Parsed mbochs(String text) {
    if (text.isEmpty()) {
      return Parsed.ok(Map.of());
    }
    String[] words = text.replace(',', ' ').split(" +");
    for (int i = 0; i + 1 < words.length; i++) {
      if (isDecimal(words[i]) && words[i + 1].equals("MB")) {
        return Parsed.ok(Map.of(MEMORY_MIB, words[i]));
      }
    }
    return new Parsed(Map.of(), Optional.of("no '<n> MB' video memory size in '" + text + "'"));
  }

  /** mtty's type name is its number of ports ("mtty-1", "mtty-2"; mtty.c). */
  static Parsed mtty(String typeId) {
    String ports = typeId.substring(typeId.indexOf('-') + 1);
    return isDecimal(ports)
        ? Parsed.ok(Map.of(PORTS, ports))
        : new Parsed(Map.of(), Optional.of("type id does not end in a port count"));
  }

  /**
   * A vGPU 17+ type has only a name: "NVIDIA L40S-1B", "NVIDIA H200X-141C", "NVIDIA
   * H200X-1-18C" (MIG-backed: slices, then size). The size is GiB (OBSERVED.md section A), so
   * framebuffer_mib is size x 1024: approximate, but the same on every host for a type, which is
   * all the equal-size comparison needs.
   */
  public static Map<String, String> fromVgpuName(String name) {
    Map<String, String> out = new TreeMap<>();
    String text = name.strip();
    int space = text.lastIndexOf(' ');
    String profile = space < 0 ? text : text.substring(space + 1);
    String[] parts = profile.split("-");
    if (parts.length < 2) {
      return out;
    }
    String sizeAndSeries = parts[parts.length - 1];
    int i = 0;
    while (i < sizeAndSeries.length() && isAsciiDigit(sizeAndSeries.charAt(i))) {
      i++;
    }
    if (i == 0 || i > 6) {
      return out;
    }
    out.put(FRAMEBUFFER_MIB, Long.toString(Long.parseLong(sizeAndSeries.substring(0, i)) * 1024));
    if (i < sizeAndSeries.length()) {
      out.put(SERIES, sizeAndSeries.substring(i));
    }
    if (parts.length >= 3 && isDecimal(parts[parts.length - 2])) {
      out.put(GPU_INSTANCE_SLICES, parts[parts.length - 2]);
    }
    return out;
  }

  private static int nextSeparator(String text, int from) {
    int newline = text.indexOf('\n', from);
    int comma = text.indexOf(", ", from);
    if (newline < 0 && comma < 0) {
      return text.length();
    }
    if (newline < 0) {
      return comma;
    }
    return comma < 0 ? newline : Math.min(newline, comma);
  }

  /** "2048M", "2048MB", "2G", "2GB" in MiB; -1 when it is none of these. */
  static long sizeMib(String value) {
    int i = 0;
    while (i < value.length() && isAsciiDigit(value.charAt(i))) {
      i++;
    }
    // More than 12 digits of MiB would be over an exbibyte: not a GPU.
    if (i == 0 || i > 12) {
      return -1;
    }
    long n = Long.parseLong(value.substring(0, i));
    String unit = value.substring(i).strip();
    return switch (unit) {
      case "M", "MB", "MiB" -> n;
      case "G", "GB", "GiB" -> n * 1024;
      default -> -1;
    };
  }

  static boolean isDecimal(String value) {
    // Ten digits would not fit the int fields these values describe.
    if (value.isEmpty() || value.length() > 9) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      if (!isAsciiDigit(value.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean isResolution(String value) {
    int x = value.indexOf('x');
    return x > 0 && isDecimal(value.substring(0, x)) && isDecimal(value.substring(x + 1));
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static void note(StringBuilder bad, String what) {
    if (!bad.isEmpty()) {
      bad.append("; ");
    }
    bad.append(what);
  }
}
