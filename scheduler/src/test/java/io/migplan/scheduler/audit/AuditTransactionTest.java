package io.migplan.scheduler.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.migplan.scheduler.testsupport.Snapshots;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A change and its audit record commit together: a change whose record cannot be written is
 * rolled back, a change that commits has exactly one record in its own transaction, and a change
 * that rolls back is recorded as failed, never as done.
 */
@QuarkusTest
class AuditTransactionTest {

    private static final String DRAIN = "PUT /api/v1/hosts/{id}/admin-state";

    @Inject
    AgroalDataSource ds;

    private static void report(String host) throws Exception {
        try (SchedulerGrpc grpc = new SchedulerGrpc()) {
            grpc.inventory().reportInventory(Snapshots.report(Snapshots.host(host, 1, "127.0.0.1:1")));
        }
    }

    private static io.restassured.response.Response drain(String host) {
        return given().header("Authorization", "Bearer " + TestTokens.of(Roles.OPERATOR)).contentType(ContentType.JSON)
                .body(Map.of("state", "DRAINING", "reason", "audit test")).put("/api/v1/hosts/{id}/admin-state", host);
    }

    /** The results of the records of {@code operation} naming {@code target}, oldest first. */
    private List<String> results(String operation, String target) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "select result from audit_record where operation = ? and target = ? order by id")) {
            s.setString(1, operation);
            s.setString(2, target);
            List<String> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        }
    }

    private String adminState(String host) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "select admin_state from host where id = ?")) {
            s.setString(1, host);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).as("host " + host + " stored").isTrue();
                return r.getString(1);
            }
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    @Test
    void aCommittedChangeHasExactlyOneRecordWrittenInItsOwnTransaction() throws Exception {
        report("audit-tx-ok");

        drain("audit-tx-ok").then().statusCode(200);

        assertThat(results(DRAIN, "id=audit-tx-ok")).containsExactly("OK");
        // PostgreSQL's xmin is the transaction that wrote a row: the host's change and its record share one.
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement("select a.xmin::text,"
                + " h.xmin::text from audit_record a, host h where a.operation = ? and a.target = ? and h.id = ?")) {
            s.setString(1, DRAIN);
            s.setString(2, "id=audit-tx-ok");
            s.setString(3, "audit-tx-ok");
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo(r.getString(2));
            }
        }
    }

    @Test
    void aChangeWhoseRecordCannotBeWrittenIsRolledBackAndRecordedAsFailed() throws Exception {
        report("audit-tx-refused");
        // PostgreSQL itself refuses this one host's OK record; a failure record still goes in.
        sql("alter table audit_record add constraint audit_test_refuses_ok check (result <> 'OK'"
                + " or target <> 'id=audit-tx-refused') not valid");
        try {
            drain("audit-tx-refused").then().statusCode(500);
        } finally {
            sql("alter table audit_record drop constraint audit_test_refuses_ok");
        }

        assertThat(adminState("audit-tx-refused")).as("the change was rolled back").isEqualTo("ACTIVE");
        assertThat(results(DRAIN, "id=audit-tx-refused")).containsExactly("INTERNAL");
    }

    @Test
    void aChangeThatRollsBackIsRecordedAsFailedAndNeverAsDone() throws Exception {
        drain("audit-tx-unknown").then().statusCode(404);

        assertThat(results(DRAIN, "id=audit-tx-unknown")).containsExactly("NOT_FOUND");
    }

    @Test
    void aCallThatChangesNothingInTheDatabaseIsStillRecordedOnce() throws Exception {
        given().contentType(ContentType.JSON).body(Map.of("role", "viewer", "ttl", "1h", "subject", "audit-tx-token"))
                .post("/api/v1/tokens").then().statusCode(201);

        assertThat(results("POST /api/v1/tokens", "subject=audit-tx-token")).containsExactly("OK");
    }

    @Test
    void aRecordCommittedWithACreationNamesWhatItMade() throws Exception {
        report("audit-tx-plan");
        long unnamed = results("POST /api/v1/plans/evacuation", "").stream().filter("OK"::equals).count();

        String id = given().contentType(ContentType.JSON).body(Map.of("hosts", List.of("audit-tx-plan")))
                .post("/api/v1/plans/evacuation").then().statusCode(202).extract().path("id");

        assertThat(results("POST /api/v1/plans/evacuation", "id=" + id)).containsExactly("OK");
        assertThat(results("POST /api/v1/plans/evacuation", "").stream().filter("OK"::equals).count())
                .as("no record left without the id").isEqualTo(unnamed);
        // The plan is solved in the background; it is no change of the call's and leaves no record.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> !"SOLVING".equals(
                given().get("/api/v1/plans/{id}", id).then().statusCode(200).extract().path("status")));
        assertThat(results("POST /api/v1/plans/evacuation", "id=" + id)).containsExactly("OK");
    }
}
