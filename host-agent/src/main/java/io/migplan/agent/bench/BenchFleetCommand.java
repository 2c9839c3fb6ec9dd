package io.migplan.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.report.Reporter;
import java.util.List;
import java.util.Optional;
import io.migplan.agent.sim.SimulateCommand;
import io.migplan.agent.sim.FleetGenerator;
import io.migplan.agent.sim.FleetSimulator;
import io.migplan.agent.sim.FleetSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures the simulator against a running scheduler: how long a fleet takes to generate and to
 * start, how long until the scheduler has acknowledged a report from every host, reports
 * acknowledged per second, and the simulator's resident memory, heap and threads (optionally
 * the scheduler's memory too). A benchmark, not a test: it passes no judgement on the numbers.
 */
@Command(
    name = "bench-fleet",
    description = "Generate a fleet, run it against a scheduler and print time, memory and thread figures.",
    mixinStandardHelpOptions = true)
public final class BenchFleetCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true, multiplicity = "0..1")
  SimulateCommand.Fleet fleetChoice;

  @Option(names = "--scheduler", required = true, description = "scheduler host:port")
  String scheduler;

  @ArgGroup(exclusive = true, multiplicity = "1", heading = "Transport (one is required):%n")
  SimulateCommand.Transport transport;

  @Option(names = "--scheduler-http", description = "the scheduler's REST base URL for its host list (default: http://<--scheduler>)")
  String schedulerHttp;

  @Option(names = "--token", description = "a token with the viewer role, for the scheduler's host list (default: $MIGPLAN_TOKEN)")
  String token;

  @Option(names = "--dir", required = true, description = "an empty or missing directory for the trees")
  Path dir;

  @Option(names = "--seed", defaultValue = "1", description = "seed of the default fleet (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--threads", defaultValue = "" + FleetSimulator.Options.DEFAULT_THREADS, description = "threads shared by all agents (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--start-spread", description = "spread of the first reports (default: 10ms per host, at most the heartbeat interval)")
  String startSpread;

  @Option(names = "--timeout", defaultValue = "10m", description = "give up waiting for every host after this (default: ${DEFAULT-VALUE})")
  String timeout;

  @Option(names = "--hold", defaultValue = "30s", description = "keep the fleet running this long after every host was acknowledged, to measure the steady state (default: ${DEFAULT-VALUE})")
  String hold;

  @Option(names = "--settle", defaultValue = "0s", description = "after every host was acknowledged, wait this long before the hold (the start's tail: compilation, the scheduler's first probes) so the hold measures the steady state alone (default: ${DEFAULT-VALUE})")
  String settle;

  @Option(names = "--churn", defaultValue = "0", description = "VMs moved a second between hosts of one board from the moment every host was acknowledged, so agents report in the steady state (default: ${DEFAULT-VALUE}: none)")
  double churn;

  @Option(names = "--scheduler-pid", description = "read the scheduler's resident memory and CPU time from /proc/PID")
  Long schedulerPid;

  @Option(names = "--postgres-db", description = "the scheduler's database, to add up the CPU time of the PostgreSQL backends serving it during the hold")
  String postgresDb;

  @Option(names = "--first-host", description = "run only hosts from this one (1-based) of the fleet, so several processes can share a fleet larger than one may run (default: the first)")
  Integer firstHost;

  @Option(names = "--last-host", description = "run only hosts up to this one (inclusive) of the fleet (default: the last)")
  Integer lastHost;

  @Option(names = "--stale-after", defaultValue = "30s", description = "the scheduler's migplan.heartbeat.stale-after, to tell false STALE marks from agents that fell behind (default: ${DEFAULT-VALUE})")
  String staleAfter;

  @CommandLine.Spec CommandLine.Model.CommandSpec commandSpec;

  /**
   * How much older than its answer a beat's stamp may be: the agents' call deadline (a beat is
   * stamped when written, before its answer), which is also the scheduler's sweep period.
   */
  static final Duration STAMP_ALLOWANCE = AgentConfig.DEFAULT_CALL_TIMEOUT;

  @Override
  public Integer call() throws Exception {
    if (fleetChoice == null) {
      fleetChoice = new SimulateCommand.Fleet();
      // The size the simulator is built to run beside a scheduler on a 2-core machine.
      fleetChoice.hosts = 1000;
    }
    FleetSpec spec = SimulateCommand.fleetSpec(fleetChoice, seed, FleetSpec.DEFAULT_RELEASE, commandSpec);
    if (Files.isDirectory(dir)) {
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new CommandLine.ParameterException(commandSpec.commandLine(),
              "--dir " + dir + " is not empty; generation is timed only on a fresh directory");
        }
      }
    }
    Duration wait = SimulateCommand.duration("--timeout", timeout, commandSpec);
    Duration holdFor = SimulateCommand.duration("--hold", hold, commandSpec);
    Duration settleFor = SimulateCommand.duration("--settle", settle, commandSpec);
    if (churn < 0 || churn > 1_000 || Double.isNaN(churn)) {
      throw new CommandLine.ParameterException(commandSpec.commandLine(),
          "--churn " + churn + ": give the moves a second, from 0 (none) to 1000");
    }
    Duration stale = SimulateCommand.duration("--stale-after", staleAfter, commandSpec);
    if (stale.compareTo(STAMP_ALLOWANCE) <= 0) {
      throw new CommandLine.ParameterException(commandSpec.commandLine(),
          "--stale-after " + staleAfter + " must be longer than the " + STAMP_ALLOWANCE.toSeconds() + " s a beat's stamp may precede its answer");
    }
    FleetGenerator.Slice slice;
    try {
      slice = new FleetGenerator.Slice(firstHost == null ? 1 : firstHost, lastHost == null ? spec.hosts() : lastHost);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandSpec.commandLine(), "--first-host/--last-host: " + e.getMessage());
    }
    if (slice.last() > spec.hosts()) {
      throw new CommandLine.ParameterException(commandSpec.commandLine(),
          "--last-host " + slice.last() + " is past the fleet's " + spec.hosts() + " hosts");
    }
    boolean sliced = slice.hosts() < spec.hosts();

    long t0 = System.nanoTime();
    List<FleetGenerator.GeneratedHost> generatedHosts = FleetGenerator.generate(spec, dir, slice);
    long generated = System.nanoTime();
    print("hosts", spec.hosts());
    if (sliced) {
      print("hosts_run_here", slice.hosts() + " (host " + slice.first() + " to " + slice.last() + ")");
    }
    print("generation_s", seconds(generated - t0));
    print("transport", transport.pki != null ? "mutual TLS (a certificate per host)" : "plaintext");
    if (transport.pki != null) {
      // Issued here, timed on their own; the fleet then finds them in place.
      List<FleetGenerator.GeneratedHost> hosts = FleetGenerator.generate(spec, dir, slice);
      long c0 = System.nanoTime();
      FleetSimulator.issueCertificates(hosts, transport.pki);
      print("certificates_issued", hosts.size());
      print("certificates_s", seconds(System.nanoTime() - c0));
    }
    print("tree_files", countFiles(dir));
    // The kernel writes a fresh tree's million files out in the background for minutes, and the
    // database's commits wait behind that on the same disk: written out before the fleet starts,
    // it no longer slows what is measured after.
    long s0 = System.nanoTime();
    writeOut();
    print("tree_written_out_s", seconds(System.nanoTime() - s0));

    Set<String> acknowledgedHosts = ConcurrentHashMap.newKeySet();
    LongAdder acknowledged = new LongAdder();
    AtomicLong allAcknowledgedAt = new AtomicLong();
    AtomicLong firstAcknowledgedAt = new AtomicLong();
    SteadyState steady = new SteadyState();
    AgentLiveness liveness = new AgentLiveness(
        generatedHosts.stream().map(FleetGenerator.GeneratedHost::hostId).toList(), stale, STAMP_ALLOWANCE, System::nanoTime);
    FleetSimulator.Options options = FleetSimulator.Options.defaults().withThreads(threads).withPki(transport.pki)
        .withListener(new Reporter.Listener() {
          @Override
          public void acknowledged(String host, long generation, boolean applied) {
            acknowledged.increment();
            firstAcknowledgedAt.compareAndSet(0, System.nanoTime());
            if (acknowledgedHosts.add(host) && acknowledgedHosts.size() == slice.hosts()) {
              allAcknowledgedAt.set(System.nanoTime());
            }
            liveness.reportAnswered(host, applied);
          }

          @Override
          public void failed(String call, String code) {
            steady.failed(call, code);
          }

          @Override
          public void heartbeatAnswered(String host, boolean vouched) {
            liveness.heartbeatAnswered(host, vouched);
          }

          @Override
          public void answered(String call, long nanos) {
            steady.answered(call, nanos);
          }
        });
    if (startSpread != null) {
      options = options.withStartSpread(SimulateCommand.duration("--start-spread", startSpread, commandSpec));
    }
    // The hold's false STALE marks are read from the host list: a list that cannot be read is
    // refused now, not counted as hosts later.
    try {
      hosts("");
    } catch (HostListRefused e) {
      System.out.println("error: " + e.getMessage());
      return 1;
    }
    double schedulerTicksAtStart = schedulerPid != null ? SteadyState.ticks(schedulerPid) : 0;
    long starting = System.nanoTime();
    try (FleetSimulator.RunningFleet fleet = FleetSimulator.start(spec, dir, scheduler, options, slice)) {
      long started = System.nanoTime();
      print("start_s", seconds(started - starting));
      long deadline = starting + wait.toNanos();
      while (allAcknowledgedAt.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      if (allAcknowledgedAt.get() == 0) {
        print("acknowledged_hosts", acknowledgedHosts.size());
        System.out.println("error: not every host was acknowledged within " + wait);
        return 1;
      }
      long all = allAcknowledgedAt.get();
      long initialReports = acknowledged.sum();
      print("all_acknowledged_s", seconds(all - starting));
      print("reports_acknowledged", initialReports);
      print("first_acknowledged_s", seconds(firstAcknowledgedAt.get() - starting));
      // The rate while reports flowed: first acknowledgement to the last host's first one.
      print("reports_per_s_while_starting", round(initialReports / seconds(all - firstAcknowledgedAt.get())));
      if (schedulerPid != null) {
        // The scheduler's own CPU from the fleet's start to its last first report (handshakes, reports,
        // probes): what the fleet's start cost it, whatever else shared the machine.
        double cpuSeconds = (SteadyState.ticks(schedulerPid) - schedulerTicksAtStart) / 100.0;
        print("scheduler_cpu_s_while_starting", round(cpuSeconds));
        print("scheduler_cpu_ms_per_first_report", round(cpuSeconds * 1000 / initialReports));
      }
      memory("after_start");
      if (sliced) {
        // The other slices' processes start their hosts meanwhile: the steady state begins once the
        // scheduler holds the whole fleet, so every process holds over the same steady window.
        long wholeDeadline = starting + wait.toNanos();
        int listed = 0;
        while ((listed = hostsListed()) < spec.hosts() && System.nanoTime() < wholeDeadline) {
          Thread.sleep(1_000);
        }
        if (listed < spec.hosts()) {
          print("scheduler_hosts", listed);
          System.out.println("error: the scheduler did not hold the fleet's " + spec.hosts() + " hosts within " + wait);
          return 1;
        }
        print("whole_fleet_listed_s", seconds(System.nanoTime() - starting));
      }

      Churn moves = null;
      long churnStart = System.nanoTime();
      if (churn > 0) {
        moves = new Churn(fleet, spec.seed() == null ? seed : spec.seed());
        moves.start(churn);
      }
      if (!settleFor.isZero()) {
        Thread.sleep(settleFor.toMillis());
        print("settled_s", seconds(settleFor.toNanos()));
      }
      long before = acknowledged.sum();
      long holdStart = System.nanoTime();
      steady.start(schedulerPid, postgresDb);
      Optional<SchedulerCallTimes> callsBefore = schedulerCallTimes();
      liveness.measureGapsFromNow();
      Set<String> notUp = new TreeSet<>();
      int worst = 0;
      int samples = 0;
      int unread = 0;
      Marks falseMarks = new Marks();
      Marks behind = new Marks();
      Marks elsewhere = new Marks();
      long holdEnd = holdStart + holdFor.toNanos();
      while (System.nanoTime() < holdEnd) {
        Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(holdEnd - System.nanoTime()) + 1, 10_000));
        samples++;
        long sent = System.nanoTime();
        Optional<Set<String>> now = hostsNotUp();
        if (now.isEmpty()) {
          unread++;
          continue;
        }
        notUp.addAll(now.get());
        worst = Math.max(worst, now.get().size());
        long received = System.nanoTime();
        AgentLiveness.Classes classes = liveness.classify(now.get(), sent, received);
        falseMarks.add(classes.falseMarks());
        behind.add(classes.simulatorBehind());
        elsewhere.add(classes.notRunHere());
        if (!now.get().isEmpty()) {
          // Which hosts, and how long before the sample their agents were last vouched for: what a
          // false mark is looked into with (the scheduler's log names its sweeps).
          print("sample_not_up", seconds(received - holdStart) + " s into the hold: " + classes.falseMarks().size()
              + " false, " + classes.simulatorBehind().size() + " simulator behind, " + classes.notRunHere().size()
              + " not run here; e.g. " + examples(classes, liveness, sent, received));
        }
      }
      if (moves != null) {
        moves.close();
        print("churn", moves.summary(seconds(System.nanoTime() - churnStart)));
      }
      print("hold_s", seconds(System.nanoTime() - holdStart));
      print("reports_per_s_steady", round((acknowledged.sum() - before) / seconds(System.nanoTime() - holdStart)));
      steady.print();
      // The same calls as the scheduler timed them, arrival to answer: without this process's own delays.
      Optional<SchedulerCallTimes> callsAfter = callsBefore.isPresent() ? schedulerCallTimes() : Optional.empty();
      callsAfter.ifPresent(after -> after.since(callsBefore.get()).summary()
          .forEach((method, line) -> print("scheduler_timed_" + method, line)));
      // Hosts shown STALE or DOWN at some sample, whatever the cause; the lines after them say which were
      // false marks (the agent was heard in time) and which the simulator's own lateness (AgentLiveness).
      print("host_list_samples", samples + " (" + unread + " not read)");
      print("hosts_not_up_at_some_sample", unread == samples ? "unknown: no sample read" : String.valueOf(notUp.size()));
      print("hosts_not_up_at_worst_sample", unread == samples ? "unknown: no sample read" : String.valueOf(worst));
      print("false_stale_rule", liveness.rule());
      if (unread < samples) {
        print("false_marks_at_some_sample_worst_sample", falseMarks);
        print("simulator_behind_at_some_sample_worst_sample", behind);
        if (sliced) {
          print("not_run_here_at_some_sample_worst_sample", elsewhere + " (hosts of other processes: judged there)");
        }
      }
      print("beat_gap_s_p50_p99_max", liveness.lag() + " (per agent, the largest gap between answered heartbeats"
          + " over the hold; the schedule is one beat every " + AgentConfig.DEFAULT_HEARTBEAT_INTERVAL.toSeconds() + " s)");
      memory("steady");
      print("scheduler_channels", fleet.schedulerChannels());
    }
    return 0;
  }

  /** Hosts of one class over the samples: every one seen, and the most at one sample. */
  static final class Marks {
    private final Set<String> seen = new TreeSet<>();
    private int worst;

    void add(Set<String> atSample) {
      seen.addAll(atSample);
      worst = Math.max(worst, atSample.size());
    }

    @Override
    public String toString() {
      return seen.size() + " / " + worst;
    }
  }

  /**
   * Up to three hosts of each class with the seconds from their agent's last vouched call before
   * the request to the answer (-1: none known).
   */
  private static String examples(AgentLiveness.Classes classes, AgentLiveness liveness, long sent, long received) {
    List<String> out = new java.util.ArrayList<>();
    for (Set<String> hosts : List.of(classes.falseMarks(), classes.simulatorBehind())) {
      hosts.stream().limit(3).forEach(h -> out.add(h + " (" + round(liveness.secondsSinceVouched(h, sent, received))
          + " s)"));
    }
    classes.notRunHere().stream().limit(3).forEach(out::add);
    return String.join(", ", out);
  }

  /**
   * Hosts the scheduler shows in a state other than UP, read from its REST API ({@code GET
   * /api/v1/hosts?state=STALE}, then {@code DOWN}); empty when a list could not be read this time
   * (the sample does not count). Only those hosts are asked for: the whole list of 5,000 hosts
   * every 10 s cost the scheduler a share of the CPU the hold measures.
   */
  private Optional<Set<String>> hostsNotUp() {
    Set<String> out = new TreeSet<>();
    for (String state : NOT_UP) {
      Optional<JsonNode> hosts = readHosts("?state=" + state);
      if (hosts.isEmpty()) {
        return Optional.empty();
      }
      for (JsonNode h : hosts.get()) {
        if (!"UP".equals(h.path("state").asText())) {
          out.add(h.path("id").asText());
        }
      }
    }
    return Optional.of(out);
  }

  /** The states other than UP a host list can show. */
  private static final List<String> NOT_UP = List.of("STALE", "DOWN");

  /** How many hosts the scheduler lists; -1 when the list could not be read this time. */
  private int hostsListed() {
    return readHosts("").map(JsonNode::size).orElse(-1);
  }

  /** The host list, or empty (with a warning) when this reading failed; a refused token ends the bench. */
  private Optional<JsonNode> readHosts(String query) {
    try {
      return Optional.of(hosts(query));
    } catch (IOException e) {
      System.out.println("warning: hosts not read: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The scheduler refused the host list for the token: nothing this bench reads from it would mean anything. */
  static final class HostListRefused extends RuntimeException {
    HostListRefused(String message) {
      super(message);
    }
  }

  /**
   * {@code GET /api/v1/hosts} with the viewer token: the array of hosts. A 401 or 403 is a {@link
   * HostListRefused}; any other failure (no answer, another status, not an array) an IOException.
   */
  private JsonNode hosts(String query) throws IOException {
    HttpResponse<String> r = get("/api/v1/hosts" + query);
    if (r.statusCode() == 401 || r.statusCode() == 403) {
      throw new HostListRefused("the scheduler refused its host list (HTTP " + r.statusCode() + ": " + r.body().strip()
          + "); give a token with the viewer role: --token or MIGPLAN_TOKEN");
    }
    if (r.statusCode() != 200) {
      throw new IOException("HTTP " + r.statusCode() + ": " + r.body().strip());
    }
    JsonNode list = JSON.readTree(r.body());
    if (!list.isArray()) {
      throw new IOException("the host list is not an array: " + r.body().strip());
    }
    return list;
  }

  /**
   * The scheduler's own call times so far ({@code /q/metrics}), or empty (with a warning) when they
   * could not be read: a scheduler without the series or refusing the token.
   */
  private Optional<SchedulerCallTimes> schedulerCallTimes() {
    try {
      HttpResponse<String> r = get("/q/metrics");
      if (r.statusCode() == 200) {
        return Optional.of(SchedulerCallTimes.parse(r.body()));
      }
      System.out.println("warning: the scheduler's metrics were not read: HTTP " + r.statusCode());
    } catch (IOException e) {
      System.out.println("warning: the scheduler's metrics were not read: " + e.getMessage());
    }
    return Optional.empty();
  }

  /** {@code GET path} on the scheduler's HTTP port, with the viewer token when one is given. */
  private HttpResponse<String> get(String path) throws IOException {
    String base = schedulerHttp != null ? schedulerHttp : "http://" + scheduler;
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    String t = token != null ? token : System.getenv("MIGPLAN_TOKEN");
    if (t != null && !t.isBlank()) {
      b.header("Authorization", "Bearer " + t.strip());
    }
    try {
      return http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * Made on first use, not with the command: picocli makes every command's object when it parses
   * any command line, and a new HttpClient starts a selector thread and reads the JDK's default
   * trust store, which cost every agent start about 3 MB of resident memory and 50 ms of CPU time.
   */
  private HttpClient http;

  private HttpClient http() {
    if (http == null) {
      http = HttpClient.newHttpClient();
    }
    return http;
  }
  private static final ObjectMapper JSON = new ObjectMapper();

  private void memory(String when) throws IOException {
    print(when + "_rss_mib", statusKib(Path.of("/proc/self/status"), "VmRSS") / 1024);
    print(when + "_native_threads", statusKib(Path.of("/proc/self/status"), "Threads"));
    print(when + "_java_threads", Thread.activeCount());
    System.gc();
    Runtime rt = Runtime.getRuntime();
    print(when + "_heap_used_after_gc_mib", (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024));
    if (schedulerPid != null) {
      print(when + "_scheduler_rss_mib", statusKib(Path.of("/proc/" + schedulerPid + "/status"), "VmRSS") / 1024);
    }
  }

  /** A number from /proc/.../status ("VmRSS:   123456 kB", "Threads:  42"); -1 when absent. */
  static long statusKib(Path status, String key) throws IOException {
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith(key + ":")) {
        return Long.parseLong(line.substring(key.length() + 1).strip().split("\\s+")[0]);
      }
    }
    return -1;
  }

  /**
   * Has the kernel write out the file system holding the trees ({@code sync -f}, coreutils'
   * {@code syncfs}); the JDK has no call for a whole file system, and one {@code force} per file
   * would take far longer for a million files.
   */
  private void writeOut() throws IOException, InterruptedException {
    Process sync = new ProcessBuilder("sync", "-f", dir.toString()).inheritIO().start();
    if (sync.waitFor() != 0) {
      throw new IOException("sync -f " + dir + " ended with status " + sync.exitValue());
    }
  }

  private static long countFiles(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      return paths.count();
    }
  }

  private static double seconds(long nanos) {
    return round(nanos / 1e9);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static void print(String key, Object value) {
    System.out.println(key + ": " + value);
    System.out.flush();
  }
}
