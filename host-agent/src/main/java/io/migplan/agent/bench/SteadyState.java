package io.migplan.agent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
* What a fleet costs once it has started, measured over the hold of {@code bench-fleet}: the CPU
* time of the scheduler, of this simulator and of the PostgreSQL backends serving the scheduler's
* database, each as a share of one core; and how long the scheduler took to answer reports and
* heartbeats (from sending to the answer, as the agents saw it). CPU times come from
* {@code /proc/<pid>/stat} (utime + stime, in clock ticks of 1/100 s).
*/
final class SteadyState {

  /** Call times kept per kind at most: 10,000 agents beating every 10 s for five minutes. */
  static final int MAX_SAMPLES = 300_000;

  private final Map<String, ConcurrentLinkedQueue<Long>> micros = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private volatile boolean measuring;
  private long startNanos;
  private Long schedulerPid;
  private String postgresDb;
  private double schedulerTicks;
  private double selfTicks;
  private double postgresTicks;

  /** Failed calls while measuring, per call and status code (a handful of codes: bounded). */
  private final Map<String, Map<String, AtomicInteger>> failures = new ConcurrentHashMap<>();

  /** Counts a call that got no answer, while measuring. */
  void failed(String call, String code) {
    if (measuring) {
      failures.computeIfAbsent(call, c -> new ConcurrentHashMap<>()).computeIfAbsent(code, c -> new AtomicInteger())
          .incrementAndGet();
    }
  }

  /** Records a call's time, while measuring. */
  void answered(String call, long nanos) {
    if (!measuring || counts.computeIfAbsent(call, c -> new AtomicInteger()).incrementAndGet() > MAX_SAMPLES) {
      return;
    }
    micros.computeIfAbsent(call, c -> new ConcurrentLinkedQueue<>()).add(nanos / 1000);
  }

  void start(Long schedulerPid, String postgresDb) throws IOException {
    this.schedulerPid = schedulerPid;
    this.postgresDb = postgresDb;
    schedulerTicks = schedulerPid == null ? 0 : ticks(schedulerPid);
    selfTicks = ticks(ProcessHandle.current().pid());
    postgresTicks = postgresDb == null ? 0 : postgresTicks(postgresDb);
    startNanos = System.nanoTime();
    measuring = true;
  }

  void print() throws IOException {
    measuring = false;
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    if (schedulerPid != null) {
      print("steady_scheduler_cpu_share_of_one_core", share(ticks(schedulerPid) - schedulerTicks, seconds));
    }
    print("steady_simulator_cpu_share_of_one_core", share(ticks(ProcessHandle.current().pid()) - selfTicks, seconds));
    if (postgresDb != null) {
      print("steady_postgres_cpu_share_of_one_core", share(postgresTicks(postgresDb) - postgresTicks, seconds)
          + " (backends of database " + postgresDb + " alive at the end)");
    }
    for (String call : List.of("report", "heartbeat")) {
      List<Long> sorted = new ArrayList<>(micros.getOrDefault(call, new ConcurrentLinkedQueue<>()));
      sorted.sort(Long::compare);
      print("steady_" + call + "s", sorted.size() + " answered (" + String.format(Locale.ROOT, "%.1f",
          sorted.size() / seconds) + " per s)");
      if (!sorted.isEmpty()) {
        print("steady_" + call + "_ms_p50_p99_max", ms(sorted, 0.50) + " / " + ms(sorted, 0.99) + " / "
            + ms(sorted, 1.0));
      }
      // Calls without an answer have no time: counted apart, so a stall shows even when the times look fine.
      Map<String, AtomicInteger> failed = new TreeMap<>(failures.getOrDefault(call, Map.of()));
      int total = failed.values().stream().mapToInt(AtomicInteger::get).sum();
      print("steady_" + call + "s_failed", total + (total == 0 ? "" : " (" + String.join(", ",
          failed.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().get()).toList()) + ")"));
    }
  }

  private static String ms(List<Long> sorted, double q) {
    int i = (int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(q * sorted.size()) - 1));
    return String.format(Locale.ROOT, "%.1f", sorted.get(i) / 1000.0);
  }

  private static String share(double ticks, double seconds) {
    return String.format(Locale.ROOT, "%.3f", ticks / 100.0 / seconds);
  }

  /** utime + stime of a process, in clock ticks; 0 when it is gone. */
  static double ticks(long pid) throws IOException {
    Path stat = Path.of("/proc/" + pid + "/stat");
    if (!Files.exists(stat)) {
      return 0;
    }
    String s;
    try {
      s = Files.readString(stat);
    } catch (IOException e) {
      return 0;
    }
    String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** CPU ticks of the PostgreSQL backends whose process title names database {@code db}. */
  private static double postgresTicks(String db) throws IOException {
    double total = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
        try {
          String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
          if (cmd.startsWith("postgres: ") && cmd.contains(" " + db + " ")) {
            total += ticks(Long.parseLong(p.getFileName().toString()));
          }
        } catch (IOException | RuntimeException gone) {
          // The process ended while the list was read.
        }
      }
    }
    return total;
  }

  private static void print(String key, Object value) {
    System.out.println(key + ": " + value);
    System.out.flush();
  }
}
