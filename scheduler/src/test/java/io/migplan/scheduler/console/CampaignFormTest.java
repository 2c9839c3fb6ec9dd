package io.migplan.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.scheduler.campaign.CampaignRequest;
import io.migplan.scheduler.error.InvalidRequestException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CampaignFormTest {

    @Test
    void theFormsFieldsBecomeTheApisRequest() {
        CampaignRequest r = new CampaignForm(" 2025.1 ", "2025.2", "h1, h2  h3", "", "10%", "2", " 8 ", "", "true", null)
                .request();
        assertThat(r.fromRelease()).isEqualTo("2025.1");
        assertThat(r.hosts()).containsExactly("h1", "h2", "h3");
        assertThat(r.selector()).isNull();
        assertThat(r.dryRun()).isTrue();
        assertThat(r.policy().maxHostsInMaintenance()).isEqualTo("10%");
        assertThat(r.policy().maxPerFailureDomain()).isEqualTo(2);
        assertThat(r.policy().maxParallel()).isEqualTo(8);
        assertThat(r.policy().headroomPercent()).isNull();
    }

    @Test
    void emptyFieldsLeaveTheApisDefaultsAndAnythingButTrueRuns() {
        CampaignRequest r = new CampaignForm("2025.1", "2025.2", " ", null, "", null, null, null, "false", null).request();
        assertThat(r.hosts()).isNull();
        assertThat(r.selector()).isNull();
        assertThat(r.dryRun()).isFalse();
        assertThat(r.policy().maxHostsInMaintenance()).isNull();
    }

    @Test
    void theRollbackBoxAsksForARollbackByNameAndOnlyWhenTicked() {
        assertThat(new CampaignForm("2025.2", "2025.1", "", "", null, null, null, null, "true", "true").request()
                .rollback()).isTrue();
        assertThat(new CampaignForm("2025.2", "2025.1", "", "", null, null, null, null, "true", "on").request()
                .rollback()).isNull();
    }

    @Test
    void aSelectorIsKeyValuePairs() {
        assertThat(new CampaignForm("a", "b", "", "gpu-board=T4, rack = r1", null, null, null, null, null, null).request()
                .selector()).isEqualTo(Map.of("gpu-board", "T4", "rack", "r1"));
        for (String bad : List.of("gpu-board", "=T4", "rack=")) {
            assertThatThrownBy(() -> new CampaignForm("a", "b", "", bad, null, null, null, null, null, null).request())
                    .as(bad).isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("selector must be key=value");
        }
    }

    @Test
    void aNumberFieldThatIsNotOneIsRefusedNamingIt() {
        assertThatThrownBy(() -> new CampaignForm("a", "b", "", "", null, null, "many", null, null, null).request())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("policy.maxParallel must be a whole number, got 'many'");
    }
}
