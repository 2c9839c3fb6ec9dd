package io.migplan.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class CampaignKindTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theKindIsTheOneTheCampaignNames() throws Exception {
        assertThat(CampaignKind.of(JSON.readTree("{\"kind\":\"ROLLBACK\"}"))).isEqualTo(CampaignKind.ROLLBACK);
        assertThat(CampaignKind.of(JSON.readTree("{\"kind\":\"EVACUATION\"}"))).isEqualTo(CampaignKind.EVACUATION);
        assertThat(CampaignKind.of(JSON.readTree("{\"kind\":\"UPGRADE\"}"))).isEqualTo(CampaignKind.UPGRADE);
    }

    @Test
    void aCampaignThatNamesNoKnownKindIsAnUpgrade() throws Exception {
        assertThat(CampaignKind.of(JSON.readTree("{\"id\":\"c1\"}"))).isEqualTo(CampaignKind.UPGRADE);
        assertThat(CampaignKind.of(JSON.readTree("{\"kind\":null}"))).isEqualTo(CampaignKind.UPGRADE);
        assertThat(CampaignKind.of(JSON.readTree("{\"kind\":\"REBALANCE\"}"))).isEqualTo(CampaignKind.UPGRADE);
        assertThat(CampaignKind.of(null)).isEqualTo(CampaignKind.UPGRADE);
    }

    @Test
    void eachKindNamesItsFinishedHostsShortAndInFull() {
        assertThat(CampaignKind.UPGRADE.done()).isEqualTo("upgraded");
        assertThat(CampaignKind.UPGRADE.hostsDone()).isEqualTo("hosts upgraded");
        assertThat(CampaignKind.ROLLBACK.done()).isEqualTo("rolled back");
        assertThat(CampaignKind.ROLLBACK.hostsDone()).isEqualTo("hosts rolled back");
        assertThat(CampaignKind.EVACUATION.done()).isEqualTo("emptied");
        assertThat(CampaignKind.EVACUATION.hostsDone()).isEqualTo("hosts emptied and in maintenance");
        assertThat(CampaignKind.EVACUATION.noun()).isEqualTo("evacuation");
        assertThat(CampaignKind.ROLLBACK.noun()).isEqualTo("campaign");
    }
}
