package io.migplan.scheduler.campaign.planner;

/**
 * How fast a campaign may go. It bounds each batch (hosts out of service at once, in total and
 * per failure domain), the migrations inside a batch (as {@link io.migplan.scheduler.evacuation.planner.PlanLimits}
 * does for an evacuation) and how full a host may be made ({@code headroomPercent} of every
 * target's CPU and memory is kept free, so that the fleet still absorbs a host failure mid-campaign).
 */
public record CampaignPolicy(int maxHostsInMaintenance, int maxPerFailureDomain, int maxOutboundPerHost,
        int maxInboundPerHost, int maxParallel, int headroomPercent) {

    public CampaignPolicy {
        if (maxHostsInMaintenance < 1 || maxPerFailureDomain < 1 || maxOutboundPerHost < 1 || maxInboundPerHost < 1
                || maxParallel < 1) {
            throw new IllegalArgumentException("campaign limits must be at least 1");
        }
        if (headroomPercent < 0 || headroomPercent >= 100) {
            throw new IllegalArgumentException("headroom must be in 0..99 percent, got " + headroomPercent);
        }
    }

    /** One host per failure domain, a few at a time; migration limits as the evacuation defaults. */
    public static CampaignPolicy defaults() {
        return new CampaignPolicy(4, 1, 2, 2, 20, 0);
    }
}
