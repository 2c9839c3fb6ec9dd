package io.migplan.scheduler.api.grpc;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.migplan.proto.v1.AbortCampaignRequest;
import io.migplan.proto.v1.Campaign;
import io.migplan.proto.v1.CampaignBatch;
import io.migplan.proto.v1.CampaignMigration;
import io.migplan.proto.v1.CampaignPolicy;
import io.migplan.proto.v1.CampaignSummary;
import io.migplan.proto.v1.CreateCampaignRequest;
import io.migplan.proto.v1.GetCampaignRequest;
import io.migplan.proto.v1.ListCampaignsRequest;
import io.migplan.proto.v1.MigrationOutcome;
import io.migplan.proto.v1.NextStepRequest;
import io.migplan.proto.v1.PreviewNextStepRequest;
import io.migplan.proto.v1.NextStepResponse;
import io.migplan.proto.v1.PauseCampaignRequest;
import io.migplan.proto.v1.ReportMigrationRequest;
import io.migplan.proto.v1.ReportUpgradeStartedRequest;
import io.migplan.proto.v1.ResumeCampaignRequest;
import io.migplan.scheduler.campaign.CampaignRequest;
import io.migplan.scheduler.campaign.CampaignRequest.CampaignPolicyRequest;
import io.migplan.scheduler.testsupport.EvacuationFleet;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CampaignService over real gRPC on the test app's port: the REST API's campaign operations,
 * answers and refusals, on the evacuation tests' fleet (src with three T4-2Q VMs, t4-a and t4-b
 * with free T4 instances, v100), every host at 2025.1 and upgraded to 2025.2.
 */
@QuarkusTest
class CampaignGrpcServiceTest {

