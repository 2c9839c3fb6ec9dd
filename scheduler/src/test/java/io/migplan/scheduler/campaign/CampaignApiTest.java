package io.migplan.scheduler.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator;
import io.migplan.agent.sim.FleetSimulator.HostStatus;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.migplan.scheduler.testsupport.Orchestrator;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The campaign API on a small simulated fleet (six hosts: T4, T4, V100, V100, T4, T4, a quarter
 * full): what a request may say, the states an orchestrator can move a campaign through, and a
 * canary that contradicts the release policy's expectation.
 */
@QuarkusTest
class CampaignApiTest {

    static final String FROM = FleetSpec.DEFAULT_RELEASE;
    static final String TO = "2025.2";

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
    void aBadRequestNamesWhatIsWrongAndStoresNothing() {
        rejected(Map.of("toRelease", TO), "fromRelease is required");
        rejected(Map.of("fromRelease", FROM, "toRelease", FROM), "toRelease must be newer");
        rejected(Map.of("fromRelease", FROM, "toRelease", TO, "hosts", List.of("nope")), "'nope', which is not a known");
        rejected(Map.of("fromRelease", "2024.9", "toRelease", TO), "no host runs fromRelease 2024.9");
        rejected(Map.of("fromRelease", FROM, "toRelease", TO, "hosts", List.of("host-01"),
                "selector", Map.of("gpu-board", "T4")), "not both");
        rejected(Map.of("fromRelease", FROM, "toRelease", TO, "policy", Map.of("maxHostsInMaintenance", "ten")),
                "maxHostsInMaintenance must be a count");
        rejected(Map.of("fromRelease", FROM, "toRelease", TO, "policy", Map.of("maxParallel", 0)),
                "policy.maxParallel must be at least 1");
        rejected(Map.of("fromRelease", FROM, "toRelease", TO, "policy", Map.of("headroomPercent", 100)),
                "headroomPercent must be in 0..99");
        assertThat(Inventory.count(ds, "campaign")).isZero();
        given().get("/api/v1/campaigns/{id}", "camp-none").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
    }

    @Test
    void aMissingBodyOrAFieldOutOfBoundsIsRefusedNamingTheFieldAndItsLimit() {
        given().contentType(ContentType.JSON).post("/api/v1/campaigns").then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", equalTo("body is required: {fromRelease, toRelease, hosts | selector, policy, dryRun}"));
        rejected(Map.of("fromRelease", FROM), "toRelease is required");
        rejected(Map.of("fromRelease", FROM, "toRelease", TO, "hosts", List.of("host-01", "")),
                "hosts[1] must not be empty");
        rejected(Map.of("fromRelease", FROM, "toRelease", TO, "policy", Map.of("headroomPercent", -1)),
                "policy.headroomPercent must be in 0..99, got -1");
        rejected(Map.of("fromRelease", FROM, "toRelease", TO, "policy", Map.of("maxPerFailureDomain", 0,
                "maxOutboundPerHost", 0, "maxInboundPerHost", 0)), "policy.maxInboundPerHost must be at least 1, got 0;"
                + " policy.maxOutboundPerHost must be at least 1, got 0; policy.maxPerFailureDomain must be at least 1,"
                + " got 0");
        rejected(Map.of("fromRelease", FROM, "toRelease", TO, "policy", Map.of("maxHostsInMaintenance", "0")),
                "policy.maxHostsInMaintenance must be at least 1, got '0'");
        rejected(Map.of("fromRelease", FROM, "toRelease", TO, "policy", Map.of("maxHostsInMaintenance", "150%")),
                "policy.maxHostsInMaintenance must be a share in (0, 100]%, got '150%'");
        assertThat(Inventory.count(ds, "campaign")).isZero();
    }

    static final String ORCHESTRATOR = "api-test";

    /** The test's orchestrator asks for work under its lease. */
    private static io.restassured.response.Response next(String id) {
        return given().contentType(ContentType.JSON).body(Map.of("orchestrator", ORCHESTRATOR, "leaseSeconds", 60))
                .post("/api/v1/campaigns/{id}/next", id);
    }

    /** A report's request, sent as the test's orchestrator. */
    private static io.restassured.specification.RequestSpecification report() {
        return given().contentType(ContentType.JSON).body(Map.of("orchestrator", ORCHESTRATOR));
    }

