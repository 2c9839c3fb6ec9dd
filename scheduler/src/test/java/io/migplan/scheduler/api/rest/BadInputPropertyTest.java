package io.migplan.scheduler.api.rest;

import static io.migplan.scheduler.testsupport.Refusals.assertRefused;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.testsupport.Gen;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.Refusals;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input rules of {@link BadInputTest} as properties over generated request bodies and path
 * ids: with no host and no campaign nothing can be done, so every answer is a 4xx in the error
 * shape (never a 5xx), a 400 names a field, the id or the body, and no table gains or loses a row.
 *
 * <p>Each operation's cases are drawn from a fixed seed ({@link Gen}), one parameterized case each,
 * sent to the started application: the same cases every run, and a failure names the case, its
 * seed and the request that broke the rule.
 */
@QuarkusTest
class BadInputPropertyTest {

    /** Cases per operation: enough to mix every kind of bad field, few enough for a quick suite. */
    private static final int CASES = 60;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A field no request has. */
    static final String UNKNOWN = "colour";

    @Inject
    AgroalDataSource ds;

    private Map<String, Long> before;

    @BeforeEach
    void clear() {
        Inventory.clear(ds);
        before = Refusals.rows(ds);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"campaigns", "adminStates", "evacuations", "nextCalls"})
    void aGeneratedRequestIsRefusedNamingAFieldAndStoresNothing(String name, String origin, String method,
            String path, String body) {
        Gen.reproducibly(origin, method + " " + path + " <- " + body, () -> check(method, path, body));
    }

    static Stream<Arguments> campaigns() {
        return bodies("POST", "/api/v1/campaigns", 20251205L, g -> {
            Supplier<String> policy = () -> object(g, Map.of(
                    "maxHostsInMaintenance", () -> g.percent(50) ? text(g) : g.of("\"10%\"", "\"4\"", "4",
                            "\"150%\"", "\"-1\"", "\"0%\""),
                    "maxPerFailureDomain", () -> number(g), "maxOutboundPerHost", () -> number(g),
                    "maxInboundPerHost", () -> number(g), "maxParallel", () -> number(g),
                    "headroomPercent", () -> number(g), "allowBackward", () -> bool(g),
                    "migrationTimeoutSeconds", () -> number(g)));
            Supplier<String> selector = () -> "{" + quoted(plainOrBad(g)) + ": " + text(g) + "}";
            return object(g, Map.of(
                    "fromRelease", () -> g.weighted(1, 3) == 0 ? text(g) : "\"2025.1\"",
                    "toRelease", () -> g.weighted(1, 3) == 0 ? text(g) : "\"2025.2\"",
                    "hosts", () -> texts(g),
                    "selector", () -> g.percent(50) ? selector.get() : wrongType(g),
                    "policy", () -> g.percent(50) ? policy.get() : wrongType(g),
                    "dryRun", () -> bool(g)));
        });
    }

    static Stream<Arguments> adminStates() {
        return withIds("PUT", "/api/v1/hosts/%s/admin-state", 20251206L, g -> object(g, Map.of(
                "state", () -> g.percent(50) ? text(g) : g.of("\"DRAINING\"", "\" maintenance \"", "\"ACTIVE\"",
                        "\"SLEEPING\""),
                "reason", () -> text(g))));
    }

    static Stream<Arguments> evacuations() {
        return bodies("POST", "/api/v1/plans/evacuation", 20251207L, g -> object(g, Map.of(
                "hosts", () -> texts(g), "maxOutboundPerHost", () -> number(g), "maxInboundPerHost", () -> number(g),
                "maxParallel", () -> number(g), "timeLimitSeconds", () -> number(g))));
    }

    static Stream<Arguments> nextCalls() {
        return withIds("POST", "/api/v1/campaigns/%s/next", 20251208L, g -> object(g, Map.of(
                "orchestrator", () -> g.percent(50) ? text(g) : "\"o1\"",
                "leaseSeconds", () -> number(g))));
    }

    // ---- the cases and the rule each must keep ----

    /** {@code CASES} bodies of one operation, half of them well-formed objects, half not objects at all. */
    private static Stream<Arguments> bodies(String method, String path, long seed, Function<Gen, String> bodies) {
        long[] seeds = Gen.caseSeeds(seed, CASES);
        List<Arguments> out = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            Gen g = new Gen(seeds[i]);
            String body = g.percent(50) ? bodies.apply(g) : malformed(g, bodies);
            out.add(request(seed, i, seeds[i], method, path, body));
        }
        return out.stream();
    }

    /** {@code CASES} requests of one operation on a path id, a known-looking one or a bad one. */
    private static Stream<Arguments> withIds(String method, String template, long seed,
            Function<Gen, String> bodies) {
        long[] seeds = Gen.caseSeeds(seed, CASES);
        List<Arguments> out = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            Gen g = new Gen(seeds[i]);
            String id = g.percent(50) ? g.of("h1", "c1") : plainOrBad(g);
            String body = g.percent(50) ? bodies.apply(g) : malformed(g, bodies);
            String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
            out.add(request(seed, i, seeds[i], method, String.format(template, encoded), body));
        }
        return out.stream();
    }

    private static Arguments request(long seed, int index, long caseSeed, String method, String path, String body) {
        String name = "#" + index + " " + method + " " + Gen.shown(path, 60) + " <- " + Gen.shown(body, 80);
        return Arguments.of(name, Gen.origin(seed, index, caseSeed), method, path, body);
    }

    private void check(String method, String path, String body) {
        String what = method + " " + path + " <- " + body;
        Response r = given().urlEncodingEnabled(false).contentType("application/json").body(body)
                .request(method, path);

        assertRefused(r, what);
        if (r.statusCode() == 400) {
            assertThat(r.jsonPath().getString("message")).as("%s: the answer names what was wrong", cut(what))
                    .containsAnyOf(NAMES);
        }
        Refusals.assertNothingStored(ds, before);
    }

    /** Every field of the four operations, the path id and the body itself: a 400 names one of them. */
    private static final String[] NAMES = {"fromRelease", "toRelease", "hosts", "selector", "policy", "dryRun",
            "maxHostsInMaintenance", "maxPerFailureDomain", "maxOutboundPerHost", "maxInboundPerHost", "maxParallel",
            "headroomPercent", "allowBackward", "migrationTimeoutSeconds", "timeLimitSeconds", "state", "reason",
            "orchestrator", "leaseSeconds", "id", "body", UNKNOWN};

    private static String cut(String what) {
        return what.length() > 200 ? what.substring(0, 200) + "…" : what;
    }

    // ---- generators of JSON, as raw text so that numbers no Java type holds can be sent ----

    /** An object with each field present or not, sometimes with a field no request has. */
    static String object(Gen g, Map<String, Supplier<String>> fields) {
        List<String> members = new ArrayList<>();
        new TreeMap<>(fields).forEach((name, value) -> {
            if (g.percent(50)) {
                members.add(quoted(name) + ": " + value.get());
            }
        });
        if (g.weighted(5, 1) == 1) {
            members.add(quoted(UNKNOWN) + ": \"red\"");
        }
        return "{" + String.join(", ", members) + "}";
    }

    /** What is not an object, or is cut short of being JSON. */
    static String malformed(Gen g, Function<Gen, String> bodies) {
        if (g.percent(50)) {
            return g.of("", "{", "[]", "null", "\"hosts\"", "{\"a\" 1}", "{'a': 1}");
        }
        String body = bodies.apply(g);
        return body.substring(0, Math.max(0, body.length() - g.between(1, 40)));
    }

    /** A JSON string of plain or bad text, or a value of another type. */
    static String text(Gen g) {
        return g.weighted(4, 1) == 0 ? quoted(plainOrBad(g)) : wrongType(g);
    }

    /** Ids and names fit for any field, and texts no field takes. */
    static String plainOrBad(Gen g) {
        Supplier<String> plain = () -> g.string(1, 12, () -> g.of(PLAIN));
        return switch (g.between(0, 2)) {
            case 0 -> plain.get();
            case 1 -> plain.get() + g.control() + plain.get();
            default -> g.of("", " ", "\u202E" + "x".repeat(300), "\uD83D\uDCA5".repeat(300), "r".repeat(5000),
                    "\u00e9".repeat(300), "a\r\nINFO forged", "{x}", "${x}", "%00", "../..", "h1/../c1");
        };
    }

    /** The chars of a plain id or name. */
    private static final Character[] PLAIN = "abcdefghijklmnopqrstuvwxyz0123456789-.".chars()
            .mapToObj(c -> (char) c).toArray(Character[]::new);

    /** A whole number in and out of every range, or no whole number at all. */
    static String number(Gen g) {
        return switch (g.between(0, 2)) {
            case 0 -> String.valueOf(g.between(-5, 700));
            case 1 -> String.valueOf(g.between(Long.MIN_VALUE, Long.MAX_VALUE));
            default -> g.of("2147483648", "-2147483649", "99999999999999999999", "1e308", "1.5", "-0", "\"10\"",
                    "\"many\"", "null", "true", "[]", "{}");
        };
    }

    static String bool(Gen g) {
        return g.of("true", "false", "null", "\"yes\"", "1", "[]");
    }

    /** An array of texts: empty, a few, or more than any fleet has. */
    static String texts(Gen g) {
        return switch (g.weighted(6, 1, 1)) {
            case 0 -> "[" + String.join(", ", g.list(0, 4, () -> text(g))) + "]";
            case 1 -> hugeArray(g.between(2_000, 20_000));
            default -> wrongType(g);
        };
    }

    static String wrongType(Gen g) {
        return g.of("5", "-1", "true", "null", "[]", "{}", "[1, 2]", "{\"a\": [null]}", "\"text\"");
    }

    static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hugeArray(int n) {
        StringBuilder b = new StringBuilder(n * 8).append('[');
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("\"h").append(i).append('"');
        }
        return b.append(']').toString();
    }
}
