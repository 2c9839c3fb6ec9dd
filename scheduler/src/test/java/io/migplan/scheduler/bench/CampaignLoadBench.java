package io.migplan.scheduler.bench;

import static io.migplan.scheduler.bench.FleetBench.JSON;
import static io.migplan.scheduler.bench.FleetBench.args;
import static io.migplan.scheduler.bench.FleetBench.awaitFleet;
import static io.migplan.scheduler.bench.FleetBench.get;
import static io.migplan.scheduler.bench.FleetBench.millis;
import static io.migplan.scheduler.bench.FleetBench.notUp;
import static io.migplan.scheduler.bench.FleetBench.percentile;
import static io.migplan.scheduler.bench.FleetBench.print;
import static io.migplan.scheduler.bench.FleetBench.sleep;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.migplan.agent.sim.FleetSimulator;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.proto.v1.HeartbeatRequest;
import io.migplan.proto.v1.InventoryServiceGrpc;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many dry-run campaigns at once against a running scheduler while a simulated fleet heartbeats:
 * runs the fleet of a spec in this process (every agent reporting and heartbeating as the
 * {@code simulate} command's do), waits until every host has reported and been UP for 30 s in a
 * row, measures heartbeat latency
 * for a while (a probe sends one Heartbeat call every 250 ms for a host of the fleet, with its
 * generation), then POSTs {@code --posts} dry runs of the whole fleet at once and keeps measuring
 * until every accepted campaign is planned: the answers by status, how long the POSTs took, the
 * heartbeat latency before and during, and the most hosts seen not UP (every second) before and
 * during. A benchmark,
 * not a test: it judges nothing.
 *
 * <p>Usage: {@code CampaignLoadBench --scheduler 127.0.0.1:18080 --spec bench/campaign-1000.yaml
 * --dir /tmp/fleet [--posts 30] [--baseline 20s]}
 */
public final class CampaignLoadBench {

    public static void main(String[] args) throws Exception {
        Map<String, String> a = args(args);
        String scheduler = a.getOrDefault("scheduler", "127.0.0.1:18080");
        FleetSpec spec = FleetSpec.load(Path.of(a.getOrDefault("spec", "bench/campaign-1000.yaml")));
        Path dir = Path.of(a.getOrDefault("dir", "/tmp/campaign-load-fleet"));
        int posts = Integer.parseInt(a.getOrDefault("posts", "30"));
        Duration baseline = Duration.parse("PT" + a.getOrDefault("baseline", "20s"));
        Files.createDirectories(dir);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String base = "http://" + scheduler;

        try (FleetSimulator.RunningFleet fleet = FleetSimulator.start(spec, dir, scheduler)) {
            // The fleet's start (1,000 first reports) is load of its own: wait until every host has
            // been UP for 30 s in a row before measuring anything.
            JsonNode hosts = awaitFleet(http, base, spec.hosts(), 30);
            String release = hosts.get(0).get("release").asText();

            ManagedChannel channel = ManagedChannelBuilder.forTarget(scheduler).usePlaintext().build();
            var inventory = InventoryServiceGrpc.newBlockingStub(channel);
            List<JsonNode> hostList = new ArrayList<>();
            hosts.forEach(hostList::add);
            List<Long> before = Collections.synchronizedList(new ArrayList<>());
            List<Long> during = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean loaded = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger maxStaleBefore = new AtomicInteger();
            AtomicInteger maxStale = new AtomicInteger();
            Thread probe = new Thread(() -> {
                int i = 0;
                while (!stop.get()) {
                    JsonNode h = hostList.get(i++ % hostList.size());
                    long s = System.nanoTime();
                    try {
                        inventory.withDeadlineAfter(30, TimeUnit.SECONDS).heartbeat(HeartbeatRequest.newBuilder()
                                .setHostId(h.get("id").asText()).setGeneration(h.get("generation").asLong()).build());
                        (loaded.get() ? during : before).add((System.nanoTime() - s) / 1000);
                    } catch (RuntimeException e) {
                        (loaded.get() ? during : before).add(Long.MAX_VALUE);
                    }
                    sleep(250);
                }
            }, "heartbeat-probe");
            Thread staleWatch = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        int stale = notUp(http, base);
                        (loaded.get() ? maxStale : maxStaleBefore).accumulateAndGet(stale, Math::max);
                    } catch (Exception e) {
                        System.out.println("host list failed: " + e);
                    }
                    sleep(1000);
                }
            }, "stale-watch");
            probe.start();
            staleWatch.start();
            FleetBench.sleep(baseline.toMillis()); // the baseline is a measuring period, not a wait for a condition

            loaded.set(true);
            String body = "{\"fromRelease\":\"" + release + "\",\"toRelease\":\"" + release + ".1\",\"dryRun\":true}";
            Map<Integer, Integer> statuses = Collections.synchronizedMap(new TreeMap<>());
            List<String> accepted = Collections.synchronizedList(new ArrayList<>());
            List<Long> postMillis = Collections.synchronizedList(new ArrayList<>());
            List<String> retryAfter = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < posts; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        long s = System.nanoTime();
                        HttpResponse<String> r = http.send(FleetBench.authorized(HttpRequest.newBuilder(URI.create(base + "/api/v1/campaigns")))
                                .timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        postMillis.add((System.nanoTime() - s) / 1_000_000);
                        statuses.merge(r.statusCode(), 1, Integer::sum);
                        if (r.statusCode() == 202) {
                            accepted.add(JSON.readTree(r.body()).get("id").asText());
                        }
                        r.headers().firstValue("Retry-After").ifPresent(retryAfter::add);
                    } catch (Exception e) {
                        statuses.merge(-1, 1, Integer::sum);
                    }
                });
                threads.add(t);
                t.start();
            }
            long loadStart = System.nanoTime();
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
            print("posts", posts);
            print("statuses", statuses);
            print("retry_after", retryAfter.isEmpty() ? "-" : retryAfter.get(0));
            print("post_ms_max", postMillis.stream().mapToLong(Long::longValue).max().orElse(0));
            print("post_ms_median", percentile(postMillis, 50));
            Map<String, Integer> outcomes = new TreeMap<>();
            for (String id : accepted) {
                String state;
                do {
                    sleep(1000);
                    state = get(http, base + "/api/v1/campaigns/" + id).get("state").asText();
                } while (state.equals("PLANNING"));
                outcomes.merge(state, 1, Integer::sum);
            }
            print("all_planned_s", (System.nanoTime() - loadStart) / 1e9);
            print("outcomes", outcomes);
            stop.set(true);
            probe.join();
            staleWatch.join();
            channel.shutdownNow();
            print("heartbeats_before", before.size());
            print("heartbeat_ms_before_p50_p99_max", millis(before));
            print("heartbeats_during", during.size());
            print("heartbeat_ms_during_p50_p99_max", millis(during));
            print("heartbeat_failures_during", during.stream().filter(v -> v == Long.MAX_VALUE).count());
            print("max_hosts_not_up_before", maxStaleBefore.get());
            print("max_hosts_not_up_during", maxStale.get());
        }
    }
}
