package io.migplan.scheduler.evacuation;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.agroal.api.AgroalDataSource;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.migplan.proto.v1.CreateEvacuationPlanRequest;
import io.migplan.scheduler.testsupport.EvacuationFleet;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Evacuation plans beyond what the scheduler solves at once, with one solver and one place in the
 * queue: the third plan is refused without a trace, a waiting plan can be cancelled, a plan
 * cancelled while its problem is built stops at its best solution, and a plan whose problem cannot
 * be built fails with an incident and frees its solver. The fleet's agent is held to keep a plan
 * building its problem (asking for verdicts) as long as a test needs.
 */
@QuarkusTest
@TestProfile(EvacuationPlanQueueTest.OneSolverOneWaiting.class)
class EvacuationPlanQueueTest {

    public static class OneSolverOneWaiting implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("migplan.planning.max-concurrent", "1", "migplan.planning.max-queued", "1",
                    "migplan.planning.retry-after", "7s",
                    // A held agent keeps a plan building until released, not until the probe deadline.
                    "migplan.probe.timeout", "60s");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(UnreadableVerdicts.class);
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(50);

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
        fleet.agent.release();
        grpc.close();
        fleet.close();
    }

    private static String create(String... hosts) {
        return given().contentType("application/json").body(Map.of("hosts", List.of(hosts)))
                .post("/api/v1/plans/evacuation").then().statusCode(202).extract().path("id");
    }

    private static JsonPath get(String id) {
        return given().get("/api/v1/plans/{id}", id).then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath awaitDone(String id) {
        return await("plan " + id + " done SOLVING").atMost(WAIT).pollInterval(POLL)
                .until(() -> get(id), plan -> !"SOLVING".equals(plan.getString("status")));
    }

    /** The first plan asks the held agent for its verdicts: it holds the only solver. */
    private String createHeldPlan() {
        int before = fleet.agent.calls();
        String id = create("src");
        await("plan " + id + " asks for verdicts").atMost(WAIT).pollInterval(POLL)
                .until(() -> fleet.agent.calls() > before);
        return id;
    }

    @Test
    void aPlanPastTheSolverAndTheQueueIsRefusedWith429AndRetryAfterAndNothingIsStored() {
        fleet.agent.hold();
        String solving = createHeldPlan();
        String waiting = create("src");
        long stored = Inventory.count(ds, "plan");

        given().contentType("application/json").body(Map.of("hosts", List.of("src")))
                .post("/api/v1/plans/evacuation")
                .then().statusCode(429).header("Retry-After", "7")
                .body("code", equalTo("PLANNING_BUSY"))
                .body("message", equalTo("the scheduler is solving 1 plan and 1 more is waiting, as many as"
                        + " allowed (migplan.planning.max-concurrent=1, migplan.planning.max-queued=1); nothing was"
                        + " stored, try again in 7 s"));
        assertThatThrownBy(() -> grpc.plans().createEvacuationPlan(CreateEvacuationPlanRequest.newBuilder()
                .addHosts("src").build())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                    assertThat(e.getStatus().getDescription()).startsWith("PLANNING_BUSY: the scheduler is solving");
                    assertThat(retryInfo(e).getRetryDelay().getSeconds()).isEqualTo(7);
                });
        assertThat(Inventory.count(ds, "plan")).isEqualTo(stored);
        assertThat(get(waiting).getString("status")).isEqualTo("SOLVING");

        fleet.agent.release();

        assertThat(awaitDone(solving).getString("status")).isEqualTo("READY");
        assertThat(awaitDone(waiting).getString("status")).isEqualTo("READY");
        // Both done: there is room again.
        assertThat(awaitDone(create("src")).getString("status")).isEqualTo("READY");
    }

    @Test
    void aPlanCancelledWhileItWaitsForTheSolverIsStoredCancelledAtOnceWithNothingPlanned() {
        fleet.agent.hold();
        String solving = createHeldPlan();
        String waiting = create("src");

        given().contentType(ContentType.JSON).delete("/api/v1/plans/{id}", waiting).then().statusCode(200).body("status", equalTo("SOLVING"));

        JsonPath cancelled = get(waiting);
        assertThat(cancelled.getString("status")).isEqualTo("CANCELLED");
        assertThat(cancelled.getList("migrations")).isEmpty();
        assertThat(cancelled.getList("unplaced")).isEmpty();
        assertThat(cancelled.getString("error")).isEqualTo("cancelled while waiting for a solver; nothing was planned");
        // Its place is free while the first plan still holds the solver.
        String next = create("src");
        fleet.agent.release();
        assertThat(awaitDone(solving).getString("status")).isEqualTo("READY");
        assertThat(awaitDone(next).getString("status")).isEqualTo("READY");
    }

    @Test
    void aPlanCancelledWhileItsProblemIsBuiltStopsAtItsBestSolutionStoredCancelledWithEveryVm() {
        fleet.agent.hold();
        String id = createHeldPlan();

        CompletableFuture<Integer> cancel = CompletableFuture.supplyAsync(
                () -> given().contentType(ContentType.JSON).delete("/api/v1/plans/{id}", id).then().extract().statusCode());
        // The cancel waits for the problem to be built: the solver stops as soon as it starts.
        await("the cancel waits for the build").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                .until(() -> !cancel.isDone());
        fleet.agent.release();

        assertThat(cancel.join()).isEqualTo(200);
        JsonPath plan = awaitDone(id);
        assertThat(plan.getString("status")).isEqualTo("CANCELLED");
        assertThat(plan.getList("migrations.vm", String.class)).containsExactlyInAnyOrder("vm-1", "vm-2", "vm-3");
        assertThat(plan.getList("unplaced")).isEmpty();
        assertThat(plan.getBoolean("metrics.terminatedEarly")).isTrue();
        assertThat(plan.getInt("metrics.hardViolations")).isZero();
        assertThat(plan.getString("error")).isEmpty();
    }

    @Test
    void aPlanWhoseProblemCannotBeBuiltIsStoredFailedWithAnIncidentAndFreesTheSolver() {
        grpc.inventory().reportInventory(report(host(UnreadableVerdicts.PREFIX + "t4", 1, fleet.agent.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 8, EvacuationFleet.SIG)))));

        String failing = create("src");

        JsonPath plan = awaitDone(failing);
        assertThat(plan.getString("status")).isEqualTo("FAILED");
        assertThat(plan.getString("error")).startsWith("planning failed; the scheduler's log has the details under"
                + " incident ");
        assertThat(plan.getList("migrations")).isEmpty();
        // The solver is free again: two plans (one solving, one waiting) are taken, and one of a host
        // with no VM needs no verdict, so it is solved.
        String empty = create("t4-a");
        String another = create("t4-b");
        assertThat(awaitDone(empty).getString("status")).isEqualTo("READY");
        assertThat(awaitDone(another).getString("status")).isEqualTo("READY");
        given().get("/api/v1/plans/{id}", empty).then().body("metrics.vms", equalTo(0));
    }

    private static RetryInfo retryInfo(StatusRuntimeException e) {
        for (Any detail : StatusProto.fromThrowable(e).getDetailsList()) {
            if (detail.is(RetryInfo.class)) {
                try {
                    return detail.unpack(RetryInfo.class);
                } catch (InvalidProtocolBufferException x) {
                    throw new AssertionError(x);
                }
            }
        }
        throw new AssertionError("no RetryInfo in " + e);
    }
}
