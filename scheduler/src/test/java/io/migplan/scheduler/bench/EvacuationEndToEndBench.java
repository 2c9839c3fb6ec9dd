package io.migplan.scheduler.bench;

import static io.migplan.scheduler.bench.FleetBench.JSON;
import static io.migplan.scheduler.bench.FleetBench.awaitFleet;
import static io.migplan.scheduler.bench.FleetBench.get;
import static io.migplan.scheduler.bench.FleetBench.print;
import static io.migplan.scheduler.bench.FleetBench.send;
import static io.migplan.scheduler.bench.FleetBench.sleep;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An evacuation through the product, end to end: the fleet of the evacuation benchmark ({@link
 * FleetGenerator}, same size and seed, so the same instances as {@code bin/bench-evacuation})
 * reported to a scheduler started as its own process (its shipped jar, a heap of {@code --xmx}, a
 * fresh PostgreSQL database) by {@link ReportedFleet}, which stands in for the agents. Once the matrix is quiet and every cell the evacuations need
 * is stored (one untimed plan per case asks the rest), it times {@code POST
 * /api/v1/plans/evacuation} until the plan is no longer {@code SOLVING}, polling {@code GET
 * /api/v1/plans/{id}} every {@code --poll-ms}: the first plan after a restart of the scheduler
 * (cold, {@code --cold} restarts per case, once the fleet is UP and {@code /q/health/ready} says the
 * planner's warm-up has ended) and {@code --runs} plans after it (warm, the median);
 * per case the scheduler's peak RSS (VmHWM, reset before the case) and heap peak (the largest heap
 * before a collection in its GC log). A benchmark, not a test: it judges nothing.
 *
 * <p>Usage: {@code EvacuationEndToEndBench --jar scheduler/target/quarkus-app/quarkus-run.jar
 * [--sizes 1000,5000] [--seed 42] [--runs 5] [--cold 2] [--xmx 1g] [--port 18111] [--db evac_e2e]
 * [--dir /tmp/evac-e2e] [--poll-ms 2] [--cases 1host,5pct] [--agents-port 18112] [--reuse true] [--scheduler-opts "-X..."]}:
 * {@code --reuse} keeps the database of an earlier run with the same size, seed and agents' port (the fleet,
 * its verdicts) instead of creating and reporting it again; {@code --scheduler-opts} adds JVM options to the
 * scheduler's command line, e.g. to profile it.
 */
public final class EvacuationEndToEndBench {

    private final Map<String, String> opts;
    private final HttpClient http = HttpClient.newHttpClient();
    private ReportedFleet agents;
    private SchedulerProcess scheduler;
    private String base;

    private EvacuationEndToEndBench(Map<String, String> opts) {
        this.opts = opts;
    }

    public static void main(String[] args) throws Exception {
        new EvacuationEndToEndBench(FleetBench.args(args)).run();
        System.exit(0);
    }

