package io.migplan.scheduler.api.rest;

import static io.migplan.scheduler.testsupport.Validators.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.campaign.CampaignRequest;
import io.migplan.scheduler.campaign.CampaignRequest.CampaignPolicyRequest;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.evacuation.EvacuationRequest;
import io.migplan.scheduler.api.rest.HostResource.AdminStateChange;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The field rules of the request records, as REST's {@code @Valid} and the gRPC services check
 * them, and the sentence they answer with. The REST and gRPC tests show the answers' shape.
 */
class RequestValidationTest {

    private static EvacuationRequest evacuation(List<String> hosts, Integer out, Integer in, Integer parallel,
            Integer seconds) {
        return new EvacuationRequest(hosts, out, in, parallel, seconds);
    }

    private static CampaignRequest campaign(String from, String to, List<String> hosts, CampaignPolicyRequest p) {
        return new CampaignRequest(from, to, hosts, null, p, null);
    }

    private static CampaignPolicyRequest policy(Integer perDomain, Integer out, Integer in, Integer parallel,
            Integer headroom) {
        return new CampaignPolicyRequest(null, perDomain, out, in, parallel, headroom, null, null, null);
    }

    @Test
    void anEvacuationWithHostsAndNoLimitsIsValid() {
        assertThat(refusal(evacuation(List.of("src"), null, null, null, null))).isEmpty();
        assertThat(refusal(evacuation(List.of("src"), 1, 1, 1, 600))).isEmpty();
    }

    @Test
    void anEvacuationWithoutHostsSaysHostsAreRequired() {
        assertThat(refusal(evacuation(null, null, null, null, null)))
                .isEqualTo("hosts is required: the ids of the hosts to empty");
    }

    @Test
    void anEmptyHostIdInAnEvacuationIsNamedByItsPosition() {
        assertThat(refusal(evacuation(Arrays.asList("src", " ", null), null, null, null, null)))
                .isEqualTo("hosts[1] must not be empty; hosts[2] must not be empty");
    }

    @Test
    void anEvacuationTimeLimitOverTenMinutesIsRefusedNamingTheMaximum() {
        assertThat(refusal(evacuation(List.of("src"), null, null, null, 601)))
                .isEqualTo("timeLimitSeconds must be at most 600, got 601");
    }

    @Test
    void anEvacuationTimeLimitUnderOneSecondIsRefusedNamingTheMinimum() {
        assertThat(refusal(evacuation(List.of("src"), null, null, null, 0)))
                .isEqualTo("timeLimitSeconds must be at least 1, got 0");
    }

    @Test
    void everyEvacuationWaveLimitIsAtLeastOneAndEachIsNamed() {
        assertThat(refusal(evacuation(List.of("src"), 0, -2, 0, null))).isEqualTo("maxInboundPerHost must be at least"
                + " 1, got -2; maxOutboundPerHost must be at least 1, got 0; maxParallel must be at least 1, got 0");
    }

    @Test
    void aCampaignWithBothReleasesAndNoPolicyIsValid() {
        assertThat(refusal(campaign("2025.1", "2025.2", null, null))).isEmpty();
        assertThat(refusal(campaign("2025.1", "2025.2", List.of("h1"), policy(1, 1, 1, 1, 0)))).isEmpty();
    }

    @Test
    void aCampaignWithoutOrWithABlankReleaseSaysWhichIsRequired() {
        assertThat(refusal(campaign("2025.1", null, null, null))).isEqualTo("toRelease is required");
        assertThat(refusal(campaign(" ", "2025.2", null, null))).isEqualTo("fromRelease is required");
    }

    @Test
    void anEmptyHostIdInACampaignIsNamedByItsPosition() {
        assertThat(refusal(campaign("2025.1", "2025.2", List.of("h1", ""), null)))
                .isEqualTo("hosts[1] must not be empty");
    }

