package io.migplan.scheduler.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What the benchmarks that run a simulated fleet in-process against a running scheduler share:
 * their arguments, waiting until the fleet has reported and settled, plain HTTP calls, percentiles
 * and the {@code key: value} lines they print.
 */
final class FleetBench {

    static final ObjectMapper JSON = new ObjectMapper();

    private FleetBench() {
    }

    /** {@code --key value} pairs, keys without their dashes. */
    static Map<String, String> args(String[] args) {
        Map<String, String> a = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return a;
    }

    /**
     * Waits until {@code expected} hosts have reported (at most 15 min), then until every host has
     * been UP for {@code upSeconds} seconds in a row (at most 10 min more): the fleet's start, its
     * first reports and scans, is load of its own. Prints {@code hosts}, {@code all_reported_s} and
     * {@code settled_s}.
     *
     * @return the host list as the scheduler shows it once every host reported
     */
    static JsonNode awaitFleet(HttpClient http, String base, int expected, int upSeconds) throws Exception {
        long t0 = System.nanoTime();
        JsonNode hosts = await("every host reported").atMost(Duration.ofMinutes(15))
                .pollInterval(Duration.ofSeconds(2)).ignoreExceptions()
                .until(() -> get(http, base + "/api/v1/hosts"), h -> h.size() >= expected);
        print("hosts", hosts.size());
        print("all_reported_s", (System.nanoTime() - t0) / 1e9);
        long settleStart = System.nanoTime();
        await("every host UP " + upSeconds + " s in a row").atMost(Duration.ofMinutes(10))
                .during(Duration.ofSeconds(upSeconds)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> notUp(http, base) == 0);
        print("settled_s", (System.nanoTime() - settleStart) / 1e9);
        return hosts;
    }

    /** Hosts of the fleet not UP now (STALE, DOWN). */
    static int notUp(HttpClient http, String base) throws Exception {
        int n = 0;
        for (JsonNode h : get(http, base + "/api/v1/hosts")) {
            n += h.get("state").asText().equals("UP") ? 0 : 1;
        }
        return n;
    }

    static JsonNode get(HttpClient http, String url) throws Exception {
        return JSON.readTree(send(http, "GET", url, null).body());
    }

    /**
     * The bearer token every call carries: {@code MIGPLAN_TOKEN} for a scheduler started by hand
     * (make one with {@code token create --role admin}), or one a benchmark made for the scheduler it started.
     */
    static volatile String token = System.getenv("MIGPLAN_TOKEN");

    /** {@code builder} with the token's {@code Authorization} header, when there is a token. */
    static HttpRequest.Builder authorized(HttpRequest.Builder builder) {
        return token == null || token.isBlank() ? builder : builder.header("Authorization", "Bearer " + token);
    }

    /** One call; {@code json} null sends no body. */
    static HttpResponse<String> send(HttpClient http, String method, String url, String json) throws Exception {
        HttpRequest.Builder b = authorized(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(1)));
        if (json == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** p50 / p99 / max of microseconds, in milliseconds. */
    static String millis(List<Long> micros) {
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f", percentile(micros, 50) / 1000.0,
                percentile(micros, 99) / 1000.0, percentile(micros, 100) / 1000.0);
    }

    /** The nearest-rank percentile {@code p} (0 when there are no values). */
    static long percentile(List<Long> values, int p) {
        List<Long> sorted;
        synchronized (values) {
            sorted = new ArrayList<>(values);
        }
        if (sorted.isEmpty()) {
            return 0;
        }
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, rank)));
    }

    /** The pace of a load generator's loop and of a measuring period: time itself, no condition to wait for. */
    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void print(String key, Object value) {
        System.out.println(key + ": " + value);
        System.out.flush();
    }
}
