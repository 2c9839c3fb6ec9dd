package io.migplan.scheduler.metrics;

import io.restassured.RestAssured;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * One read of {@code /q/metrics} as a Prometheus scraper makes it (plain HTTP, no token), parsed
 * from the text format: every sample by its series ({@code name{labels}}), and the metric names.
 */
record Scrape(Map<String, Double> samples) {

    /** Scrapes the test scheduler; fails unless it answers 200. */
    static Scrape now() {
        return now(null);
    }

    /** Scrapes with {@code token} as bearer (none when null); fails unless it answers 200. */
    static Scrape now(String token) {
        HttpResponse<String> answer = get(token);
        if (answer.statusCode() != 200) {
            throw new AssertionError("/q/metrics answered " + answer.statusCode() + ": " + answer.body());
        }
        return parse(answer.body());
    }

    /** The raw answer to a scrape with {@code token} (none when null). */
    static HttpResponse<String> get(String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port
                + "/q/metrics"));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return HttpClient.newHttpClient().send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("/q/metrics could not be read", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The samples of Prometheus text: lines {@code series value [timestamp]}, comments skipped. */
    static Scrape parse(String text) {
        Map<String, Double> samples = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = seriesEnd(line);
            String[] rest = line.substring(end).trim().split(" ");
            samples.put(line.substring(0, end), Double.parseDouble(rest[0]));
        }
        return new Scrape(samples);
    }

    /** Where a sample line's series ends: after its labels' closing brace (values may hold braces), or at a space. */
    private static int seriesEnd(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        if (brace < 0 || space >= 0 && space < brace) {
            return space;
        }
        boolean quoted = false;
        for (int i = brace + 1; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '}' && !quoted) {
                return i + 1;
            }
        }
        throw new AssertionError("a sample line without the end of its labels: " + line);
    }

    /** The metric names (series without labels). */
    Set<String> names() {
        Set<String> out = new TreeSet<>();
        samples.keySet().forEach(s -> out.add(s.contains("{") ? s.substring(0, s.indexOf('{')) : s));
        return out;
    }

    /** The sum of metric {@code name}'s samples whose labels {@code labels} accepts; 0 when none. */
    double sum(String name, Predicate<String> labels) {
        return samples.entrySet().stream().filter(e -> e.getKey().equals(name)
                        || e.getKey().startsWith(name + "{") && labels.test(e.getKey().substring(name.length())))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    /** The sum of all of metric {@code name}'s samples. */
    double sum(String name) {
        return sum(name, l -> true);
    }

    /** The value of the one series {@code series} ({@code name{labels}} exactly as exported). */
    Optional<Double> value(String series) {
        return Optional.ofNullable(samples.get(series));
    }
}
