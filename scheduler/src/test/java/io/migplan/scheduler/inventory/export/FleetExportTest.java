package io.migplan.scheduler.inventory.export;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetFile;
import io.migplan.agent.sim.FleetSimulator;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet export on a small simulated fleet: the document a what-if copy starts from, the same
 * document and the same plans from that copy, what a viewer may read, and the bound on exports at
 * once.
 */
@QuarkusTest
class FleetExportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AgroalDataSource ds;
    @Inject
    FleetExport export;

    @TempDir
    Path dir;

    RunningFleet fleet;

    @AfterEach
    void stopFleet() {
        SixHostFleet.stop(ds, fleet);
    }

    @Test
    void aFleetStartedFromItsExportExportsTheSameAndPlansTheSameMigrations() throws Exception {
        fleet = SixHostFleet.start(ds, dir.resolve("first"));
        String exported = exportText();
        Plans before = plans();
        JsonNode afterPlans = withoutTime(exportText());
        SixHostFleet.stop(ds, fleet);
        fleet = null;
        Path file = dir.resolve("fleet.json");
        Files.writeString(file, exported);

        fleet = FleetSimulator.start(FleetFile.read(file), dir.resolve("copy"), "127.0.0.1:" + RestAssured.port);
        await("every host of the copy reported").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/api/v1/hosts").then().extract().jsonPath().getList("id").size() >= 6);

        assertThat(withoutTime(exportText())).isEqualTo(withoutTime(exported));
        Plans again = plans();
        assertThat(again.evacuation()).isEqualTo(before.evacuation()).isNotEmpty();
        assertThat(again.campaign()).isEqualTo(before.campaign()).isNotEmpty();
        // The verdicts the plans asked for are exported too, and the copy's agents gave the same.
        assertThat(afterPlans.findValues("verdicts").stream().mapToInt(JsonNode::size).sum()).isPositive();
        assertThat(withoutTime(exportText())).isEqualTo(afterPlans);
    }

    @Test
    void theDocumentHoldsEveryHostWithItsInventoryAndNoAgentEndpointsAndAViewerMayReadIt() throws Exception {
        fleet = SixHostFleet.start(ds, dir);
        given().contentType("application/json").body(Map.of("state", "DRAINING", "reason", "new PSU"))
                .put("/api/v1/hosts/{id}/admin-state", "host-03").then().statusCode(200);
        long rows = Inventory.rows(ds);
        Instant before = Instant.now().minusSeconds(60);

        var answer = given().header("Authorization", "Bearer " + TestTokens.of(Roles.VIEWER))
                .get("/api/v1/inventory/export").then().statusCode(200).contentType("application/json").extract();
        String text = answer.asString();
        // Sent as it is written (larger than the server's output buffer, so in chunks), never held whole.
        assertThat(text.length()).isGreaterThan(64 * 1024);
        assertThat(answer.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(answer.header("Content-Length")).isNull();

        JsonNode doc = JSON.readTree(text);
        assertThat(doc.path("format").asText()).isEqualTo(FleetExport.FORMAT);
        assertThat(doc.path("version").asInt()).isEqualTo(FleetExport.VERSION);
        assertThat(Instant.parse(doc.path("takenAt").asText())).isAfter(before);
        assertThat(doc.path("hostCount").asInt()).isEqualTo(6);
        List<String> ids = doc.findValuesAsText("id").stream().filter(id -> id.startsWith("host-")).distinct().toList();
        assertThat(ids).containsExactly("host-01", "host-02", "host-03", "host-04", "host-05", "host-06");
        JsonNode first = doc.path("hosts").get(0);
        assertThat(first.path("state").asText()).isEqualTo("UP");
        assertThat(first.path("adminState").asText()).isEqualTo("ACTIVE");
        JsonNode inventory = first.path("inventory");
        assertThat(inventory.path("host").path("release").asText()).isEqualTo(FleetSpec.DEFAULT_RELEASE);
        assertThat(inventory.path("host").has("agentEndpoint")).isFalse();
        assertThat(inventory.has("generation")).isFalse();
        assertThat(inventory.path("parents").get(0).path("types").get(0).path("raw").has("available_instances")).isTrue();
        JsonNode third = doc.path("hosts").get(2);
        assertThat(third.path("id").asText()).isEqualTo("host-03");
        assertThat(third.path("adminState").asText()).isEqualTo("DRAINING");
        assertThat(third.path("adminReason").asText()).isEqualTo("new PSU");
        int vms = 0;
        for (JsonNode h : doc.path("hosts")) {
            vms += h.path("inventory").path("vms").size();
        }
        assertThat(vms).isEqualTo(given().get("/api/v1/vms").then().extract().jsonPath().getList("uuid").size())
                .isPositive();
        // A GET changes nothing.
        assertThat(Inventory.rows(ds)).isEqualTo(rows);
    }

    @Test
    void anExportBeyondTheOnesRunningIsRefusedWith429AndRetryAfter() {
        List<FleetExport.Slot> held = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < FleetExport.MAX_RUNNING; i++) {
                held.add(export.claim());
            }
            given().get("/api/v1/inventory/export").then().statusCode(429).header("Retry-After", "10")
                    .body("code", equalTo("EXPORT_BUSY"))
                    .body("message", equalTo(FleetExport.MAX_RUNNING + " fleet exports are being written now, as many"
                            + " as run at once; try again in 10 s"));
        } finally {
            held.forEach(FleetExport.Slot::close);
        }
        given().get("/api/v1/inventory/export").then().statusCode(200).body("hostCount", equalTo(0));
    }

    /** The evacuation of host-01 and a dry-run campaign over the fleet, as migrations. */
    record Plans(List<Map<String, Object>> evacuation, List<Object> campaign) {
    }

    private static Plans plans() {
        String id = given().contentType("application/json").body(Map.of("hosts", List.of("host-01")))
                .post("/api/v1/plans/evacuation").then().statusCode(202).extract().path("id");
        JsonPath plan = await("plan " + id + " solved").atMost(Campaigns.PLAN_WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/api/v1/plans/{id}", id).then().statusCode(200).extract().jsonPath(),
                        p -> !"SOLVING".equals(p.getString("status")));
        assertThat(plan.getString("status")).isEqualTo("READY");
        JsonPath campaign = Campaigns.create(Map.of("fromRelease", FleetSpec.DEFAULT_RELEASE, "toRelease", "2025.2",
                "dryRun", true));
        assertThat(campaign.getString("state")).isEqualTo("DRY_RUN");
        List<Object> moves = campaign.getList("batches").stream().map(b -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> batch = (Map<String, Object>) b;
            return (Object) Map.of("hosts", batch.get("hosts"), "migrations", ((List<?>) batch.get("migrations"))
                    .stream().map(m -> {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> mig = (Map<String, Object>) m;
                        return List.of(mig.get("vmUuid"), mig.get("from"), mig.get("to"), mig.get("device"),
                                mig.get("wave"));
                    }).toList());
        }).toList();
        return new Plans(plan.getList("migrations"), moves);
    }

    private static String exportText() {
        return given().get("/api/v1/inventory/export").then().statusCode(200).extract().asString();
    }

    private static JsonNode withoutTime(String text) throws Exception {
        ObjectNode doc = (ObjectNode) JSON.readTree(text);
        doc.remove("takenAt");
        return doc;
    }
}
