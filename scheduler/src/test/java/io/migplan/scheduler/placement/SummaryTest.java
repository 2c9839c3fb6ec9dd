package io.migplan.scheduler.placement;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.placement.Placement.HostRejection;
import io.migplan.scheduler.error.Rejection;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

    static Rejection r(String tally) {
        return new Rejection("X", "m", tally);
    }

    @Test
    void countsHostsPerPhraseMostFrequentFirst() {
        var rejected = List.of(new HostRejection("h2", List.of(r("no free nvidia-231"))),
                new HostRejection("h3", List.of(r("stale"), r("no free nvidia-231"))),
                new HostRejection("h4", List.of(r("no device type mtty-2"), r("no device type mtty-2"))));

        assertThat(Summary.of(1, rejected))
                .isEqualTo("1/4 hosts eligible: 2 no free nvidia-231, 1 no device type mtty-2, 1 stale");
    }

    @Test
    void allEligibleAndNoHostAtAllReadNaturally() {
        assertThat(Summary.of(3, List.of())).isEqualTo("3/3 hosts eligible");
        assertThat(Summary.of(0, List.of())).isEqualTo("0/0 hosts eligible: no other host is known");
    }
}
