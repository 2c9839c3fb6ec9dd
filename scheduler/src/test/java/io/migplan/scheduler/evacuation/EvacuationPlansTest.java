package io.migplan.scheduler.evacuation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.testsupport.EvacuationFleet;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.migplan.scheduler.testsupport.TwinFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Evacuation plans through the REST API on a fleet reported over gRPC, with real agents
 * (in-test AgentService servers) answering the compatibility questions the plan needs.
 */
@QuarkusTest
class EvacuationPlansTest {

    @Inject
    AgroalDataSource ds;
    @Inject
    PlanService plans;
    @Inject
    MigplanConfig config;

    SchedulerGrpc grpc;
    EvacuationFleet fleet;

    @BeforeEach
    void setUp() throws Exception {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
        fleet = EvacuationFleet.reportTo(grpc);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        grpc.close();
        fleet.close();
    }

    private static String create(Map<String, Object> body) {
        return given().contentType("application/json").body(body).post("/api/v1/plans/evacuation")
                .then().statusCode(202).header("Location", containsString("/api/v1/plans/"))
                .body("id", notNullValue()).extract().path("id");
    }

    private static JsonPath awaitDone(String id) {
        return await("plan " + id + " done SOLVING").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/api/v1/plans/{id}", id).then().statusCode(200).extract().jsonPath(),
                        plan -> !"SOLVING".equals(plan.getString("status")));
    }

    @Test
    void anEvacuationOfOneHostComesBackReadyWithEveryVmMovedInWaves() throws Exception {
        String id = create(Map.of("hosts", List.of("src"), "maxOutboundPerHost", 2, "maxInboundPerHost", 2,
                "maxParallel", 2, "timeLimitSeconds", 10));

        JsonPath plan = awaitDone(id);

        assertThat(plan.getString("status")).isEqualTo("READY");
        assertThat(plan.getList("migrations.vm", String.class)).containsExactlyInAnyOrder("vm-1", "vm-2", "vm-3");
        assertThat(plan.getList("migrations.from", String.class)).containsOnly("src");
        assertThat(plan.getList("migrations.to", String.class)).isSubsetOf("t4-a", "t4-b");
        assertThat(plan.getList("migrations.type", String.class)).containsOnly("nvidia-231");
        assertThat(plan.getList("unplaced")).isEmpty();
        // Two leave src at once at most, so three migrations take at least two waves.
        assertThat(plan.getInt("metrics.waves")).isGreaterThanOrEqualTo(2);
        assertThat(plan.getInt("metrics.migrations")).isEqualTo(3);
        assertThat(plan.getInt("metrics.hardViolations")).isZero();
        // t4-a has room for two only.
        assertThat(plan.getList("migrations.to", String.class).stream().filter("t4-a"::equals).count())
                .isLessThanOrEqualTo(2);
        // The plan is stored: it reads the same again.
        given().get("/api/v1/plans/{id}", id).then().statusCode(200).body("status", equalTo("READY"));
    }

    @Test
    void twoVmsOfTheSameNameOnTwoHostsAreBothPlannedEachNamedAndIdentified() throws Exception {
        try (TwinFleet twins = TwinFleet.reportTo(grpc)) {
            String id = create(Map.of("hosts", List.of("h-a", "h-b"), "timeLimitSeconds", 10));

            JsonPath plan = awaitDone(id);

            assertThat(plan.getString("status")).isEqualTo("READY");
            assertThat(plan.getList("migrations.vm", String.class)).containsExactly("test", "test");
            assertThat(plan.getList("migrations.vmUuid", String.class))
                    .containsExactlyInAnyOrder(TwinFleet.UUID_A, TwinFleet.UUID_B);
            assertThat(plan.getList("migrations.from", String.class)).containsExactlyInAnyOrder("h-a", "h-b");
            assertThat(plan.getInt("metrics.vms")).isEqualTo(2);
            assertThat(plan.getList("unplaced")).isEmpty();
        }
    }

    @Test
    void anImpossibleEvacuationAccountsForEveryVmWithReasons() throws Exception {
        // Empty both T4 targets too: nothing left with nvidia-231 but the V100 host.
        String id = create(Map.of("hosts", List.of("src", "t4-a", "t4-b")));

        JsonPath plan = awaitDone(id);

        assertThat(plan.getString("status")).isEqualTo("INFEASIBLE");
        assertThat(plan.getList("migrations")).isEmpty();
        assertThat(plan.getList("unplaced.vm", String.class)).containsExactlyInAnyOrder("vm-1", "vm-2", "vm-3");
        List<Map<String, String>> reasons = plan.getList("unplaced.find { it.vm == 'vm-1' }.reasons");
        assertThat(reasons).extracting(r -> r.get("code")).containsExactly("NO_ELIGIBLE_TARGET", "FILTER_DIAGNOSIS");
        assertThat(reasons.get(1).get("message")).isEqualTo("VM vm-1: 0/1 hosts eligible: 1 no device type nvidia-231");
    }

    @Test
    void badRequestsAreRefusedNamingWhatIsWrongAndNothingIsStored() {
        long before = Inventory.count(ds, "plan");
        given().contentType("application/json").body(Map.of("hosts", List.of())).post("/api/v1/plans/evacuation")
                .then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", containsString("hosts is required"));
        given().contentType("application/json").body(Map.of("hosts", List.of("src", "nope")))
                .post("/api/v1/plans/evacuation")
                .then().statusCode(400).body("message", equalTo("hosts names 'nope', which is not a known host"));
        given().contentType("application/json").body(Map.of("hosts", List.of("src"), "maxParallel", 0))
                .post("/api/v1/plans/evacuation")
                .then().statusCode(400).body("message", equalTo("maxParallel must be at least 1, got 0"));
        assertThat(Inventory.count(ds, "plan")).isEqualTo(before);
    }

    @Test
    void aMissingBodyAnEmptyHostIdOrATimeLimitOutOfRangeIs400InTheErrorShapeNamingFieldAndLimit() {
        long before = Inventory.count(ds, "plan");
        JsonPath noBody = given().contentType("application/json").post("/api/v1/plans/evacuation")
                .then().statusCode(400).extract().jsonPath();
        assertThat(noBody.getMap("")).containsOnlyKeys("code", "message");
        assertThat(noBody.getString("code")).isEqualTo("INVALID_ARGUMENT");
        assertThat(noBody.getString("message")).isEqualTo("body is required: {hosts, maxOutboundPerHost,"
                + " maxInboundPerHost, maxParallel, timeLimitSeconds}");
        JsonPath tooLong = given().contentType("application/json")
                .body(Map.of("hosts", List.of("src"), "timeLimitSeconds", 601)).post("/api/v1/plans/evacuation")
                .then().statusCode(400).extract().jsonPath();
        assertThat(tooLong.getMap("")).containsOnlyKeys("code", "message");
        assertThat(tooLong.getString("code")).isEqualTo("INVALID_ARGUMENT");
        assertThat(tooLong.getString("message")).isEqualTo("timeLimitSeconds must be at most 600, got 601");
        given().contentType("application/json").body(Map.of("hosts", List.of("src", " ")))
                .post("/api/v1/plans/evacuation")
                .then().statusCode(400).body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", equalTo("hosts[1] must not be empty"));
        assertThat(Inventory.count(ds, "plan")).isEqualTo(before);
    }

    @Test
    void anUnknownPlanIs404AndAFinishedPlanCannotBeCancelled() throws Exception {
        given().get("/api/v1/plans/nope").then().statusCode(404).body("code", equalTo("NOT_FOUND"));
        String id = create(Map.of("hosts", List.of("src")));
        awaitDone(id);
        given().contentType(ContentType.JSON).delete("/api/v1/plans/{id}", id).then().statusCode(409).body("code", equalTo("PLAN_FINISHED"));
    }

    @Test
    void theStartUpWarmUpPlansEveryRoundThroughTheSolverManagersAsksNoAgentStoresNothingAndLeavesPlansWorking() {
        long before = Inventory.count(ds, "plan");
        long audited = Inventory.count(ds, "audit_record");
        long inserted = planRowsInserted();
        int probes = fleet.agent.calls();

        // On a thread of its own, as at start: no request context is open there.
        int rounds = CompletableFuture.supplyAsync(plans::warmUp, task -> new Thread(task, "warm-up").start()).join();

        assertThat(rounds).as("the made-up rounds, then the rounds on the fleet held")
                .isEqualTo(PlannerWarmUp.ROUNDS + config.planning().warmUpFleetRounds());

        assertThat(Inventory.count(ds, "plan")).as("nothing stored").isEqualTo(before);
        assertThat(Inventory.count(ds, "audit_record")).as("nothing audited").isEqualTo(audited);
        await("each made-up round's row written, then rolled back").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(planRowsInserted()).isGreaterThanOrEqualTo(
                        inserted + PlannerWarmUp.ROUNDS));
        assertThat(fleet.agent.calls()).as("no agent asked").isEqualTo(probes);
        assertThat(plans.warmingUp()).as("ready again").isFalse();
        JsonPath plan = awaitDone(create(Map.of("hosts", List.of("src"))));
        assertThat(plan.getString("status")).isEqualTo("READY");
    }

    @Test
    void aRehearsedPlanIsShownAsItsRowReadBackWouldShowItAndLeavesNoRowAndNoAuditRecord() {
        long before = Inventory.count(ds, "plan");
        long audited = Inventory.count(ds, "audit_record");
        long auditInserts = rowsInserted("audit_record");
        PlanView plan = new PlanView("warm-up-0", PlanStatus.READY, new PlanView.Progress("0hard/0medium/-3soft", 12),
                List.of(new PlanView.Migration("vm-1", "uuid-1", "src", "dst", "mdev-1", "nvidia-1", 1)), List.of(),
                new PlanView.Metrics(1, 1, 0, 1, 2, 12, 0, false), "");

        PlanView shown = plans.rehearse(plan);

        assertThat(shown.id()).isEqualTo(PlanService.REHEARSAL);
        assertThat(shown.status()).isEqualTo(PlanStatus.READY);
        assertThat(shown.progress()).isEqualTo(plan.progress());
        assertThat(shown.migrations()).isEqualTo(plan.migrations());
        assertThat(shown.metrics()).isEqualTo(plan.metrics());
        assertThat(Inventory.count(ds, "plan")).as("the row rolled back").isEqualTo(before);
        assertThat(Inventory.count(ds, "audit_record")).as("nothing audited").isEqualTo(audited);
        await("the audit's record written beside the row, then rolled back").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(rowsInserted("audit_record")).isGreaterThan(auditInserts));
        given().get("/api/v1/plans/{id}", PlanService.REHEARSAL).then().statusCode(404);
    }

    /** Rows ever inserted into {@code plan}, those of rolled-back transactions included (PostgreSQL's statistics). */
    private long planRowsInserted() {
        return rowsInserted("plan");
    }

    /** Rows ever inserted into {@code table}, those of rolled-back transactions included. */
    private long rowsInserted(String table) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select coalesce(sum(n_tup_ins), 0) from pg_stat_user_tables"
                        + " where relname = '" + table + "'")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
