package io.migplan.scheduler.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TeardownTest {

    @Test
    void everyStepRunsInOrderAndTheFirstFailureIsThrownWithTheLaterSuppressed() {
        List<String> ran = new ArrayList<>();
        IOException first = new IOException("fleet would not close");
        IllegalStateException second = new IllegalStateException("database would not stop");

        assertThatThrownBy(() -> Teardown.inOrder(() -> {
            ran.add("fleet");
            throw first;
        }, null, () -> ran.add("scheduler"), () -> {
            ran.add("database");
            throw second;
        })).isSameAs(first).satisfies(e -> assertThat(e.getSuppressed()).containsExactly(second));
        assertThat(ran).containsExactly("fleet", "scheduler", "database");
    }
}
