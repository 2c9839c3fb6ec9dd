package io.migplan.scheduler.evacuation.planner;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Fails when a constraint has no penalized or no unpenalized test. */
class ConstraintCoverageTest {

    @Test
    void everyConstraintHasAPenalizedAndAnUnpenalizedTest() {
        Set<String> penalized = new HashSet<>();
        Set<String> unpenalized = new HashSet<>();
        for (Method m : EvacuationConstraintProviderTest.class.getDeclaredMethods()) {
            VerifiesConstraint v = m.getAnnotation(VerifiesConstraint.class);
            if (v != null) {
                (v.penalized() ? penalized : unpenalized).add(v.value());
            }
        }
        List<String> defined = ConstraintCatalog.definedIds();
        assertThat(defined).isNotEmpty().doesNotHaveDuplicates();
        assertThat(penalized).as("constraints with a penalized test").containsAll(defined);
        assertThat(unpenalized).as("constraints with an unpenalized test").containsAll(defined);
        assertThat(ConstraintCatalog.methods().keySet()).as("one provider method per constraint")
                .containsExactlyInAnyOrderElementsOf(defined);
    }

    @Test
    void hardConstraintsComeFirstAndAreListed() {
        assertThat(ConstraintCatalog.definedIds().subList(0, ConstraintIds.HARD.size()))
                .containsExactlyElementsOf(ConstraintIds.HARD);
    }
}
