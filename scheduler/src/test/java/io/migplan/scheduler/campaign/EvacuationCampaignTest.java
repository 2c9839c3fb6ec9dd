package io.migplan.scheduler.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.HostStatus;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.migplan.proto.v1.Campaign;
import io.migplan.proto.v1.CampaignSummary;
import io.migplan.proto.v1.CreateEvacuationRequest;
import io.migplan.proto.v1.ListCampaignsRequest;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.migplan.scheduler.testsupport.TestTokens;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.Orchestrator;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evacuations on the six-host simulated fleet (T4, T4, V100, V100, T4, T4, a quarter full): hosts
 * emptied onto hosts outside them through the campaign loop, proven empty and left in
 * MAINTENANCE; what a request may say; abort; and a VM with nowhere to go.
 */
@QuarkusTest
class EvacuationCampaignTest {

    static final String RELEASE = FleetSpec.DEFAULT_RELEASE;

    @Inject
    AgroalDataSource ds;

    @TempDir
    Path dir;

    RunningFleet fleet;

    @BeforeEach
    void startFleet() throws Exception {
        fleet = SixHostFleet.start(ds, dir);
    }

    @AfterEach
    void stopFleet() {
        SixHostFleet.stop(ds, fleet);
    }

    @Test
    void twoHostsAreEmptiedEachVmMovedOnceAndLeftInMaintenanceWithNoUpgrade() {
        int vmsBefore = vmCount();
        int onScope = fleet.status("host-01").vms() + fleet.status("host-02").vms();
        assertThat(onScope).isPositive();
        String id = accept(Map.of("hosts", List.of("host-01", "host-02"), "reason", "firmware update"));
        JsonPath planned = Campaigns.planned(id);
        assertThat(planned.getString("state")).isEqualTo("RUNNING");
        assertThat(planned.getString("kind")).isEqualTo("EVACUATION");
        assertThat(planned.getString("fromRelease")).isNull();
        assertThat(planned.getInt("metrics.migrations")).isEqualTo(onScope);

        Orchestrator o = new Orchestrator(fleet, id, RELEASE);
        assertThat(o.runToEnd(Duration.ofMinutes(3))).as(o.history()).isEqualTo("COMPLETED");

        for (String h : List.of("host-01", "host-02")) {
            assertThat(fleet.status(h).vms()).as(h).isZero();
            given().get("/api/v1/hosts/{h}", h).then().statusCode(200).body("adminState", equalTo("MAINTENANCE"))
                    .body("adminReason", containsString("evacuation " + id))
                    .body("adminReason", containsString("firmware update"));
        }
        assertThat(o.performed).hasSize(onScope).allSatisfy(p -> assertThat(p.to()).isNotIn("host-01", "host-02"));
        assertThat(o.movesPerVm().values()).allMatch(n -> n == 1);
        assertThat(vmCount()).isEqualTo(vmsBefore);
        assertThat(o.upgraded).isEmpty();
        assertThat(fleet.listHosts()).extracting(HostStatus::release).containsOnly(RELEASE);
        assertThat(Inventory.count(ds, "slot_reservation where not released")).isZero();
        JsonPath end = view(id);
        assertThat(end.getList("history.kind", String.class)).contains("PLANNED", "HOST_EMPTY", "COMPLETED");
        assertThat(end.getInt("progress.hostsDone")).isEqualTo(2);
        assertThat(given().get("/api/v1/evacuations").then().statusCode(200).extract().jsonPath().getList("id"))
                .containsExactly(id);
    }

    @Test
    void aBadRequestIsRefusedWithASentenceAndStoresNothing() {
        given().contentType(ContentType.JSON).post("/api/v1/evacuations").then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT")).body("message", containsString("body is required"));
        refused(Map.of("hosts", List.of()), "hosts is required");
        refused(Map.of("reason", "x"), "hosts is required");
        refused(Map.of("hosts", List.of("host-01", "nope")), "'nope', which is not a known host");
        refused(Map.of("hosts", List.of("host-01", "host-01")), "'host-01' twice");
        refused(Map.of("hosts", List.of("host-01"), "policy", Map.of("maxParallel", 0)),
                "policy.maxParallel must be at least 1");
        assertThat(Inventory.count(ds, "campaign")).isZero();

        // A host held by a running evacuation is refused to another, and so is an upgrade meanwhile.
        String id = accept(Map.of("hosts", List.of("host-01")));
        given().contentType(ContentType.JSON).body(Map.of("hosts", List.of("host-05", "host-01")))
                .post("/api/v1/evacuations").then().statusCode(409).body("code", equalTo("CAMPAIGN_ACTIVE"))
                .body("message", containsString("host host-01 is in evacuation " + id));
        given().contentType(ContentType.JSON).body(Map.of("fromRelease", RELEASE, "toRelease", "2025.2"))
                .post("/api/v1/campaigns").then().statusCode(409).body("code", equalTo("CAMPAIGN_ACTIVE"))
                .body("message", containsString(id));
        assertThat(Inventory.count(ds, "campaign")).isEqualTo(1);
    }

