package io.migplan.scheduler.bench;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.console.BrowserTest;
import io.migplan.scheduler.testsupport.Inventory;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * How soon the console's fleet page is usable in headless Chromium on a large fleet: the generated
 * fleet ({@link FleetGenerator}, seed 42) stored in the test server's PostgreSQL as its reports would
 * store its hosts and GPUs ({@link #store}) and read into the snapshot, or, with
 * {@code -Dbench.console.fleet=reported}, reported over gRPC in full ({@link ReportedFleet}), a
 * viewer signed in, then the page loaded
 * {@code bench.console.runs} times after two untimed loads. Per load, from the browser's Navigation
 * Timing and Paint Timing: the server's answer (request start to first byte: snapshot, filters,
 * rendering), the whole HTML received, DOMContentLoaded, first contentful paint and the load event
 * (htmx and the console's script fetched and run). Not a test (nothing is asserted); run it alone:
 *
 * <pre>
 * DB_URL=jdbc:postgresql://127.0.0.1:5432/test DB_USER=postgres ./mvnw -B -pl scheduler -am verify \
 *   -Dit.test=NONE -Dfailsafe.failIfNoSpecifiedTests=false -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dtest=ConsoleFleetBench [-Dbench.console.hosts=5000] [-Dbench.console.runs=9]
 * </pre>
 */
@QuarkusTest
class ConsoleFleetBench extends BrowserTest {

    @Inject
    AgroalDataSource ds;
    @Inject
    ClusterSnapshotHolder snapshots;

    @Test
    void fleetPage() throws Exception {
        int hosts = Integer.getInteger("bench.console.hosts", 5000);
        int runs = Integer.getInteger("bench.console.runs", 9);
        Inventory.clear(ds);
        Fleet fleet = FleetGenerator.generate(hosts, 42L);
        boolean report = "reported".equals(System.getProperty("bench.console.fleet", "stored"));
        try (ReportedFleet reported = report ? ReportedFleet.of(fleet, "127.0.0.1:" + RestAssured.port) : null) {
            long t0 = System.nanoTime();
            if (report) {
                reported.report();
            } else {
                store(fleet);
                snapshots.reconcile();
            }
            print("hosts", snapshots.current().hostCount());
            print(report ? "reported_s" : "stored_s", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
            signIn(Roles.VIEWER);
            for (int i = 0; i < 2; i++) {
                open("/console/fleet");
            }
            String[] keys = {"ttfb_ms", "html_ms", "dcl_ms", "fcp_ms", "load_ms"};
            List<List<Double>> samples = new ArrayList<>();
            for (String k : keys) {
                samples.add(new ArrayList<>());
            }
            for (int i = 0; i < runs; i++) {
                open("/console/fleet");
                @SuppressWarnings("unchecked")
                Map<String, Object> t = (Map<String, Object>) js("var n = performance.getEntriesByType('navigation')[0];"
                        + "var p = performance.getEntriesByName('first-contentful-paint')[0];"
                        + "return {ttfb: n.responseStart - n.requestStart, html: n.responseEnd - n.startTime,"
                        + " dcl: n.domContentLoadedEventEnd - n.startTime, fcp: p ? p.startTime : -1,"
                        + " load: n.loadEventEnd - n.startTime, bytes: n.decodedBodySize,"
                        + " tiles: document.querySelectorAll('#fleet a.t').length,"
                        + " nodes: document.getElementsByTagName('*').length};");
                String[] fields = {"ttfb", "html", "dcl", "fcp", "load"};
                StringBuilder line = new StringBuilder("run " + (i + 1) + ":");
                for (int k = 0; k < fields.length; k++) {
                    double v = ((Number) t.get(fields[k])).doubleValue();
                    samples.get(k).add(v);
                    line.append(' ').append(keys[k]).append('=').append(String.format(Locale.ROOT, "%.0f", v));
                }
                line.append(" bytes=").append(t.get("bytes")).append(" tiles=").append(t.get("tiles"))
                        .append(" elements=").append(t.get("nodes"));
                System.out.println(line);
            }
            for (int k = 0; k < keys.length; k++) {
                print(keys[k] + "_median", String.format(Locale.ROOT, "%.0f", median(samples.get(k))));
            }
            print("load_avg_1m", String.valueOf(java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage()));
            browser.findElement(By.id("fleet"));
            screenshot("fleet-" + hosts);
        } finally {
            Inventory.clear(ds);
        }
    }

    /**
     * The fleet's hosts and GPUs written as the rows a report stores (host; one parent per GPU with
     * its board and driver; no types, devices or VMs, which the fleet page does not show), a few
     * hosts STALE, DOWN, DRAINING or in MAINTENANCE so every mark is drawn: minutes of reports over
     * gRPC on a loaded machine become seconds, and the page reads the same snapshot either way.
     */
    void store(Fleet fleet) throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement host = c.prepareStatement("insert into host (id, release, cpus, memory_mib,"
                    + " failure_domain, agent_endpoint, generation, state, last_report_at, last_heartbeat_at, admin_state,"
                    + " admin_reason) values (?, ?, ?, ?, ?, '127.0.0.1:1', 1, ?, now(), now(), ?, '')");
                    PreparedStatement parent = c.prepareStatement("insert into parent_device (host, address, board,"
                            + " driver, driver_version) values (?, ?, ?, 'nvidia', ?)")) {
                int i = 0;
                for (Fleet.Host h : fleet.hosts()) {
                    i++;
                    host.setString(1, h.id());
                    host.setString(2, h.release());
                    host.setInt(3, h.cpus());
                    host.setLong(4, h.memoryMib());
                    host.setString(5, h.failureDomain());
                    host.setString(6, i % 97 == 0 ? "DOWN" : i % 53 == 0 ? "STALE" : "UP");
                    host.setString(7, i % 41 == 0 ? "DRAINING" : i % 89 == 0 ? "MAINTENANCE" : "ACTIVE");
                    host.addBatch();
                    for (Fleet.Gpu g : h.gpus()) {
                        parent.setString(1, h.id());
                        parent.setString(2, g.address());
                        parent.setString(3, h.board().name());
                        parent.setString(4, FleetSnapshot.DRIVER_BY_RELEASE.getOrDefault(h.release(), ""));
                        parent.addBatch();
                    }
                }
                host.executeBatch();
                parent.executeBatch();
            }
            c.commit();
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static void print(String key, Object value) {
        System.out.println("bench " + key + ": " + value);
    }
}
