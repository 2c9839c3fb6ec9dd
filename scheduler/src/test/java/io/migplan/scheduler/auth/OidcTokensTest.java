package io.migplan.scheduler.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.migplan.proto.v1.AbortCampaignRequest;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.jwt.build.Jwt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * With an OpenID Connect issuer configured ({@link TestIssuer}, served over loopback), its tokens
 * carry their roles from the configured claim and meet the same roles as the scheduler's own
 * tokens, which keep working beside them.
 */
@QuarkusTest
@TestProfile(OidcTokensTest.WithIssuer.class)
class OidcTokensTest {

    public static class WithIssuer implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TestIssuer.class));
        }
    }

    static String issuerToken(String subject, String role, PrivateKey key) {
        String issuer = ConfigProvider.getConfig().getValue("test.oidc.issuer", String.class);
        return Jwt.issuer(issuer).subject(subject).claim("realm_access", Map.of("roles", List.of(role)))
                .issuedAt(Instant.now()).expiresAt(Instant.now().plus(Duration.ofMinutes(10))).jws()
                .keyId(TestIssuer.KEY_ID).sign(key);
    }

    static PrivateKey issuerKey() throws Exception {
        return SigningKeys.readPrivate(Files.readString(Path.of(ConfigProvider.getConfig()
                .getValue("test.oidc.private-key", String.class))));
    }

    @Test
    void anIssuersOperatorMayAbortAndItsViewerMayNot() throws Exception {
        PrivateKey key = issuerKey();
        given().header("Authorization", "Bearer " + issuerToken("alice", Roles.OPERATOR, key))
                .contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/abort", "oidc-none").then()
                .statusCode(404);
        given().header("Authorization", "Bearer " + issuerToken("bob", Roles.VIEWER, key))
                .contentType(ContentType.JSON).post("/api/v1/campaigns/{id}/abort", "oidc-none").then()
                .statusCode(403);
        given().header("Authorization", "Bearer " + issuerToken("bob", Roles.VIEWER, key)).get("/api/v1/hosts")
                .then().statusCode(200);

        // Newest first: bob's refusal is recorded too (a 403 on a change, written off the request's thread).
        JsonPath audit = org.awaitility.Awaitility.await("bob's refusal audited").atMost(Duration.ofSeconds(30))
                .until(() -> given().queryParam("limit", 2).get("/api/v1/audit").then().statusCode(200).extract()
                        .jsonPath(), a -> "bob".equals(a.getString("entries[0].subject")));
        assertThat(audit.getMap("entries[0]")).containsEntry("subject", "bob").containsEntry("roles", "viewer")
                .containsEntry("result", "PERMISSION_DENIED");
        assertThat(audit.getMap("entries[1]")).containsEntry("subject", "alice").containsEntry("roles", "operator")
                .containsEntry("result", "NOT_FOUND");
    }

    @Test
    void aTokenInTheIssuersNameSignedWithAnotherKeyIs401() throws Exception {
        PrivateKey other = SigningKeys.loadOrCreate(Files.createTempDirectory("other-key")).privateKey();
        given().header("Authorization", "Bearer " + issuerToken("mallory", Roles.ADMIN, other)).get("/api/v1/hosts")
                .then().statusCode(401);
    }

    @Test
    void theSchedulersOwnTokensStillWorkBesideTheIssuers() {
        given().header("Authorization", "Bearer " + TestTokens.of(Roles.VIEWER)).get("/api/v1/hosts").then()
                .statusCode(200);
    }

    @Test
    void anIssuersTokenMeetsTheSameRolesOverGrpc() throws Exception {
        PrivateKey key = issuerKey();
        try (SchedulerGrpc grpc = new SchedulerGrpc(TestTokens.grpc(issuerToken("bob", Roles.VIEWER, key)))) {
            StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> grpc.campaigns().abortCampaign(AbortCampaignRequest.newBuilder().setId("oidc-none").build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        }
        try (SchedulerGrpc grpc = new SchedulerGrpc(TestTokens.grpc(issuerToken("alice", Roles.OPERATOR, key)))) {
            StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                    () -> grpc.campaigns().abortCampaign(AbortCampaignRequest.newBuilder().setId("oidc-none").build()));
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        }
    }
}
