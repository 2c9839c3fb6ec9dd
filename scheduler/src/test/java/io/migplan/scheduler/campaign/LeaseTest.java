package io.migplan.scheduler.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.scheduler.error.InvalidRequestException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Who may take work and report it, as a table over the lease at the time of asking. */
class LeaseTest {

    static final Instant T0 = Instant.parse("2026-12-05T00:00:00Z");
    static final Duration TWO_MINUTES = Duration.ofMinutes(2);

    @Test
    void aFreeCampaignGivesTheLeaseToWhoeverAsksAndItsHolderRenewsIt() {
        Lease first = Lease.take("c", null, "a", TWO_MINUTES, T0);
        assertThat(first).isEqualTo(new Lease("a", T0.plus(TWO_MINUTES)));
        assertThat(Lease.takesOver(null, first)).isFalse();

        Lease renewed = Lease.take("c", first, "a", TWO_MINUTES, T0.plusSeconds(100));
        assertThat(renewed.expiresAt()).isEqualTo(T0.plusSeconds(220));
        assertThat(Lease.takesOver(first, renewed)).isFalse();
    }

    @Test
    void anotherOrchestratorIsRefusedWhileTheLeaseHoldsAndTakesOverOnceItExpired() {
        Lease held = new Lease("a", T0.plus(TWO_MINUTES));
        assertThatThrownBy(() -> Lease.take("c", held, "b", TWO_MINUTES, T0.plusSeconds(119)))
                .isInstanceOfSatisfying(CampaignConflictException.class,
                        e -> assertThat(e.code()).isEqualTo("LEASE_HELD"))
                .hasMessageContaining("orchestrator a").hasMessageContaining(held.expiresAt().toString());

        Lease taken = Lease.take("c", held, "b", TWO_MINUTES, T0.plus(TWO_MINUTES));
        assertThat(taken.holder()).isEqualTo("b");
        assertThat(Lease.takesOver(held, taken)).isTrue();
    }

    @Test
    void onlyTheHolderReportsEvenAfterItsLeaseExpiredUntilSomeoneTakesOver() {
        Lease expired = new Lease("a", T0);
        Lease.requireHolder("c", expired, "a");
        assertThatThrownBy(() -> Lease.requireHolder("c", expired, "b"))
                .isInstanceOfSatisfying(CampaignConflictException.class,
                        e -> assertThat(e.code()).isEqualTo("NOT_LEASE_HOLDER"))
                .hasMessage("campaign c is driven by orchestrator a, not b; only the lease holder's reports are taken");
        assertThatThrownBy(() -> Lease.requireHolder("c", null, "a"))
                .isInstanceOfSatisfying(CampaignConflictException.class,
                        e -> assertThat(e.code()).isEqualTo("NOT_LEASE_HOLDER"));
    }

    @Test
    void aLeaseLastsTheDefaultUnlessAskedForWithinItsBounds() {
        assertThat(Lease.length(null)).isEqualTo(Duration.ofSeconds(Lease.DEFAULT_SECONDS));
        assertThat(Lease.length(0)).isEqualTo(Duration.ofSeconds(Lease.DEFAULT_SECONDS));
        assertThat(Lease.length(10)).isEqualTo(Duration.ofSeconds(10));
        assertThat(Lease.length(3600)).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> Lease.length(9)).isInstanceOf(InvalidRequestException.class)
                .hasMessage("leaseSeconds must be in 10..3600, got 9");
        assertThatThrownBy(() -> Lease.length(3601)).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> Lease.length(-1)).isInstanceOf(InvalidRequestException.class);
    }
}
