package io.migplan.scheduler.compatibility;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.compatibility.CompatibilityProber.Batch;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
import io.migplan.scheduler.testsupport.FakeAgent;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one path from a question to a verdict: stored at the host's generation, else asked and stored. */
@QuarkusTest
class VerdictsTest {

    static final String SIG = "nvidia-231/T4/nvidia-550.90.07";
    static final MatrixKey CELL = new MatrixKey("t1", "0000:3b:00.0", "nvidia-231", SIG);

    @Inject
    AgroalDataSource ds;
    @Inject
    Verdicts verdicts;
    @Inject
    CompatibilityMatrix matrix;
    @Inject
    ClusterSnapshotHolder snapshots;

    SchedulerGrpc grpc;
    FakeAgent agent;

    @BeforeEach
    void setUp() throws Exception {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
        agent = new FakeAgent().signature("nvidia-231", SIG);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        grpc.close();
        agent.close();
    }

    private ClusterSnapshot reportT1(long generation, String endpoint) {
        return reportT1(generation, endpoint, "550.90.07");
    }

    /** t1 with one T4 whose driver is {@code driverVersion}, as the snapshot then holds it. */
    private ClusterSnapshot reportT1(long generation, String endpoint, String driverVersion) {
        grpc.inventory().reportInventory(report(host("t1", generation, endpoint).addParents(
                parent("0000:3b:00.0", type("nvidia-231", 8, SIG)).toBuilder().setDriverVersion(driverVersion))));
        snapshots.reload("t1");
        return snapshots.current();
    }

    private static List<Batch> ask(String endpoint) {
        return List.of(new Batch("t1", endpoint, List.of(CELL.question("q1", SourceFacts.NONE))));
    }

    @Test
    void aCellNotStoredIsAskedOfTheAgentAndStoredAtTheGenerationTheSnapshotHolds() {
        ClusterSnapshot snapshot = reportT1(7, agent.endpoint());
        assertThat(verdicts.stored(snapshot, List.of(CELL))).isEmpty();

        var outcome = verdicts.ask(snapshot, ask(agent.endpoint())).get("t1");

        assertThat(outcome).isInstanceOfSatisfying(ProbeOutcome.Answered.class, a ->
                assertThat(a.answers().get("q1").getVerdict()).isEqualTo(Verdict.VERDICT_COMPATIBLE));
        assertThat(agent.calls()).isEqualTo(1);
        assertThat(verdicts.stored(snapshot, List.of(CELL))).hasEntrySatisfying(CELL, v -> {
            assertThat(v.verdict()).isEqualTo(Verdict.VERDICT_COMPATIBLE);
            assertThat(v.generation()).isEqualTo(7);
        });
        assertThat(matrix.valid(List.of(CELL))).containsKey(CELL);
    }

    @Test
    void aStoredVerdictIsNoLongerUsedOnceTheHostReportsANewerGenerationWithAnotherDriver() {
        ClusterSnapshot first = reportT1(7, agent.endpoint());
        verdicts.ask(first, ask(agent.endpoint()));

        ClusterSnapshot next = reportT1(8, agent.endpoint(), "570.124.06");

        assertThat(verdicts.stored(next, List.of(CELL))).isEmpty();
    }

    @Test
    void aStoredVerdictIsStillUsedOnceTheHostReportsANewerGenerationWithTheSameDevices() {
        ClusterSnapshot first = reportT1(7, agent.endpoint());
        verdicts.ask(first, ask(agent.endpoint()));

        ClusterSnapshot next = reportT1(8, agent.endpoint());

        assertThat(verdicts.stored(next, List.of(CELL)))
                .hasEntrySatisfying(CELL, v -> assertThat(v.generation()).isEqualTo(8));
    }

    @Test
    void anAgentThatCannotBeReachedGivesAFailedOutcomeAndNothingIsStored() throws Exception {
        String dead = FakeAgent.deadEndpoint();
        ClusterSnapshot snapshot = reportT1(7, dead);

        var byCell = verdicts.askByCell(snapshot, ask(dead));

        assertThat(byCell).isEmpty();
        assertThat(verdicts.ask(snapshot, ask(dead)).get("t1")).isInstanceOf(ProbeOutcome.Failed.class);
        assertThat(matrix.valid(List.of(CELL))).isEmpty();
    }

    @Test
    void aBackgroundRefreshAsksOnlyTheCellsNotStoredAndStoresThemAtTheGenerationTheSnapshotHolds() {
        ClusterSnapshot snapshot = reportT1(7, agent.endpoint());
        verdicts.ask(snapshot, ask(agent.endpoint()));
        MatrixKey other = new MatrixKey("t1", "0000:3b:00.0", "nvidia-231", "nvidia-231/T4/nvidia-535.54.03");
        Map<MatrixKey, SourceFacts> cells = new LinkedHashMap<>();
        cells.put(CELL, SourceFacts.NONE);
        cells.put(other, SourceFacts.NONE);

        var done = verdicts.refresh(snapshot, snapshot.host("t1").orElseThrow().view(), cells);

        assertThat(done).isEqualTo(new Verdicts.Refreshed(1, null));
        assertThat(agent.calls()).isEqualTo(2);
        assertThat(agent.questions()).extracting(q -> q.getSourceSignature()).containsExactly(SIG,
                other.sourceSignature());
        assertThat(verdicts.stored(snapshot, List.of(other))).hasEntrySatisfying(other, v -> {
            assertThat(v.verdict()).isEqualTo(Verdict.VERDICT_INCOMPATIBLE);
            assertThat(v.generation()).isEqualTo(7);
        });
    }

    @Test
    void aBackgroundRefreshOfAnAgentThatCannotBeReachedStoresNothingAndSaysWhy() throws Exception {
        String dead = FakeAgent.deadEndpoint();
        ClusterSnapshot snapshot = reportT1(7, dead);

        var done = verdicts.refresh(snapshot, snapshot.host("t1").orElseThrow().view(), Map.of(CELL, SourceFacts.NONE));

        assertThat(done.stored()).isZero();
        assertThat(done.failure()).startsWith("agent at " + dead + " did not answer background probes after retries"
                + " (UNAVAILABLE");
        assertThat(matrix.valid(List.of(CELL))).isEmpty();
    }

    @Test
    void answersAreStoredInTransactionsOfWholeHostsHoldingAtMostSoManyCells() {
        java.util.function.IntFunction<Batch> batch = n -> new Batch("h" + n, "h:1",
                java.util.Collections.nCopies(n, io.migplan.proto.v1.ProbeQuestion.getDefaultInstance()));
        List<Batch> batches = List.of(batch.apply(3), batch.apply(4), batch.apply(2), batch.apply(9), batch.apply(1));

        assertThat(Verdicts.chunks(batches, 7)).extracting(c -> c.stream().map(Batch::host).toList())
                .containsExactly(List.of("h3", "h4"), List.of("h2"), List.of("h9"), List.of("h1"));
        assertThat(Verdicts.chunks(List.of(), 7)).isEmpty();
        assertThat(Verdicts.chunks(batches, 100)).singleElement().isEqualTo(batches);
    }
}
