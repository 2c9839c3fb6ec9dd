package io.migplan.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.inventory.InventoryQueries.VmInfo;
import io.migplan.scheduler.placement.Placement;
import io.migplan.scheduler.placement.Placement.Candidate;
import io.migplan.scheduler.placement.Placement.HostRejection;
import java.util.List;
import org.junit.jupiter.api.Test;

class WhereCanTest {

    static final VmInfo VM = new VmInfo("vm-1", "u-1", "src", 4, 8192, "", List.of());

    static Rejection older(String host) {
        return new Rejection("OLDER_RELEASE", "host " + host + " runs 2025.0, older than 2025.1", "older release");
    }

    static Rejection noFree(String host) {
        return new Rejection("NO_FREE_INSTANCE", "host " + host + ": no free instance of nvidia-231", "no free nvidia-231");
    }

    @Test
    void rejectedHostsAreGroupedByTheSummarysPhraseMostHostsFirstEachWithItsSentence() {
        Placement full = new Placement("vm-1", "src", "1/4 hosts eligible: 2 older release, 2 no free nvidia-231",
                List.of(new Candidate("h1", "0000:3b:00.0", 72.44)),
                List.of(new HostRejection("h4", List.of(older("h4"), noFree("h4"))),
                        new HostRejection("h2", List.of(older("h2"))),
                        new HostRejection("h3", List.of(noFree("h3")))));
        WhereCan.Content c = WhereCan.of(VM, full);
        assertThat(c.summary()).isEqualTo(full.summary());
        assertThat(c.eligible()).isEqualTo(1);
        assertThat(c.judged()).isEqualTo(4);
        assertThat(c.best()).extracting(WhereCan.Candidate::score).containsExactly("72.4");
        assertThat(c.groups()).extracting(g -> g.hosts() + " " + g.phrase())
                .containsExactly("2 no free nvidia-231", "2 older release");
        assertThat(c.groups().get(1).reasons()).extracting(WhereCan.HostReason::host).containsExactly("h2", "h4");
        assertThat(c.groups().get(1).reasons().get(1).sentence()).isEqualTo("host h4 runs 2025.0, older than 2025.1");
        assertThat(c.byCode()).extracting(x -> x.code() + "=" + x.hosts())
                .containsExactly("NO_FREE_INSTANCE=2", "OLDER_RELEASE=2");
    }

    @Test
    void aHostWithTwoReasonsOfOnePhraseIsListedOnceUnderIt() {
        Placement full = new Placement("vm-1", "src", "0/1 hosts eligible: 1 no free nvidia-231", List.of(),
                List.of(new HostRejection("h1", List.of(noFree("h1"), noFree("h1")))));
        assertThat(WhereCan.of(VM, full).groups().get(0).reasons()).hasSize(1);
    }
}
