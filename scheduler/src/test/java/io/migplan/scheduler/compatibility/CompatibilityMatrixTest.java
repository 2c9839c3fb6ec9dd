package io.migplan.scheduler.compatibility;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SchedulerGrpc;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
        grpc.inventory().reportInventory(report(host("t1", generation, "127.0.0.1:1")
                .addParents(parent("0000:3b:00.0", type("nvidia-231", 8, SIG)))));
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
    void aNewerReportMakesEveryOlderVerdictOfThatHostStaleAndUnused() {
        reportT1(5);
        matrix.record(5, Map.of(CELL, answer(Verdict.VERDICT_COMPATIBLE, "")), NOW);
        reportT1(6);

        assertThat(matrix.valid(List.of(CELL))).isEmpty();
        assertThat(matrix.forgetStale("t1")).isEqualTo(1);
        assertThat(Inventory.count(ds, "compatibility_verdict")).isZero();
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
