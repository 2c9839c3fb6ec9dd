package io.migplan.scheduler.campaign.planner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which way a campaign goes, and when a host has got where it takes hosts: the one reading for planner and runner. */
class CampaignProblemTest {

    @Test
    void anUpgradeHasReachedItsReleaseAtItOrNewer() {
        assertThat(CampaignProblem.backward("2025.1", "2025.2")).isFalse();
        assertThat(CampaignProblem.reached("2025.2", "2025.1", "2025.2")).isTrue();
        assertThat(CampaignProblem.reached("2025.3", "2025.1", "2025.2")).isTrue();
        assertThat(CampaignProblem.reached("2025.1", "2025.1", "2025.2")).isFalse();
    }

    @Test
    void aRollbackHasReachedItsReleaseAtItOrOlder() {
        assertThat(CampaignProblem.backward("2025.2", "2025.1")).isTrue();
        assertThat(CampaignProblem.reached("2025.01", "2025.2", "2025.1")).as("spelled another way").isTrue();
        assertThat(CampaignProblem.reached("2024.9", "2025.2", "2025.1")).isTrue();
        assertThat(CampaignProblem.reached("2025.2", "2025.2", "2025.1")).isFalse();
    }
}
