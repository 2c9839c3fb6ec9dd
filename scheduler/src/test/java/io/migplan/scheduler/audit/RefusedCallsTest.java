package io.migplan.scheduler.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.migplan.proto.v1.GetCampaignRequest;
import io.migplan.proto.v1.PauseCampaignRequest;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Calls to operations that change state, refused for their token (401) or role (403), leave one
 * audit record each, on REST and gRPC; refused reads leave none. The records are written on a
 * worker thread after the answer, so the tests wait for them.
 */
@QuarkusTest
class RefusedCallsTest {

    private static final String ABORT = "POST /api/v1/campaigns/{id}/abort";
    private static final String GRPC_PAUSE = "migplan.v1.CampaignService/PauseCampaign";

    @Inject
    AgroalDataSource ds;

    private static RequestSpecification noToken() {
        return given().noFiltersOfType(TestTokens.AdminToken.class);
    }

    /** Each record of {@code operation} naming {@code target}: subject, roles, result and message. */
    private List<Map<String, String>> records(String operation, String target) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement("select subject, roles,"
                + " result, message from audit_record where operation = ? and target = ? order by id")) {
            s.setString(1, operation);
            s.setString(2, target);
            List<Map<String, String>> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(Map.of("subject", r.getString(1), "roles", r.getString(2), "result", r.getString(3),
                            "message", r.getString(4)));
                }
            }
            return out;
        }
    }

    private List<Map<String, String>> awaitRecords(String operation, String target) {
        return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> records(operation, target), list -> !list.isEmpty());
    }

    private long count(String operation, String result) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(
                "select count(*) from audit_record where operation = ? and result = ?")) {
            s.setString(1, operation);
            s.setString(2, result);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    @Test
    void aViewerAbortingACampaignGets403AndOneRecordNamingIt() throws Exception {
        given().header("Authorization", "Bearer " + TestTokens.of(Roles.VIEWER))
                .post("/api/v1/campaigns/{id}/abort", "refused-viewer").then().statusCode(403);

        List<Map<String, String>> records = awaitRecords(ABORT, "id=refused-viewer");
        assertThat(records).hasSize(1);
        assertThat(records.get(0)).containsEntry("subject", "test-viewer").containsEntry("roles", "viewer")
                .containsEntry("result", "PERMISSION_DENIED");
        assertThat(records.get(0).get("message")).startsWith("from 127.0.0.1: ").contains("may not call " + ABORT);
    }

    @Test
    void anAbortWithoutATokenGets401AndOneAnonymousRecord() throws Exception {
        noToken().post("/api/v1/campaigns/{id}/abort", "refused-anonymous").then().statusCode(401);

        List<Map<String, String>> records = awaitRecords(ABORT, "id=refused-anonymous");
        assertThat(records).hasSize(1);
        assertThat(records.get(0)).containsEntry("subject", "anonymous").containsEntry("roles", "")
                .containsEntry("result", "UNAUTHENTICATED");
    }

    @Test
    void anAbortWithATokenThatIsRefusedGets401AndOneRecord() throws Exception {
        noToken().header("Authorization", "Bearer not.a.token").post("/api/v1/campaigns/{id}/abort", "refused-bad")
                .then().statusCode(401);

        List<Map<String, String>> records = awaitRecords(ABORT, "id=refused-bad");
        assertThat(records).hasSize(1);
        assertThat(records.get(0)).containsEntry("subject", "anonymous").containsEntry("result", "UNAUTHENTICATED");
    }

    @Test
    void aReadRefusedForItsTokenLeavesNoRecord() throws Exception {
        noToken().get("/api/v1/campaigns/{id}", "refused-read").then().statusCode(401);
        // A refusal recorded after it: once its record is in, the read's would have been decided too.
        noToken().post("/api/v1/campaigns/{id}/abort", "refused-after-read").then().statusCode(401);
        awaitRecords(ABORT, "id=refused-after-read");

        assertThat(records("GET /api/v1/campaigns/{id}", "id=refused-read")).isEmpty();
    }

    @Test
    void grpcCallsRefusedForTheirRoleOrTokenAreRecordedAndReadsAreNot() throws Exception {
        long denied = count(GRPC_PAUSE, "PERMISSION_DENIED");
        long unauthenticated = count(GRPC_PAUSE, "UNAUTHENTICATED");
        long reads = count("migplan.v1.CampaignService/GetCampaign", "UNAUTHENTICATED");
        try (SchedulerGrpc viewer = new SchedulerGrpc(TestTokens.grpc(TestTokens.of(Roles.VIEWER)));
                SchedulerGrpc anonymous = new SchedulerGrpc(null)) {
            StatusRuntimeException forbidden = catchThrowableOfType(StatusRuntimeException.class,
                    () -> viewer.campaigns().pauseCampaign(PauseCampaignRequest.newBuilder().setId("refused-g").build()));
            assertThat(forbidden.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            StatusRuntimeException read = catchThrowableOfType(StatusRuntimeException.class,
                    () -> anonymous.campaigns().getCampaign(GetCampaignRequest.newBuilder().setId("refused-g").build()));
            assertThat(read.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            StatusRuntimeException noToken = catchThrowableOfType(StatusRuntimeException.class,
                    () -> anonymous.campaigns().pauseCampaign(PauseCampaignRequest.newBuilder().setId("refused-g").build()));
            assertThat(noToken.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        }

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> count(GRPC_PAUSE, "PERMISSION_DENIED") == denied + 1
                        && count(GRPC_PAUSE, "UNAUTHENTICATED") == unauthenticated + 1);
        assertThat(count("migplan.v1.CampaignService/GetCampaign", "UNAUTHENTICATED")).isEqualTo(reads);
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement("select subject, roles from"
                + " audit_record where operation = ? and result = 'PERMISSION_DENIED' order by id desc limit 1")) {
            s.setString(1, GRPC_PAUSE);
            try (ResultSet r = s.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("test-viewer");
                assertThat(r.getString(2)).isEqualTo("viewer");
            }
        }
    }
}
