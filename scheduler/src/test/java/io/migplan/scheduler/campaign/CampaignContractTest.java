package io.migplan.scheduler.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.scheduler.campaign.CampaignStore.MigrationRow;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestration contract on a small simulated fleet whose agents answer fresh scans: work
 * issued only under a lease, a preview that changes nothing, deadlines settled from what the
 * agents see, claims that last as long as their migration, and reports that can be corrected.
 * The background tick is off, so nothing moves but what the test does; time is moved on by
 * stepping the campaign at a later instant.
 */
@QuarkusTest
@TestProfile(CampaignContractTest.NoTick.class)
class CampaignContractTest {

    /** Steps happen only when the test takes them. */
    public static class NoTick implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("migplan.campaign.tick-every", "off");
        }
    }

    static final String FROM = FleetSpec.DEFAULT_RELEASE;
    static final String TO = "2025.2";
    static final String A = "orch-a";
    static final String B = "orch-b";

    @Inject
    AgroalDataSource ds;
    @Inject
    CampaignRunner runner;
    @Inject
    CampaignStore store;

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

    private static String start(int migrationTimeoutSeconds) {
        return Campaigns.create(Map.of("fromRelease", FROM, "toRelease", TO, "policy",
                Map.of("maxHostsInMaintenance", 2, "migrationTimeoutSeconds", migrationTimeoutSeconds)))
                .getString("id");
    }

    private static Response next(String id, String orchestrator) {
        return given().contentType(ContentType.JSON).body(Map.of("orchestrator", orchestrator, "leaseSeconds", 60))
                .post("/api/v1/campaigns/{id}/next", id);
    }

    private static Response report(String id, String migration, String outcome, String orchestrator) {
        Map<String, String> body = outcome.equals("failed") ? Map.of("orchestrator", orchestrator, "reason", "test")
                : Map.of("orchestrator", orchestrator);
        return given().contentType(ContentType.JSON).body(body)
                .post("/api/v1/campaigns/{id}/migrations/{m}/" + outcome, id, migration);
    }

    /** Steps as {@code orchestrator} (upgrading what is handed out) until migrations are issued; their actions. */
    private List<Map<String, Object>> issue(String id, String orchestrator) {
        JsonPath n = null;
        for (int i = 0; i < 30; i++) {
            n = next(id, orchestrator).then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> start = n.getList("start");
            if (!start.isEmpty()) {
                return start;
            }
            for (String host : n.getList("upgrade", String.class)) {
                given().contentType(ContentType.JSON).body(Map.of("orchestrator", orchestrator))
                        .post("/api/v1/campaigns/{id}/hosts/{h}/upgrade-started", id, host).then().statusCode(200);
                fleet.upgradeHost(host, TO, "");
            }
        }
        throw new AssertionError("nothing was issued; the last answer: " + n.prettify() + "\nhistory: "
                + given().get("/api/v1/campaigns/{id}", id).then().extract().jsonPath().getList("history.message"));
    }

    private MigrationRow row(String id, String migration) {
        return QuarkusTransaction.requiringNew().call(() -> store.migration(id, migration));
    }

    private List<String> events(String id, String kind) {
        return given().get("/api/v1/campaigns/{id}", id).then().extract().jsonPath()
                .getList("history.findAll { it.kind == '" + kind + "' }.message", String.class);
    }

    /** Every row of the campaign tables, the claims and the hosts' admin states, as one text. */
    private String everything() throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String table : List.of("campaign", "campaign_host", "campaign_migration", "campaign_event",
                    "slot_reservation", "compatibility_verdict")) {
                try (ResultSet r = s.executeQuery("select coalesce(string_agg(t::text, '\n' order by t::text), '')"
                        + " from " + table + " t")) {
                    r.next();
                    out.append(table).append(":\n").append(r.getString(1)).append('\n');
                }
            }
            try (ResultSet r = s.executeQuery("select string_agg(id || ' ' || admin_state || ' ' || admin_reason, '\n'"
                    + " order by id) from host")) {
                r.next();
                out.append(r.getString(1));
            }
        }
        return out.toString();
    }

    @Test
    void aGetOfNextPreviewsWithoutChangingAnythingAndOnlyAPostIssues() throws Exception {
        String id = start(600);
        String before = everything();

        for (int i = 0; i < 3; i++) {
            JsonPath preview = given().get("/api/v1/campaigns/{id}/next", id).then().statusCode(200).extract()
                    .jsonPath();
            assertThat(preview.getBoolean("preview")).isTrue();
            assertThat(preview.getString("leaseHolder")).isNull();
        }

        assertThat(everything()).as("GET next wrote nothing").isEqualTo(before);
        List<Map<String, Object>> issued = issue(id, A);
        assertThat(issued).allSatisfy(a -> {
            assertThat((List<?>) a.get("reservations")).isNotEmpty();
            assertThat(a.get("deadline")).isNotNull();
        });
        assertThat(everything()).isNotEqualTo(before);
        // Previewed again: the work in flight, and the lease, without a new lease or a new claim.
        String afterIssue = everything();
        JsonPath preview = given().get("/api/v1/campaigns/{id}/next", id).then().statusCode(200).extract().jsonPath();
        assertThat(preview.getList("inFlight.id")).containsAll(issued.stream().map(a -> a.get("id")).toList());
        assertThat(preview.getString("leaseHolder")).isEqualTo(A);
        assertThat(everything()).isEqualTo(afterIssue);
    }

    @Test
    void onlyTheLeaseHolderTakesWorkAndReportsAndAnExpiredLeaseIsTakenOverWithTheWorkInFlight() {
        String id = start(600);
        Map<String, Object> m = issue(id, A).get(0);
        String mid = (String) m.get("id");

        next(id, B).then().statusCode(409).body("code", equalTo("LEASE_HELD"))
                .body("message", containsString("orchestrator " + A));
        report(id, mid, "done", B).then().statusCode(409).body("code", equalTo("NOT_LEASE_HOLDER"));
        assertThat(row(id, mid).state()).isEqualTo("ISSUED");

        // A stops renewing; its lease runs out.
        QuarkusTransaction.requiringNew().run(() -> store.setLease(id, A, Instant.now().minusSeconds(1)));
        JsonPath taken = next(id, B).then().statusCode(200).extract().jsonPath();
        assertThat(taken.getString("leaseHolder")).isEqualTo(B);
        assertThat(taken.getList("inFlight.id")).contains(mid);
        assertThat(events(id, "LEASE_TAKEN_OVER")).singleElement().asString().startsWith("orchestrator " + B
                + " took over from " + A);

        fleet.migrateVm((String) m.get("vm"), (String) m.get("to"), ((List<?>) m.get("parents")).get(0).toString());
        report(id, mid, "done", A).then().statusCode(409).body("code", equalTo("NOT_LEASE_HOLDER"));
        report(id, mid, "done", B).then().statusCode(200).body("subjectState", equalTo("DONE"));
        report(id, mid, "done", B).then().statusCode(200).body("subjectState", equalTo("DONE"));
    }

    @Test
    void anIssuedMigrationNobodyReportsIsSettledAtItsDeadlineFromWhatTheAgentsSee() {
        String id = start(60);
        List<Map<String, Object>> issued = issue(id, A);
        Map<String, Object> moved = issued.get(0);
        fleet.migrateVm((String) moved.get("vm"), (String) moved.get("to"),
                ((List<?>) moved.get("parents")).get(0).toString());
        await("the hosts report the move").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Inventory.count(ds, "vm where name = '" + moved.get("vm") + "'") == 1
                        && moved.get("to").equals(given().get("/api/v1/vms/{vm}", moved.get("vm")).then().extract()
                                .jsonPath().getString("host")));
        Instant deadline = row(id, (String) moved.get("id")).deadline();

        runner.advance(id, deadline.minusSeconds(1));
        assertThat(row(id, (String) moved.get("id")).state()).as("not yet due").isEqualTo("ISSUED");

        runner.advance(id, deadline.plusSeconds(1));

        MigrationRow done = row(id, (String) moved.get("id"));
        assertThat(done.state()).isEqualTo("DONE");
        assertThat(done.settled()).isTrue();
        assertThat(events(id, "MIGRATION_SETTLED")).anySatisfy(e -> assertThat(e)
                .contains("was not reported by its deadline").contains("on its target " + moved.get("to"))
                .endsWith("taken as DONE"));
        // Every other migration issued with it was never performed: its VM is still on its source.
        for (Map<String, Object> a : issued.subList(1, issued.size())) {
            MigrationRow failed = row(id, (String) a.get("id"));
            assertThat(failed.state()).isEqualTo("FAILED");
            assertThat(failed.error()).contains("still on its source " + a.get("from"));
        }
        assertThat(Inventory.count(ds, "slot_reservation where not released and holder like '"
                + moved.get("id") + "#%'")).as("a settled migration's claims are released").isZero();
    }

    @Test
    void anIssuedMigrationNotPerformedFailsAtItsDeadlineAndTheRestIsPlannedAgain() {
        String id = start(60);
        Map<String, Object> m = issue(id, A).get(0);
        String mid = (String) m.get("id");

        runner.advance(id, row(id, mid).deadline().plusSeconds(1));

        assertThat(row(id, mid).state()).isEqualTo("FAILED");
        assertThat(row(id, mid).error()).contains("was not reported by its deadline")
                .contains("still on its source " + m.get("from"));
        assertThat(events(id, "REPLAN_NEEDED")).anySatisfy(e -> assertThat(e).contains(mid));
        report(id, mid, "done", A).then().statusCode(409).body("code", equalTo("MIGRATION_NOT_IN_FLIGHT"));
    }

    @Test
    void theClaimsOfAnIssuedMigrationHoldForAsLongAsItIsInFlightEvenPastHalfAnHour() {
        String id = start(7200);
        Map<String, Object> m = issue(id, A).get(0);
        String mid = (String) m.get("id");
        int claims = ((List<?>) m.get("reservations")).size();
        Instant issuedAt = row(id, mid).deadline().minusSeconds(7200);

        runner.advance(id, issuedAt.plus(Duration.ofMinutes(20)));
        runner.advance(id, issuedAt.plus(Duration.ofMinutes(45)));

        assertThat(row(id, mid).state()).isEqualTo("ISSUED");
        assertThat(Inventory.count(ds, "slot_reservation where not released and holder like '" + mid
                + "#%' and expires_at > '" + issuedAt.plus(Duration.ofMinutes(61)) + "'"))
                .as("claimed past 30 minutes while in flight").isEqualTo(claims);
    }

    @Test
    void doneWithTheVmStillOnItsSourceSettlesAsFailedWithThatReason() {
        String id = start(600);
        Map<String, Object> m = issue(id, A).get(0);
        String mid = (String) m.get("id");
        report(id, mid, "done", A).then().statusCode(200);
        Instant due = row(id, mid).deadline();
        assertThat(due).isNotNull();

        runner.advance(id, due.plusSeconds(1));

        MigrationRow failed = row(id, mid);
        assertThat(failed.state()).isEqualTo("FAILED");
        assertThat(failed.error()).contains("was reported done but its target did not show the VM")
                .contains("still on its source " + m.get("from"));
        assertThat(Inventory.count(ds, "slot_reservation where not released and holder like '" + mid + "#%'"))
                .isZero();
    }

    @Test
    void failedAfterDoneIsTakenWhenTheAgentsSeeTheVmOnItsSource() {
        String id = start(600);
        Map<String, Object> m = issue(id, A).get(0);
        String mid = (String) m.get("id");
        report(id, mid, "done", A).then().statusCode(200);

        report(id, mid, "failed", A).then().statusCode(200).body("subjectState", equalTo("FAILED"));
        report(id, mid, "failed", A).then().statusCode(200).body("subjectState", equalTo("FAILED"));

        assertThat(row(id, mid).error()).startsWith("reported failed after done (test); fresh scans show VM "
                + m.get("vm") + " still on its source");
    }
}
