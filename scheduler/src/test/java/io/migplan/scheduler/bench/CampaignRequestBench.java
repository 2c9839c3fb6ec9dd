package io.migplan.scheduler.bench;

import static io.migplan.scheduler.bench.FleetBench.JSON;
import static io.migplan.scheduler.bench.FleetBench.awaitFleet;
import static io.migplan.scheduler.bench.FleetBench.get;
import static io.migplan.scheduler.bench.FleetBench.print;
import static io.migplan.scheduler.bench.FleetBench.send;
import static io.migplan.scheduler.bench.FleetBench.sleep;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.scheduler.bench.FleetGenerator.Shape;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A dry-run campaign through the product on a hard fleet: a {@link FleetGenerator.Shape} fleet (the
 * campaign planner's hard-fleet benchmark's, {@code HardFleetBench}: every host at 2025.1 and in
 * scope, GPUs locked to one size and filled to a share, no spare host) reported over gRPC by {@link
 * ReportedFleet} to a scheduler started from its jar with the shipped heap ({@link SchedulerProcess}),
 * then {@code POST /api/v1/campaigns {fromRelease 2025.1, toRelease 2025.2, dryRun, policy}} timed
 * until {@code GET /api/v1/campaigns/{id}?view=summary} leaves {@code PLANNING}: what an operator
 * waits for, from the request to a plan stored and readable (the problem built from the snapshot and
 * the matrix, the campaign planner, the naive order beside it, the plan's hosts and migrations stored).
 * The first request after the scheduler's start is cold, the next {@code --runs - 1} warm. Prints per
 * request the wall time, the scheduler's CPU time over it (every thread), the planner's own {@code
 * planMillis}, migrations against the naive order and the lower bound, the hosts either leaves
 * blocked, and the CPU time split by kind of thread ({@link SchedulerProcess#cpuMillisByKind}: the
 * planning thread, the JIT compilers, the collector, the rest, which includes serving the summary
 * read every {@code --poll-ms}). A benchmark, not a test: it judges nothing.
 *
 * <p>Usage: {@code CampaignRequestBench --jar scheduler/target/quarkus-app/quarkus-run.jar [--hosts 1000]
 * [--seed 1] [--fill 0.80,0.85] [--runs 3] [--xmx 1g] [--port 18131] [--agents-port 18132]
 * [--db campaign_request] [--dir /tmp/campaign-request] [--policy 20,2,2,2,40,0] [--reuse true]
 * [--scheduler-opts "-X..."] [--poll-ms 200]}; the policy's numbers are maxHostsInMaintenance,
 * maxPerFailureDomain, maxOutboundPerHost, maxInboundPerHost, maxParallel and headroomPercent, as {@code HardFleetBench}'s.
 */
public final class CampaignRequestBench {

    private final Map<String, String> opts;
    private final HttpClient http = HttpClient.newHttpClient();
    /** How often the summary is read while the plan is made: each read is a request the scheduler serves. */
    private final long pollMillis;

    private CampaignRequestBench(Map<String, String> opts) {
        this.opts = opts;
        this.pollMillis = Long.parseLong(opts.getOrDefault("poll-ms", "200"));
    }

    public static void main(String[] args) throws Exception {
        new CampaignRequestBench(FleetBench.args(args)).run();
        System.exit(0);
    }

    private void run() throws Exception {
        int hosts = Integer.parseInt(opts.getOrDefault("hosts", "1000"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "1"));
        String[] fill = opts.getOrDefault("fill", "0.80,0.85").split(",");
        int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
        int port = Integer.parseInt(opts.getOrDefault("port", "18131"));
        String db = opts.getOrDefault("db", "campaign_request") + "_" + hosts;
        Shape shape = Shape.denseMixed(Double.parseDouble(fill[0]), Double.parseDouble(fill[1]));
        Fleet fleet = FleetGenerator.generate(shape, hosts, seed);
        print("fleet", shape.name() + ", " + hosts + " hosts, " + fleet.vms().size() + " VMs, seed " + seed);
        String base = "http://127.0.0.1:" + port;
        boolean reuse = opts.containsKey("reuse");
        if (!reuse) {
            SchedulerProcess.recreate(db);
        }
        try (SchedulerProcess scheduler = new SchedulerProcess(
                opts.getOrDefault("jar", "scheduler/target/quarkus-app/quarkus-run.jar"), opts.getOrDefault("xmx", "1g"),
                opts.get("scheduler-opts"), Path.of(opts.getOrDefault("dir", "/tmp/campaign-request")), http);
                ReportedFleet agents = ReportedFleet.of(fleet, "127.0.0.1:" + port,
                        Integer.parseInt(opts.getOrDefault("agents-port", "18132")))) {
            print("scheduler_ready_s", scheduler.start(db, port));
            if (!reuse) {
                agents.reportTimed();
            }
            agents.heartbeats();
            awaitFleet(http, base, hosts, 15);
            if (reuse) {
                // The scheduler holding this fleet since its start was restarted for this run: the
                // first request is cold. A fresh fleet's first request runs after the reports, warm or not.
                print("note", "the database of an earlier run: the scheduler started on it, so run 1 is cold");
            }
            System.out.printf(Locale.ROOT, "%-4s %10s %14s %10s %10s %8s %10s %8s %8s %10s %9s %7s %7s %7s%n", "run",
                    "wall_ms", "scheduler_cpu", "plan_ms", "migrations", "naive", "lower", "blocked", "naive_bl",
                    "per_vm", "planning", "jit", "gc", "other");
            for (int i = 1; i <= runs; i++) {
                Map<String, Long> kinds0 = scheduler.cpuMillisByKind();
                long cpu0 = scheduler.cpuMillis();
                long t0 = System.nanoTime();
                JsonNode c = campaign(base);
                long wall = (System.nanoTime() - t0) / 1_000_000;
                long cpu = scheduler.cpuMillis() - cpu0;
                Map<String, Long> kinds = scheduler.cpuMillisByKind();
                JsonNode m = c.path("metrics");
                if (!"DRY_RUN".equals(c.path("state").asText())) {
                    throw new IllegalStateException("campaign " + c.path("id").asText() + " ended "
                            + c.path("state").asText() + ": " + c.path("failure"));
                }
                System.out.printf(Locale.ROOT, "%-4d %10d %14d %10d %10d %8d %10d %8d %8d %10.4f %9d %7d %7d %7d%n", i,
                        wall, cpu, m.path("planMillis").asLong(), m.path("migrations").asInt(),
                        m.path("naive").path("migrations").asInt(), m.path("lowerBound").asInt(),
                        m.path("blocked").asInt(), m.path("naive").path("blocked").asInt(),
                        m.path("migrationsPerVm").asDouble(), kinds.get("planning") - kinds0.get("planning"),
                        kinds.get("jit") - kinds0.get("jit"), kinds.get("gc") - kinds0.get("gc"),
                        // The process's total keeps the time of threads that ended meanwhile; their own readings do not.
                        cpu - (kinds.get("planning") - kinds0.get("planning")) - (kinds.get("jit") - kinds0.get("jit"))
                                - (kinds.get("gc") - kinds0.get("gc")));
                System.out.flush();
            }
        }
    }

    /** One dry-run campaign of every host: {@code POST}, then its summary until it is no longer PLANNING. */
    private JsonNode campaign(String base) throws Exception {
        int[] p = Arrays.stream(opts.getOrDefault("policy", "20,2,2,2,40,0").split(","))
                .mapToInt(Integer::parseInt).toArray();
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("maxHostsInMaintenance", String.valueOf(p[0]));
        policy.put("maxPerFailureDomain", p[1]);
        policy.put("maxOutboundPerHost", p[2]);
        policy.put("maxInboundPerHost", p[3]);
        policy.put("maxParallel", p[4]);
        policy.put("headroomPercent", p[5]);
        Map<String, Object> body = Map.of("fromRelease", "2025.1", "toRelease", "2025.2", "dryRun", true,
                "policy", policy);
        var created = send(http, "POST", base + "/api/v1/campaigns", JSON.writeValueAsString(body));
        if (created.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST campaigns answered " + created.statusCode() + ": " + created.body());
        }
        String id = JSON.readTree(created.body()).path("id").asText();
        while (true) {
            JsonNode c = get(http, base + "/api/v1/campaigns/" + id + "?view=summary");
            if (!"PLANNING".equals(c.path("state").asText())) {
                return c;
            }
            sleep(pollMillis);
        }
    }
}
