package io.migplan.scheduler.bench;

import static io.migplan.scheduler.bench.FleetBench.JSON;
import static io.migplan.scheduler.bench.FleetBench.args;
import static io.migplan.scheduler.bench.FleetBench.awaitFleet;
import static io.migplan.scheduler.bench.FleetBench.get;
import static io.migplan.scheduler.bench.FleetBench.percentile;
import static io.migplan.scheduler.bench.FleetBench.print;
import static io.migplan.scheduler.bench.FleetBench.send;
import static io.migplan.scheduler.bench.FleetBench.sleep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.migplan.agent.sim.FleetSimulator;
import io.migplan.agent.sim.FleetSpec;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /api/v1/campaigns/{id}/next} of a running campaign with migrations in flight, timed
 * from the client: runs the fleet of a spec in this process (as {@link CampaignLoadBench} does),
 * waits until every host has reported and been UP for 30 s in a row, creates a RUNNING campaign
 * (policy: {@code maxParallel} 100, 10% of the hosts in maintenance, 50 out and 50 in per host, no
 * headroom, a migration timeout of a day) and waits for its plan. Then, as orchestrator
 * {@code bench}, it calls {@code POST …/next} until {@code --in-flight} migrations are in flight or
 * the calls issue nothing more (it performs no migration and reports nothing, so what the current
 * wave allows is all that can be in flight), times {@code --calls} more {@code POST …/next} and as
 * many {@code GET …/next} (previews), one after the other, each from sending the request to having
 * read the whole answer, {@code --rounds} times (the first right after the fill, from a scheduler
 * that has served six calls; the later ones from one the earlier rounds warmed), and aborts the
 * campaign. A benchmark, not a test: it judges nothing.
 *
 * <p>{@code --scope loaded} (the default) names every host that runs a VM, so the spec's empty
 * spare hosts stay outside the campaign (at the old release, as room); {@code --scope all} is
 * every host at the fleet's release. With the spares in scope they are the canaries, the first
 * batch moves nothing, and no migration is issued until hosts are upgraded, which this benchmark
 * does not do.
 *
 * <p>Usage: {@code CampaignNextBench --scheduler 127.0.0.1:18080 --spec bench/campaign-1000.yaml
 * --dir /tmp/fleet [--calls 300] [--rounds 1] [--in-flight 100] [--scope loaded|all] [--scheduler-pid PID]}; with the
 * scheduler's pid (on this machine) it also prints the scheduler's CPU time over each timed phase.
 */
public final class CampaignNextBench {

    private static final String ORCHESTRATOR = "bench";

    public static void main(String[] args) throws Exception {
        Map<String, String> a = args(args);
        String scheduler = a.getOrDefault("scheduler", "127.0.0.1:18080");
        FleetSpec spec = FleetSpec.load(Path.of(a.getOrDefault("spec", "bench/campaign-1000.yaml")));
        Path dir = Path.of(a.getOrDefault("dir", "/tmp/campaign-next-fleet"));
        int calls = Integer.parseInt(a.getOrDefault("calls", "300"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "1"));
        int wanted = Integer.parseInt(a.getOrDefault("in-flight", "100"));
        String scope = a.getOrDefault("scope", "loaded");
        long schedulerPid = Long.parseLong(a.getOrDefault("scheduler-pid", "0"));
        Files.createDirectories(dir);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String base = "http://" + scheduler;

        try (FleetSimulator.RunningFleet fleet = FleetSimulator.start(spec, dir, scheduler)) {
            JsonNode hosts = awaitFleet(http, base, spec.hosts(), 30);
            String release = hosts.get(0).get("release").asText();

            ObjectNode request = JSON.createObjectNode();
            request.put("fromRelease", release).put("toRelease", release + ".1").put("dryRun", false);
            if (scope.equals("loaded")) {
                ArrayNode named = request.putArray("hosts");
                fleet.listHosts().stream().filter(h -> h.vms() > 0).map(FleetSimulator.HostStatus::host).sorted()
                        .forEach(named::add);
                print("hosts_in_scope", named.size());
            } else {
                print("hosts_in_scope", "every host at " + release);
            }
            request.putObject("policy").put("maxHostsInMaintenance", "10%").put("maxPerFailureDomain", 100)
                    .put("maxOutboundPerHost", 50).put("maxInboundPerHost", 50).put("maxParallel", 100)
                    .put("headroomPercent", 0).put("migrationTimeoutSeconds", 86400);
            print("policy", request.get("policy"));
            long t0 = System.nanoTime();
            HttpResponse<String> created = send(http, "POST", base + "/api/v1/campaigns", request.toString());
            if (created.statusCode() != 202) {
                throw new IllegalStateException("POST /api/v1/campaigns: " + created.statusCode() + " " + created.body());
            }
            String id = JSON.readTree(created.body()).get("id").asText();
            print("campaign", id);
            try {
                run(http, base, id, t0, calls, rounds, wanted, schedulerPid);
            } finally {
                HttpResponse<String> aborted = send(http, "POST", base + "/api/v1/campaigns/" + id + "/abort", null);
                print("abort", aborted.statusCode() + " " + (aborted.statusCode() == 200
                        ? JSON.readTree(aborted.body()).get("state").asText() : aborted.body()));
            }
        }
    }