    @Test
    void aDryRunPlansEveryHostAndIssuesNothing() {
        JsonPath c = create(Map.of("fromRelease", FROM, "toRelease", TO, "dryRun", true));
        assertThat(c.getString("state")).isEqualTo("DRY_RUN");
        assertThat(c.getList("batches.hosts").stream().flatMap(h -> ((List<?>) h).stream()).map(Object::toString)
                .collect(Collectors.toSet())).hasSize(6);
        assertThat(c.getInt("metrics.vms")).isPositive();
        assertThat(c.getInt("metrics.migrations")).isGreaterThanOrEqualTo(c.getInt("metrics.lowerBound"));
        assertThat(c.getInt("metrics.naive.migrations")).isPositive();
        assertThat(c.getList("history.kind")).containsExactly("PLANNED");
        given().get("/api/v1/campaigns/{id}/next", c.getString("id")).then().statusCode(200)
                .body("state", equalTo("DRY_RUN")).body("start", org.hamcrest.Matchers.empty())
                .body("waiting[0]", containsString("DRY_RUN"));
        assertThat(Inventory.count(ds, "slot_reservation")).isZero();

        // A label selector takes only the hosts it matches.
        JsonPath t4 = create(Map.of("fromRelease", FROM, "toRelease", TO, "dryRun", true,
                "selector", Map.of("gpu-board", "T4")));
        assertThat(t4.getList("batches.hosts").stream().flatMap(h -> ((List<?>) h).stream()).map(Object::toString)
                .collect(Collectors.toSet())).containsExactlyInAnyOrder("host-01", "host-02", "host-05", "host-06");
        assertThat(given().get("/api/v1/campaigns").then().statusCode(200).extract().jsonPath().getList("id"))
                .contains(c.getString("id"), t4.getString("id"));
    }

    @Test
    void anOrchestratorCanPauseResumeAndAbortAndEveryStepIsChecked() {
        String id = create(Map.of("fromRelease", FROM, "toRelease", TO, "policy", Map.of("maxHostsInMaintenance", 2)))
                .getString("id");
        given().contentType(ContentType.JSON).body(Map.of("fromRelease", FROM, "toRelease", TO))
                .post("/api/v1/campaigns").then().statusCode(409).body("code", equalTo("CAMPAIGN_ACTIVE"))
                .body("message", containsString(id));

        given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/pause", id).then().statusCode(200).body("state", equalTo("PAUSED"));
        given().get("/api/v1/campaigns/{id}/next", id).then().statusCode(200).body("state", equalTo("PAUSED"))
                .body("start", org.hamcrest.Matchers.empty());
        given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/pause", id).then().statusCode(200);
        given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/resume", id).then().statusCode(200).body("state", equalTo("RUNNING"));

        // Step until something is issued: its slots are claimed in PostgreSQL.
        JsonPath next = null;
        for (int i = 0; i < 50; i++) {
            next = next(id).then().statusCode(200).extract().jsonPath();
            if (!next.getList("start").isEmpty()) {
                break;
            }
            for (String host : next.getList("upgrade", String.class)) {
                report().post("/api/v1/campaigns/{id}/hosts/{h}/upgrade-started", id, host).then().statusCode(200);
                fleet.upgradeHost(host, TO, "");
            }
        }
        assertThat(next.getList("start")).isNotEmpty();
        String issued = next.getString("start[0].id");
        List<Integer> claims = next.getList("start[0].reservations", Integer.class);
        assertThat(claims).isNotEmpty();
        assertThat(Inventory.count(ds, "slot_reservation where not released")).isGreaterThanOrEqualTo(claims.size());
        // The host being emptied is out of placement for everyone else, marked by the campaign.
        String source = next.getString("start[0].from");
        given().get("/api/v1/hosts/{h}", source).then().statusCode(200).body("adminState", equalTo("DRAINING"))
                .body("adminReason", containsString("campaign " + id));
        // Asked again, it is in flight, not issued twice.
        JsonPath again = next(id).then().statusCode(200).extract().jsonPath();
        assertThat(again.getList("inFlight.id")).contains(issued);
        assertThat(again.getList("start.id")).doesNotContain(issued);

        report().post("/api/v1/campaigns/{id}/hosts/{h}/upgrade-started", id, next.getString("start[0].from"))
                .then().statusCode(409).body("code", equalTo("HOST_NOT_READY"));
        report().post("/api/v1/campaigns/{id}/migrations/{m}/done", id, "no-such").then().statusCode(404);
        fleet.migrateVm(next.getString("start[0].vm"), next.getString("start[0].to"),
                next.getString("start[0].parents[0]"));
        // Another orchestrator's report is not taken, and changes nothing.
        given().contentType(ContentType.JSON).body(Map.of("orchestrator", "someone-else"))
                .post("/api/v1/campaigns/{id}/migrations/{m}/done", id, issued).then().statusCode(409)
                .body("code", equalTo("NOT_LEASE_HOLDER")).body("message", containsString(ORCHESTRATOR));
        report().post("/api/v1/campaigns/{id}/migrations/{m}/done", id, issued).then().statusCode(200)
                .body("subjectState", equalTo("DONE"));
        report().post("/api/v1/campaigns/{id}/migrations/{m}/done", id, issued).then().statusCode(200)
                .body("subjectState", equalTo("DONE"));
        // Failed after done: fresh scans show the VM on its target, so it is refused and stays done.
        given().contentType(ContentType.JSON).body(Map.of("orchestrator", ORCHESTRATOR, "reason", "late"))
                .post("/api/v1/campaigns/{id}/migrations/{m}/failed", id, issued).then().statusCode(409)
                .body("code", equalTo("MIGRATION_NOT_IN_FLIGHT"))
                .body("message", containsString("on its target " + next.getString("start[0].to")));

        JsonPath aborted = given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/abort", id).then().statusCode(200).extract().jsonPath();
        assertThat(aborted.getString("state")).isEqualTo("ABORTED");
        assertThat(aborted.getList("history.kind")).contains("ABORTED");
        assertThat(Inventory.count(ds, "slot_reservation where not released")).isZero();
        assertThat(Inventory.count(ds, "campaign_migration where state = 'PLANNED'")).isZero();
        given().get("/api/v1/hosts/{h}", source).then().statusCode(200).body("adminState", equalTo("ACTIVE"));
        given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/abort", id).then().statusCode(200);
        given().contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/resume", id).then().statusCode(409).body("code", equalTo("CAMPAIGN_STATE"));
        next(id).then().statusCode(200).body("start", org.hamcrest.Matchers.empty());
        // Every VM still runs once, on a running host.
        assertThat(fleet.listHosts().stream().mapToInt(HostStatus::vms).sum()).isEqualTo(vmCount());
    }

