package io.migplan.scheduler.bench;

import static io.migplan.scheduler.bench.FleetBench.authorized;
import static io.migplan.scheduler.bench.FleetBench.awaitFleet;
import static io.migplan.scheduler.bench.FleetBench.print;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/v1/inventory/export} through the product: a scheduler started from its jar with a
 * given heap (the shipped 1 GB by default), a generated fleet reported to it over gRPC by {@link ReportedFleet}, then the export
 * read to its last byte (counted, never held) several times: time, size, and the scheduler's peak
 * heap (GC log) and RSS while exporting, which stay flat whatever the fleet size if the document is
 * streamed. Not a test; run it with {@code bin/bench-export}.
 *
 * <p>Arguments: {@code --hosts 5000}, {@code --seed 42}, {@code --runs 3}, {@code --xmx 1g} (the shipped heap),
 * {@code --port 18121}, {@code --dir /tmp/export-bench}, {@code --db export_bench} (the database it drops and
 * creates).
 */
public final class ExportBench {

    private ExportBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = FleetBench.args(args);
        int hosts = Integer.parseInt(opts.getOrDefault("hosts", "5000"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
        int port = Integer.parseInt(opts.getOrDefault("port", "18121"));
        Path dir = Path.of(opts.getOrDefault("dir", "/tmp/export-bench"));
        Files.createDirectories(dir);
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        String db = opts.getOrDefault("db", "export_bench");
        SchedulerProcess.recreate(db);
        try (SchedulerProcess scheduler = new SchedulerProcess(
                opts.getOrDefault("jar", "scheduler/target/quarkus-app/quarkus-run.jar"), opts.getOrDefault("xmx", "1g"),
                "-Dmigplan.matrix.refresh-on-report=false -Dmigplan.planning.warm-up=false", dir, http)) {
            scheduler.start(db, port);
            try (ReportedFleet agents = ReportedFleet.of(FleetGenerator.generate(hosts, seed), "127.0.0.1:" + port, 0)) {
                agents.reportTimed();
                agents.heartbeats();
                awaitFleet(http, base, hosts, 5);
                System.out.printf(Locale.ROOT, "%-6s %-4s %10s %10s %10s %10s%n", "hosts", "run", "ms", "bytes",
                        "heap_mb", "rss_mb");
                for (int run = 1; run <= runs; run++) {
                    scheduler.clearPeakRss();
                    long gcFrom = scheduler.gcLogSize();
                    long start = System.nanoTime();
                    HttpResponse<InputStream> answer = http.send(authorized(HttpRequest.newBuilder(
                            URI.create(base + "/api/v1/inventory/export")).timeout(Duration.ofMinutes(10))).GET().build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    long bytes = 0;
                    try (InputStream in = answer.body()) {
                        byte[] buf = new byte[1 << 16];
                        for (int n; (n = in.read(buf)) > 0; ) {
                            bytes += n;
                        }
                    }
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    if (answer.statusCode() != 200) {
                        throw new IllegalStateException("the export answered " + answer.statusCode());
                    }
                    System.out.printf(Locale.ROOT, "%-6d %-4d %10d %10d %10d %10d%n", hosts, run, ms, bytes,
                            scheduler.heapPeakMib(gcFrom), scheduler.peakRssMib());
                }
            }
        }
        System.exit(0);
    }
}
