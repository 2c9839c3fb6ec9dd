package io.migplan.scheduler.compatibility;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.instance;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.migplan.scheduler.testsupport.Snapshots.vm;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.Problem;
import io.migplan.proto.v1.ProblemSource;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CompatibilityMatrixTest {

    static final String SIG = "nvidia-231/T4/nvidia-550.90.07";
    static final MatrixKey CELL = new MatrixKey("t1", "0000:3b:00.0", "nvidia-231", SIG);
    static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @Inject
    AgroalDataSource ds;
    @Inject
    CompatibilityMatrix matrix;
    @Inject
    ClusterSnapshotHolder snapshots;

    SchedulerGrpc grpc;

    @BeforeEach
    void setUp() {
        Inventory.clear(ds);
        grpc = new SchedulerGrpc();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        grpc.close();
    }

    private void reportT1(long generation) {
        reportT1(generation, s -> s);
    }

    /** t1 with one T4 offering nvidia-231, as {@code change} leaves it. */
    private void reportT1(long generation, UnaryOperator<HostSnapshot.Builder> change) {
        grpc.inventory().reportInventory(report(change.apply(host("t1", generation, "127.0.0.1:1")
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 8, SIG))))));
    }

    /** t1 running a VM on its T4: one instance fewer available. */
    private static HostSnapshot.Builder runningAVm(HostSnapshot.Builder s) {
        String mdev = "0a3e1b6c-7d2f-4c1e-9b7a-5f0e2d3c4b01";
        return s.setParents(0, s.getParents(0).toBuilder().setTypes(0, type("nvidia-231", 7, SIG)))
                .addInstances(instance(mdev, "nvidia-231", "0000:3b:00.0"))
                .addVms(vm("vm-1", "5d3c8e10-0000-4000-8000-000000000001", 4, 8192, mdev));
    }

    private static ProbeAnswer answer(Verdict v, String code) {
        return ProbeAnswer.newBuilder().setVerdict(v).setCode(code).setMessage("said so").setBackend("rules").build();
    }

    @Test
    void aVerdictAskedAtTheHostsCurrentGenerationIsValid() {
        reportT1(5);
        matrix.record(5, Map.of(CELL, answer(Verdict.VERDICT_INCOMPATIBLE, "DRIVER_BACKWARD")), NOW);

        assertThat(matrix.valid(List.of(CELL))).hasEntrySatisfying(CELL, v -> {
            assertThat(v.verdict()).isEqualTo(Verdict.VERDICT_INCOMPATIBLE);
            assertThat(v.code()).isEqualTo("DRIVER_BACKWARD");
            assertThat(v.backend()).isEqualTo("rules");
            assertThat(v.generation()).isEqualTo(5);
        });
    }

    @Test
    void aNewerReportWithAnUpgradedDriverMakesEveryOlderVerdictOfThatHostStaleAndUnused() {
        reportT1(5);
        matrix.record(5, Map.of(CELL, answer(Verdict.VERDICT_COMPATIBLE, "")), NOW);
        reportT1(6, s -> s.setParents(0, s.getParents(0).toBuilder().setDriverVersion("570.124.06")));

        assertThat(matrix.valid(List.of(CELL))).isEmpty();
        assertThat(matrix.forgetStale("t1")).isEqualTo(1);
        assertThat(Inventory.count(ds, "compatibility_verdict")).isZero();
    }

    @Test
    void aNewerReportThatChangedOnlyItsVmsCarriesTheVerdictsToItsGeneration() {
        reportT1(5);
        matrix.record(5, Map.of(CELL, answer(Verdict.VERDICT_INCOMPATIBLE, "DRIVER_BACKWARD")), NOW);

        reportT1(6, CompatibilityMatrixTest::runningAVm);

        assertThat(matrix.valid(List.of(CELL))).hasEntrySatisfying(CELL, v -> {
            assertThat(v.generation()).isEqualTo(6);
            assertThat(v.verdict()).isEqualTo(Verdict.VERDICT_INCOMPATIBLE);
            assertThat(v.code()).isEqualTo("DRIVER_BACKWARD");
            assertThat(v.askedAt()).as("a carried verdict keeps when it was asked").isEqualTo(NOW);
        });
        assertThat(matrix.cached(List.of(CELL), h -> snapshots.current().host(h).orElse(null)))
                .as("the cache holds it at the new generation too")
                .hasEntrySatisfying(CELL, v -> assertThat(v.generation()).isEqualTo(6));
        assertThat(matrix.forgetStale("t1")).isZero();
    }

    @Test
    void aReportAfterOneThatCouldNotReadItsDevicesCarriesNothing() {
        reportT1(5, s -> s.addProblems(Problem.newBuilder().setPath("/sys/class/mdev_bus/0000:af:00.0")
                .setMessage("unreadable").setSource(ProblemSource.PROBLEM_SOURCE_SYSFS)));
        matrix.record(5, Map.of(CELL, answer(Verdict.VERDICT_COMPATIBLE, "")), NOW);

        reportT1(6);

        assertThat(matrix.valid(List.of(CELL))).isEmpty();
    }

    @Test
    void aVerdictAskedAtAnOlderGenerationThanTheReplacedOneIsNotCarried() {
        reportT1(4);
        matrix.record(4, Map.of(CELL, answer(Verdict.VERDICT_COMPATIBLE, "")), NOW);
        reportT1(5, s -> s.setHost(s.getHost().toBuilder().setRelease("2025.2")));

        reportT1(6, s -> s.setHost(s.getHost().toBuilder().setRelease("2025.2")));

        assertThat(matrix.valid(List.of(CELL))).isEmpty();
    }

    @Test
    void aLateAnswerForAnOlderGenerationNeverOverwritesAFresherOne() {
        reportT1(6);
        matrix.record(6, Map.of(CELL, answer(Verdict.VERDICT_COMPATIBLE, "")), NOW);
        matrix.record(5, Map.of(CELL, answer(Verdict.VERDICT_INCOMPATIBLE, "SIGNATURE_MISMATCH")), NOW);

        assertThat(matrix.valid(List.of(CELL)).get(CELL).verdict()).isEqualTo(Verdict.VERDICT_COMPATIBLE);
    }

    @Test
    void anUnspecifiedVerdictIsStoredAsUnknownNeverAsCompatible() {
        reportT1(5);
        matrix.record(5, Map.of(CELL, ProbeAnswer.getDefaultInstance()), NOW);

        assertThat(matrix.valid(List.of(CELL)).get(CELL).verdict()).isEqualTo(Verdict.VERDICT_UNKNOWN);
    }

    @Test
    void verdictsOfAnUnknownHostAreNotStoredAndGoWithTheirHost() {
        matrix.record(1, Map.of(CELL, answer(Verdict.VERDICT_COMPATIBLE, "")), NOW);
        assertThat(Inventory.count(ds, "compatibility_verdict")).isZero();

        reportT1(1);
        matrix.record(1, Map.of(CELL, answer(Verdict.VERDICT_COMPATIBLE, "")), NOW);
        Inventory.clear(ds);
        assertThat(Inventory.count(ds, "compatibility_verdict")).isZero();
    }
}
