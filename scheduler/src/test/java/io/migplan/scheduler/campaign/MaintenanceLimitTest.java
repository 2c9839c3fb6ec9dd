package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.testsupport.Validators.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.campaign.CampaignRequest.CampaignPolicyRequest;
import org.junit.jupiter.api.Test;

class MaintenanceLimitTest {

    private static CampaignPolicyRequest policy(String maxHostsInMaintenance) {
        return new CampaignPolicyRequest(maxHostsInMaintenance, null, null, null, null, null, null, null, null);
    }

    @Test
    void aCountOrAShareOfTheScopeAtLeastOneHost() {
        assertThat(CampaignService.maintenance(null, 40, 4)).isEqualTo(4);
        assertThat(CampaignService.maintenance(" 6 ", 40, 4)).isEqualTo(6);
        assertThat(CampaignService.maintenance("10%", 40, 4)).isEqualTo(4);
        assertThat(CampaignService.maintenance("12.5 %", 40, 4)).isEqualTo(5);
        assertThat(CampaignService.maintenance("1%", 40, 4)).isEqualTo(1);
    }

    @Test
    void everyValueItReadsIsValid() {
        for (String v : new String[] {null, "", " ", " 6 ", "10%", "12.5 %", "1%", "100%", ".5%", "+4"}) {
            assertThat(refusal(policy(v))).as(v).isEmpty();
        }
    }

    @Test
    void anythingElseNamesTheField() {
        assertThat(refusal(policy("0"))).contains("maxHostsInMaintenance must be at least 1");
        assertThat(refusal(policy("150%"))).contains("maxHostsInMaintenance must be a share in (0, 100]%");
        assertThat(refusal(policy("four"))).contains("must be a count (\"4\") or a share (\"10%\"), got 'four'");
    }

    @Test
    void aNegativeCountOrShareIsRefusedByItsRangeNotItsForm() {
        assertThat(refusal(policy("-3"))).isEqualTo("maxHostsInMaintenance must be at least 1, got '-3'");
        assertThat(refusal(policy("-5%"))).isEqualTo("maxHostsInMaintenance must be a share in (0, 100]%, got '-5%'");
        assertThat(refusal(policy("0%"))).isEqualTo("maxHostsInMaintenance must be a share in (0, 100]%, got '0%'");
    }

    @Test
    void aCountTooLongToBeANumberIsRefusedByItsForm() {
        assertThat(refusal(policy("12345678901"))).isEqualTo("maxHostsInMaintenance must be a count (\"4\") or a"
                + " share (\"10%\"), got '12345678901'");
    }
}
