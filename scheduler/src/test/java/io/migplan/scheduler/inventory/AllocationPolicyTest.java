package io.migplan.scheduler.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.capacity.ComputeAllocation;
import io.migplan.scheduler.inventory.AllocationPolicy.Reported;
import io.migplan.scheduler.inventory.AllocationPolicy.Rule;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AllocationPolicyTest {

    static final AllocationPolicy POLICY = new AllocationPolicy(List.of(
            Rule.of("gpu-board=T4", Optional.of(4.0), Optional.empty(), Optional.empty(), Optional.of(16384L)),
            Rule.of("pool=vdi", Optional.of(8.0), Optional.of(1.5), Optional.of(2), Optional.empty())));

    static final Reported AGENT = new Reported(2.0, 1.2, 1, 1024L);

    @Test
    void aRuleForALabelTheHostCarriesWinsOverTheAgentValueByValue() {
        var r = POLICY.explain(Map.of("gpu-board", "T4"), AGENT);
        assertThat(r.allocation()).isEqualTo(new ComputeAllocation(4.0, 1.2, 1, 16384));
        assertThat(List.of(r.cpuRatioFrom(), r.memoryRatioFrom(), r.reservedCpusFrom(), r.reservedMemoryFrom()))
                .containsExactly("rule gpu-board=T4", "agent", "agent", "rule gpu-board=T4");
    }

    @Test
    void theFirstMatchingRuleThatSetsAValueWins() {
        var r = POLICY.explain(Map.of("gpu-board", "T4", "pool", "vdi"), AGENT);
        assertThat(r.allocation()).isEqualTo(new ComputeAllocation(4.0, 1.5, 2, 16384));
        assertThat(r.memoryRatioFrom()).isEqualTo("rule pool=vdi");
    }

    @Test
    void withoutAMatchingRuleTheAgentSpeaksAndWithoutEitherTheDefaultHolds() {
        assertThat(POLICY.resolve(Map.of("gpu-board", "V100"), AGENT))
                .isEqualTo(new ComputeAllocation(2.0, 1.2, 1, 1024));
        var old = POLICY.explain(Map.of("gpu-board", "V100"), Reported.NOTHING);
        assertThat(old.allocation()).isEqualTo(ComputeAllocation.NONE);
        assertThat(old.cpuRatioFrom()).isEqualTo("default");
    }

    @Test
    void aLabelMustMatchKeyAndValueExactly() {
        assertThat(POLICY.resolve(Map.of("gpu-board", "t4"), Reported.NOTHING)).isEqualTo(ComputeAllocation.NONE);
        assertThat(POLICY.resolve(Map.of("board", "T4"), Reported.NOTHING)).isEqualTo(ComputeAllocation.NONE);
    }

    @Test
    void aRuleOutOfBoundsOrWithoutALabelIsRefusedNamingIt() {
        assertThatThrownBy(() -> Rule.of("gpu-board=T4", Optional.of(100.0), Optional.empty(), Optional.empty(),
                Optional.empty())).hasMessage("migplan.allocation.rules: cpu-ratio 100.0 is not between 0.1 and 64.0");
        assertThatThrownBy(() -> Rule.of("T4", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()))
                .hasMessageContaining("label 'T4' must be a host label as key=value");
    }
}
