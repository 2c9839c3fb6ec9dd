package io.migplan.scheduler.campaigns;

import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/campaigns}. Hosts are named by {@code hosts}, or chosen by a
 * label {@code selector} (every label must match), or, with neither, every host at
 * {@code fromRelease}. Missing policy fields take the defaults of {@link CampaignPolicyRequest}.
 */
public record CampaignRequest(String fromRelease, String toRelease, List<String> hosts, Map<String, String> selector,
        CampaignPolicyRequest policy, Boolean dryRun) {

    /**
     * @param maxHostsInMaintenance a count ("4", or the number 4) or a share of the hosts in scope ("10%")
     */
    public record CampaignPolicyRequest(String maxHostsInMaintenance, Integer maxPerFailureDomain,
            Integer maxOutboundPerHost, Integer maxInboundPerHost, Integer maxParallel, Integer headroomPercent,
            Boolean allowBackward) {
    }
}
