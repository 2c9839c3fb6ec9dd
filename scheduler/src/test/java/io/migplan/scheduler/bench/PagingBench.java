package io.migplan.scheduler.bench;

import static io.migplan.scheduler.bench.FleetBench.authorized;
import static io.migplan.scheduler.bench.FleetBench.awaitFleet;
import static io.migplan.scheduler.bench.FleetBench.percentile;
import static io.migplan.scheduler.bench.FleetBench.print;
import static io.migplan.scheduler.bench.FleetBench.send;
import static io.migplan.scheduler.bench.FleetBench.sleep;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A page of {@code GET /api/v1/hosts} and {@code GET /api/v1/vms} through the product: a scheduler
 * started from its jar, the benchmark fleet ({@link FleetGenerator}, about ten VMs per host)
 * reported to it over gRPC by {@link ReportedFleet} with its heartbeats running, then each list
 * walked once a page at a time to collect every page's cursor, then pages asked for one at a time
 * (the first and every later one, in turn) over HTTP, end to end: request sent to answer read
 * whole. Median and p90 of each; the unpaged list timed beside them. Not a test; run it with
 * {@code bin/bench-paging}.
 *
 * <p>Arguments: {@code --hosts 5000}, {@code --seed 42}, {@code --limit 100}, {@code --requests 300}
 * (timed per list, after as many untimed), {@code --xmx 1g}, {@code --port 18131}, {@code --dir
 * /tmp/paging-bench}; creates and drops database {@code paging_bench}.
 */
public final class PagingBench {

    private PagingBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = FleetBench.args(args);
        int hosts = Integer.parseInt(opts.getOrDefault("hosts", "5000"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        int limit = Integer.parseInt(opts.getOrDefault("limit", "100"));
        int requests = Integer.parseInt(opts.getOrDefault("requests", "300"));
        int port = Integer.parseInt(opts.getOrDefault("port", "18131"));
        Path dir = Path.of(opts.getOrDefault("dir", "/tmp/paging-bench"));
        Files.createDirectories(dir);
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("drop database if exists paging_bench with (force)");
            s.execute("create database paging_bench");
        }
        Path keys = dir.resolve("keys");
        FleetBench.token = TestTokens.of(keys, Roles.VIEWER);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + opts.getOrDefault("xmx", "1g"),
                "-Dquarkus.http.port=" + port, "-Dquarkus.log.level=WARN",
                "-Dmigplan.matrix.refresh-on-report=false", "-Dmigplan.planning.warm-up=false",
                "-Dmigplan.tokens.key-dir=" + keys.toAbsolutePath(),
                "-jar", opts.getOrDefault("jar", "scheduler/target/quarkus-app/quarkus-run.jar"));
        pb.environment().put("DB_URL", "jdbc:postgresql://127.0.0.1:5432/paging_bench");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("scheduler.log").toFile());
        Process scheduler = pb.start();
        ReportedFleet agents = null;
        try {
            while (true) {
                if (!scheduler.isAlive()) {
                    throw new IllegalStateException("the scheduler exited; see " + dir.resolve("scheduler.log"));
                }
                try {
                    if (send(http, "GET", base + "/q/health/ready", null).statusCode() == 200) {
                        break;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                sleep(100);
            }
            Fleet fleet = FleetGenerator.generate(hosts, seed);
            print("vms", fleet.vms().size());
            agents = ReportedFleet.of(fleet, "127.0.0.1:" + port, 0);
            long t0 = System.nanoTime();
            agents.report();
            print("reported_s", (System.nanoTime() - t0) / 1e9);
            agents.heartbeats();
            awaitFleet(http, base, hosts, 5);
            System.out.printf(Locale.ROOT, "%-28s %8s %8s %8s %8s%n", "list", "pages", "p50_ms", "p90_ms", "items");
            for (String list : new String[] {"/api/v1/hosts", "/api/v1/vms", "/api/v1/hosts?release=2025.2"}) {
                List<String> cursors = cursors(http, base + list, limit);
                List<Long> micros = new ArrayList<>();
                for (int i = 0; i < 2 * requests; i++) {
                    String cursor = cursors.get(i % cursors.size());
                    String url = base + list + (list.contains("?") ? "&" : "?") + "limit=" + limit
                            + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                    long start = System.nanoTime();
                    HttpResponse<String> r = send(http, "GET", url, null);
                    long took = (System.nanoTime() - start) / 1000;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
                    }
                    if (i >= requests) {
                        micros.add(took);
                    }
                }
                System.out.printf(Locale.ROOT, "%-28s %8d %8.1f %8.1f %8d%n", list + " page", cursors.size(),
                        percentile(micros, 50) / 1000.0, percentile(micros, 90) / 1000.0, limit);
                List<Long> whole = new ArrayList<>();
                int items = 0;
                for (int i = 0; i < 5; i++) {
                    long start = System.nanoTime();
                    HttpResponse<String> r = http.send(authorized(HttpRequest.newBuilder(URI.create(base + list))
                            .timeout(Duration.ofMinutes(5))).GET().build(), HttpResponse.BodyHandlers.ofString());
                    whole.add((System.nanoTime() - start) / 1000);
                    items = FleetBench.JSON.readTree(r.body()).size();
                }
                System.out.printf(Locale.ROOT, "%-28s %8s %8.1f %8.1f %8d%n", list + " whole", "-",
                        percentile(whole, 50) / 1000.0, percentile(whole, 90) / 1000.0, items);
            }
        } finally {
            if (agents != null) {
                agents.close();
            }
            scheduler.destroy();
            scheduler.waitFor(60, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    /** The cursor of every page of {@code url}'s list, the first page's as null. */
    private static List<String> cursors(HttpClient http, String url, int limit) throws Exception {
        List<String> out = new ArrayList<>();
        String cursor = null;
        do {
            out.add(cursor);
            JsonNode page = FleetBench.get(http, url + (url.contains("?") ? "&" : "?") + "limit=" + limit
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)));
            cursor = page.path("next").isTextual() ? page.path("next").asText() : null;
        } while (cursor != null);
        return out;
    }
}
