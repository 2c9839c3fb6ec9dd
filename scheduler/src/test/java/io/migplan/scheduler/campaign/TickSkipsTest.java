package io.migplan.scheduler.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TickSkipsTest {

    static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void theFirstTickStepsEveryRunningCampaign() {
        TickSkips skips = new TickSkips();
        skips.stepped("a", T0.minusSeconds(1));

        assertThat(skips.due(List.of("a", "b"), T0)).containsExactly("a", "b");
    }

    @Test
    void aTickSkipsACampaignAnOrchestratorSteppedSinceThePreviousTickAndStepsTheOthers() {
        TickSkips skips = new TickSkips();
        skips.due(List.of("a", "b"), T0);

        skips.stepped("a", T0.plusMillis(500));

        assertThat(skips.due(List.of("a", "b"), T0.plusSeconds(2))).containsExactly("b");
    }

    @Test
    void aCampaignWhoseOrchestratorStoppedSteppingIsSteppedByTheNextTickAgain() {
        TickSkips skips = new TickSkips();
        skips.due(List.of("a"), T0);
        skips.stepped("a", T0.plusMillis(500));
        skips.due(List.of("a"), T0.plusSeconds(2));

        assertThat(skips.due(List.of("a"), T0.plusSeconds(4))).containsExactly("a");
    }

    @Test
    void aStepThatFinishedBeforeThePreviousTickBeganDoesNotSkipTheNextOne() {
        TickSkips skips = new TickSkips();
        skips.stepped("a", T0.minusMillis(1));
        skips.due(List.of("a"), T0);

        assertThat(skips.due(List.of("a"), T0.plusSeconds(2))).containsExactly("a");
    }

    @Test
    void anOlderStepReportedLateDoesNotHideANewerOne() {
        TickSkips skips = new TickSkips();
        skips.due(List.of("a"), T0);
        skips.stepped("a", T0.plusMillis(900));
        skips.stepped("a", T0.minusSeconds(5));

        assertThat(skips.due(List.of("a"), T0.plusSeconds(2))).isEmpty();
    }

    @Test
    void aCampaignNoLongerRunningIsForgottenAndSteppedWhenItRunsAgain() {
        TickSkips skips = new TickSkips();
        skips.due(List.of("a"), T0);
        skips.stepped("a", T0.plusMillis(500));
        skips.due(List.of(), T0.plusSeconds(2));

        assertThat(skips.due(List.of("a"), T0.plusSeconds(4))).containsExactly("a");
    }
}