    @Test
    void anAbortReleasesEveryClaimAndPutsTheHostsBackInPlacement() {
        String id = accept(Map.of("hosts", List.of("host-01", "host-02")));
        Campaigns.planned(id);
        Orchestrator o = new Orchestrator(fleet, id, RELEASE).holdWhen(a -> true);
        await("a migration is issued").atMost(Duration.ofMinutes(1)).pollInterval(o.pace())
                .until(() -> !o.step().getList("start").isEmpty());
        assertThat(Inventory.count(ds, "slot_reservation where not released")).isPositive();
        given().get("/api/v1/hosts/{h}", "host-01").then().statusCode(200).body("adminState", equalTo("DRAINING"))
                .body("adminReason", containsString("evacuation " + id));

        given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/abort", id).then().statusCode(200)
                .body("state", equalTo("ABORTED"));
        assertThat(Inventory.count(ds, "slot_reservation where not released")).isZero();
        assertThat(Inventory.count(ds, "campaign_migration where state = 'PLANNED'")).isZero();
        for (String h : List.of("host-01", "host-02")) {
            given().get("/api/v1/hosts/{h}", h).then().statusCode(200).body("adminState", equalTo("ACTIVE"));
        }
    }

    /**
     * The V100 VMs have no other V100 host to go to: their hosts are blocked with the VM named,
     * the T4 host is emptied and in maintenance, and the evacuation stays RUNNING, saying why.
     */
    @Test
    void aVmWithNowhereToGoKeepsItsHostAndTheEvacuationFromCompleting() {
        String id = accept(Map.of("hosts", List.of("host-01", "host-03", "host-04")));
        JsonPath planned = Campaigns.planned(id);
        assertThat(planned.getList("blocked.host", String.class)).containsExactlyInAnyOrder("host-03", "host-04");
        assertThat(planned.getList("blocked.reasons.flatten().message", String.class))
                .allSatisfy(m -> assertThat(m).contains("has nowhere to go"));
        assertThat(planned.getList("unmovable")).isNotEmpty();

        Orchestrator o = new Orchestrator(fleet, id, RELEASE);
        JsonPath last = await("host-01 is done and the rest is explained").atMost(Duration.ofMinutes(2))
                .pollInterval(o.pace()).until(o::step, n -> n.getList("waiting", String.class).stream()
                        .anyMatch(w -> w.startsWith("host host-03 cannot be emptied (BLOCKED)")));
        assertThat(last.getString("state")).isEqualTo("RUNNING");
        assertThat(fleet.status("host-01").vms()).isZero();
        given().get("/api/v1/hosts/{h}", "host-01").then().body("adminState", equalTo("MAINTENANCE"));
        given().get("/api/v1/hosts/{h}", "host-03").then().body("adminState", equalTo("ACTIVE"));
        assertThat(fleet.status("host-03").vms()).isPositive();
        assertThat(view(id).getString("state")).isEqualTo("RUNNING");
        assertThat(o.performed).allSatisfy(p -> assertThat(p.from()).isEqualTo("host-01"));
    }

    @Test
    void gRpcCreatesAnEvacuationAsRestDoesAndRefusesAnUnknownHost() throws Exception {
        try (SchedulerGrpc grpc = new SchedulerGrpc(TestTokens.grpc(TestTokens.of(Roles.OPERATOR)))) {
            assertThatThrownBy(() -> grpc.campaigns().createEvacuation(CreateEvacuationRequest.newBuilder()
                    .addHosts("nope").build())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription()).contains("'nope', which is not a known host");
                    });
            assertThat(Inventory.count(ds, "campaign")).isZero();
            Campaign c = grpc.campaigns().createEvacuation(CreateEvacuationRequest.newBuilder().addHosts("host-05")
                    .setReason("fan swap").build());
            assertThat(c.getId()).startsWith("evacuation-");
            assertThat(c.getKind()).isEqualTo("EVACUATION");
            assertThat(c.getReason()).isEqualTo("fan swap");
            assertThat(c.getState()).isEqualTo("PLANNING");
            assertThat(Campaigns.planned(c.getId()).getString("state")).isEqualTo("RUNNING");
            assertThat(grpc.campaigns().listCampaigns(ListCampaignsRequest.getDefaultInstance()).getCampaignsList())
                    .filteredOn(l -> l.getId().equals(c.getId())).extracting(CampaignSummary::getKind)
                    .containsExactly("EVACUATION");
        }
    }

    private static String accept(Map<String, Object> body) {
        var answer = given().contentType(ContentType.JSON).body(body).post("/api/v1/evacuations").then()
                .statusCode(202).body("state", equalTo("PLANNING")).body("kind", equalTo("EVACUATION")).extract();
        String id = answer.jsonPath().getString("id");
        assertThat(id).startsWith("evacuation-");
        assertThat(answer.header("Location")).endsWith("/api/v1/campaigns/" + id);
        return id;
    }

    private static void refused(Map<String, Object> body, String message) {
        given().contentType(ContentType.JSON).body(body).post("/api/v1/evacuations").then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT")).body("message", containsString(message));
    }

    private static JsonPath view(String id) {
        return given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
    }

    private static int vmCount() {
        return given().get("/api/v1/vms").then().statusCode(200).extract().jsonPath().getList("name").size();
    }
}
