package io.migplan.agent.config;

import io.migplan.capacity.ComputeAllocation;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The value checks of a config document, run by the document's records themselves ({@link
 * SelfChecking}) in plain code: a validation framework cost every agent start about a quarter of
 * a second of CPU and 7 MB of resident memory (docs/benchmarks.md). Every check of a document runs, and the problem
 * reported is the first by field path, then by sentence, so the field named does not depend on
 * the order the checks run in. A check passes an absent (null) value unless it says otherwise;
 * a required value has its own check.
 *
 * <p>The sentence is the check's, followed by the value for a plain one ({@code port: must be
 * between 0 and 65535, got 70000}, {@code hostId: must not be blank, got ' '}). Paths are written
 * {@code probes.command.exec[1]}, {@code labels.pool}, {@code labels[' ']} for a blank key.
 */
public final class FieldChecks {
  private static final Comparator<Problem> FIRST =
      Comparator.comparing(Problem::field).thenComparing(Problem::sentence);

  private static final String RATIO_RANGE =
      "must be between " + ComputeAllocation.MIN_RATIO_TEXT + " and " + ComputeAllocation.MAX_RATIO_TEXT;

  /** Only the first problem is kept: a document with many faults holds no list of them. */
  private Problem first;

  private record Problem(String field, String sentence, Object value) {
    String detail() {
      if (value instanceof CharSequence) {
        return sentence + ", got '" + value + "'";
      }
      if (value instanceof Number || value instanceof Duration || value instanceof Boolean) {
        return sentence + ", got " + value;
      }
      return sentence;
    }
  }

  /** Runs the checks of {@code document} from its root; fails naming the first field at fault. */
  public static <T extends SelfChecking> T check(T document) {
    return check(document, "");
  }

  /** Runs the checks of a section on its own, its fields named under {@code at}. */
  public static <T extends SelfChecking> T check(T section, String at) {
    FieldChecks checks = new FieldChecks();
    section.checkInto(checks, at);
    checks.throwFirst();
    return section;
  }

  /** {@code name} under {@code at}: {@code probes} and {@code command} make {@code probes.command}. */
  public static String path(String at, String name) {
    return at.isEmpty() ? name : at + "." + name;
  }

  /** The {@code i}th element of the list at {@code at}: {@code exec[1]}. */
  public static String index(String at, int i) {
    return at + "[" + i + "]";
  }

  /** The entry of the map at {@code at} under {@code key}: {@code labels.pool}, or {@code labels[' ']} when blank. */
  public static String key(String at, Object key) {
    String k = String.valueOf(key);
    return k.isBlank() ? at + "['" + k + "']" : path(at, k);
  }

  /** Records a problem unless {@code ok}; {@code value} is quoted after the sentence when plain. */
  public FieldChecks require(boolean ok, String field, String sentence, Object value) {
    if (!ok) {
      Problem p = new Problem(field, sentence, value);
      if (first == null || FIRST.compare(p, first) < 0) {
        first = p;
      }
    }
    return this;
  }

  /** Present. */
  public FieldChecks notNull(String field, Object value, String sentence) {
    return require(value != null, field, sentence, null);
  }

  /** Present and not only white space ({@link String#isBlank()}: spaces, tabs, line ends, em spaces). */
  public FieldChecks notBlank(String field, String value, String sentence) {
    return require(value != null && !value.isBlank(), field, sentence, value);
  }

  /** Present and holding something. */
  public FieldChecks notEmpty(String field, Collection<?> value, String sentence) {
    return require(value != null && !value.isEmpty(), field, sentence, null);
  }

  /**
   * Each element of the list at {@code field}: present ({@code missing} names it by index
   * otherwise), then checking itself under its index ({@code groups[2].fill}).
   */
  public FieldChecks eachChecked(String field, List<? extends SelfChecking> values, String missing) {
    for (int i = 0; values != null && i < values.size(); i++) {
      SelfChecking v = values.get(i);
      notNull(index(field, i), v, missing);
      if (v != null) {
        v.checkInto(this, index(field, i));
      }
    }
    return this;
  }

  /** Each element not blank; named by index in a list, by the collection's name in a set. */
  public FieldChecks eachNotBlank(String field, Collection<String> values, String sentence) {
    if (values != null) {
      int i = 0;
      for (String v : values) {
        notBlank(values instanceof List ? index(field, i) : field, v, sentence);
        i++;
      }
    }
    return this;
  }

  /** Each key not blank and each value present, each named by its key. */
  public FieldChecks eachEntry(String field, Map<String, ?> map, String blankKey, String nullValue) {
    if (map != null) {
      for (Map.Entry<String, ?> e : map.entrySet()) {
        notBlank(key(field, e.getKey()), e.getKey(), blankKey);
        notNull(key(field, e.getKey()), e.getValue(), nullValue);
      }
    }
    return this;
  }

  /** A whole number from {@code min} to {@code max}, both included. */
  public FieldChecks within(String field, Number value, long min, long max, String sentence) {
    return require(value == null || (value.longValue() >= min && value.longValue() <= max), field, sentence, value);
  }

  /** A whole number of at least {@code min}. */
  public FieldChecks atLeast(String field, Number value, long min, String sentence) {
    return require(value == null || value.longValue() >= min, field, sentence, value);
  }

  /** A CPU or memory allocation ratio the capacity rule takes ({@link ComputeAllocation#inBounds}). */
  public FieldChecks ratio(String field, Double value) {
    return require(value == null || ComputeAllocation.inBounds(value), field, RATIO_RANGE, value);
  }

  /** Longer than zero. */
  public FieldChecks positive(String field, Duration value) {
    return require(value == null || (!value.isNegative() && !value.isZero()), field, "must be a positive duration", value);
  }

  /** Zero or longer. */
  public FieldChecks notNegative(String field, Duration value) {
    return require(value == null || !value.isNegative(), field, "must not be negative", value);
  }

  /** At most {@code max}. */
  public FieldChecks atMost(String field, Duration value, Duration max, String sentence) {
    return require(value == null || value.compareTo(max) <= 0, field, sentence, value);
  }

  /** The whole value matches {@code pattern}. */
  public FieldChecks matches(String field, String value, Pattern pattern, String sentence) {
    return require(value == null || pattern.matcher(value).matches(), field, sentence, value);
  }

  /** Fails with the first problem recorded, if any. */
  public void throwFirst() {
    if (first != null) {
      throw InvalidConfigException.of(first.field(), first.detail());
    }
  }
}
