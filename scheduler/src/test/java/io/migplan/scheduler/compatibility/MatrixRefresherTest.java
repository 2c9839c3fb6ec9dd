package io.migplan.scheduler.compatibility;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.instance;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.migplan.scheduler.testsupport.Snapshots.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.migplan.proto.v1.HeartbeatRequest;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.migplan.scheduler.testsupport.FakeAgent;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The background refresh as it runs in production (switched on here, off in the other
 * tests): a report makes the scheduler ask agents, in batches, for every cell the fleet's
 * signatures need, retrying unreachable agents with backoff, through {@link Verdicts} (recorded
 * here by {@link RecordingVerdicts}).
 */
@QuarkusTest
@TestProfile(MatrixRefresherTest.RefreshOnReport.class)
class MatrixRefresherTest {

    public static class RefreshOnReport implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("migplan.matrix.refresh-on-report", "true");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(RecordingVerdicts.class);
        }
    }

    static final String SIG = "nvidia-231/T4/nvidia-550.90.07";
    static final String MDEV = "0a3e1b6c-7d2f-4c1e-9b7a-5f0e2d3c4b01";
    /** The refresh runs on its own threads, retrying with backoff. */
    static final Duration WAIT = Duration.ofSeconds(20);
    static final Duration POLL = Duration.ofMillis(50);

    @Inject
    AgroalDataSource ds;
    @Inject
    CompatibilityMatrix matrix;
    @Inject
    MatrixRefresher refresher;
    @Inject
    RecordingVerdicts verdicts;
    @Inject
    ClusterSnapshotHolder snapshots;

    SchedulerGrpc grpc;
    FakeAgent source;
    FakeAgent target;

    @BeforeEach
    void setUp() throws Exception {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
        source = new FakeAgent().signature("nvidia-231", SIG);
        target = new FakeAgent().signature("nvidia-231", SIG);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        grpc.close();
        source.close();
        target.close();
    }

    private void reportSource() {
        grpc.inventory().reportInventory(report(host("src", 1, source.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 7, SIG)))
                .addInstances(instance(MDEV, "nvidia-231", "0000:3b:00.0"))
                .addVms(vm("vm-1", "5d3c8e10-0000-4000-8000-000000000001", 4, 8192, MDEV))));
    }

    private void reportTarget(long generation) {
        reportTarget(generation, s -> s);
    }

    /** dst with two T4s, as {@code change} leaves it. */
    private void reportTarget(long generation, UnaryOperator<HostSnapshot.Builder> change) {
        grpc.inventory().reportInventory(report(change.apply(host("dst", generation, target.endpoint())
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 8, SIG)))
                .addParents(parent("0000:d8:00.0", type("nvidia-231", 8, SIG), type("nvidia-222", 16, "x"))))));
    }

    /** dst after a VM migrated in: one instance and one VM more, one instance fewer available. */
    private static HostSnapshot.Builder withAMigratedVm(HostSnapshot.Builder s) {
        String mdev = "7f1e2d3c-0000-4000-8000-000000000002";
        return s.setParents(0, s.getParents(0).toBuilder().setTypes(0, type("nvidia-231", 7, SIG)))
                .addInstances(instance(mdev, "nvidia-231", "0000:3b:00.0"))
                .addVms(vm("vm-2", "5d3c8e10-0000-4000-8000-000000000002", 4, 8192, mdev));
    }

    private static final List<MatrixKey> DST_CELLS = List.of(
            new MatrixKey("dst", "0000:3b:00.0", "nvidia-231", SIG),
            new MatrixKey("dst", "0000:d8:00.0", "nvidia-231", SIG));

    @Test
    void aReportFillsTheMatrixForEverySignatureTheHostCouldReceive() throws Exception {
        reportSource();
        reportTarget(1);

        await("dst's cells are stored").atMost(WAIT).pollInterval(POLL).pollInSameThread()
                .until(() -> matrix.valid(DST_CELLS).size() == 2);
        assertThat(matrix.valid(DST_CELLS).values()).allMatch(v -> v.verdict() == Verdict.VERDICT_COMPATIBLE);
        // Only the type that could receive a fleet signature was asked: no nvidia-222 question.
        assertThat(target.questions()).extracting(q -> q.getTargetTypeId()).containsOnly("nvidia-231");
        assertThat(target.questions()).allSatisfy(q -> assertThat(q.getSourceBoard()).isEqualTo("T4"));
    }

    @Test
    void theRefreshAsksAndStoresThroughVerdicts() throws Exception {
        reportSource();
        reportTarget(1);

        await("dst's cells are stored").atMost(WAIT).pollInterval(POLL).pollInSameThread()
                .until(() -> matrix.valid(DST_CELLS).size() == 2);
        assertThat(verdicts.refreshed("dst")).containsExactlyInAnyOrderElementsOf(DST_CELLS);
    }

    @Test
    void aNewSignatureOnASourceIsAskedOfEveryOtherHost() throws Exception {
        reportTarget(1);
        // With no VM anywhere there is no signature to ask about.
        assertThat(refresher.refresh("dst")).isZero();
        assertThat(target.calls()).isZero();

        reportSource();

        await("the new signature was asked of dst").atMost(WAIT).pollInterval(POLL).pollInSameThread()
                .until(() -> matrix.valid(DST_CELLS).size() == 2);
    }

    @Test
    void aSourceReportingASignatureEveryTargetHoldsAsksNoTarget() throws Exception {
        reportTarget(1);
        reportSource();
        await("dst's cells are stored").atMost(WAIT).pollInterval(POLL).pollInSameThread()
                .until(() -> matrix.valid(DST_CELLS).size() == 2);
        int asked = verdicts.calls("dst");
        int calls = target.calls();

        refresher.refresh("src");

        assertThat(verdicts.calls("dst")).as("dst holds every cell of src's signature").isEqualTo(asked);
        assertThat(target.calls()).isEqualTo(calls);
    }

    /**
     * A VM moving around the fleet makes its hosts report again and again: once every target was
     * counted for a signature, those reports count nobody (no fleet-wide query, no walk over the
     * targets) until no host holds the signature any more.
     */
    @Test
    void aSignatureTheFleetAlreadyHoldsIsCountedOnceNotAtEveryReport() throws Exception {
        reportTarget(1);
        reportSource();
        await("dst's cells are stored").atMost(WAIT).pollInterval(POLL).pollInSameThread()
                .until(() -> matrix.valid(DST_CELLS).size() == 2);
        // Returns once src's signature is settled, whichever refresh counted its targets.
        refresher.refresh("src");
        long passes = refresher.sourcePasses();
        int calls = target.calls();

        refresher.refresh("src");
        refresher.refresh("src");

        assertThat(refresher.sourcePasses()).isEqualTo(passes);
        assertThat(target.calls()).isEqualTo(calls);
        assertThat(matrix.valid(DST_CELLS)).hasSize(2);
    }

    /**
     * A target that was not up when a signature appeared is not counted again by later reports of
     * the signature: it waits as pending and is asked once it is up, at the next refresh.
     */
    @Test
    void aTargetNotUpWhenASignatureAppearedIsAskedOnceItIsUpAgain() throws Exception {
        reportTarget(1);
        Inventory.update(ds, "update host set state = 'STALE', last_heartbeat_at = now() - interval '1 hour'"
                + " where id = 'dst'");
        snapshots.reconcile();
        reportSource();
        refresher.refresh("src");
        assertThat(matrix.valid(DST_CELLS)).isEmpty();
        assertThat(target.calls()).isZero();
        long passes = refresher.sourcePasses();

        grpc.inventory().heartbeat(HeartbeatRequest.newBuilder().setHostId("dst").setGeneration(1).build());
        assertThat(snapshots.current().host("dst").orElseThrow().view().isUp()).isTrue();
        refresher.refresh("src");

        assertThat(matrix.valid(DST_CELLS)).hasSize(2);
        assertThat(refresher.sourcePasses()).as("dst came from pending, not from counting again").isEqualTo(passes);
    }

    @Test
    void aReportThatChangedOnlyVmsKeepsTheVerdictsValidAndAsksTheAgentNothing() throws Exception {
        reportSource();
        reportTarget(1);
        await("dst's cells are stored").atMost(WAIT).pollInterval(POLL).pollInSameThread()
                .until(() -> matrix.valid(DST_CELLS).size() == 2);
        int refreshes = verdicts.calls("dst");
        int calls = target.calls();

        reportTarget(2, MatrixRefresherTest::withAMigratedVm);

        assertThat(matrix.valid(DST_CELLS).values()).as("valid at the new generation as soon as it is stored")
                .hasSize(2).allSatisfy(v -> assertThat(v.generation()).isEqualTo(2));
        await("the refresh after the report ran").atMost(WAIT).pollInterval(POLL).pollInSameThread()
                .until(() -> verdicts.calls("dst") > refreshes);
        assertThat(target.calls()).as("questions: %s", target.questions()).isEqualTo(calls);
    }

    static List<Arguments> factChanges() {
        return List.of(
                Arguments.of("the driver was upgraded", (UnaryOperator<HostSnapshot.Builder>) s -> s.setParents(0,
                        s.getParents(0).toBuilder().setDriverVersion("570.124.06"))),
                Arguments.of("the release changed", (UnaryOperator<HostSnapshot.Builder>) s -> s.setHost(
                        s.getHost().toBuilder().setRelease("2025.2"))),
                Arguments.of("a type was added", (UnaryOperator<HostSnapshot.Builder>) s -> s.setParents(0,
                        s.getParents(0).toBuilder().addTypes(type("nvidia-230", 4, "nvidia-230/T4/x")))));
    }

    @ParameterizedTest(name = "{0}: the verdicts are asked again")
    @MethodSource("factChanges")
    void aReportThatChangedAFactAVerdictDependsOnAsksTheAgentAgain(String change,
            UnaryOperator<HostSnapshot.Builder> edit) throws Exception {
        reportSource();
        reportTarget(1);
        await("dst's cells are stored").atMost(WAIT).pollInterval(POLL).pollInSameThread()
                .until(() -> matrix.valid(DST_CELLS).size() == 2);
        int asked = target.questions().size();

        reportTarget(2, s -> edit.apply(withAMigratedVm(s)));

        await("dst's cells are asked again at the new generation").atMost(WAIT).pollInterval(POLL)
                .pollInSameThread().until(() -> matrix.valid(DST_CELLS).values().stream()
                        .filter(v -> v.generation() == 2).count() == 2);
        assertThat(target.questions().subList(asked, target.questions().size()))
                .extracting(q -> new MatrixKey("dst", q.getTargetParent(), q.getTargetTypeId(), q.getSourceSignature()))
                .containsAll(DST_CELLS);
    }

    @Test
    void aTargetThatDidNotAnswerIsAskedAgainByTheNextRefresh() throws Exception {
        reportSource();
        target.failNext(100);
        reportTarget(1);
        await("the refresher gave up on dst").atMost(WAIT).pollInterval(POLL).pollInSameThread()
                .until(() -> refresher.lastFailure("dst").isPresent());
        target.failNext(0);

        // Another host's refresh: src's own signature is known, yet dst, left unasked, is asked again.
        refresher.refresh("src");

        assertThat(matrix.valid(DST_CELLS)).hasSize(2);
        assertThat(refresher.lastFailure("dst")).isEmpty();
    }

    @Test
    void anAgentThatFailsTwiceIsRetriedWithBackoffAndItsAnswersStored() throws Exception {
        reportSource();
        target.failNext(2);

        assertThat(refresher.refresh("dst")).isZero(); // dst has not reported yet: nothing to ask
        reportTarget(1);

        await("dst's cells are stored after retries").atMost(WAIT).pollInterval(POLL).pollInSameThread()
                .until(() -> matrix.valid(DST_CELLS).size() == 2);
        assertThat(target.calls()).isGreaterThanOrEqualTo(3);
        assertThat(refresher.lastFailure("dst")).isEmpty();
    }

    @Test
    void anUnreachableAgentLeavesNoVerdictAndSaysWhy() throws Exception {
        reportSource();
        target.failNext(100);
        reportTarget(1);

        await("the refresher gave up on dst").atMost(WAIT).pollInterval(POLL).pollInSameThread()
                .until(() -> refresher.lastFailure("dst").isPresent());
        assertThat(refresher.lastFailure("dst").get()).contains("UNAVAILABLE");
        assertThat(matrix.valid(DST_CELLS)).isEmpty();
    }
}
