package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.testsupport.Views.host;
import static io.migplan.scheduler.testsupport.Views.vm;
import static io.migplan.scheduler.testsupport.Views.withRelease;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.error.Rejection;
import org.junit.jupiter.api.Test;

/** A rollback's targets are the hosts at the campaign's old release, whatever the spelling of it. */
class OldReleaseTargetTest {

    final OldReleaseTarget filter = new OldReleaseTarget("2025.1");

    @Test
    void aHostAtTheOldReleasePassesInAnySpellingTheOrderCallsEqual() {
        assertThat(filter.filter(vm(), withRelease(host("h-1"), "2025.1"))).isEmpty();
        assertThat(filter.filter(vm(), withRelease(host("h-1"), "2025.01"))).isEmpty();
    }

    @Test
    void aHostAtTheNewReleaseOrAnotherOneIsRejectedNamingBothReleases() {
        assertThat(filter.filter(vm(), withRelease(host("h-2"), "2025.2"))).extracting(Rejection::code,
                Rejection::message).containsExactly(org.assertj.core.groups.Tuple.tuple("NOT_OLD_RELEASE",
                "host h-2 runs release 2025.2, not the old release 2025.1 a rollback returns to"));
        assertThat(filter.filter(vm(), withRelease(host("h-3"), "2024.4"))).hasSize(1);
    }

    @Test
    void aHostThatReportedNoReleaseIsNotAnOldHost() {
        assertThat(filter.runsOld(withRelease(host("h-4"), null))).isFalse();
    }
}
