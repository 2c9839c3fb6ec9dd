package io.migplan.scheduler.offline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An offline plan on a fleet's export is the plan the scheduler makes of that fleet: a simulated
 * fleet is planned through the API (an evacuation and a dry-run campaign), exported, and planned
 * again from the file by {@code plan --fleet} in this process; the same migrations come out, in
 * the same JSON shape, whether the file or its cache beside it is read, and nothing is written to the
 * database.
 */
@QuarkusTest
class OfflinePlanTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    AgroalDataSource ds;

    @TempDir
    Path dir;

    RunningFleet fleet;

    @AfterEach
    void stopFleet() {
        SixHostFleet.stop(ds, fleet);
    }

    @Test
    void theExportPlannedOfflineGivesTheMigrationsTheSchedulerPlanned() throws Exception {
        fleet = SixHostFleet.start(ds, dir.resolve("fleet"));
        JsonNode evacuation = evacuationThroughTheApi("host-01");
        JsonNode campaign = dryRunThroughTheApi();
        // Taken after the plans, so it holds the verdicts they asked the agents for.
        Path file = dir.resolve("fleet.json");
        Files.writeString(file, given().get("/api/v1/inventory/export").then().statusCode(200).extract().asString());
        long rows = Inventory.rows(ds);

        Run offlineEvacuation = plan("--fleet", file.toString(), "evacuate", "host-01");
        assertThat(offlineEvacuation.status()).as(offlineEvacuation.err()).isEqualTo(0);
        JsonNode offline = JSON.readTree(offlineEvacuation.out());
        assertThat(offline.path("status").asText()).isEqualTo("READY");
        assertThat(offline.path("migrations")).isEqualTo(evacuation.path("migrations")).isNotEmpty();
        assertThat(offline.path("unplaced")).isEqualTo(evacuation.path("unplaced"));
        assertThat(fieldNames(offline)).isEqualTo(fieldNames(evacuation));
        Run fromTheCache = plan("--fleet", file.toString(), "evacuate", "host-01");
        assertThat(FleetCache.of(file)).as("the first plan cached the file's document").isRegularFile();
        assertThat(fromTheCache.status()).as(fromTheCache.err()).isEqualTo(0);
        assertThat(JSON.readTree(fromTheCache.out()).path("migrations")).isEqualTo(evacuation.path("migrations"));

        Run offlineCampaign = plan("--fleet", file.toString(), "campaign", "--from", FleetSpec.DEFAULT_RELEASE,
                "--to", "2025.2");
        assertThat(offlineCampaign.status()).as(offlineCampaign.err()).isEqualTo(0);
        JsonNode dryRun = JSON.readTree(offlineCampaign.out());
        assertThat(dryRun.path("state").asText()).isEqualTo("DRY_RUN");
        assertThat(moves(dryRun)).isEqualTo(moves(campaign)).isNotEmpty();
        assertThat(dryRun.path("unmovable")).isEqualTo(campaign.path("unmovable"));
        assertThat(dryRun.path("metrics").path("migrations")).isEqualTo(campaign.path("metrics").path("migrations"));
        assertThat(fieldNames(dryRun)).isEqualTo(fieldNames(campaign));
        Run readingTheFile = plan("--fleet", file.toString(), "--no-cache", "campaign", "--from",
                FleetSpec.DEFAULT_RELEASE, "--to", "2025.2");
        assertThat(readingTheFile.status()).as(readingTheFile.err()).isEqualTo(0);
        assertThat(moves(JSON.readTree(readingTheFile.out()))).isEqualTo(moves(campaign));

        assertThat(Inventory.rows(ds)).as("an offline plan writes nothing").isEqualTo(rows);
    }

    @Test
    void anUnknownHostIsRefusedNamingItAndNothingIsPrinted() throws Exception {
        fleet = SixHostFleet.start(ds, dir.resolve("fleet"));
        Path file = dir.resolve("fleet.json");
        Files.writeString(file, given().get("/api/v1/inventory/export").then().statusCode(200).extract().asString());

        Run run = plan("--fleet", file.toString(), "evacuate", "host-99");

        assertThat(run.status()).isEqualTo(PlanCommand.REFUSED);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("hosts names 'host-99', which is not a known host");
    }

    /** The outcome of one {@code plan} command run in this process. */
    record Run(int status, String out, String err) {
    }

    static Run plan(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = PlanCommand.run(OfflinePlans.Settings.DEFAULTS, new PrintWriter(out), new PrintWriter(err), args);
        return new Run(status, out.toString(), err.toString());
    }

    private static JsonNode evacuationThroughTheApi(String host) throws Exception {
        String id = given().contentType("application/json").body(Map.of("hosts", List.of(host)))
                .post("/api/v1/plans/evacuation").then().statusCode(202).extract().path("id");
        String plan = await("plan " + id + " solved").atMost(Campaigns.PLAN_WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/api/v1/plans/{id}", id).then().statusCode(200).extract().asString(),
                        p -> !p.contains("\"SOLVING\""));
        return JSON.readTree(plan);
    }

    private static JsonNode dryRunThroughTheApi() throws Exception {
        JsonPath campaign = Campaigns.create(Map.of("fromRelease", FleetSpec.DEFAULT_RELEASE, "toRelease", "2025.2",
                "dryRun", true));
        assertThat(campaign.getString("state")).isEqualTo("DRY_RUN");
        return JSON.readTree(given().get("/api/v1/campaigns/{id}", campaign.getString("id")).then().statusCode(200)
                .extract().asString());
    }

    /** Each batch's hosts and its migrations (VM, from, to, device, wave, basis): what a plan decides. */
    private static List<Object> moves(JsonNode campaign) {
        List<Object> out = new ArrayList<>();
        for (JsonNode b : campaign.path("batches")) {
            List<Object> migrations = new ArrayList<>();
            for (JsonNode m : b.path("migrations")) {
                migrations.add(List.of(m.path("vmUuid").asText(), m.path("from").asText(), m.path("to").asText(),
                        m.path("device").asText(), m.path("wave").asInt(), m.path("basis").asText()));
            }
            out.add(List.of(b.path("index").asInt(), b.path("hosts"), b.path("canary").asBoolean(), migrations));
        }
        return out;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
