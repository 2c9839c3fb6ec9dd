package io.migplan.scheduler.bench;

import static io.migplan.scheduler.bench.FleetBench.authorized;
import static io.migplan.scheduler.bench.FleetBench.awaitFleet;
import static io.migplan.scheduler.bench.FleetBench.print;
import static io.migplan.scheduler.bench.FleetBench.send;
import static io.migplan.scheduler.bench.FleetBench.sleep;

import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.TestTokens;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/inventory/export} through the product: a scheduler started from its jar with a
 * given heap (the shipped 1 GB by default), a generated fleet reported to it over gRPC by {@link ReportedFleet}, then the export
 * read to its last byte (counted, never held) several times: time, size, and the scheduler's peak
 * heap (GC log) and RSS while exporting, which stay flat whatever the fleet size if the document is
 * streamed. Not a test; run it with {@code bin/bench-export}.
 *
 * <p>Arguments: {@code --hosts 5000}, {@code --seed 42}, {@code --runs 3}, {@code --xmx 1g} (the shipped heap),
 * {@code --port 18121}, {@code --dir /tmp/export-bench}; creates and drops database {@code export_bench}.
 */
public final class ExportBench {

    private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

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
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("drop database if exists export_bench with (force)");
            s.execute("create database export_bench");
        }
        Path gcLog = dir.resolve("gc.log");
        Files.deleteIfExists(gcLog);
        Path keys = dir.resolve("keys");
        FleetBench.token = TestTokens.of(keys, Roles.ADMIN);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + opts.getOrDefault("xmx", "1g"),
                "-Xlog:gc:file=" + gcLog + "::filecount=0", "-Dquarkus.http.port=" + port, "-Dquarkus.log.level=WARN",
                "-Dmigplan.matrix.refresh-on-report=false", "-Dmigplan.planning.warm-up=false",
                "-Dmigplan.tokens.key-dir=" + keys.toAbsolutePath(),
                "-jar", opts.getOrDefault("jar", "scheduler/target/quarkus-app/quarkus-run.jar"));
        pb.environment().put("DB_URL", "jdbc:postgresql://127.0.0.1:5432/export_bench");
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
            agents = ReportedFleet.of(FleetGenerator.generate(hosts, seed), "127.0.0.1:" + port, 0);
            long t0 = System.nanoTime();
            agents.report();
            print("reported_s", (System.nanoTime() - t0) / 1e9);
            agents.heartbeats();
            awaitFleet(http, base, hosts, 5);
            System.out.printf(Locale.ROOT, "%-6s %-4s %10s %10s %10s %10s%n", "hosts", "run", "ms", "bytes",
                    "heap_mb", "rss_mb");
            for (int run = 1; run <= runs; run++) {
                Files.writeString(Path.of("/proc", String.valueOf(scheduler.pid()), "clear_refs"), "5");
                long gcFrom = Files.size(gcLog);
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
                        heapPeakMib(gcLog, gcFrom), peakRssMib(scheduler));
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

    private static long peakRssMib(Process p) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(p.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    /** The largest heap before a collection logged since byte {@code from} of the GC log. */
    private static long heapPeakMib(Path gcLog, long from) throws IOException {
        String text = Files.readString(gcLog);
        Matcher m = GC_HEAP.matcher(text.substring((int) Math.min(from, text.length())));
        long peak = 0;
        while (m.find()) {
            peak = Math.max(peak, Long.parseLong(m.group(1)));
        }
        return peak;
    }
}
