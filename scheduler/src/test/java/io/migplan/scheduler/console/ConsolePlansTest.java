package io.migplan.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.evacuation.PlanView;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConsolePlansTest {

    static PlanView.Migration move(String vm, int wave) {
        return new PlanView.Migration(vm, vm + "-uuid", "h1", "h2", "0000:3b:00.0", "nvidia-231", wave);
    }

    @Test
    void migrationsAreGroupedByWaveInOrderKeepingThePlansOrderWithinEach() {
        var waves = ConsolePlans.waves(List.of(move("b", 2), move("a", 1), move("c", 2), move("d", 1)));
        assertThat(waves).extracting(ConsolePlans.Wave::wave).containsExactly(1, 2);
        assertThat(waves.get(0).migrations()).extracting(PlanView.Migration::vm).containsExactly("a", "d");
        assertThat(waves.get(1).migrations()).extracting(PlanView.Migration::vm).containsExactly("b", "c");
        assertThat(ConsolePlans.waves(List.of())).isEmpty();
    }
}