    private static void run(HttpClient http, String base, String id, long t0, int calls, int rounds, int wanted,
            long schedulerPid) throws Exception {
        String campaign = base + "/api/v1/campaigns/" + id;
        JsonNode view;
        do {
            sleep(1000);
            view = get(http, campaign);
        } while (view.get("state").asText().equals("PLANNING")
                && System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(15));
        print("planned_s", (System.nanoTime() - t0) / 1e9);
        print("state", view.get("state").asText());
        print("metrics", view.get("metrics"));
        JsonNode batches = view.get("batches");
        for (int b = 0; b < Math.min(3, batches.size()); b++) {
            JsonNode batch = batches.get(b);
            Map<Integer, Integer> waves = new TreeMap<>();
            batch.get("migrations").forEach(m -> waves.merge(m.get("wave").asInt(), 1, Integer::sum));
            print("batch_" + batch.get("index").asInt(), batch.get("hosts").size() + " hosts"
                    + (batch.get("canary").asBoolean() ? " (canary)" : "") + ", "
                    + batch.get("migrations").size() + " migrations, by wave " + waves);
        }
        if (!view.get("state").asText().equals("RUNNING")) {
            throw new IllegalStateException("campaign " + id + " is " + view.get("state").asText() + ": "
                    + view.get("failure"));
        }

        // Fill: as orchestrator "bench", performing and reporting nothing, until enough are in flight
        // or the calls stop issuing (the current wave is all issued, or what is left waits).
        String body = "{\"orchestrator\":\"" + ORCHESTRATOR + "\",\"leaseSeconds\":3600}";
        int inFlight = 0;
        int idle = 0;
        int fillCalls = 0;
        List<Long> fillMicros = new ArrayList<>();
        JsonNode answer = null;
        while (inFlight < wanted && idle < 5 && fillCalls < 100) {
            long s = System.nanoTime();
            HttpResponse<String> r = send(http, "POST", campaign + "/next", body);
            fillMicros.add((System.nanoTime() - s) / 1000);
            fillCalls++;
            if (r.statusCode() != 200) {
                throw new IllegalStateException("POST next: " + r.statusCode() + " " + r.body());
            }
            answer = JSON.readTree(r.body());
            int issued = answer.get("start").size();
            inFlight = issued + answer.get("inFlight").size();
            idle = issued == 0 ? idle + 1 : 0;
            if (issued == 0) {
                sleep(1000);
            }
        }
        print("fill_calls", fillCalls);
        print("fill_call_ms", fillMicros.stream().map(v -> String.format(Locale.ROOT, "%.1f", v / 1000.0)).toList());
        print("in_flight", inFlight + (inFlight < wanted ? " (fewer than " + wanted + ": all the current wave allows)"
                : ""));
        print("last_fill_answer", describe(answer, null));

        for (int round = 1; round <= rounds; round++) {
            print("round", round + " of " + rounds);
            print("load_average", loadAverage());
            print("phase", "timing POST next");
            List<Long> post = new ArrayList<>();
            double cpu0 = cpuSeconds(schedulerPid);
            long wall0 = System.nanoTime();
            String postAnswer = timed(http, "POST", campaign + "/next", body, calls, post);
            double postCpu = cpuSeconds(schedulerPid) - cpu0;
            double postWall = (System.nanoTime() - wall0) / 1e9;
            print("load_average", loadAverage());
            print("phase", "timing GET next");
            List<Long> preview = new ArrayList<>();
            cpu0 = cpuSeconds(schedulerPid);
            wall0 = System.nanoTime();
            String previewAnswer = timed(http, "GET", campaign + "/next", null, calls, preview);
            double getCpu = cpuSeconds(schedulerPid) - cpu0;
            double getWall = (System.nanoTime() - wall0) / 1e9;
            print("load_average", loadAverage());
            print("post_next_calls", post.size());
            print("post_next_ms_p50_p90_p99_max", quantiles(post));
            print("post_next_answer", postAnswer);
            cpu("post_next", schedulerPid, postCpu, postWall, calls);
            print("get_next_calls", preview.size());
            print("get_next_ms_p50_p90_p99_max", quantiles(preview));
            print("get_next_answer", previewAnswer);
            cpu("get_next", schedulerPid, getCpu, getWall, calls);
        }
        print("progress", get(http, campaign).get("progress"));
    }

