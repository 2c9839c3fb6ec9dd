package io.migplan.scheduler.evacuation.planner;

import static io.migplan.scheduler.evacuation.planner.Fixtures.FB_2Q;
import static io.migplan.scheduler.evacuation.planner.Fixtures.T4_2Q;
import static io.migplan.scheduler.evacuation.planner.Fixtures.T4_4Q;
import static io.migplan.scheduler.evacuation.planner.Fixtures.host;
import static io.migplan.scheduler.evacuation.planner.Fixtures.on;
import static io.migplan.scheduler.evacuation.planner.Fixtures.t4;
import static io.migplan.scheduler.evacuation.planner.Fixtures.vm;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.evacuation.planner.domain.DeviceUnit;
import io.migplan.scheduler.evacuation.planner.domain.EvacuationSolution;
import io.migplan.scheduler.evacuation.planner.domain.TargetHost;
import io.migplan.scheduler.evacuation.planner.justifications.AntiAffinityBreach;
import io.migplan.scheduler.evacuation.planner.justifications.CpuOverload;
import io.migplan.scheduler.evacuation.planner.justifications.DeviceOverload;
import io.migplan.scheduler.evacuation.planner.justifications.MemoryOverload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.optaplanner.core.api.score.ScoreExplanation;
import org.optaplanner.core.api.score.buildin.hardmediumsoftlong.HardMediumSoftLongScore;
import org.optaplanner.core.api.solver.SolutionManager;

/** The hard constraints explain themselves with the numbers an operator needs. */
class JustificationsTest {

    @Test
    void everyHardViolationCarriesASentenceWithItsNumbers() {
        TargetHost h7 = host("h7", 64, 60, 16_384, 14_336, 1, "rack-1", Map.of("db", 1));
        DeviceUnit gpu = t4(h7, "0000:3b:00.0", FB_2Q, 7);
        EvacuationSolution solution = new EvacuationSolution(List.of(h7), List.of(gpu), List.of(
                vm("a", 4, 2048, "db", "rack-9", 1, on(h7, gpu, T4_2Q)),
                vm("b", 4, 2048, "", "rack-9", 1, on(h7, gpu, T4_4Q))));
        SolutionManager<EvacuationSolution, HardMediumSoftLongScore> manager = SolutionManager.create(
                new SolverFactories().get(SolverFactories.Construction.LEDGER_FIRST_FIT_DECREASING, Duration.ofSeconds(1),
                        Duration.ofMillis(16), Duration.ofMillis(48)));
        ScoreExplanation<EvacuationSolution, HardMediumSoftLongScore> explained = manager.explain(solution);

        assertThat(explained.getJustificationList(CpuOverload.class)).extracting(CpuOverload::message)
                .containsExactly("host h7: 4 vCPUs over its 64 (60 in use, 8 planned in)");
        assertThat(explained.getJustificationList(MemoryOverload.class)).extracting(MemoryOverload::message)
                .containsExactly("host h7: 2048 MiB of memory over its 16384 MiB (14336 in use, 4096 planned in)");
        assertThat(explained.getJustificationList(DeviceOverload.class)).extracting(DeviceOverload::message)
                .containsExactly("host h7: 1 mdev(s) over what 0000:3b:00.0 (equal-size, locked to 2048 MiB, 7 in use)"
                        + " can hold (planned in: 1 nvidia-231, 1 nvidia-232)");
        assertThat(explained.getJustificationList(AntiAffinityBreach.class)).extracting(AntiAffinityBreach::message)
                .containsExactly("host h7: 1 VM(s) of anti-affinity group db too many (1 already there, 1 planned in)");
        // 4 vCPUs + 2 GiB + 1 mdev + 1 VM: the hard score is the sum of what the sentences say.
        assertThat(explained.getScore().hardScore()).isEqualTo(-8);
    }
}