    private void run() throws Exception {
        int[] sizes = Arrays.stream(opts.getOrDefault("sizes", "1000,5000").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        int runs = Integer.parseInt(opts.getOrDefault("runs", "5"));
        int cold = Integer.parseInt(opts.getOrDefault("cold", "2"));
        int port = Integer.parseInt(opts.getOrDefault("port", "18111"));
        long pollMs = Long.parseLong(opts.getOrDefault("poll-ms", "2"));
        Path dir = Path.of(opts.getOrDefault("dir", "/tmp/evac-e2e"));
        Files.createDirectories(dir);
        base = "http://127.0.0.1:" + port;
        System.out.printf(Locale.ROOT, "%-6s %-6s %5s %-10s %14s %8s %8s %8s %8s %12s %12s%n", "hosts", "case", "vms",
                "status", "cold_ms", "warm_ms", "solve_ms", "migrated", "unplaced", "rss_mb c/w", "heap_mb c/w");
        try {
            for (int size : sizes) {
                Fleet fleet = FleetGenerator.generate(size, seed);
                String db = opts.getOrDefault("db", "evac_e2e") + "_" + size;
                boolean reuse = opts.containsKey("reuse");
                if (!reuse) {
                    SchedulerProcess.recreate(db);
                }
                scheduler = new SchedulerProcess(opts.getOrDefault("jar", "scheduler/target/quarkus-app/quarkus-run.jar"),
                        opts.getOrDefault("xmx", "1g"), opts.get("scheduler-opts"), dir.resolve(String.valueOf(size)), http);
                print("scheduler_ready_s", scheduler.start(db, port));
                agents = ReportedFleet.of(fleet, "127.0.0.1:" + port,
                        Integer.parseInt(opts.getOrDefault("agents-port", "18112")));
                if (!reuse) {
                    agents.reportTimed();
                }
                agents.heartbeats();
                awaitFleet(http, base, size, 15);
                quiet();
                List<Case> cases = Arrays.stream(opts.getOrDefault("cases", "1host,5pct").split(","))
                        .map(name -> new Case(name, FleetGenerator.pickEvacuation(fleet, switch (name) {
                            case "1host" -> 1;
                            case "5pct" -> Math.max(1, size / 20);
                            default -> throw new IllegalArgumentException("--cases takes 1host and 5pct, got " + name);
                        }, seed))).toList();
                for (Case c : cases) {
                    plan(c.hosts(), pollMs); // asks whatever cells the matrix still lacks; not timed
                }
                quiet();
                for (Case c : cases) {
                    List<Long> colds = new ArrayList<>();
                    long coldRss = 0;
                    long coldHeap = 0;
                    JsonNode last = null;
                    for (int i = 0; i < cold; i++) {
                        scheduler.stop();
                        print("scheduler_ready_s", scheduler.start(db, port));
                        awaitFleet(http, base, size, 5);
                        scheduler.clearPeakRss();
                        long gcFrom = scheduler.gcLogSize();
                        Timed t = plan(c.hosts(), pollMs);
                        colds.add(t.millis());
                        last = t.plan();
                        coldRss = Math.max(coldRss, scheduler.peakRssMib());
                        coldHeap = Math.max(coldHeap, scheduler.heapPeakMib(gcFrom));
                    }
                    List<Long> warms = new ArrayList<>();
                    long gcFrom = scheduler.gcLogSize();
                    scheduler.clearPeakRss();
                    for (int i = 0; i < runs; i++) {
                        Timed t = plan(c.hosts(), pollMs);
                        warms.add(t.millis());
                        last = t.plan();
                    }
                    JsonNode m = last.path("metrics");
                    System.out.printf(Locale.ROOT, "%-6d %-6s %5d %-10s %14s %8d %8d %8d %8d %12s %12s%n", size, c.name(),
                            m.path("vms").asInt(), last.path("status").asText(), colds, median(warms),
                            m.path("solveMillis").asLong(), m.path("migrations").asInt(), m.path("unplaced").asInt(),
                            coldRss + "/" + scheduler.peakRssMib(), coldHeap + "/" + scheduler.heapPeakMib(gcFrom));
                    System.out.println("#      warm runs " + warms);
                }
                agents.close();
                agents = null;
                scheduler.stop();
            }
        } finally {
            if (scheduler != null) {
                scheduler.stop();
            }
            if (agents != null) {
                agents.close();
            }
        }
    }

    private record Case(String name, Set<String> hosts) {
    }

    private record Timed(long millis, JsonNode plan) {
    }

    /** {@code POST} the evacuation, then {@code GET} it until it is no longer SOLVING. */
    private Timed plan(Set<String> hosts, long pollMs) throws Exception {
        String body = JSON.writeValueAsString(Map.of("hosts", List.copyOf(hosts)));
        long t0 = System.nanoTime();
        var created = send(http, "POST", base + "/api/v1/plans/evacuation", body);
        if (created.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST evacuation answered " + created.statusCode() + ": " + created.body());
        }
        String id = JSON.readTree(created.body()).path("id").asText();
        while (true) {
            JsonNode plan = get(http, base + "/api/v1/plans/" + id);
            if (!"SOLVING".equals(plan.path("status").asText())) {
                return new Timed((System.nanoTime() - t0) / 1_000_000, plan);
            }
            sleep(pollMs);
        }
    }

    /** Waits until no probe has reached the agents for 10 s: the scheduler's matrix refresh is done. */
    private void quiet() {
        long seen = -1;
        while (seen != agents.probeCalls()) {
            seen = agents.probeCalls();
            sleep(10_000);
        }
        print("probe_calls", seen);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }
}