    /** {@code n} sequential calls, each timed end to end; returns what the last answer held. */
    private static String timed(HttpClient http, String method, String url, String body, int n, List<Long> micros)
            throws Exception {
        String last = null;
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            HttpResponse<String> r = send(http, method, url, body);
            micros.add((System.nanoTime() - s) / 1000);
            if (r.statusCode() != 200) {
                throw new IllegalStateException(method + " next: " + r.statusCode() + " " + r.body());
            }
            if (i == n - 1) {
                last = describe(JSON.readTree(r.body()), r.body().length());
            }
        }
        return last;
    }

    /**
     * The scheduler's CPU time over a timed phase, per call: everything the process did meanwhile
     * (the calls, its background ticks, the fleet's reports), beside the phase's wall time.
     */
    private static void cpu(String key, long pid, double cpuSeconds, double wallSeconds, int calls) {
        if (pid > 0) {
            print(key + "_scheduler_cpu", String.format(Locale.ROOT, "%.1f s over %.1f s (%.0f ms per call)",
                    cpuSeconds, wallSeconds, 1000 * cpuSeconds / calls));
        }
    }

    /** User and system CPU seconds of a process so far ({@code /proc/<pid>/stat}); 0 without a pid. */
    private static double cpuSeconds(long pid) throws IOException {
        if (pid <= 0) {
            return 0;
        }
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in clock ticks (USER_HZ 100)
    }

    /** The 1, 5 and 15 minute load averages of this machine. */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String describe(JsonNode n, Integer bytes) {
        if (n == null) {
            return "-";
        }
        return (bytes == null ? "" : bytes + " bytes, ") + "state " + n.get("state").asText() + ", start "
                + n.get("start").size() + ", inFlight " + n.get("inFlight").size() + ", upgrade "
                + n.get("upgrade").size() + ", waiting " + n.get("waiting").size()
                + (n.get("waiting").size() > 0 ? " (first: " + n.get("waiting").get(0).asText() + ")" : "");
    }

    private static String quantiles(List<Long> micros) {
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f / %.1f", percentile(micros, 50) / 1000.0,
                percentile(micros, 90) / 1000.0, percentile(micros, 99) / 1000.0, percentile(micros, 100) / 1000.0);
    }
}
