package io.migplan.agent.bench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scheduler's own latency of the calls agents make, read from its {@code /q/metrics}: the
 * {@code migplan_grpc_calls_seconds_bucket} series (every call timed from its arrival at the
 * scheduler to its answer written, whatever its status), summed per method. Two scrapes, at the
 * hold's start and end, give the calls of the hold alone: a percentile is the bound of the first
 * bucket holding that share of them, so "p99 ≤ 50 ms" is read as at least 99% of calls within
 * 50 ms. Unlike the agents' own times, these leave out what delays the caller (this simulator's
 * collections, its thread scheduling) and the network.
 */
final class SchedulerCallTimes {

  private static final Pattern BUCKET = Pattern.compile(
      "^migplan_grpc_calls_seconds_bucket\\{([^}]*)}\\s+(\\S+)");
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** Per method (its short name, {@code ReportInventory}), cumulative calls per bucket bound in seconds. */
  private final Map<String, TreeMap<Double, Double>> buckets;

  private SchedulerCallTimes(Map<String, TreeMap<Double, Double>> buckets) {
    this.buckets = buckets;
  }

  /** The buckets of one scrape of {@code /q/metrics} (Prometheus text); none when the series is absent. */
  static SchedulerCallTimes parse(String text) {
    Map<String, TreeMap<Double, Double>> buckets = new TreeMap<>();
    for (String line : text.split("\n")) {
      Matcher m = BUCKET.matcher(line);
      if (!m.find()) {
        continue;
      }
      String method = null;
      Double le = null;
      Matcher l = LABEL.matcher(m.group(1));
      while (l.find()) {
        if (l.group(1).equals("method")) {
          method = l.group(2).substring(l.group(2).lastIndexOf('/') + 1);
        } else if (l.group(1).equals("le")) {
          le = l.group(2).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(l.group(2));
        }
      }
      if (method != null && le != null) {
        buckets.computeIfAbsent(method, k -> new TreeMap<>()).merge(le, Double.parseDouble(m.group(2)), Double::sum);
      }
    }
    return new SchedulerCallTimes(buckets);
  }

  /** The calls between {@code earlier} and this scrape, per bucket. */
  SchedulerCallTimes since(SchedulerCallTimes earlier) {
    Map<String, TreeMap<Double, Double>> diff = new TreeMap<>();
    buckets.forEach((method, now) -> {
      TreeMap<Double, Double> before = earlier.buckets.getOrDefault(method, new TreeMap<>());
      TreeMap<Double, Double> d = new TreeMap<>();
      now.forEach((le, n) -> d.put(le, n - before.getOrDefault(le, 0.0)));
      diff.put(method, d);
    });
    return new SchedulerCallTimes(diff);
  }

  /** How many calls of {@code method} were timed. */
  long calls(String method) {
    TreeMap<Double, Double> b = buckets.get(method);
    return b == null ? 0 : Math.round(b.getOrDefault(Double.POSITIVE_INFINITY, 0.0));
  }

  /** The bound in milliseconds of the first bucket holding share {@code q} of the calls; NaN without calls. */
  double percentileBoundMs(String method, double q) {
    long calls = calls(method);
    if (calls == 0) {
      return Double.NaN;
    }
    for (Map.Entry<Double, Double> e : buckets.get(method).entrySet()) {
      if (e.getValue() >= q * calls) {
        return e.getKey() * 1000;
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  /** The share of the calls of {@code method} answered within the bucket bound {@code ms}; NaN without calls or bucket. */
  double shareWithin(String method, double ms) {
    long calls = calls(method);
    Double within = calls == 0 ? null : buckets.get(method).get(ms / 1000);
    return within == null ? Double.NaN : within / calls;
  }

  /** One line per method: calls, p50 and p99 bounds, the share within 50 ms. */
  Map<String, String> summary() {
    Map<String, String> lines = new TreeMap<>();
    for (String method : buckets.keySet()) {
      lines.put(method, String.format(Locale.ROOT, "%d calls; p50 <= %s ms, p99 <= %s ms; %.2f%% within 50 ms",
          calls(method), bound(percentileBoundMs(method, 0.50)), bound(percentileBoundMs(method, 0.99)),
          100 * shareWithin(method, 50)));
    }
    return lines;
  }

  private static String bound(double ms) {
    return Double.isInfinite(ms) ? "+Inf" : String.format(Locale.ROOT, "%.0f", ms);
  }
}
