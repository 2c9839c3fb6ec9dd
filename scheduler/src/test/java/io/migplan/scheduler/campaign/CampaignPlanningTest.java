package io.migplan.scheduler.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.migplan.proto.v1.HeartbeatRequest;
import io.migplan.scheduler.campaign.CampaignPlanning.Computed;
import io.migplan.scheduler.campaign.CampaignPlanning.Inputs;
import io.migplan.scheduler.campaign.CampaignPlanning.StalePlanException;
import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.campaign.planner.CampaignPlanner.BatchPlanner;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.EvacuationFleet;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A campaign's first plan, solved in the background: accepted at once as PLANNING, planned with no
 * transaction or lock held, bounded by the planning limits and its time limit, and written only
 * over the plan version it was computed against. On the evacuation tests' fleet (src with three
 * T4 VMs, t4-a, t4-b, v100, all at 2025.1); the solver is slowed or made to lose its write by
 * wrapping its batch evacuations ({@link CampaignPlanning#wrapBatchPlanners}).
 */
@QuarkusTest
class CampaignPlanningTest {

    static final String FROM = "2025.1";
    static final String TO = "2025.2";
    static final Map<String, Object> DRY_RUN = Map.of("fromRelease", FROM, "toRelease", TO, "dryRun", true,
            "policy", Map.of("maxHostsInMaintenance", "1"));
    static final Map<String, Object> TO_RUN = Map.of("fromRelease", FROM, "toRelease", TO, "dryRun", false,
            "policy", Map.of("maxHostsInMaintenance", "1"));

    @Inject
    AgroalDataSource ds;
    @Inject
    CampaignPlanning planning;
    @Inject
    CampaignStore store;
    @Inject
    CampaignPlanJobs jobs;
    @Inject
    ClusterSnapshotHolder snapshots;
    @Inject
    EntityManager em;

    SchedulerGrpc grpc;
    EvacuationFleet fleet;
    /** Opened by a test to let the solvers it holds go on. */
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws Exception {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
        fleet = EvacuationFleet.reportTo(grpc);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        release.countDown();
        await("no campaign is still being planned").atMost(Duration.ofMinutes(1))
                .until(() -> Inventory.count(ds, "campaign where state = 'PLANNING'") == 0);
        planning.wrapBatchPlanners(UnaryOperator.identity());
        jobs.measureTimeLimitsOn(System::nanoTime);
        grpc.close();
        fleet.close();
        Inventory.clear(ds);
    }

    /** Every batch evacuation is solved, then waits until the test opens {@link #release}. */
    private void holdAfterEachEvacuation() {
        planning.wrapBatchPlanners(inner -> (problem, limits) -> {
            var plan = inner.plan(problem, limits);
            hold(release);
            return plan;
        });
    }

    private static void hold(CountDownLatch latch) {
        try {
            if (!latch.await(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the test never released the solver");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonPath view(String id) {
        return given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aPostAnswers202PlanningAtOnceAndThePlanAppearsLater() {
        holdAfterEachEvacuation();
        var answer = given().contentType(ContentType.JSON).body(DRY_RUN).post("/api/v1/campaigns").then()
                .statusCode(202).body("state", equalTo("PLANNING")).body("planVersion", equalTo(0))
                .body("batches", org.hamcrest.Matchers.empty()).extract();
        String id = answer.jsonPath().getString("id");
        assertThat(answer.header("Location")).endsWith("/api/v1/campaigns/" + id);

        // The solver is held after its first evacuation: the campaign shows how far it is.
        JsonPath planningView = await().atMost(Duration.ofMinutes(1)).until(() -> view(id),
                v -> v.getInt("planning.evacuations") >= 1);
        assertThat(planningView.getString("state")).isEqualTo("PLANNING");
        assertThat(planningView.getString("planning.phase")).startsWith(id + "-v1-b");
        assertThat(planningView.getString("planning.bestScore")).isNotEmpty();
        assertThat(planningView.getLong("planning.timeLimitSeconds")).isEqualTo(600);
        assertThat(planningView.getBoolean("planning.waiting")).isFalse();
        given().get("/api/v1/campaigns/{id}/next", id).then().statusCode(200).body("state", equalTo("PLANNING"))
                .body("waiting[0]", equalTo("campaign " + id + " is PLANNING"));

        release.countDown();
        JsonPath planned = Campaigns.planned(id);
        assertThat(planned.getString("state")).isEqualTo("DRY_RUN");
        assertThat(planned.getInt("planVersion")).isEqualTo(1);
        assertThat(planned.getString("planning")).isNull();
        assertThat(planned.getInt("metrics.vms")).isEqualTo(3);
        assertThat(planned.getList("history.kind")).containsExactly("PLANNED");
    }

    @Test
    void whileAPlanIsSolvedNoLockOrTransactionIsHeldAndReportsHeartbeatsAndReadsGoOn() {
        holdAfterEachEvacuation();
        String id = Campaigns.accept(TO_RUN);
        await().atMost(Duration.ofMinutes(1)).until(() -> view(id).getInt("planning.evacuations") >= 1);

        // The solver is mid-plan: no session of the scheduler sits in a transaction, none holds a
        // lock on a campaign table.
        assertThat(Inventory.count(ds, "pg_stat_activity where datname = current_database() and state like"
                + " 'idle in transaction%'")).isZero();
        assertThat(Inventory.count(ds, "pg_locks l join pg_class c on c.oid = l.relation where c.relname like"
                + " 'campaign%' and l.pid <> pg_backend_pid()")).isZero();
        // Reads, an agent's heartbeat and report, and another creation's check all complete meanwhile.
        assertThat(view(id).getString("state")).isEqualTo("PLANNING");
        given().get("/api/v1/campaigns").then().statusCode(200);
        assertThat(grpc.inventory().heartbeat(HeartbeatRequest.newBuilder().setHostId("src").setGeneration(1)
                .build()).getResendInventory()).isFalse();
        given().get("/api/v1/hosts/{id}", "t4-a").then().statusCode(200).body("state", equalTo("UP"));
        // One campaign at a time holds its hosts, one still being planned to run too.
        given().contentType(ContentType.JSON).body(TO_RUN).post("/api/v1/campaigns").then().statusCode(409)
                .body("code", equalTo("CAMPAIGN_ACTIVE")).body("message", containsString(id));
        assertThat(Inventory.count(ds, "campaign")).isEqualTo(1);

        release.countDown();
        assertThat(Campaigns.planned(id).getString("state")).isEqualTo("RUNNING");
    }

    @Test
    void twoConcurrentCampaignsToRunGetOne202AndOne409() throws Exception {
        holdAfterEachEvacuation();
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> posts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> statuses.add(given().contentType(ContentType.JSON).body(TO_RUN)
                    .post("/api/v1/campaigns").statusCode()));
            posts.add(t);
            t.start();
        }
        for (Thread t : posts) {
            t.join(60_000);
        }
        assertThat(statuses).containsExactlyInAnyOrder(202, 409);
        assertThat(Inventory.count(ds, "campaign")).isEqualTo(1);
    }

    @Test
    void pastEverySolverAndQueuePlaceA429WithRetryAfterAndNothingStored() {
        holdAfterEachEvacuation();
        // migplan.planning.max-concurrent=2 solving, max-queued=16 waiting.
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 18; i++) {
            ids.add(Campaigns.accept(DRY_RUN));
        }
        await().atMost(Duration.ofMinutes(1)).until(() -> view(ids.get(17)).getBoolean("planning.waiting"));

        given().contentType(ContentType.JSON).body(DRY_RUN).post("/api/v1/campaigns").then().statusCode(429)
                .header("Retry-After", "5").body("code", equalTo("PLANNING_BUSY"))
                .body("message", containsString("nothing was stored"));
        assertThat(Inventory.count(ds, "campaign")).isEqualTo(18);

        release.countDown();
        for (String id : ids) {
            assertThat(Campaigns.planned(id).getString("state")).as(id).isEqualTo("DRY_RUN");
        }
    }

    @Test
    void aTimeLimitOverTheConfiguredMaximumIsRefusedNamingTheField() {
        given().contentType(ContentType.JSON).body(Map.of("fromRelease", FROM, "toRelease", TO,
                        "policy", Map.of("timeLimitSeconds", 601))).post("/api/v1/campaigns").then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT"))
                .body("message", equalTo("policy.timeLimitSeconds must be at most 600"
                        + " (migplan.planning.max-time-limit), got 601"));
        given().contentType(ContentType.JSON).body(Map.of("fromRelease", FROM, "toRelease", TO,
                        "policy", Map.of("timeLimitSeconds", 0))).post("/api/v1/campaigns").then().statusCode(400)
                .body("message", equalTo("policy.timeLimitSeconds must be at least 1, got 0"));
        assertThat(Inventory.count(ds, "campaign")).isZero();
    }

    @Test
    void aPlanPastItsTimeLimitFailsTheCampaignWithTheReason() {
        // Each evacuation takes 1.2 s on the plan's clock: past a 1 s limit after the first.
        AtomicLong clock = new AtomicLong();
        jobs.measureTimeLimitsOn(clock::get);
        planning.wrapBatchPlanners(inner -> (problem, limits) -> {
            clock.addAndGet(Duration.ofMillis(1200).toNanos());
            return inner.plan(problem, limits);
        });
        String id = Campaigns.accept(Map.of("fromRelease", FROM, "toRelease", TO, "dryRun", true,
                "policy", Map.of("timeLimitSeconds", 1)));

        JsonPath failed = Campaigns.planned(id);
        assertThat(failed.getString("state")).isEqualTo("FAILED");
        assertThat(failed.getString("failure")).startsWith("planning did not finish within its time limit of 1 s"
                + " (policy.timeLimitSeconds)");
        assertThat(failed.getList("history.kind")).containsExactly("PLANNING_FAILED");
        assertThat(Inventory.count(ds, "campaign_migration")).isZero();
        assertThat(Inventory.count(ds, "campaign_host")).isZero();
    }

    @Test
    void aPlanOvertakenByAnotherWriterIsComputedAgainFromTheNewVersion() {
        AtomicInteger computed = new AtomicInteger();
        planning.wrapBatchPlanners(bumpVersionOnFirstEvacuation(computed, 1));
        String id = Campaigns.accept(DRY_RUN);

        JsonPath planned = Campaigns.planned(id);
        assertThat(planned.getString("state")).isEqualTo("DRY_RUN");
        // Computed against 0, overtaken (1), computed again against 1 and written as 2.
        assertThat(planned.getInt("planVersion")).isEqualTo(2);
        assertThat(computed).hasValue(2);
        assertThat(Inventory.count(ds, "campaign_migration where plan_version <> 2")).isZero();
        assertThat(Inventory.count(ds, "campaign_migration")).isEqualTo(planned.getInt("metrics.migrations"));
    }

    @Test
    void aPlanOvertakenEveryTimeFailsTheCampaignAfterBoundedAttemptsAndWritesNothing() {
        AtomicInteger computed = new AtomicInteger();
        planning.wrapBatchPlanners(bumpVersionOnFirstEvacuation(computed, Integer.MAX_VALUE));
        String id = Campaigns.accept(DRY_RUN);

        JsonPath failed = Campaigns.planned(id);
        assertThat(failed.getString("state")).isEqualTo("FAILED");
        assertThat(failed.getString("failure")).contains("gave up after " + CampaignPlanning.MAX_ATTEMPTS
                + " attempts");
        assertThat(computed).hasValue(CampaignPlanning.MAX_ATTEMPTS);
        assertThat(Inventory.count(ds, "campaign_migration")).isZero();
        assertThat(Inventory.count(ds, "campaign_host")).isZero();
    }

    @Test
    void aWriteAgainstAStaleVersionIsRefusedAndWritesNothing() {
        String id = "camp-stale";
        var settings = new CampaignStore.Settings(List.of("src", "t4-a", "t4-b", "v100"), 1, 1, 2, 2, 2, 0, false,
                true, 3, 600, null);
        QuarkusTransaction.requiringNew().run(() -> store.insertPlanning(id, FROM, TO, settings, Instant.now()));
        Computed plan = planning.compute(id, new Inputs(0, snapshots.current(), FROM, TO, settings,
                settings.scope(), Set.of(), 0), PlanWatch.unlimited(), Instant.now());
        assertThat(plan.migrations()).isNotEmpty();
        // Another writer wins meanwhile.
        QuarkusTransaction.requiringNew().run(() -> store.setPlan(id, 1, "{}", Instant.now()));

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> planning.write(id, plan, Instant.now(),
                (row, p) -> store.setState(id, Transitions.CampaignState.PLANNING, Transitions.CampaignState.DRY_RUN,
                        Instant.now()))))
                .isInstanceOf(StalePlanException.class)
                .hasMessage("campaign camp-stale is at plan version 1, not 0 as when this plan was computed");
        CampaignRow row = QuarkusTransaction.requiringNew().call(() -> store.require(id, false));
        assertThat(row.state()).isEqualTo("PLANNING");
        assertThat(Inventory.count(ds, "campaign_migration")).isZero();
        assertThat(Inventory.count(ds, "campaign_host")).isZero();
        Inventory.update(ds, "delete from campaign where id = '" + id + "'"); // no job plans it
    }

    /**
     * Counts computations; during the first evacuation of each of the first {@code times}
     * computations, another writer bumps the PLANNING campaign's plan version.
     */
    private UnaryOperator<BatchPlanner> bumpVersionOnFirstEvacuation(AtomicInteger computed, int times) {
        return inner -> {
            int n = computed.incrementAndGet();
            boolean[] first = {true};
            return (problem, limits) -> {
                if (first[0] && n <= times) {
                    QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("update campaign set plan_version"
                            + " = plan_version + 1 where state = 'PLANNING'").executeUpdate());
                }
                first[0] = false;
                return inner.plan(problem, limits);
            };
        };
    }
}
