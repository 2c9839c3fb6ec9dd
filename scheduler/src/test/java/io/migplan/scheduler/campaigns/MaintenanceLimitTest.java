package io.migplan.scheduler.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.scheduler.rest.InvalidRequestException;
import org.junit.jupiter.api.Test;

class MaintenanceLimitTest {

    @Test
    void aCountOrAShareOfTheScopeAtLeastOneHost() {
        assertThat(CampaignService.maintenance(null, 40, 4)).isEqualTo(4);
        assertThat(CampaignService.maintenance(" 6 ", 40, 4)).isEqualTo(6);
        assertThat(CampaignService.maintenance("10%", 40, 4)).isEqualTo(4);
        assertThat(CampaignService.maintenance("12.5 %", 40, 4)).isEqualTo(5);
        assertThat(CampaignService.maintenance("1%", 40, 4)).isEqualTo(1);
    }

    @Test
    void anythingElseNamesTheField() {
        assertThatThrownBy(() -> CampaignService.maintenance("0", 40, 4)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("maxHostsInMaintenance must be at least 1");
        assertThatThrownBy(() -> CampaignService.maintenance("150%", 40, 4))
                .hasMessageContaining("maxHostsInMaintenance must be a share in (0, 100]%");
        assertThatThrownBy(() -> CampaignService.maintenance("four", 40, 4))
                .hasMessageContaining("must be a count (\"4\") or a share (\"10%\"), got 'four'");
    }
}
