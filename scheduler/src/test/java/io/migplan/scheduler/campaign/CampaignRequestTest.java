package io.migplan.scheduler.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.scheduler.error.InvalidRequestException;
import org.junit.jupiter.api.Test;

/** The rules between a campaign request's fields: which way it goes, and that a rollback is asked for by name. */
class CampaignRequestTest {

    static CampaignRequest request(String from, String to, Boolean rollback) {
        return new CampaignRequest(from, to, null, null, null, null, rollback);
    }

    @Test
    void anOlderToReleaseWithoutTheFlagIsRefusedSayingWhatItNeeds() {
        assertThatThrownBy(() -> request("2025.2", "2025.1", null).validate()).isInstanceOf(InvalidRequestException.class)
                .hasMessage("toRelease 2025.1 is older than fromRelease 2025.2: a rollback campaign needs \"rollback\": true");
        assertThatThrownBy(() -> request("2025.2", "2025.1", false).validate())
                .hasMessageContaining("a rollback campaign needs");
    }

    @Test
    void theFlagWithANewerToReleaseIsRefused() {
        assertThatThrownBy(() -> request("2025.1", "2025.2", true).validate()).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("toRelease 2025.2 is newer than fromRelease 2025.1: \"rollback\": true asks");
    }

    @Test
    void theSameReleaseIsRefusedEitherWay() {
        assertThatThrownBy(() -> request("2025.1", "2025.01", true).validate())
                .hasMessageStartingWith("toRelease must be newer than fromRelease");
    }

    @Test
    void aRollbackWithAnOlderReleaseAndAnUpgradeWithANewerOneAreTakenEachOfItsKind() {
        CampaignRequest back = request("2025.2", "2025.1", true);
        back.validate();
        assertThat(back.kind()).isEqualTo(CampaignKind.ROLLBACK);
        CampaignRequest up = request("2025.1", "2025.2", null);
        up.validate();
        assertThat(up.kind()).isEqualTo(CampaignKind.UPGRADE);
    }
}
