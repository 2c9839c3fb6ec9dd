package io.migplan.scheduler.api.grpc;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.migplan.proto.v1.WhereCanMoveRequest;
import io.migplan.proto.v1.WhereCanMoveResponse;
import io.migplan.scheduler.testsupport.Fleet;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.migplan.scheduler.testsupport.TwinFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** PlacementService.WhereCanMove gives the REST answer, field for field. */
@QuarkusTest
class PlacementGrpcServiceTest {

    @Inject
    AgroalDataSource ds;

    SchedulerGrpc grpc;
    Fleet fleet;

    @BeforeEach
    void setUp() throws Exception {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
        fleet = new Fleet().reportTo(grpc, ds);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        fleet.close();
        grpc.close();
    }

    @Test
    void whereCanMoveAnswersLikeTheRestApi() {
        WhereCanMoveResponse grpcAnswer = grpc.placement().whereCanMove(WhereCanMoveRequest.newBuilder().setVm("vm-1").build());
        JsonPath rest = given().get("/api/v1/vms/vm-1/targets").then().statusCode(200).extract().jsonPath();

        assertThat(grpcAnswer.getVm()).isEqualTo("vm-1");
        assertThat(grpcAnswer.getSourceHost()).isEqualTo("src");
        assertThat(grpcAnswer.getSummary()).isEqualTo(rest.getString("summary"));
        assertThat(grpcAnswer.getCandidatesList()).extracting(c -> c.getHost() + "@" + c.getDevice() + "=" + c.getScore())
                .containsExactly("good-a@0000:d8:00.0=90.6", "good-b@0000:3b:00.0=40.6");
        List<Map<String, Object>> rejected = rest.getList("rejected");
        assertThat(grpcAnswer.getRejectedList()).hasSameSizeAs(rejected);
        for (int i = 0; i < rejected.size(); i++) {
            var g = grpcAnswer.getRejected(i);
            assertThat(g.getHost()).isEqualTo(rejected.get(i).get("host"));
            assertThat(g.getReasonsList()).extracting(r -> r.getCode())
                    .containsExactlyElementsOf(rest.getList("rejected[" + i + "].reasons.code"));
        }
    }

    @Test
    void anUnknownVmIsNotFound() {
        assertThatThrownBy(() -> grpc.placement().whereCanMove(WhereCanMoveRequest.newBuilder().setVm("nope").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).isEqualTo("no VM with UUID or name 'nope'");
                });
    }

    @Test
    void aNameVmsOnTwoHostsCarryIsRefusedLikeTheRestApiAndAUuidNamesOneVm() throws Exception {
        try (TwinFleet twins = TwinFleet.reportTo(grpc)) {
            assertThatThrownBy(() -> grpc.placement().whereCanMove(WhereCanMoveRequest.newBuilder().setVm("test").build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                        assertThat(e.getStatus().getDescription()).isEqualTo("AMBIGUOUS_NAME: name 'test' matches 2"
                                + " VMs: " + TwinFleet.UUID_A + " on host h-a, " + TwinFleet.UUID_B + " on host h-b;"
                                + " name the VM by its UUID");
                        assertThat(PlanGrpcServiceTest.errorInfo(e).getReason()).isEqualTo("AMBIGUOUS_NAME");
                    });
            WhereCanMoveResponse byUuid = grpc.placement().whereCanMove(WhereCanMoveRequest.newBuilder()
                    .setVm(TwinFleet.UUID_B).build());
            assertThat(byUuid.getVm()).isEqualTo("test");
            assertThat(byUuid.getSourceHost()).isEqualTo("h-b");
        }
    }

    @Test
    void anEmptyVmIsInvalidArgument() {
        assertThatThrownBy(() -> grpc.placement().whereCanMove(WhereCanMoveRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
}
