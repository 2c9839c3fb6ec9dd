package io.migplan.scheduler.bench;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.metrics.MetricNames;
import io.migplan.scheduler.metrics.SchedulerMetrics;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.HostStateGauges;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scheduler's part of a {@code /q/metrics} scrape at fleet size, in one process: the Prometheus
 * registry the scheduler uses (Micrometer's, simpleclient format) holding every series of
 * {@link MetricNames} as the services record them for a generated fleet (every host with its probe
 * timer and failure counter, the hosts gauge counted over a snapshot of that fleet, which changes
 * before each scrape so the count is redone), timed from {@code scrape()} to the text, in wall time
 * and in the CPU time of the scraping thread (what a loaded machine does not stretch). Leaves out
 * HTTP, the JVM's, HTTP server's and pool's series, and the database (the polled gauges read
 * memory at a scrape, as they do in the scheduler). Not a test; run it with {@code bin/bench-metrics-scrape}.
 *
 * <p>Arguments: {@code --hosts 5000}, {@code --seed 42}, {@code --scrapes 200} (after 50 untimed).
 */
public final class MetricsScrapeBench {

    private MetricsScrapeBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = FleetBench.args(args);
        int hosts = Integer.parseInt(opts.getOrDefault("hosts", "5000"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        int scrapes = Integer.parseInt(opts.getOrDefault("scrapes", "200"));
        ClusterSnapshot snapshot = FleetSnapshot.of(FleetGenerator.generate(hosts, seed), Instant.now(), seed).snapshot();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SchedulerMetrics metrics = new SchedulerMetrics();
        Field field = SchedulerMetrics.class.getDeclaredField("registry");
        field.setAccessible(true);
        field.set(metrics, registry);

        int i = 0;
        for (ClusterSnapshot.HostEntry h : snapshot.hosts()) {
            metrics.probe(h.view().id(), 1_000_000L + i % 7_000_000, i % 50 != 0);
            metrics.report("applied", 3_000_000L + i % 1_000_000);
            i++;
        }
        metrics.report("ignored", 1_000_000);
        metrics.report("refused", 1_000_000);
        metrics.verdictsStored(hosts * 12);
        metrics.targets("full", 5_000_000);
        metrics.targets("summary", 100_000);
        metrics.planSolved("evacuation", "READY", 1_000_000_000L);
        metrics.planSolved("campaign", "WRITTEN", 3_000_000_000L);
        // The snapshot the gauge reads changes before each scrape (a report, a heartbeat sweep), so
        // every timed scrape counts the hosts again, the scheduler's worst case.
        ClusterSnapshot[] current = {snapshot};
        int[][] counted = {HostStateGauges.byState(snapshot)};
        ClusterSnapshot[] countedOf = {snapshot};
        for (HostState state : HostState.values()) {
            Gauge.builder(MetricNames.HOSTS, current, c -> {
                if (countedOf[0] != c[0]) {
                    counted[0] = HostStateGauges.byState(c[0]);
                    countedOf[0] = c[0];
                }
                return counted[0][state.ordinal()];
            }).tag(MetricNames.STATE, state.name()).register(registry);
        }
        for (String polled : List.of(MetricNames.PLANS_RUNNING, MetricNames.PLANS_WAITING,
                MetricNames.CAMPAIGN_MIGRATIONS_IN_FLIGHT, MetricNames.RESERVATIONS_HELD,
                MetricNames.CAMPAIGN_LEASES_HELD)) {
            Gauge.builder(polled, () -> 3.0).register(registry);
        }
        registry.counter(MetricNames.CAMPAIGN_HOSTS_DONE).increment(10);
        registry.counter(MetricNames.CAMPAIGN_MIGRATIONS, MetricNames.STATE, "DONE").increment(100);

        String text = "";
        for (int w = 0; w < 50; w++) {
            current[0] = snapshot.withViews(Map.of());
            text = registry.scrape();
        }
        List<Long> micros = new ArrayList<>();
        List<Long> cpuMicros = new ArrayList<>();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int s = 0; s < scrapes; s++) {
            current[0] = snapshot.withViews(Map.of());
            long cpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            text = registry.scrape();
            micros.add((System.nanoTime() - start) / 1_000);
            cpuMicros.add((threads.getCurrentThreadCpuTime() - cpu) / 1_000);
        }
        long samples = text.lines().filter(l -> !l.startsWith("#")).count();
        System.out.println(text.lines().filter(l -> l.startsWith("migplan_hosts{")).toList());
        System.out.printf(Locale.ROOT, "%-6s %-8s %8s %8s %8s %12s %10s %8s%n", "hosts", "scrapes", "p50_ms", "p90_ms",
                "max_ms", "cpu_p50_ms", "bytes", "samples");
        System.out.printf(Locale.ROOT, "%-6d %-8d %8.2f %8.2f %8.2f %12.2f %10d %8d%n", hosts, scrapes,
                FleetBench.percentile(micros, 50) / 1000.0, FleetBench.percentile(micros, 90) / 1000.0,
                FleetBench.percentile(micros, 100) / 1000.0, FleetBench.percentile(cpuMicros, 50) / 1000.0,
                text.length(), samples);
    }
}
