package io.migplan.scheduler.api.grpc;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.StatusRuntimeException;
import io.migplan.proto.v1.CancelPlanRequest;
import io.migplan.proto.v1.CreateEvacuationPlanRequest;
import io.migplan.proto.v1.GetPlanRequest;
import io.migplan.proto.v1.Plan;
import io.migplan.proto.v1.PlanMigration;
import io.migplan.proto.v1.PlanStatus;
import io.migplan.scheduler.evacuation.EvacuationRequest;
import io.migplan.scheduler.testsupport.EvacuationFleet;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PlanService over real gRPC on the test app's port: the REST API's operations, answers and
 * refusals, on the fleet of {@code EvacuationPlansTest} (three T4-2Q VMs on src, two T4 targets).
 */
@QuarkusTest
class PlanGrpcServiceTest {

    @Inject
    AgroalDataSource ds;

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

    private String create(CreateEvacuationPlanRequest.Builder request) {
        String id = grpc.plans().createEvacuationPlan(request.build()).getId();
        assertThat(id).isNotBlank();
        return id;
    }

    private Plan awaitDone(String id) {
        return await("plan " + id + " done SOLVING").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> grpc.plans().getPlan(GetPlanRequest.newBuilder().setId(id).build()),
                        plan -> plan.getStatus() != PlanStatus.PLAN_STATUS_SOLVING);
    }

    /** The ErrorInfo detail of a refusal; none when it carries none. */
    static ErrorInfo errorInfo(StatusRuntimeException e) {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status == null) {
            return null;
        }
        for (Any detail : status.getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
                try {
                    return detail.unpack(ErrorInfo.class);
                } catch (InvalidProtocolBufferException x) {
                    throw new AssertionError(x);
                }
            }
        }
        return null;
    }

    private static void assertRefused(ThrowingCallable call, Status.Code code, String description) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).isEqualTo(description);
        });
    }

    @Test
    void aPlanCreatedOverGrpcComesBackReadyAndReadsTheSameOverRest() throws Exception {
        String id = create(CreateEvacuationPlanRequest.newBuilder().addHosts("src").setMaxOutboundPerHost(2)
                .setMaxInboundPerHost(2).setMaxParallel(2).setTimeLimitSeconds(10));

        Plan plan = awaitDone(id);

        assertThat(plan.getId()).isEqualTo(id);
        assertThat(plan.getStatus()).isEqualTo(PlanStatus.PLAN_STATUS_READY);
        assertThat(plan.getMigrationsList()).extracting(PlanMigration::getVm)
                .containsExactlyInAnyOrder("vm-1", "vm-2", "vm-3");
        assertThat(plan.getMigrationsList()).extracting(PlanMigration::getFrom).containsOnly("src");
        assertThat(plan.getMigrationsList()).extracting(PlanMigration::getTo).isSubsetOf("t4-a", "t4-b");
        assertThat(plan.getMigrationsList()).extracting(PlanMigration::getType).containsOnly("nvidia-231");
        assertThat(plan.getUnplacedList()).isEmpty();
        assertThat(plan.getMetrics().getMigrations()).isEqualTo(3);
        assertThat(plan.getMetrics().getVms()).isEqualTo(3);
        // Two leave src at once at most, so three migrations take at least two waves.
        assertThat(plan.getMetrics().getWaves()).isGreaterThanOrEqualTo(2);
        assertThat(plan.getMetrics().getHardViolations()).isZero();
        assertThat(plan.getError()).isEmpty();

        JsonPath rest = given().get("/api/v1/plans/{id}", id).then().statusCode(200).extract().jsonPath();
        assertThat(rest.getString("status")).isEqualTo("READY");
        List<Map<String, Object>> migrations = rest.getList("migrations");
        assertThat(plan.getMigrationsList()).extracting(m -> Map.<String, Object>of("vm", m.getVm(), "vmUuid",
                        m.getVmUuid(), "from", m.getFrom(), "to", m.getTo(), "device", m.getDevice(), "type", m.getType(),
                        "wave", m.getWave()))
                .containsExactlyElementsOf(migrations);
        assertThat(plan.getMetrics().getWaves()).isEqualTo(rest.getInt("metrics.waves"));
        assertThat(plan.getProgress().getBestScore()).isEqualTo(rest.getString("progress.bestScore"));
    }

    @Test
    void limitsLeftAtZeroTakeTheDefaults() throws Exception {
        String id = create(CreateEvacuationPlanRequest.newBuilder().addHosts("src"));

        assertThat(awaitDone(id).getStatus()).isEqualTo(PlanStatus.PLAN_STATUS_READY);
    }

    @Test
    void badRequestsAreInvalidArgumentNamingWhatIsWrongAndNothingIsStored() {
        long before = Inventory.count(ds, "plan");

        assertRefused(() -> grpc.plans().createEvacuationPlan(CreateEvacuationPlanRequest.getDefaultInstance()),
                Status.Code.INVALID_ARGUMENT, "hosts is required: the ids of the hosts to empty");
        assertRefused(() -> grpc.plans().createEvacuationPlan(CreateEvacuationPlanRequest.newBuilder()
                        .addHosts("src").addHosts("nope").build()),
                Status.Code.INVALID_ARGUMENT, "hosts names 'nope', which is not a known host");
        assertRefused(() -> grpc.plans().createEvacuationPlan(CreateEvacuationPlanRequest.newBuilder()
                        .addHosts("src").setMaxParallel(-1).build()),
                Status.Code.INVALID_ARGUMENT, "maxParallel must be at least 1, got -1");
        assertRefused(() -> grpc.plans().createEvacuationPlan(CreateEvacuationPlanRequest.newBuilder()
                        .addHosts("src").setTimeLimitSeconds(601).build()),
                Status.Code.INVALID_ARGUMENT, "timeLimitSeconds must be at most 600, got 601");
        assertRefused(() -> grpc.plans().createEvacuationPlan(CreateEvacuationPlanRequest.newBuilder()
                        .addHosts("src").addHosts("").build()),
                Status.Code.INVALID_ARGUMENT, "hosts[1] must not be empty");
        assertRefused(() -> grpc.plans().getPlan(GetPlanRequest.getDefaultInstance()),
                Status.Code.INVALID_ARGUMENT, "id is empty: the id CreateEvacuationPlan returned");
        assertThat(Inventory.count(ds, "plan")).isEqualTo(before);
    }

    @Test
    void anUnknownPlanIsNotFound() {
        assertRefused(() -> grpc.plans().getPlan(GetPlanRequest.newBuilder().setId("nope").build()),
                Status.Code.NOT_FOUND, "no plan with id 'nope'");
        assertRefused(() -> grpc.plans().cancelPlan(CancelPlanRequest.newBuilder().setId("nope").build()),
                Status.Code.NOT_FOUND, "no plan with id 'nope'");
    }

    @Test
    void aFinishedPlanCannotBeCancelled() throws Exception {
        String id = create(CreateEvacuationPlanRequest.newBuilder().addHosts("src"));
        awaitDone(id);

        assertRefused(() -> grpc.plans().cancelPlan(CancelPlanRequest.newBuilder().setId(id).build()),
                Status.Code.FAILED_PRECONDITION,
                "PLAN_FINISHED: plan " + id + " is READY; only a plan being solved can be cancelled");
        assertThatThrownBy(() -> grpc.plans().cancelPlan(CancelPlanRequest.newBuilder().setId(id).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(errorInfo(e))
                        .as("the code travels as google.rpc.ErrorInfo too")
                        .isEqualTo(ErrorInfo.newBuilder().setReason("PLAN_FINISHED").setDomain("migplan.io").build()));
        assertThat(grpc.plans().getPlan(GetPlanRequest.newBuilder().setId(id).build()).getStatus())
                .isEqualTo(PlanStatus.PLAN_STATUS_READY);
    }

    @Test
    void limitsLeftAtZeroReachPlanServiceAsAbsentAndOthersUnchanged() {
        var request = CreateEvacuationPlanRequest.newBuilder().addHosts("src").addHosts("t4-a")
                .setMaxParallel(4).setMaxInboundPerHost(-1).build();

        // Negative values go through so that PlanService refuses them with the REST API's message.
        assertThat(PlanGrpcService.toRequest(request))
                .isEqualTo(new EvacuationRequest(List.of("src", "t4-a"), null, -1, 4, null));
    }
}
