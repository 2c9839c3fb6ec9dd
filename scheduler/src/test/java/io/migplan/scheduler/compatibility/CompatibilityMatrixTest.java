package io.migplan.scheduler.compatibility;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.instance;
import static io.migplan.scheduler.testsupport.Snapshots.parent;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static io.migplan.scheduler.testsupport.Snapshots.type;
import static io.migplan.scheduler.testsupport.Snapshots.vm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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

    /**
     * Carrying one host's verdicts reads that host's rows only, however many other hosts hold
     * verdicts of the same signatures (100 of each of 30 here, as a fleet's refresher leaves them)
     * and whatever plan the statistics suggest.
     */
    @Test
    void carryingAHostsVerdictsReadsNoOtherHostsVerdicts() throws Exception {
        reportT1(5);
        matrix.record(5, Map.of(CELL, answer(Verdict.VERDICT_COMPATIBLE, "")), NOW);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("insert into host (id, cpus, memory_mib, generation, state, last_report_at,"
                    + " last_heartbeat_at) select 'other-' || i, 0, 0, 1, 'DOWN', now(), now()"
                    + " from generate_series(1, 3000) i");
            // 30 signatures of 30 types, a type per signature as in a fleet: t1's is one of them.
            st.executeUpdate("insert into compatibility_verdict (target_host, target_parent, target_type_id,"
                    + " source_signature, target_generation, verdict, asked_at) select 'other-' || i,"
                    + " '0000:3b:00.0', case when i % 30 = 0 then 'nvidia-231' else 'type-' || i % 30 end,"
                    + " case when i % 30 = 0 then '" + SIG + "' else 'sig-' || i % 30 end, 1, 'COMPATIBLE', now()"
                    + " from generate_series(1, 3000) i");
            st.execute("analyze compatibility_verdict");
            JsonNode plan;
            c.setAutoCommit(false);
            try (ResultSet rs = st.executeQuery(explain(CompatibilityMatrix.CARRY))) {
                rs.next();
                plan = new ObjectMapper().readTree(rs.getString(1)).get(0).get("Plan");
            } finally {
                c.rollback();
                c.setAutoCommit(true);
                // The other hosts go with their verdicts, so no later test finds them.
                st.executeUpdate("delete from host where id like 'other-%'");
            }
            assertThat(plan.get("Actual Rows").asLong()).as("t1's one verdict moved").isEqualTo(1);
            // By the tuple ids it locked: a join back on the key is planned from statistics, and at
            // 5,000 hosts the planner ran it through the signature index, reading every host's verdicts.
            assertThat(plan.findValuesAsText("Node Type")).as("the update's plan").contains("Tid Scan");
            assertThat(plan.findValues("Rows Removed by Filter")).as("rows of other hosts read and dropped")
                    .allMatch(n -> n.asLong() < 10);
        }
        reportT1(6, CompatibilityMatrixTest::runningAVm);
        assertThat(matrix.valid(List.of(CELL))).hasEntrySatisfying(CELL, v -> assertThat(v.generation()).isEqualTo(6));
    }

    /** {@code sql}'s plan as run, for t1 from generation 5 to 6 (to be rolled back). */
    private static String explain(String sql) {
        return "explain (analyze, format json) " + sql.replace("?1", "'t1'").replace("?2", "5").replace("?3", "6");
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
