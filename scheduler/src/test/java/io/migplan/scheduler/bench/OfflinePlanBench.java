package io.migplan.scheduler.bench;

import static io.migplan.scheduler.bench.FleetBench.JSON;
import static io.migplan.scheduler.bench.FleetBench.authorized;
import static io.migplan.scheduler.bench.FleetBench.awaitFleet;
import static io.migplan.scheduler.bench.FleetBench.get;
import static io.migplan.scheduler.bench.FleetBench.print;
import static io.migplan.scheduler.bench.FleetBench.send;
import static io.migplan.scheduler.bench.FleetBench.sleep;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.scheduler.evacuation.EvacuationRequest;
import io.migplan.cli.commands.WhatIfCommand;
import io.migplan.scheduler.offline.FleetCache;
import io.migplan.scheduler.offline.FleetDocument;
import io.migplan.scheduler.offline.OfflinePlans;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The same evacuation planned through a scheduler and offline from its export ({@code plan --fleet}):
 * a scheduler started from its jar, a generated fleet reported to it over gRPC by {@link
 * ReportedFleet} (whose agents answer probes), an evacuation of the first {@code --evacuate} hosts
 * planned through {@code POST /api/v1/plans/evacuation} twice (cold: the first plan after start, with
 * the probes it asks; warm: the same again), the fleet exported, then the same evacuation planned
 * offline from the file: by {@code java -jar quarkus-run.jar plan --fleet …} as {@code migplan
 * what-if} runs it (a new JVM each time, with {@link WhatIfCommand#JVM_OPTIONS}: once with {@code
 * --no-cache}, once writing the file's cache, twice reading it), and in this JVM twice (cold, warm). Prints wall
 * times and the migrations' count of each, which must agree. Not a test; run it with {@code
 * bin/bench-offline}.
 *
 * <p>Arguments: {@code --hosts 1000}, {@code --seed 42}, {@code --evacuate 8}, {@code --xmx 1g},
 * {@code --port 18122}, {@code --dir /tmp/offline-bench}, {@code --db offline_bench} (the database it drops and
 * creates).
 */
public final class OfflinePlanBench {

    /** GNU time, for a process's CPU time. */
    private static final Path TIME = Path.of("/usr/bin/time");

    private OfflinePlanBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = FleetBench.args(args);
        int hosts = Integer.parseInt(opts.getOrDefault("hosts", "1000"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        int evacuate = Integer.parseInt(opts.getOrDefault("evacuate", "8"));
        int port = Integer.parseInt(opts.getOrDefault("port", "18122"));
        String xmx = opts.getOrDefault("xmx", "1g");
        String jar = opts.getOrDefault("jar", "scheduler/target/quarkus-app/quarkus-run.jar");
        Path dir = Path.of(opts.getOrDefault("dir", "/tmp/offline-bench"));
        Files.createDirectories(dir);
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        String db = opts.getOrDefault("db", "offline_bench");
        SchedulerProcess.recreate(db);
        Path file = dir.resolve("fleet.json");
        List<String> chosen;
        try (SchedulerProcess scheduler = new SchedulerProcess(jar, xmx, "-Dmigplan.matrix.refresh-on-report=false",
                dir, http).withoutGcLog()) {
            scheduler.start(db, port);
            try (ReportedFleet agents = ReportedFleet.of(FleetGenerator.generate(hosts, seed), "127.0.0.1:" + port, 0)) {
                agents.report();
                agents.heartbeats();
                awaitFleet(http, base, hosts, 5);
                chosen = new ArrayList<>();
                for (JsonNode h : get(http, base + "/api/v1/hosts")) {
                    if (chosen.size() < evacuate) {
                        chosen.add(h.path("id").asText());
                    }
                }
                print("evacuating", chosen);
                for (String run : List.of("scheduler-cold", "scheduler-warm")) {
                    long start = System.nanoTime();
                    JsonNode plan = throughTheScheduler(http, base, chosen);
                    report(run, start, plan);
                }
                HttpResponse<Path> export = http.send(authorized(HttpRequest.newBuilder(URI.create(base
                        + "/api/v1/inventory/export")).timeout(Duration.ofMinutes(10))).GET().build(),
                        HttpResponse.BodyHandlers.ofFile(file));
                if (export.statusCode() != 200) {
                    throw new IllegalStateException("the export answered " + export.statusCode());
                }
                print("export_bytes", Files.size(file));
            }
        }
        // The scheduler is gone: the offline plans have the machine to themselves, as it had.
        // As migplan what-if runs it: first without the cache beside the file, then writing it, then reading it.
        Files.deleteIfExists(FleetCache.of(file));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String run : List.of("offline-process-no-cache", "offline-process-1", "offline-process-2",
                "offline-process-3")) {
            // The process's CPU time (user, system) beside its wall time: the machine is shared.
            Path time = dir.resolve(run + ".time");
            List<String> command = new ArrayList<>(Files.isExecutable(TIME) ? List.of(TIME.toString(), "-f",
                    "%U %S", "-o", time.toString()) : List.of());
            command.addAll(List.of(java, "-Xmx" + xmx, "-Xms" + xmx));
            command.addAll(WhatIfCommand.JVM_OPTIONS);
            command.addAll(List.of("-jar", jar, "plan", "--fleet", file.toString()));
            if (run.endsWith("no-cache")) {
                command.add("--no-cache");
            }
            command.add("evacuate");
            command.addAll(chosen);
            Path out = dir.resolve(run + ".json");
            long start = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(dir.resolve(run + ".err").toFile()).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(run + " exited " + p.exitValue() + "; see " + dir.resolve(run + ".err"));
            }
            report(run, start, JSON.readTree(out.toFile()));
            if (Files.exists(time)) {
                print(run + "_cpu_user_sys_s", Files.readString(time).strip());
            }
        }
        for (String run : List.of("offline-in-jvm-cold", "offline-in-jvm-warm")) {
            long start = System.nanoTime();
            OfflinePlans plans = new OfflinePlans(FleetDocument.read(file, Instant.now()),
                    OfflinePlans.Settings.DEFAULTS);
            var plan = plans.evacuate(new EvacuationRequest(chosen, null, null, null, null), Instant.now());
            report(run, start, JSON.valueToTree(plan));
        }
        System.exit(0);
    }

    private static JsonNode throughTheScheduler(HttpClient http, String base, List<String> hosts) throws Exception {
        HttpResponse<String> accepted = send(http, "POST", base + "/api/v1/plans/evacuation",
                JSON.writeValueAsString(Map.of("hosts", hosts)));
        if (accepted.statusCode() != 202) {
            throw new IllegalStateException("the plan was not accepted: " + accepted.body());
        }
        String id = JSON.readTree(accepted.body()).path("id").asText();
        while (true) {
            JsonNode plan = get(http, base + "/api/v1/plans/" + id);
            if (!"SOLVING".equals(plan.path("status").asText())) {
                return plan;
            }
            sleep(20);
        }
    }

    private static void report(String run, long startNanos, JsonNode plan) {
        System.out.printf(java.util.Locale.ROOT, "%-22s %8d ms  %-10s %5d migrations %4d unplaced  solve %d ms%n", run,
                (System.nanoTime() - startNanos) / 1_000_000, plan.path("status").asText(),
                plan.path("migrations").size(), plan.path("unplaced").size(),
                plan.path("metrics").path("solveMillis").asLong());
    }
}
