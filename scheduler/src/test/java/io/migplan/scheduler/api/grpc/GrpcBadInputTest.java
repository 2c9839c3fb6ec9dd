package io.migplan.scheduler.api.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.migplan.proto.v1.CampaignPolicy;
import io.migplan.proto.v1.CancelPlanRequest;
import io.migplan.proto.v1.CreateCampaignRequest;
import io.migplan.proto.v1.CreateEvacuationRequest;
import io.migplan.proto.v1.CreateEvacuationPlanRequest;
import io.migplan.proto.v1.GetCampaignRequest;
import io.migplan.proto.v1.GetPlanRequest;
import io.migplan.proto.v1.HeartbeatRequest;
import io.migplan.proto.v1.MigrationOutcome;
import io.migplan.proto.v1.NextStepRequest;
import io.migplan.proto.v1.PreviewNextStepRequest;
import io.migplan.proto.v1.ReportMigrationRequest;
import io.migplan.proto.v1.ReportUpgradeStartedRequest;
import io.migplan.proto.v1.WhereCanMoveRequest;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.Refusals;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every gRPC operation of the scheduler fed ids and texts no caller should send: each answer is
 * INVALID_ARGUMENT naming the field (never INTERNAL, never UNKNOWN), and nothing is stored.
 */
@QuarkusTest
class GrpcBadInputTest {

    @Inject
    AgroalDataSource ds;

    SchedulerGrpc grpc;

    @BeforeEach
    void setUp() {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
        before = Refusals.rows(ds);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        grpc.close();
    }

    static final List<String> BAD = List.of("a\u0000b", "a\nINFO forged", "\u202e" + "x".repeat(300),
            "\uD83D\uDCA5".repeat(300));

    /** A call and the field a refusal must name. */
    record Call(String name, String field, Function<SchedulerGrpc, Object> call) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> calls() {
        List<Arguments> out = new ArrayList<>();
        for (String bad : BAD) {
            out.add(Arguments.of(new Call("Heartbeat", "host_id", g -> g.inventory().heartbeat(
                    HeartbeatRequest.newBuilder().setHostId(bad).setGeneration(1).build())), bad));
            out.add(Arguments.of(new Call("WhereCanMove", "vm", g -> g.placement().whereCanMove(
                    WhereCanMoveRequest.newBuilder().setVm(bad).build())), bad));
            out.add(Arguments.of(new Call("CreateEvacuationPlan", "hosts[0]", g -> g.plans().createEvacuationPlan(
                    CreateEvacuationPlanRequest.newBuilder().addHosts(bad).build())), bad));
            out.add(Arguments.of(new Call("GetPlan", "id", g -> g.plans().getPlan(
                    GetPlanRequest.newBuilder().setId(bad).build())), bad));
            out.add(Arguments.of(new Call("CancelPlan", "id", g -> g.plans().cancelPlan(
                    CancelPlanRequest.newBuilder().setId(bad).build())), bad));
            out.add(Arguments.of(new Call("CreateCampaign", "fromRelease", g -> g.campaigns().createCampaign(
                    CreateCampaignRequest.newBuilder().setFromRelease(bad).setToRelease("2025.2").build())), bad));
            out.add(Arguments.of(new Call("CreateCampaign hosts", "hosts[0]", g -> g.campaigns().createCampaign(
                    CreateCampaignRequest.newBuilder().setFromRelease("2025.1").setToRelease("2025.2").addHosts(bad)
                            .build())), bad));
            out.add(Arguments.of(new Call("CreateCampaign policy", "maxHostsInMaintenance", g -> g.campaigns()
                    .createCampaign(CreateCampaignRequest.newBuilder().setFromRelease("2025.1").setToRelease("2025.2")
                            .setPolicy(CampaignPolicy.newBuilder().setMaxHostsInMaintenance(bad)).build())), bad));
            out.add(Arguments.of(new Call("CreateCampaign selector", "selector", g -> g.campaigns().createCampaign(
                    CreateCampaignRequest.newBuilder().setFromRelease("2025.1").setToRelease("2025.2")
                            .putSelector("pool", bad + "\u0000").build())), bad));
            out.add(Arguments.of(new Call("CreateEvacuation hosts", "hosts[0]", g -> g.campaigns().createEvacuation(
                    CreateEvacuationRequest.newBuilder().addHosts(bad).build())), bad));
            out.add(Arguments.of(new Call("CreateEvacuation reason", "reason", g -> g.campaigns().createEvacuation(
                    CreateEvacuationRequest.newBuilder().addHosts("host-01").setReason(bad).build())), bad));
            out.add(Arguments.of(new Call("GetCampaign", "id", g -> g.campaigns().getCampaign(
                    GetCampaignRequest.newBuilder().setId(bad).build())), bad));
            out.add(Arguments.of(new Call("NextStep", "id", g -> g.campaigns().nextStep(
                    NextStepRequest.newBuilder().setId(bad).setOrchestrator("o1").build())), bad));
            out.add(Arguments.of(new Call("NextStep orchestrator", "orchestrator", g -> g.campaigns().nextStep(
                    NextStepRequest.newBuilder().setId("c1").setOrchestrator(bad).build())), bad));
            out.add(Arguments.of(new Call("PreviewNextStep", "id", g -> g.campaigns().previewNextStep(
                    PreviewNextStepRequest.newBuilder().setId(bad).build())), bad));
            out.add(Arguments.of(new Call("ReportMigration orchestrator", "orchestrator", g -> g.campaigns()
                    .reportMigration(ReportMigrationRequest.newBuilder().setId("c1").setMigration("m1")
                            .setOrchestrator(bad).setOutcome(MigrationOutcome.MIGRATION_OUTCOME_DONE).build())), bad));
            out.add(Arguments.of(new Call("ReportMigration", "migration", g -> g.campaigns().reportMigration(
                    ReportMigrationRequest.newBuilder().setId("c1").setMigration(bad)
                            .setOutcome(MigrationOutcome.MIGRATION_OUTCOME_DONE).build())), bad));
            out.add(Arguments.of(new Call("ReportMigration reason", "reason", g -> g.campaigns().reportMigration(
                    ReportMigrationRequest.newBuilder().setId("c1").setMigration("m1").setReason(bad + "\u0000")
                            .setOutcome(MigrationOutcome.MIGRATION_OUTCOME_FAILED).build())), bad));
            out.add(Arguments.of(new Call("ReportUpgradeStarted", "host", g -> g.campaigns().reportUpgradeStarted(
                    ReportUpgradeStartedRequest.newBuilder().setId("c1").setHost(bad).build())), bad));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void aBadIdOrTextIsInvalidArgumentNamingTheFieldAndNothingIsStored(Call call, String bad) {
        assertThatThrownBy(() -> call.call().apply(grpc))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).as(call.name() + ": " + e.getStatus())
                            .isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).as(call.name()).contains(call.field());
                });
        Refusals.assertNothingStored(ds, before);
    }

    /** Rows of every table a call could write, before it. */
    private Map<String, Long> before;
}
