package io.migplan.scheduler.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.migplan.proto.v1.CampaignServiceGrpc;
import io.migplan.proto.v1.PlacementServiceGrpc;
import io.migplan.proto.v1.PlanServiceGrpc;
import io.migplan.scheduler.api.grpc.GrpcRoles;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each role against each operation of both APIs (the console's pages: ConsoleRoleMatrixTest): a role the operation declares (or admin) is let
 * through to the operation (which then answers for the made-up ids and empty bodies: 400, 404, 200,
 * never 401 or 403), any other gets 403 / PERMISSION_DENIED; no token at all gets 401 /
 * UNAUTHENTICATED. The calls name nothing that exists, so none of them changes anything.
 */
@QuarkusTest
class RoleMatrixTest {

    @Inject
    GrpcRoles grpcRoles;

    ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = NettyChannelBuilder.forAddress("127.0.0.1", RestAssured.port).usePlaintext().build();
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void everyRestOperationLetsItsRolesThroughAndRefusesTheOthersWith403() {
        Map<String, String> wrong = new TreeMap<>();
        for (Operation o : Operation.api()) {
            Set<String> allowed = Access.roles(o.method()).orElseThrow();
            for (String role : Roles.ALL) {
                Response r = call(o, given().header("Authorization", "Bearer " + TestTokens.of(role)));
                boolean permitted = Roles.permits(Set.of(role), allowed);
                boolean ok = permitted ? r.statusCode() != 401 && r.statusCode() != 403
                        : r.statusCode() == 403 && "PERMISSION_DENIED".equals(r.jsonPath().getString("code"))
                                && r.jsonPath().getString("message").contains("it needs the role");
                if (!ok) {
                    wrong.put(o + " as " + role, r.statusCode() + " " + r.asString());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void everyRestOperationWithoutATokenIs401WithASentence() {
        assertThat(Operation.api()).allSatisfy(o -> {
            Response r = call(o, given().noFiltersOfType(TestTokens.AdminToken.class));
            assertThat(r.statusCode()).as(o.toString()).isEqualTo(401);
            assertThat(r.jsonPath().getString("code")).isEqualTo("UNAUTHENTICATED");
            assertThat(r.jsonPath().getString("message")).as(o.toString())
                    .startsWith(o + " needs a bearer token").contains("with the role");
        });
    }

    @Test
    void aViewerTokenOnEveryStateChangingRestOperationIs403() {
        List<Operation> changing = Operation.api().stream().filter(o -> !o.verb().equals("GET")).toList();
        assertThat(changing).hasSizeGreaterThan(10);
        assertThat(changing).allSatisfy(o -> {
            Response r = call(o, given().header("Authorization", "Bearer " + TestTokens.of(Roles.VIEWER)));
            assertThat(r.statusCode()).as(o.toString()).isEqualTo(403);
            assertThat(r.jsonPath().getString("message")).isEqualTo("'test-viewer' (roles [viewer]) may not call " + o
                    + ": it needs the role " + Access.phrase(Access.roles(o.method()).orElseThrow()));
        });
    }

    @Test
    void aTokenNotSignedByTheSchedulerIs401SayingWhy() {
        Response r = given().header("Authorization", "Bearer not.a.token").get("/api/v1/hosts");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.jsonPath().getString("message")).contains("no OpenID Connect issuer is configured");
    }

    private static Response call(Operation o, RequestSpecification request) {
        if (o.hasBody()) {
            request = request.contentType(ContentType.JSON).body("{}");
        }
        return request.request(o.verb(), o.concretePath());
    }

    static List<MethodDescriptor<?, ?>> grpcMethods() {
        return Stream.of(CampaignServiceGrpc.getServiceDescriptor(), PlanServiceGrpc.getServiceDescriptor(),
                PlacementServiceGrpc.getServiceDescriptor()).flatMap(s -> s.getMethods().stream()).toList();
    }

    @Test
    void everyGrpcMethodNeedingATokenIsCoveredHere() {
        assertThat(grpcMethods().stream().map(MethodDescriptor::getFullMethodName)).containsExactlyInAnyOrderElementsOf(
                grpcRoles.all().entrySet().stream().filter(e -> !e.getValue().roles().isEmpty()).map(Map.Entry::getKey)
                        .toList());
    }

    @Test
    void everyGrpcMethodLetsItsRolesThroughAndRefusesTheOthers() {
        List<String> wrong = new ArrayList<>();
        for (MethodDescriptor<?, ?> method : grpcMethods()) {
            Set<String> allowed = grpcRoles.of(method.getFullMethodName()).roles();
            Status none = call(method, null);
            if (none.getCode() != Status.Code.UNAUTHENTICATED || !none.getDescription().contains("needs a bearer token")) {
                wrong.add(method.getFullMethodName() + " without a token: " + none);
            }
            for (String role : Roles.ALL) {
                Status s = call(method, TestTokens.of(role));
                boolean permitted = Roles.permits(Set.of(role), allowed);
                boolean ok = permitted ? s.getCode() != Status.Code.UNAUTHENTICATED
                        && s.getCode() != Status.Code.PERMISSION_DENIED
                        : s.getCode() == Status.Code.PERMISSION_DENIED && s.getDescription().contains("needs the role");
                if (!ok) {
                    wrong.add(method.getFullMethodName() + " as " + role + ": " + s);
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** The status of calling {@code method} with its request's default instance; OK when it answered. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Status call(MethodDescriptor method, String token) {
        Object request = ((MethodDescriptor.PrototypeMarshaller) method.getRequestMarshaller()).getMessagePrototype();
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
        if (token != null) {
            options = options.withCallCredentials(TestTokens.grpc(token));
        }
        try {
            ClientCalls.blockingUnaryCall(channel, method, options, request);
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }
}
