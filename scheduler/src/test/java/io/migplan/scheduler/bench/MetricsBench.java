package io.migplan.scheduler.bench;

import static io.migplan.scheduler.bench.FleetBench.awaitFleet;
import static io.migplan.scheduler.bench.FleetBench.percentile;
import static io.migplan.scheduler.bench.FleetBench.print;
import static io.migplan.scheduler.bench.FleetBench.sleep;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /q/metrics} through the product at fleet size: a scheduler started from its jar (the
 * shipped 1 GB heap), a generated fleet reported to it over gRPC by {@link ReportedFleet} with
 * heartbeats, and the matrix refreshed after each report (every host's agent probed, so every host
 * has its per-agent probe series). Once every host has them, scrapes are timed one after the other
 * as Prometheus makes them: plain HTTP, no token, from sending the request to the last byte read.
 * Not a test; run it with {@code bin/bench-metrics}.
 *
 * <p>Arguments: {@code --hosts 5000}, {@code --seed 42}, {@code --scrapes 200} (after 20 untimed),
 * {@code --xmx 1g}, {@code --port 18131}, {@code --dir /tmp/metrics-bench}, {@code --db metrics_bench}
 * (the database it drops and creates).
 */
public final class MetricsBench {

    private MetricsBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = FleetBench.args(args);
        int hosts = Integer.parseInt(opts.getOrDefault("hosts", "5000"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        int scrapes = Integer.parseInt(opts.getOrDefault("scrapes", "200"));
        int port = Integer.parseInt(opts.getOrDefault("port", "18131"));
        Path dir = Path.of(opts.getOrDefault("dir", "/tmp/metrics-bench"));
        Files.createDirectories(dir);
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        String db = opts.getOrDefault("db", "metrics_bench");
        SchedulerProcess.recreate(db);
        try (SchedulerProcess scheduler = new SchedulerProcess(
                opts.getOrDefault("jar", "scheduler/target/quarkus-app/quarkus-run.jar"), opts.getOrDefault("xmx", "1g"),
                "-Dmigplan.matrix.refresh-on-report=true -Dmigplan.planning.warm-up=false", dir, http).withoutGcLog()) {
            scheduler.start(db, port);
            try (ReportedFleet agents = ReportedFleet.of(FleetGenerator.generate(hosts, seed), "127.0.0.1:" + port, 0)) {
                agents.reportTimed();
                agents.heartbeats();
                awaitFleet(http, base, hosts, 5);
                // The refresher asks each host after its report; wait until every host has its probe series.
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
                int probed;
                while ((probed = probedHosts(scrape(http, base).body())) < hosts) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("only " + probed + " of " + hosts
                                + " hosts probed after 20 min");
                    }
                    print("hosts_probed", probed);
                    sleep(5_000);
                }
                print("probe_calls_answered_by_the_fleet", agents.probeCalls());
                for (int i = 0; i < 20; i++) {
                    scrape(http, base);
                }
                List<Long> micros = new ArrayList<>();
                long bytes = 0;
                int lines = 0;
                for (int i = 0; i < scrapes; i++) {
                    long start = System.nanoTime();
                    HttpResponse<String> answer = scrape(http, base);
                    micros.add((System.nanoTime() - start) / 1_000);
                    bytes = answer.body().length();
                    lines = (int) answer.body().lines().filter(l -> !l.startsWith("#")).count();
                }
                String last = scrape(http, base).body();
                print("hosts_gauge", last.lines().filter(l -> l.startsWith("migplan_hosts{")).toList());
                System.out.printf(Locale.ROOT, "%-6s %-8s %8s %8s %8s %10s %8s%n", "hosts", "scrapes", "p50_ms",
                        "p90_ms", "max_ms", "bytes", "samples");
                System.out.printf(Locale.ROOT, "%-6d %-8d %8.1f %8.1f %8.1f %10d %8d%n", hosts, scrapes,
                        percentile(micros, 50) / 1000.0, percentile(micros, 90) / 1000.0,
                        percentile(micros, 100) / 1000.0, bytes, lines);
            }
        }
        System.exit(0);
    }

    /** One scrape as Prometheus makes it: no token, the whole answer read. */
    private static HttpResponse<String> scrape(HttpClient http, String base) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/q/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("/q/metrics answered " + answer.statusCode());
        }
        return answer;
    }

    /** Hosts with a probe series in a scrape's text. */
    private static int probedHosts(String text) {
        return (int) text.lines().filter(l -> l.startsWith("migplan_probes_seconds_count{")).count();
    }
}
