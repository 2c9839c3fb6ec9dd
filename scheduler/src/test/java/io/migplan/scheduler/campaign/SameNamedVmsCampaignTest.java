package io.migplan.scheduler.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.TwinFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A campaign over two hosts that each run a VM called {@code test} ({@link TwinFleet}): both VMs
 * are planned, each is moved once by its own migration, and the campaign completes. Driven
 * through the REST loop an orchestrator uses; each migration and upgrade is reported by the
 * hosts as it happens.
 */
@QuarkusTest
class SameNamedVmsCampaignTest {

    @Inject
    AgroalDataSource ds;

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

    private static JsonPath create(boolean dryRun) {
        return Campaigns.create(Map.of("fromRelease", TwinFleet.FROM, "toRelease", TwinFleet.TO, "hosts",
                List.of("h-a", "h-b"), "policy", Map.of("maxHostsInMaintenance", "1"), "dryRun", dryRun));
    }

    @Test
    void aDryRunPlansBothVmsOfTheSameName() {
        JsonPath plan = create(true);

        assertThat(plan.getList("batches.migrations.flatten().vm", String.class)).containsExactly("test", "test");
        assertThat(plan.getList("batches.migrations.flatten().vmUuid", String.class))
                .containsExactlyInAnyOrder(TwinFleet.UUID_A, TwinFleet.UUID_B);
        assertThat(plan.getList("unmovable")).isEmpty();
        assertThat(plan.getList("blocked")).isEmpty();
        assertThat(plan.getList("batches.hosts.flatten()", String.class)).containsExactlyInAnyOrder("h-a", "h-b");
    }

    @Test
    void aRunningCampaignMovesBothVmsOnceAndCompletes() {
        String id = create(false).getString("id");
        List<String> moved = new ArrayList<>();

        String state = await("campaign " + id + " ends").atMost(Duration.ofSeconds(60)).pollInSameThread()
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    JsonPath next = given().contentType(ContentType.JSON).body(Map.of("orchestrator", "twins"))
                            .post("/api/v1/campaigns/{id}/next", id).then().statusCode(200).extract().jsonPath();
                    for (Map<String, Object> a : next.<Map<String, Object>>getList("start")) {
                        // The orchestrator moves the VM of that name on its source, where the name is unique.
                        fleet.migrate((String) a.get("vm"), (String) a.get("from"), (String) a.get("to"));
                        moved.add(a.get("vmUuid") + ": " + a.get("from") + " -> " + a.get("to"));
                        given().contentType(ContentType.JSON).body(Map.of("orchestrator", "twins"))
                                .post("/api/v1/campaigns/{id}/migrations/{m}/done", id, a.get("id")).then()
                                .statusCode(200);
                    }
                    for (String host : next.getList("upgrade", String.class)) {
                        given().contentType(ContentType.JSON).body(Map.of("orchestrator", "twins"))
                                .post("/api/v1/campaigns/{id}/hosts/{h}/upgrade-started", id, host).then()
                                .statusCode(200);
                        fleet.upgrade(host, TwinFleet.TO);
                    }
                    return next.getString("state");
                }, s -> !s.equals("RUNNING"));

        JsonPath view = given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
        assertThat(state).as(view.getList("history.message").toString()).isEqualTo("COMPLETED");
        assertThat(moved).as("one migration per VM").hasSize(2);
        assertThat(moved.stream().map(m -> m.substring(0, m.indexOf(':'))).distinct()).as("each VM by its UUID")
                .hasSize(2);
        assertThat(view.getInt("progress.migrationsDone")).isEqualTo(2);
        assertThat(view.getList("history.kind", String.class)).doesNotContain("REPLANNED");
        assertThat(fleet.releaseOf("h-a")).isEqualTo(TwinFleet.TO);
        assertThat(fleet.releaseOf("h-b")).isEqualTo(TwinFleet.TO);
        Map<String, List<String>> where = fleet.uuidsByHost();
        assertThat(where.values().stream().flatMap(List::stream))
                .containsExactlyInAnyOrder(TwinFleet.UUID_A, TwinFleet.UUID_B);
        assertThat(where.get("h-a")).doesNotContain(TwinFleet.UUID_A);
        assertThat(where.get("h-b")).doesNotContain(TwinFleet.UUID_B);
    }
}
