package io.migplan.scheduler.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.StatusRuntimeException;
import io.migplan.proto.v1.PauseCampaignRequest;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.migplan.scheduler.testsupport.Snapshots;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each call that changes state leaves one audit record, whoever made it and however it ended, and
 * {@code GET /api/v1/audit} pages through them newest first; reads leave none.
 */
@QuarkusTest
class AuditTest {

    static String bearer(String role) {
        return "Bearer " + TestTokens.of(role);
    }

    static JsonPath newest(int limit) {
        return given().queryParam("limit", limit).get("/api/v1/audit").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void anAdminStateChangeIsRecordedWithWhoWhatAndTheResult() throws Exception {
        try (SchedulerGrpc grpc = new SchedulerGrpc()) {
            grpc.inventory().reportInventory(Snapshots.report(Snapshots.host("audit-h1", 1, "127.0.0.1:1")));
        }
        given().header("Authorization", bearer(Roles.OPERATOR)).contentType(ContentType.JSON)
                .body(Map.of("state", "DRAINING", "reason", "disk swap")).put("/api/v1/hosts/{id}/admin-state", "audit-h1")
                .then().statusCode(200);

        Map<String, Object> record = newest(1).getMap("entries[0]");
        assertThat(record).containsEntry("subject", "test-operator").containsEntry("roles", "operator")
                .containsEntry("operation", "PUT /api/v1/hosts/{id}/admin-state").containsEntry("target", "id=audit-h1")
                .containsEntry("result", "OK").containsKey("at");
    }

    @Test
    void aRefusedChangeIsRecordedWithItsCodeAndSentence() {
        given().header("Authorization", bearer(Roles.OPERATOR)).contentType(ContentType.JSON)
                .post("/api/v1/campaigns/{id}/abort", "audit-none")
                .then().statusCode(404);

        Map<String, Object> record = newest(1).getMap("entries[0]");
        assertThat(record).containsEntry("operation", "POST /api/v1/campaigns/{id}/abort")
                .containsEntry("target", "id=audit-none").containsEntry("result", "NOT_FOUND");
        assertThat((String) record.get("message")).contains("audit-none");
    }

    @Test
    void aGrpcChangeIsRecordedUnderItsMethodName() throws Exception {
        try (SchedulerGrpc grpc = new SchedulerGrpc(TestTokens.grpc(TestTokens.of(Roles.OPERATOR)))) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> grpc.campaigns().pauseCampaign(
                    PauseCampaignRequest.newBuilder().setId("audit-grpc").build())))
                    .isInstanceOf(StatusRuntimeException.class);
        }

        Map<String, Object> record = newest(1).getMap("entries[0]");
        assertThat(record).containsEntry("subject", "test-operator")
                .containsEntry("operation", "migplan.v1.CampaignService/PauseCampaign")
                .containsEntry("target", "id=audit-grpc").containsEntry("result", "NOT_FOUND");
    }

    @Test
    void aTokenMadeIsRecordedWithItsSubject() {
        given().contentType(ContentType.JSON).body(Map.of("role", "viewer", "ttl", "1h", "subject", "dashboard"))
                .post("/api/v1/tokens").then().statusCode(201);

        Map<String, Object> record = newest(1).getMap("entries[0]");
        assertThat(record).containsEntry("subject", "test-admin").containsEntry("roles", "admin")
                .containsEntry("operation", "POST /api/v1/tokens").containsEntry("target", "subject=dashboard")
                .containsEntry("result", "OK");
    }

    @Test
    void readsLeaveNoRecordAndPagesGoNewestFirstThroughTheCursor() {
        given().header("Authorization", bearer(Roles.OPERATOR)).contentType(ContentType.JSON)
                .post("/api/v1/campaigns/{id}/pause", "audit-page-1");
        given().header("Authorization", bearer(Roles.OPERATOR)).contentType(ContentType.JSON)
                .post("/api/v1/campaigns/{id}/pause", "audit-page-2");
        long first = newest(1).getLong("entries[0].id");
        given().get("/api/v1/hosts").then().statusCode(200);
        given().get("/api/v1/campaigns").then().statusCode(200);
        assertThat(newest(1).getLong("entries[0].id")).as("reads are not recorded").isEqualTo(first);

        JsonPath page = newest(1);
        assertThat(page.getString("entries[0].target")).isEqualTo("id=audit-page-2");
        JsonPath older = given().queryParam("limit", 1).queryParam("cursor", page.getString("next")).get("/api/v1/audit")
                .then().statusCode(200).extract().jsonPath();
        assertThat(older.getString("entries[0].target")).isEqualTo("id=audit-page-1");
        assertThat(older.getLong("entries[0].id")).isLessThan(page.getLong("entries[0].id"));
    }

    @Test
    void theAuditIsForAdminsAndItsLimitIsBounded() {
        given().header("Authorization", bearer(Roles.OPERATOR)).get("/api/v1/audit").then().statusCode(403);
        for (String limit : List.of("0", "501")) {
            given().queryParam("limit", limit).get("/api/v1/audit").then().statusCode(400)
                    .extract().jsonPath().getString("message").contains("limit");
        }
        given().queryParam("cursor", "abc").get("/api/v1/audit").then().statusCode(400);
    }
}
