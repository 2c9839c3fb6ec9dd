package io.migplan.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.cli.ExitCode;
import io.migplan.cli.testsupport.StandIn;
import io.migplan.cli.testsupport.StandIn.Answer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiClientTest {

    static ApiClient client(StandIn s) {
        return new ApiClient(URI.create(s.url()), "tok-1", null);
    }

    @Test
    void everyCallCarriesTheBearerTokenAndJsonBodiesTheirType() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, "{\"ok\":true}"))) {
            ApiClient c = client(s);
            assertThat(c.get("/api/v1/hosts").json().path("ok").asBoolean()).isTrue();
            c.post("/api/v1/campaigns/x/pause", null);
            c.put("/api/v1/hosts/h/admin-state", Map.of("state", "DRAINING"));
            assertThat(s.requests).extracting(StandIn.Request::authorization).containsOnly("Bearer tok-1");
            assertThat(s.requests.get(1).contentType()).as("a POST without a body has no type").isNull();
            assertThat(s.requests.get(2).contentType()).isEqualTo("application/json");
            assertThat(s.requests.get(2).body()).isEqualTo("{\"state\":\"DRAINING\"}");
        }
    }

    @Test
    void aRefusalCarriesTheServersCodeMessageAndStatus() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(404, "{\"code\":\"NOT_FOUND\",\"message\":\"no VM called x\"}"))) {
            assertThatThrownBy(() -> client(s).get("/api/v1/vms/x")).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(404);
                assertThat(e.code()).isEqualTo("NOT_FOUND");
                assertThat(e.getMessage()).isEqualTo("no VM called x");
                assertThat(e.describe()).isEqualTo("NOT_FOUND (HTTP 404): no VM called x");
                assertThat(ExitCode.of(e)).isEqualTo(ExitCode.REFUSED);
            });
        }
    }

    @Test
    void statusesMapToTheirExitCodes() throws Exception {
        Map<Integer, ExitCode> table = Map.of(400, ExitCode.REFUSED, 401, ExitCode.NOT_AUTHORISED, 403,
                ExitCode.NOT_AUTHORISED, 409, ExitCode.REFUSED, 429, ExitCode.REFUSED, 500, ExitCode.UNAVAILABLE, 503,
                ExitCode.UNAVAILABLE);
        for (var row : table.entrySet()) {
            try (StandIn s = new StandIn(r -> Answer.json(row.getKey(), "{\"code\":\"C\",\"message\":\"m\"}"))) {
                assertThatThrownBy(() -> client(s).get("/api/v1/hosts")).as("HTTP " + row.getKey())
                        .isInstanceOfSatisfying(ApiException.class,
                                e -> assertThat(ExitCode.of(e)).isEqualTo(row.getValue()));
            }
        }
    }

    @Test
    void aNonJsonErrorPageIsReportedByItsStatusAndItsStart() throws Exception {
        try (StandIn s = new StandIn(r -> new Answer(502, "<html>Bad gateway</html>", Map.of()))) {
            assertThatThrownBy(() -> client(s).get("/api/v1/hosts")).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.code()).isEqualTo("HTTP_502");
                assertThat(e.getMessage()).contains("Bad gateway");
            });
        }
    }

    @Test
    void retryAfterIsNamedInTheMessage() throws Exception {
        try (StandIn s = new StandIn(r -> new Answer(429, "{\"code\":\"PLANNING_BUSY\",\"message\":\"busy\"}",
                Map.of("Retry-After", "7")))) {
            assertThatThrownBy(() -> client(s).post("/api/v1/plans/evacuation", Map.of()))
                    .hasMessage("busy (retry after 7 s)");
        }
    }

    @Test
    void anAnswerLargerThanTheBoundIsRefused() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, "[" + "1,".repeat(600) + "1]"))) {
            ApiClient small = new ApiClient(URI.create(s.url()), "t", null, Duration.ofSeconds(2), Duration.ofSeconds(5),
                    1000);
            assertThatThrownBy(() -> small.get("/api/v1/hosts")).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.code()).isEqualTo(ApiException.BAD_RESPONSE);
                assertThat(e.getMessage()).contains("larger than 1000 bytes");
                assertThat(ExitCode.of(e)).isEqualTo(ExitCode.REFUSED);
            });
            assertThat(new ApiClient(URI.create(s.url()), "t", null, Duration.ofSeconds(2), Duration.ofSeconds(5), 2000)
                    .get("/api/v1/hosts").json().size()).isEqualTo(601);
        }
    }

    @Test
    void aServerThatIsNotThereIsUnreachable() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ApiClient c = new ApiClient(URI.create("http://127.0.0.1:" + port), "t", null);
        assertThatThrownBy(() -> c.get("/api/v1/hosts")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo(ApiException.UNREACHABLE);
            assertThat(e.getMessage()).contains("127.0.0.1:" + port, "connection refused");
            assertThat(ExitCode.of(e)).isEqualTo(ExitCode.UNAVAILABLE);
        });
    }

    @Test
    void pathSegmentsAreEncodedOneEach() {
        assertThat(ApiClient.path("/api/v1/vms/{}/targets", "a b/c?d")).isEqualTo("/api/v1/vms/a%20b%2Fc%3Fd/targets");
        assertThatThrownBy(() -> ApiClient.path("/api/v1/vms/{}", "a", "b")).hasMessageContaining("too many");
    }
}
