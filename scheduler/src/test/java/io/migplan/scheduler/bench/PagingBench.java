package io.migplan.scheduler.bench;

import static io.migplan.scheduler.bench.FleetBench.authorized;
import static org.awaitility.Awaitility.await;
import static io.migplan.scheduler.bench.FleetBench.percentile;
import static io.migplan.scheduler.bench.FleetBench.print;
import static io.migplan.scheduler.bench.FleetBench.send;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.scheduler.auth.Roles;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A page of {@code GET /api/v1/hosts} and {@code GET /api/v1/vms} through the product: a scheduler
 * started from its jar, the benchmark fleet ({@link FleetGenerator}, about ten VMs per host)
 * written into its PostgreSQL as reports would leave it (and read into its snapshot), then each list
 * walked once a page at a time to collect every page's cursor, then pages asked for one at a time
 * (the first and every later one, in turn) over HTTP, end to end: request sent to answer read
 * whole. Median and p90 of each; the unpaged list timed beside them. Not a test; run it with
 * {@code bin/bench-paging}.
 *
 * <p>Arguments: {@code --hosts 5000}, {@code --seed 42}, {@code --limit 100}, {@code --requests 300},
 * {@code --reuse true} (the fleet a run before stored, same hosts and seed)
 * (timed per list, after as many untimed), {@code --xmx 1g}, {@code --port 18157}, {@code --dir
 * /tmp/paging-bench}, {@code --db paging_bench} (the database it drops and creates, unless reused).
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
        int port = Integer.parseInt(opts.getOrDefault("port", "18157"));
        Path dir = Path.of(opts.getOrDefault("dir", "/tmp/paging-bench"));
        Files.createDirectories(dir);
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newHttpClient();
        boolean reuse = Boolean.parseBoolean(opts.getOrDefault("reuse", "false"));
        String db = opts.getOrDefault("db", "paging_bench");
        if (!reuse) {
            SchedulerProcess.recreate(db);
        }
        try (SchedulerProcess scheduler = new SchedulerProcess(
                opts.getOrDefault("jar", "scheduler/target/quarkus-app/quarkus-run.jar"), opts.getOrDefault("xmx", "1g"),
                "-Dmigplan.matrix.refresh-on-report=false -Dmigplan.planning.warm-up=false"
                        + " -Dmigplan.heartbeat.sweep-every=off", dir, http).tokenRole(Roles.VIEWER).withoutGcLog()) {
            scheduler.start(db, port);
            Fleet fleet = FleetGenerator.generate(hosts, seed);
            print("vms", fleet.vms().size());
            long t0 = System.nanoTime();
            String jdbc = "jdbc:postgresql://127.0.0.1:5432/" + db;
            if (!reuse) {
                store(fleet, jdbc + "?reWriteBatchedInserts=true");
            }
            // The statistics autovacuum gathers soon after such a write; without them the planner guesses
            // (and at thousands of guessed rows a page's plan crosses PostgreSQL's JIT threshold).
            try (Connection c = DriverManager.getConnection(jdbc, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("analyze");
            }
            print("stored_s", (System.nanoTime() - t0) / 1e9);
            // The scheduler's reconcile reads the new hosts into its snapshot: wait for it, so it does not
            // compete with the timed requests.
            await("the snapshot holds the fleet").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> FleetBench.get(http, base + "/q/health/ready").toString()
                            .contains("\"hosts\":" + hosts));
            print("snapshot_s", (System.nanoTime() - t0) / 1e9);
            System.out.printf(Locale.ROOT, "%-28s %8s %8s %8s %8s%n", "list", "pages", "p50_ms", "p90_ms", "items");
            // The same client and server doing the least an HTTP answer can (liveness, no token, no
            // database), timed the same way: what the machine's load costs any request.
            List<Long> live = new ArrayList<>();
            for (int i = 0; i < 2 * requests; i++) {
                long start = System.nanoTime();
                send(http, "GET", base + "/q/health/live", null);
                if (i >= requests) {
                    live.add((System.nanoTime() - start) / 1000);
                }
            }
            System.out.printf(Locale.ROOT, "%-28s %8s %8.1f %8.1f %8s%n", "/q/health/live", "-",
                    percentile(live, 50) / 1000.0, percentile(live, 90) / 1000.0, "-");
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
        }
        System.exit(0);
    }

    /**
     * The fleet's rows written straight into PostgreSQL, as reports would leave them (hosts, parents
     * with their board, mdevs, VMs and their devices; device types left out, no list reads them):
     * seconds, where 5,000 reports over gRPC take many minutes on a loaded machine. Every host UP.
     */
    private static void store(Fleet fleet, String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            c.setAutoCommit(false);
            try (PreparedStatement host = c.prepareStatement("insert into host (id, release, cpus, memory_mib,"
                    + " failure_domain, labels, agent_endpoint, generation, state, last_report_at, last_heartbeat_at)"
                    + " values (?, ?, ?, ?, ?, cast(? as jsonb), '127.0.0.1:1', 1, 'UP', now(), now())");
                    PreparedStatement parent = c.prepareStatement("insert into parent_device (host, address,"
                            + " vendor_id, board, driver, kind, physical_function) values (?, ?, '0x10de', ?, 'nvidia',"
                            + " ?, ?)");
                    PreparedStatement instance = c.prepareStatement("insert into device_instance (host, uuid, type_id,"
                            + " parent) values (?, ?, ?, ?)");
                    PreparedStatement vm = c.prepareStatement("insert into vm (host, name, uuid, vcpus, memory_mib,"
                            + " anti_affinity_group) values (?, ?, ?, ?, ?, ?)", new String[] {"id"});
                    PreparedStatement device = c.prepareStatement("insert into vm_device (vm, device_uuid)"
                            + " values (?, ?)")) {
                for (Fleet.Host h : fleet.hosts()) {
                    host.setString(1, h.id());
                    host.setString(2, h.release());
                    host.setInt(3, h.cpus());
                    host.setLong(4, h.memoryMib());
                    host.setString(5, h.failureDomain());
                    host.setString(6, "{\"gpu-board\": \"" + h.board().name() + "\"}");
                    host.addBatch();
                    for (Fleet.Gpu g : h.gpus()) {
                        for (io.migplan.scheduler.evacuation.planner.EvacuationProblem.ParentSpec p : g.parents()) {
                            parent.setString(1, h.id());
                            parent.setString(2, p.address());
                            parent.setString(3, h.board().name());
                            parent.setString(4, g.vfs().isEmpty() ? "MDEV" : "NVIDIA_VGPU");
                            parent.setString(5, g.vfs().isEmpty() ? "" : g.address());
                            parent.addBatch();
                        }
                    }
                }
                host.executeBatch();
                parent.executeBatch();
                int n = 0;
                for (Fleet.Vm v : fleet.vms()) {
                    vm.setString(1, v.host());
                    vm.setString(2, v.name());
                    vm.setString(3, uuid(v.name(), "vm"));
                    vm.setInt(4, v.vcpus());
                    vm.setLong(5, v.memoryMib());
                    vm.setString(6, v.antiAffinityGroup());
                    vm.executeUpdate();
                    long id;
                    try (ResultSet keys = vm.getGeneratedKeys()) {
                        keys.next();
                        id = keys.getLong(1);
                    }
                    for (int i = 0; i < v.devices().size(); i++) {
                        Fleet.Device d = v.devices().get(i);
                        String mdev = uuid(v.name(), "mdev-" + i);
                        instance.setString(1, v.host());
                        instance.setString(2, mdev);
                        instance.setString(3, d.typeId());
                        instance.setString(4, d.parent());
                        instance.addBatch();
                        device.setLong(1, id);
                        device.setString(2, mdev);
                        device.addBatch();
                    }
                    if (++n % 5000 == 0) {
                        instance.executeBatch();
                        device.executeBatch();
                    }
                }
                instance.executeBatch();
                device.executeBatch();
            }
            c.commit();
        }
    }

    private static String uuid(String name, String what) {
        return UUID.nameUUIDFromBytes((name + "/" + what).getBytes(StandardCharsets.UTF_8)).toString();
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