    @Test
    void aCampaignHeadroomOutside0To99IsRefusedNamingTheRange() {
        assertThat(refusal(campaign("2025.1", "2025.2", null, policy(null, null, null, null, -1))))
                .isEqualTo("policy.headroomPercent must be in 0..99, got -1");
        assertThat(refusal(campaign("2025.1", "2025.2", null, policy(null, null, null, null, 100))))
                .isEqualTo("policy.headroomPercent must be in 0..99, got 100");
        assertThat(refusal(campaign("2025.1", "2025.2", null, policy(null, null, null, null, 99)))).isEmpty();
    }

    @Test
    void everyCampaignPolicyLimitIsAtLeastOneAndEachIsNamed() {
        assertThat(refusal(campaign("2025.1", "2025.2", null, policy(0, 0, -1, 0, null)))).isEqualTo(
                "policy.maxInboundPerHost must be at least 1, got -1; policy.maxOutboundPerHost must be at least 1,"
                        + " got 0; policy.maxParallel must be at least 1, got 0; policy.maxPerFailureDomain must be at"
                        + " least 1, got 0");
    }

    @Test
    void anAdminStateChangeWithoutAStateListsTheStatesAllowed() {
        assertThat(refusal(new AdminStateChange(null, "why")))
                .isEqualTo("state is required: one of [ACTIVE, DRAINING, MAINTENANCE]");
        assertThat(refusal(new AdminStateChange("", "why")))
                .isEqualTo("state is not one of [ACTIVE, DRAINING, MAINTENANCE], got ''");
    }

    @Test
    void theAdminStatesAllowedAreExactlyTheEnumsInAnyCase() {
        assertThat(AdminStateChange.STATES).isEqualTo(Arrays.toString(AdminState.values()));
        for (AdminState s : AdminState.values()) {
            assertThat(refusal(new AdminStateChange(s.name(), null))).isEmpty();
            assertThat(refusal(new AdminStateChange(" " + s.name().toLowerCase(Locale.ROOT) + " ", null))).isEmpty();
        }
        assertThat(refusal(new AdminStateChange("ASLEEP", null)))
                .isEqualTo("state is not one of [ACTIVE, DRAINING, MAINTENANCE], got 'ASLEEP'");
    }

    @Test
    void theTargetsLimitPatternAcceptsExactlyTheWholeNumbersFrom1ToMaxLimit() {
        Pattern limit = Pattern.compile(VmResource.LIMIT);
        for (int n = -5; n <= VmResource.MAX_LIMIT + 50; n++) {
            boolean allowed = n >= 1 && n <= VmResource.MAX_LIMIT;
            assertThat(limit.matcher(Integer.toString(n)).matches()).as("%d", n).isEqualTo(allowed);
            assertThat(limit.matcher(" 0" + n + " ").matches()).as("padded %d", n).isEqualTo(allowed);
        }
        assertThat(limit.matcher("ten").matches()).isFalse();
    }

    @Test
    void aLongValueIsCutInTheAnswer() {
        assertThat(refusal(new AdminStateChange("x".repeat(200), null))).startsWith("state is not one of").endsWith("'" + "x".repeat(64) + "…'");
    }

    @Test
    void aReasonWithANewlineIsRefusedNamingTheCharacterAndEchoedEscaped() {
        assertThat(refusal(new AdminStateChange("DRAINING", "rack 4\nINFO forged line")))
                .isEqualTo("reason contains a control character (U+000A) at 6, got 'rack 4\\nINFO forged line'");
    }

    @Test
    void aReleaseOrHostIdWithANulOrOverItsLengthIsRefused() {
        assertThat(refusal(campaign("2025.1\u0000", "x".repeat(257), List.of("h".repeat(254)), null)))
                .isEqualTo("fromRelease contains a control character (U+0000) at 6, got '2025.1\\u0000'; hosts[0] is 254"
                        + " characters long, at most 253, got '" + "h".repeat(64) + "…'; toRelease is 257 characters"
                        + " long, at most 256, got '" + "x".repeat(64) + "…'");
        assertThat(refusal(evacuation(List.of("a\u0000b"), null, null, null, null)))
                .isEqualTo("hosts[0] contains a control character (U+0000) at 1, got 'a\\u0000b'");
    }
}