    static final String FROM = "2025.1";
    static final String TO = "2025.2";
    static final String ORCHESTRATOR = "grpc-test";

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
        // A campaign left RUNNING would refuse the next test's campaign and keep the runner busy.
        Inventory.clear(ds);
    }

    private static CreateCampaignRequest.Builder campaign(boolean dryRun) {
        return CreateCampaignRequest.newBuilder().setFromRelease(FROM).setToRelease(TO).setDryRun(dryRun)
                .setPolicy(CampaignPolicy.newBuilder().setMaxHostsInMaintenance("1").setMaxParallel(2));
    }

    /** The campaign once its plan, solved in the background, is written (or planning failed). */
    private Campaign planned(String id) {
        return await("campaign " + id + " is planned").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> grpc.campaigns().getCampaign(GetCampaignRequest.newBuilder().setId(id).build()),
                        c -> !c.getState().equals("PLANNING"));
    }

    private static void assertRefused(ThrowingCallable call, Status.Code code, String description) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).isEqualTo(description);
        });
    }

    @Test
    void aDryRunCreatedOverGrpcReadsTheSameOverRest() {
        Campaign accepted = grpc.campaigns().createCampaign(campaign(true).build());
        assertThat(accepted.getState()).isEqualTo("PLANNING");
        assertThat(accepted.getPlanVersion()).isZero();
        assertThat(accepted.getPlanning().getTimeLimitSeconds()).isEqualTo(600);
        Campaign created = planned(accepted.getId());

        assertThat(created.getId()).startsWith("camp-");
        assertThat(created.getState()).isEqualTo("DRY_RUN");
        assertThat(created.getDryRun()).isTrue();
        assertThat(created.getFromRelease()).isEqualTo(FROM);
        assertThat(created.getToRelease()).isEqualTo(TO);
        assertThat(created.getPlanVersion()).isEqualTo(1);
        assertThat(created.getReplanPending()).isEmpty();
        // One host in maintenance at a time: a batch per host, and src's three VMs move.
        assertThat(created.getBatchesList()).flatExtracting(CampaignBatch::getHostsList)
                .containsExactlyInAnyOrder("src", "t4-a", "t4-b", "v100");
        assertThat(created.getBatchesList()).flatExtracting(CampaignBatch::getMigrationsList)
                .extracting(CampaignMigration::getVm).containsExactlyInAnyOrder("vm-1", "vm-2", "vm-3");
        assertThat(created.getMetrics().getVms()).isEqualTo(3);
        assertThat(created.getProgress().getHosts()).isEqualTo(4);
        assertThat(created.getHistoryList()).extracting(e -> e.getKind()).containsExactly("PLANNED");
        assertThat(created.getHistory(0).getAtUnixMs()).isPositive();
        assertThat(grpc.campaigns().getCampaign(GetCampaignRequest.newBuilder().setId(created.getId()).build()))
                .isEqualTo(created);

        JsonPath rest = new JsonPath(given().get("/api/v1/campaigns/{id}", created.getId()).then().statusCode(200)
                .extract().asString()).using(new JsonPathConfig(JsonPathConfig.NumberReturnType.DOUBLE));
        assertThat(rest.getString("state")).isEqualTo("DRY_RUN");
        assertThat(batches(created)).isEqualTo(nullsAsEmpty(rest.getList("batches")));
        var m = created.getMetrics();
        assertThat(List.<Object>of(m.getVms(), m.getMigrations(), m.getMigrationsPerVm(), m.getMovedTwice(),
                m.getBatches(), m.getWaves(), m.getLowerBound(), m.getPlanMillis(), m.getNaive().getMigrations(),
                m.getNaive().getMigrationsPerVm(), m.getNaive().getMovedTwice()))
                .isEqualTo(List.<Object>of(rest.getInt("metrics.vms"), rest.getInt("metrics.migrations"),
                        rest.getDouble("metrics.migrationsPerVm"), rest.getInt("metrics.movedTwice"),
                        rest.getInt("metrics.batches"), rest.getInt("metrics.waves"), rest.getInt("metrics.lowerBound"),
                        rest.getLong("metrics.planMillis"), rest.getInt("metrics.naive.migrations"),
                        rest.getDouble("metrics.naive.migrationsPerVm"), rest.getInt("metrics.naive.movedTwice")));
        assertThat(rest.getList("unmovable")).hasSize(created.getUnmovableCount());
        assertThat(rest.getList("history.kind")).containsExactly("PLANNED");

        assertThat(grpc.campaigns().listCampaigns(ListCampaignsRequest.getDefaultInstance()).getCampaignsList())
                .extracting(CampaignSummary::getId, CampaignSummary::getState, CampaignSummary::getFromRelease,
                        CampaignSummary::getToRelease, CampaignSummary::getKind)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(created.getId(), "DRY_RUN", FROM, TO, "UPGRADE"));
    }

    /** The batches as the REST API's JSON has them, to compare field by field. */
    private static List<Map<String, Object>> batches(Campaign c) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CampaignBatch b : c.getBatchesList()) {
            Map<String, Object> batch = new LinkedHashMap<>();
            batch.put("index", b.getIndex());
            batch.put("hosts", b.getHostsList());
            batch.put("canary", b.getCanary());
            batch.put("state", b.getState());
            batch.put("migrations", b.getMigrationsList().stream().map(m -> {
                Map<String, Object> mig = new LinkedHashMap<>();
                mig.put("id", m.getId());
                mig.put("vm", m.getVm());
                mig.put("vmUuid", m.getVmUuid());
                mig.put("from", m.getFrom());
                mig.put("to", m.getTo());
                mig.put("device", m.getDevice());
                mig.put("type", m.getType());
                mig.put("wave", m.getWave());
                mig.put("state", m.getState());
                mig.put("basis", m.getBasis());
                mig.put("error", m.getError());
                return mig;
            }).toList());
            out.add(batch);
        }
        return out;
    }

    /** JSON's null is proto3's empty string. */
    @SuppressWarnings("unchecked")
    private static <T> T nullsAsEmpty(T json) {
        if (json == null) {
            return (T) "";
        }
        if (json instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put((String) k, nullsAsEmpty(v)));
            return (T) out;
        }
        if (json instanceof List<?> list) {
            return (T) list.stream().map(CampaignGrpcServiceTest::nullsAsEmpty).toList();
        }
        return json;
    }

    @Test
    void badRequestsAreInvalidArgumentNamingTheFieldAndNothingIsStored() {
        long before = Inventory.count(ds, "campaign");

        assertRefused(() -> grpc.campaigns().createCampaign(CreateCampaignRequest.newBuilder().setToRelease(TO).build()),
                Status.Code.INVALID_ARGUMENT, "fromRelease is required");
        assertRefused(() -> grpc.campaigns().createCampaign(campaign(true).setToRelease(FROM).build()),
                Status.Code.INVALID_ARGUMENT, "toRelease must be newer than fromRelease: 2025.1 -> 2025.1");
        assertRefused(() -> grpc.campaigns().createCampaign(campaign(true).addHosts("src").addHosts("nope").build()),
                Status.Code.INVALID_ARGUMENT, "hosts names 'nope', which is not a known host");
        assertRefused(() -> grpc.campaigns().createCampaign(campaign(true).addHosts("src")
                        .putSelector("pool", "gpu-a").build()),
                Status.Code.INVALID_ARGUMENT, "give hosts or selector, not both");
        // A limit set to 0 is given, not absent: refused as REST refuses it.
        assertRefused(() -> grpc.campaigns().createCampaign(campaign(true)
                        .setPolicy(CampaignPolicy.newBuilder().setMaxParallel(0)).build()),
                Status.Code.INVALID_ARGUMENT, "policy.maxParallel must be at least 1, got 0");
        assertRefused(() -> grpc.campaigns().createCampaign(campaign(true)
                        .setPolicy(CampaignPolicy.newBuilder().setMaxHostsInMaintenance("lots")).build()),
                Status.Code.INVALID_ARGUMENT,
                "policy.maxHostsInMaintenance must be a count (\"4\") or a share (\"10%\"), got 'lots'");
        assertRefused(() -> grpc.campaigns().createCampaign(campaign(true)
                        .setPolicy(CampaignPolicy.newBuilder().setHeadroomPercent(100)).build()),
                Status.Code.INVALID_ARGUMENT, "policy.headroomPercent must be in 0..99, got 100");
        assertRefused(() -> grpc.campaigns().createCampaign(campaign(true).addHosts("src").addHosts(" ").build()),
                Status.Code.INVALID_ARGUMENT, "hosts[1] must not be empty");
        assertRefused(() -> grpc.campaigns().getCampaign(GetCampaignRequest.getDefaultInstance()),
                Status.Code.INVALID_ARGUMENT, "id is empty: the id CreateCampaign returned");
        assertRefused(() -> grpc.campaigns().reportMigration(ReportMigrationRequest.newBuilder().setId("camp-x")
                        .setMigration("m-1").build()),
                Status.Code.INVALID_ARGUMENT, "outcome is required: MIGRATION_OUTCOME_DONE or MIGRATION_OUTCOME_FAILED");
        assertRefused(() -> grpc.campaigns().reportUpgradeStarted(ReportUpgradeStartedRequest.newBuilder()
                        .setId("camp-x").build()),
                Status.Code.INVALID_ARGUMENT, "host is empty: the host NextStep handed out");
        assertThat(Inventory.count(ds, "campaign")).isEqualTo(before);
    }

    @Test
    void anUnknownCampaignIsNotFound() {
        String missing = "no campaign with id 'nope'";
        var c = grpc.campaigns();
        assertRefused(() -> c.getCampaign(GetCampaignRequest.newBuilder().setId("nope").build()),
                Status.Code.NOT_FOUND, missing);
        assertRefused(() -> c.nextStep(NextStepRequest.newBuilder().setId("nope").setOrchestrator(ORCHESTRATOR)
                .build()), Status.Code.NOT_FOUND, missing);
        assertRefused(() -> c.previewNextStep(PreviewNextStepRequest.newBuilder().setId("nope").build()),
                Status.Code.NOT_FOUND, missing);
        assertRefused(() -> c.reportMigration(ReportMigrationRequest.newBuilder().setId("nope").setMigration("m-1")
                .setOrchestrator(ORCHESTRATOR).setOutcome(MigrationOutcome.MIGRATION_OUTCOME_DONE).build()),
                Status.Code.NOT_FOUND, missing);
        assertRefused(() -> c.reportUpgradeStarted(ReportUpgradeStartedRequest.newBuilder().setId("nope")
                .setHost("src").setOrchestrator(ORCHESTRATOR).build()), Status.Code.NOT_FOUND, missing);
        assertRefused(() -> c.pauseCampaign(PauseCampaignRequest.newBuilder().setId("nope").build()),
                Status.Code.NOT_FOUND, missing);
        assertRefused(() -> c.resumeCampaign(ResumeCampaignRequest.newBuilder().setId("nope").build()),
                Status.Code.NOT_FOUND, missing);
        assertRefused(() -> c.abortCampaign(AbortCampaignRequest.newBuilder().setId("nope").build()),
                Status.Code.NOT_FOUND, missing);
    }

    @Test
    void aSecondCampaignWhileOneRunsIsRefusedWithItsCodeAndTheFirstCanBeAborted() {
        String first = grpc.campaigns().createCampaign(campaign(false).build()).getId();
        assertThat(planned(first).getState()).isEqualTo("RUNNING");

        assertRefused(() -> grpc.campaigns().createCampaign(campaign(false).build()), Status.Code.FAILED_PRECONDITION,
                "CAMPAIGN_ACTIVE: campaign " + first + " is still being planned to run, running or paused; finish or"
                        + " abort it before starting another");
        assertThat(Inventory.count(ds, "campaign")).isEqualTo(1);

        assertThat(grpc.campaigns().pauseCampaign(PauseCampaignRequest.newBuilder().setId(first).build()).getState())
                .isEqualTo("PAUSED");
        Campaign aborted = grpc.campaigns().abortCampaign(AbortCampaignRequest.newBuilder().setId(first).build());
        assertThat(aborted.getState()).isEqualTo("ABORTED");
        assertThat(aborted.getHistoryList()).extracting(e -> e.getKind()).endsWith("PAUSED", "ABORTED");
        assertThat(given().get("/api/v1/campaigns/{id}", first).then().statusCode(200).extract().jsonPath()
                .getString("state")).isEqualTo("ABORTED");
        assertRefused(() -> grpc.campaigns().resumeCampaign(ResumeCampaignRequest.newBuilder().setId(first).build()),
                Status.Code.FAILED_PRECONDITION,
                "CAMPAIGN_STATE: campaign " + first + " is ABORTED; only a PAUSED campaign can be resumed");
        // Once the first is aborted, another may start.
        assertThat(planned(grpc.campaigns().createCampaign(campaign(false).build()).getId()).getState())
                .isEqualTo("RUNNING");
    }

    @Test
    void aDryRunIssuesNothingAndSaysWhy() {
        Campaign dry = planned(grpc.campaigns().createCampaign(campaign(true).build()).getId());
        String id = dry.getId();

        NextStepResponse next = grpc.campaigns().nextStep(NextStepRequest.newBuilder().setId(id)
                .setOrchestrator(ORCHESTRATOR).build());

        assertThat(next.getCampaign()).isEqualTo(id);
        assertThat(next.getState()).isEqualTo("DRY_RUN");
        assertThat(next.getStartList()).isEmpty();
        assertThat(next.getInFlightList()).isEmpty();
        assertThat(next.getUpgradeList()).isEmpty();
        assertThat(next.getWaitingList()).containsExactly("campaign " + id + " is DRY_RUN");

        // Reports about a plan that is not executed do not fit it.
        CampaignMigration planned = dry.getBatchesList().stream().flatMap(b -> b.getMigrationsList().stream())
                .findFirst().orElseThrow();
        // Nobody holds a dry run's lease: nothing can be reported about it.
        assertRefused(() -> grpc.campaigns().reportMigration(ReportMigrationRequest.newBuilder().setId(id)
                .setMigration(planned.getId()).setOrchestrator(ORCHESTRATOR)
                .setOutcome(MigrationOutcome.MIGRATION_OUTCOME_FAILED).build()), Status.Code.FAILED_PRECONDITION,
                "NOT_LEASE_HOLDER: nobody holds campaign " + id + "'s lease; reports come from the orchestrator that"
                        + " took work with POST next");
        assertRefused(() -> grpc.campaigns().reportMigration(ReportMigrationRequest.newBuilder().setId(id)
                        .setMigration("m-nope").setOrchestrator(ORCHESTRATOR)
                        .setOutcome(MigrationOutcome.MIGRATION_OUTCOME_DONE).build()),
                Status.Code.NOT_FOUND, "campaign " + id + " has no migration 'm-nope'");
        assertThat(grpc.campaigns().getCampaign(GetCampaignRequest.newBuilder().setId(id).build()).getProgress()
                .getMigrationsFailed()).isZero();
    }

    @Test
    void policyFieldsLeftUnsetReachCampaignServiceAsAbsentAndZeroAsGiven() {
        var request = CreateCampaignRequest.newBuilder().setFromRelease(FROM).setToRelease(TO)
                .setPolicy(CampaignPolicy.newBuilder().setHeadroomPercent(0).setMaxParallel(4)).build();

        assertThat(CampaignViews.toRequest(request)).isEqualTo(new CampaignRequest(FROM, TO, null, null,
                new CampaignPolicyRequest(null, null, null, null, 4, 0, null, null, null), false));
        assertThat(CampaignViews.toRequest(CreateCampaignRequest.getDefaultInstance()))
                .isEqualTo(new CampaignRequest(null, null, null, null, null, false));
        assertThat(CampaignViews.toRequest(CreateCampaignRequest.newBuilder().setFromRelease(TO).setToRelease(FROM)
                .setRollback(true).build())).as("a rollback asked for by name")
                .isEqualTo(new CampaignRequest(TO, FROM, null, null, null, false, true));
    }
}
