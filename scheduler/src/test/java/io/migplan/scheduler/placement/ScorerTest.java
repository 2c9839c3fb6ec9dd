package io.migplan.scheduler.placement;

import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.vm;
import static io.migplan.scheduler.testsupport.Views.withCapacity;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** vm-1 needs 4 vCPUs and 8192 MiB. */
class ScorerTest {

    @Test
    void anEmptierHostScoresHigher() {
        double empty = Scorer.score(vm(), withCapacity(host("a"), 32, 131072, 0, 0));
        double busy = Scorer.score(vm(), withCapacity(host("b"), 32, 131072, 16, 65536));

        assertThat(empty).isEqualTo(90.6);
        assertThat(busy).isEqualTo(40.6);
    }

    @Test
    void aHostFilledExactlyScoresZeroAndAHostWithoutCapacityToo() {
        assertThat(Scorer.score(vm(), withCapacity(host("a"), 4, 8192, 0, 0))).isZero();
        assertThat(Scorer.score(vm(), withCapacity(host("a"), 0, 0, 0, 0))).isZero();
    }
}
