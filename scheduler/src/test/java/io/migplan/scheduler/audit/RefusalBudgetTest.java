package io.migplan.scheduler.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RefusalBudgetTest {

    private static final Instant T0 = Instant.parse("2026-12-06T10:00:05Z");

    private static long recorded(RefusalBudget budget, String source, int calls, Instant at) {
        return IntStream.range(0, calls).filter(i -> budget.admit(source, at).record()).count();
    }

    @Test
    void eachSourceHasItsFirstRefusalsOfAMinuteRecordedAndTheRestCounted() {
        RefusalBudget budget = new RefusalBudget(5, 60, 1000);

        assertThat(recorded(budget, "10.0.0.1", 1000, T0)).isEqualTo(5);
        assertThat(recorded(budget, "10.0.0.2", 3, T0.plusSeconds(10))).isEqualTo(3);

        Optional<RefusalBudget.Suppressed> ended = budget.end(T0.plusSeconds(60));
        assertThat(ended).contains(new RefusalBudget.Suppressed(Instant.parse("2026-12-06T10:00:00Z"), 995, 1));
    }

    @Test
    void aFloodFromManySourcesAddsAtMostTheTotalAndOneSummaryAMinute() {
        RefusalBudget budget = new RefusalBudget(5, 60, 1000);
        long kept = 0;
        for (int s = 0; s < 5000; s++) {
            kept += recorded(budget, "10.1." + (s / 256) + "." + (s % 256), 2, T0);
        }
        assertThat(kept).isEqualTo(60);

        RefusalBudget.Decision next = budget.admit("10.0.0.1", T0.plusSeconds(60));
        assertThat(next.record()).as("a new minute starts empty").isTrue();
        assertThat(next.ended()).hasValueSatisfying(s -> {
            assertThat(s.calls()).isEqualTo(10_000 - 60);
            // Beyond 1,000 sources the rest share one count: the memory stays bounded.
            assertThat(s.sources()).isLessThanOrEqualTo(1001);
        });
    }

    @Test
    void aMinuteWithEverythingRecordedLeavesNoSummaryAndIsEndedOnce() {
        RefusalBudget budget = new RefusalBudget(5, 60, 1000);
        assertThat(recorded(budget, "10.0.0.1", 5, T0)).isEqualTo(5);
        assertThat(budget.end(T0.plusSeconds(120))).isEmpty();

        recorded(budget, "10.0.0.1", 7, T0.plusSeconds(120));
        assertThat(budget.end(T0.plusSeconds(150))).as("the minute is not over").isEmpty();
        assertThat(budget.end(T0.plusSeconds(180))).map(RefusalBudget.Suppressed::calls).contains(2);
        assertThat(budget.end(T0.plusSeconds(240))).isEmpty();
    }

    @Test
    void sourcesBeyondTheLimitShareOneCount() {
        RefusalBudget budget = new RefusalBudget(1, 1000, 2);
        assertThat(budget.admit("a", T0).record()).isTrue();
        assertThat(budget.admit("b", T0).record()).isTrue();
        assertThat(budget.admit("c", T0).record()).as("the shared count's first").isTrue();
        assertThat(budget.admit("d", T0).record()).as("c and d are counted together").isFalse();
        assertThat(budget.end(T0.plusSeconds(60))).map(RefusalBudget.Suppressed::sources).contains(1);
    }
}
