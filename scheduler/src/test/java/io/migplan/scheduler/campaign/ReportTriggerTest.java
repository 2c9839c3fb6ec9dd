package io.migplan.scheduler.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.migplan.scheduler.testsupport.TwinFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A migration reported done is settled by its hosts' reports without waiting for the
 * orchestrator's next call or a tick (there is none here): at once when the reports came first,
 * else by a step the reports take ({@link ReportTrigger}), which says so in the history. The
 * fleet is {@link TwinFleet}: h-a and h-b each run a VM called {@code test}, one host at a time.
 */
@QuarkusTest
@TestProfile(CampaignContractTest.NoTick.class)
class ReportTriggerTest {

    @Inject
    AgroalDataSource ds;
    @Inject
    ReportTrigger trigger;

    SchedulerGrpc grpc;
    TwinFleet fleet;

    @BeforeEach
    void setUp() throws Exception {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
        fleet = TwinFleet.reportTo(grpc);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        grpc.close();
        fleet.close();
        // A campaign left RUNNING would refuse the next test's campaign.
        Inventory.clear(ds);
    }

    /** A running campaign and the first migration its orchestrator is handed. */
    private Map<String, Object> firstMigration(String[] id) {
        id[0] = Campaigns.create(Map.of("fromRelease", TwinFleet.FROM, "toRelease", TwinFleet.TO, "hosts",
                List.of("h-a", "h-b"), "policy", Map.of("maxHostsInMaintenance", "1"))).getString("id");
        return await("a migration is issued").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().contentType(ContentType.JSON).body(Map.of("orchestrator", "twins"))
                        .post("/api/v1/campaigns/{id}/next", id[0]).then().statusCode(200).extract().jsonPath()
                        .<Map<String, Object>>getList("start"), start -> !start.isEmpty()).get(0);
    }

    private static JsonPath done(String id, Map<String, Object> migration) {
        return given().contentType(ContentType.JSON).body(Map.of("orchestrator", "twins"))
                .post("/api/v1/campaigns/{id}/migrations/{m}/done", id, migration.get("id")).then().statusCode(200)
                .extract().jsonPath();
    }

    private static List<String> history(String id, String kind) {
        JsonPath view = given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
        List<String> kinds = view.getList("history.kind", String.class);
        List<String> messages = view.getList("history.message", String.class);
        return IntStream.range(0, kinds.size()).filter(i -> kinds.get(i).equals(kind))
                .mapToObj(messages::get).toList();
    }

    @Test
    void reportsThatComeAfterTheDoneReportSettleItAtOnceAndSaySo() {
        String[] id = new String[1];
        Map<String, Object> m = firstMigration(id);
        String from = (String) m.get("from");
        String to = (String) m.get("to");
        Runnable reports = fleet.moved((String) m.get("vm"), from, to);

        done(id[0], m);
        List<String> reported = history(id[0], "MIGRATION_DONE");
        assertThat(reported).hasSize(1);
        assertThat(reported.get(0)).doesNotContain("settled");
        assertThat(trigger.waitingFor(to)).as("the target's report is awaited").contains(id[0]);

        reports.run();

        List<String> settled = await("the hosts' reports settle it, with no call and no tick")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> history(id[0], "MIGRATIONS_SETTLED"), s -> !s.isEmpty());
        assertThat(settled).containsExactly("1 migration seen on its target in the hosts' reports (VM "
                + m.get("vm") + ")");
    }

    @Test
    void reportsThatCameBeforeTheDoneReportSettleItWithIt() {
        String[] id = new String[1];
        Map<String, Object> m = firstMigration(id);
        fleet.migrate((String) m.get("vm"), (String) m.get("from"), (String) m.get("to"));

        done(id[0], m);

        List<String> reported = history(id[0], "MIGRATION_DONE");
        assertThat(reported).hasSize(1);
        assertThat(reported.get(0)).endsWith("; both hosts' reports already show it: settled");
        assertThat(trigger.waitingFor((String) m.get("to"))).as("nothing left to wait for").doesNotContain(id[0]);
        JsonPath preview = given().get("/api/v1/campaigns/{id}/next", id[0]).then().statusCode(200).extract()
                .jsonPath();
        assertThat(preview.getList("waiting", String.class)).as("no wave waits for its targets")
                .noneMatch(w -> w.startsWith("waiting for the targets"));
    }
}
