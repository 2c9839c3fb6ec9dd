package io.migplan.scheduler.api.rest;

import static io.restassured.RestAssured.given;
import static io.migplan.scheduler.testsupport.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.Refusals;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every REST operation fed what a careless or hostile caller sends: malformed JSON, wrong types,
 * unknown fields, huge arrays, negative and overflowing numbers, NUL, newlines and long unicode
 * in ids and reasons. Each answer is a 4xx in the error shape naming what was wrong, never a 500,
 * and nothing is stored.
 */
@QuarkusTest
class BadInputTest {

    @Inject
    AgroalDataSource ds;

    @BeforeEach
    void clear() {
        Inventory.clear(ds);
        before = Refusals.rows(ds);
    }

    /** Ids that are not ids: each goes into every path parameter. */
    static final List<String> BAD_IDS = List.of("a%00b", "a%0Ab", "a%0D%0AINFO%20forged", "%E2%80%AE" + "x".repeat(300),
            "%F0%9F%92%A5".repeat(300));

    /** Bodies of each operation that takes one, and the field the answer must name (empty: any 4xx). */
    static Stream<Arguments> bodies() {
        List<Arguments> out = new ArrayList<>();
        String[][] evacuation = {
                {"{", ""},
                {"[]", ""},
                {"\"hosts\"", ""},
                {"{\"hosts\": \"h1\"}", "hosts"},
                {"{\"hosts\": [1, 2]}", ""},
                {"{\"hosts\": [\"h1\"], \"maxParallel\": \"many\"}", "maxParallel"},
                {"{\"hosts\": [\"h1\"], \"maxParallel\": -1}", "maxParallel"},
                {"{\"hosts\": [\"h1\"], \"maxParallel\": 99999999999999999999}", "maxParallel"},
                {"{\"hosts\": [\"h1\"], \"timeLimitSeconds\": 1e308}", "timeLimitSeconds"},
                {"{\"hosts\": [\"h1\"], \"surprise\": true}", "surprise"},
                {"{\"hosts\": [\"a\\u0000b\"]}", "hosts[0]"},
                {"{\"hosts\": [\"a\\nb\"]}", "hosts[0]"},
                {"{\"hosts\": [\"" + "\\u00e9".repeat(300) + "\"]}", "hosts[0]"},
                {"{\"hosts\": " + hugeArray(200_000) + "}", "hosts"},
        };
        for (String[] b : evacuation) {
            out.add(Arguments.of("POST", "/api/v1/plans/evacuation", b[0], b[1]));
        }
        String[][] campaign = {
                {"{", ""},
                {"{\"fromRelease\": 2025, \"toRelease\": \"2025.2\"}", ""},
                {"{\"fromRelease\": \"2025.1\", \"toRelease\": \"2025.2\", \"dryRun\": \"yes\"}", "dryRun"},
                {"{\"fromRelease\": \"2025.1\", \"toRelease\": \"2025.2\", \"policy\": {\"maxParallel\": -5}}",
                        "policy.maxParallel"},
                {"{\"fromRelease\": \"2025.1\", \"toRelease\": \"2025.2\", \"policy\": {\"headroomPercent\":"
                        + " 2147483648}}", "headroomPercent"},
                {"{\"fromRelease\": \"2025.1\", \"toRelease\": \"2025.2\", \"colour\": \"red\"}", "colour"},
                {"{\"fromRelease\": \"2025.1\\u0000\", \"toRelease\": \"2025.2\"}", "fromRelease"},
                {"{\"fromRelease\": \"2025.1\", \"toRelease\": \"2025.2\", \"selector\": {\"pool\": \"a\\u0000b\"}}", "selector"},
                {"{\"fromRelease\": \"2025.1\", \"toRelease\": \"2025.2\", \"selector\": {\"a\\u0000b\": \"gpu\"}}", "selector"},
                {"{\"fromRelease\": \"2025.1\", \"toRelease\": \"" + "9".repeat(5000) + "\"}", "toRelease"},
                {"{\"fromRelease\": \"2025.1\", \"toRelease\": \"2025.2\", \"hosts\": " + hugeArray(200_000) + "}",
                        "hosts"},
        };
        for (String[] b : campaign) {
            out.add(Arguments.of("POST", "/api/v1/campaigns", b[0], b[1]));
        }
        String[][] admin = {
                {"{", ""},
                {"{\"state\": 3}", "state"},
                {"{\"state\": \"DRAINING\", \"reason\": \"rack\\nINFO forged\"}", "reason"},
                {"{\"state\": \"DRAINING\", \"reason\": \"" + "r".repeat(5000) + "\"}", "reason"},
                {"{\"state\": \"DRAINING\", \"extra\": 1}", "extra"},
        };
        for (String[] b : admin) {
            out.add(Arguments.of("PUT", "/api/v1/hosts/h1/admin-state", b[0], b[1]));
        }
        String[][] failure = {
                {"{", ""},
                {"{\"orchestrator\": \"o1\", \"reason\": 5}", "reason"},
                {"{\"orchestrator\": \"o1\", \"reason\": \"a\\u0000b\"}", "reason"},
                {"{\"reason\": \"late\"}", "orchestrator"},
        };
        for (String[] b : failure) {
            out.add(Arguments.of("POST", "/api/v1/campaigns/c1/migrations/m1/failed", b[0], b[1]));
        }
        String[][] report = {
                {"", ""},
                {"{}", "orchestrator"},
                {"{\"orchestrator\": \"o1\\nINFO forged\"}", "orchestrator"},
                {"{\"orchestrator\": \"" + "o".repeat(300) + "\"}", "orchestrator"},
                {"{\"orchestrator\": \"o1\", \"extra\": 1}", "extra"},
        };
        for (String[] b : report) {
            out.add(Arguments.of("POST", "/api/v1/campaigns/c1/migrations/m1/done", b[0], b[1]));
            out.add(Arguments.of("POST", "/api/v1/campaigns/c1/hosts/h1/upgrade-started", b[0], b[1]));
        }
        String[][] next = {
                {"", ""},
                {"{}", "orchestrator"},
                {"{\"orchestrator\": \"o1\\u0000\"}", "orchestrator"},
                {"{\"orchestrator\": \"o1\", \"leaseSeconds\": 5}", "leaseSeconds"},
                {"{\"orchestrator\": \"o1\", \"leaseSeconds\": 99999999999}", "leaseSeconds"},
                {"{\"orchestrator\": \"o1\", \"leaseSeconds\": \"long\"}", "leaseSeconds"},
        };
        for (String[] b : next) {
            out.add(Arguments.of("POST", "/api/v1/campaigns/c1/next", b[0], b[1]));
        }
        return out.stream();
    }