    /**
     * The T4 canary comes back with a driver of another branch, whose agent refuses the state of
     * every T4 VM: no T4 VM is sent to it, the rest is re-planned, and the T4 hosts that cannot be
     * emptied forward are held back with the reason while the V100 hosts are upgraded.
     */
    @Test
    void aCanaryThatRefusesTheStateReplansBeforeAnyVmIsSentThere() {
        Set<String> t4 = Set.of("host-01", "host-02", "host-05", "host-06");
        String id = create(Map.of("fromRelease", FROM, "toRelease", TO, "policy", Map.of("maxHostsInMaintenance", 2)))
                .getString("id");
        JsonPath plan = view(id);
        List<String> canaries = new java.util.ArrayList<>();
        for (int i = 0; i < plan.getList("batches").size(); i++) {
            if (plan.getBoolean("batches[" + i + "].canary")) {
                canaries.addAll(plan.getList("batches[" + i + "].hosts", String.class));
            }
        }
        String t4Canary = canaries.stream().filter(t4::contains).findFirst().orElseThrow();
        Map<String, String> drivers = new HashMap<>();
        drivers.put(t4Canary, "570.124.06");
        Orchestrator o = new Orchestrator(fleet, id, TO).driverVersions(h -> drivers.getOrDefault(h, ""));
        assertThat(o.runToEnd(Duration.ofMinutes(3))).isEqualTo("COMPLETED");

        JsonPath end = view(id);
        assertThat(o.performed).noneMatch(p -> p.to().equals(t4Canary));
        assertThat(end.getList("history.message", String.class)).as(o.history())
                .anySatisfy(m -> assertThat(m).contains("refuses"))
                .anySatisfy(m -> assertThat(m).startsWith("because"));
        assertThat(end.getList("heldBack.host", String.class)).isNotEmpty().allMatch(t4::contains);
        // The VMs that keep them there say which answer rules them out.
        assertThat(end.getList("unmovable.reasons.flatten().message", String.class))
                .anySatisfy(m -> assertThat(m).contains("host " + t4Canary).contains("INCOMPATIBLE"));
        for (HostStatus h : fleet.listHosts()) {
            if (!t4.contains(h.host())) {
                assertThat(h.release()).as(h.host()).isEqualTo(TO);
            }
        }
        assertThat(o.backward()).isEmpty();
        assertThat(Inventory.count(ds, "slot_reservation where not released")).isZero();
    }

    private static void rejected(Map<String, Object> body, String message) {
        given().contentType(ContentType.JSON).body(body).post("/api/v1/campaigns").then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT")).body("message", containsString(message));
    }

    private static JsonPath create(Map<String, Object> body) {
        return Campaigns.create(body);
    }

    private static JsonPath view(String id) {
        return given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
    }

    private static int vmCount() {
        return given().get("/api/v1/vms").then().statusCode(200).extract().jsonPath().getList("name").size();
    }
}