    /** Every operation with a path parameter, the bad id in its place. */
    static Stream<Arguments> paths() {
        List<String> templates = List.of("GET /api/v1/hosts/{}", "PUT /api/v1/hosts/{}/admin-state",
                "GET /api/v1/vms/{}", "GET /api/v1/vms/{}/targets", "GET /api/v1/vms/{}/targets?view=summary",
                "GET /api/v1/plans/{}", "DELETE /api/v1/plans/{}", "GET /api/v1/campaigns/{}",
                "GET /api/v1/campaigns/{}/next", "POST /api/v1/campaigns/{}/next", "POST /api/v1/campaigns/{}/pause", "POST /api/v1/campaigns/{}/resume",
                "POST /api/v1/campaigns/{}/abort", "POST /api/v1/campaigns/{}/migrations/{}/done",
                "POST /api/v1/campaigns/{}/migrations/{}/failed", "POST /api/v1/campaigns/{}/hosts/{}/upgrade-started");
        List<Arguments> out = new ArrayList<>();
        for (String t : templates) {
            for (String id : BAD_IDS) {
                String[] parts = t.split(" ", 2);
                out.add(Arguments.of(parts[0], parts[1].replace("{}", id)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} <- {2}")
    @MethodSource("bodies")
    void aBadBodyIsRefusedNamingTheFieldAndNothingIsStored(String method, String path, String body, String field) {
        Response r = given().contentType("application/json").body(body).request(method, path);

        assertRefused(r, method + " " + path);
        if (!field.isEmpty()) {
            assertThat(r.jsonPath().getString("message")).as("the answer names the field").contains(field);
        }
        assertNothingStored();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("paths")
    void aBadIdInThePathIsRefusedAndNothingIsStored(String method, String path) {
        Response r = given().urlEncodingEnabled(false).contentType("application/json")
                .body(method.equals("PUT") ? "{\"state\": \"DRAINING\"}" : "{}").request(method, path);

        assertRefused(r, method + " " + path);
        assertNothingStored();
    }

    @ParameterizedTest(name = "limit={0}")
    @MethodSource("badLimits")
    void aBadQueryParameterIsRefusedNamingIt(String limit) {
        Response r = given().urlEncodingEnabled(false).get("/api/v1/vms/vm-1/targets?view=summary&limit=" + limit);
        assertRefused(r, "limit=" + limit);
        assertThat(r.jsonPath().getString("message")).contains("limit");
    }

    static Stream<String> badLimits() {
        SplittableRandom random = new SplittableRandom(20191104L);
        List<String> out = new ArrayList<>(List.of("-1", "0", "101", "99999999999999999999", "1e3", "%00", "ten"));
        for (int i = 0; i < 10; i++) {
            out.add(Long.toString(random.nextLong(Long.MIN_VALUE, 0)));
        }
        return out.stream();
    }

    /** Rows of every table a request could write, before it. */
    private Map<String, Long> before;

    private void assertNothingStored() {
        Refusals.assertNothingStored(ds, before);
    }

    private static String hugeArray(int n) {
        StringBuilder b = new StringBuilder(n * 6).append('[');
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("\"h").append(i).append('"');
        }
        return b.append(']').toString();
    }
}
