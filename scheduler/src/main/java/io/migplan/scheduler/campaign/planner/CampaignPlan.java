package io.migplan.scheduler.campaign.planner;

import io.migplan.scheduler.error.Reason;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan.Migration;
import java.util.List;

/**
 * A campaign dry run (VMs identified by UUID, named for display): batches of hosts in the order they are upgraded, each with the
 * migrations that empty it. Every VM of a host in scope is moved in some batch, or listed in
 * {@code unmovable} (no eligible target anywhere, known before anything starts; its host is
 * held back), or its host is listed in {@code blocked} (it could not be emptied when its turn
 * came). A host in scope is in exactly one of the batches, {@code heldBack} or {@code blocked}.
 */
public record CampaignPlan(String problemId, List<Batch> batches, List<Unmovable> unmovable, List<HostHold> heldBack,
        List<HostHold> blocked, Metrics metrics) {

    public CampaignPlan {
        batches = List.copyOf(batches);
        unmovable = List.copyOf(unmovable);
        heldBack = List.copyOf(heldBack);
        blocked = List.copyOf(blocked);
    }

    /**
     * Hosts out of service together: their VMs leave in {@code migrations} (waves 1-based within
     * the batch, the evacuation planner's own migrations), then they are upgraded.
     *
     * @param index  1-based
     * @param canary the first hosts of their device groups, upgraded before anything lands on the new release
     */
    public record Batch(int index, List<String> hosts, boolean canary, List<Migration> migrations) {
        public Batch {
            hosts = List.copyOf(hosts);
            migrations = List.copyOf(migrations);
        }
    }

    /** @param vm the VM's name, for display; {@code vmUuid} identifies it */
    public record Unmovable(String vm, String vmUuid, String host, List<Reason> reasons) {
        public Unmovable {
            reasons = List.copyOf(reasons);
        }
    }

    /** A host in scope that is not upgraded by this plan, and why. */
    public record HostHold(String host, List<Reason> reasons) {
        public HostHold {
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * @param vms              VMs on the hosts in scope that can move (the unmovable excluded)
     * @param movedTwice       VMs migrated more than once
     * @param canaryMovedTwice of those, VMs that first left a canary host
     * @param waves            sum over batches of their waves
     * @param lowerBound       migrations no plan can do without (see docs/campaign-planner.md)
     * @param planMillis       planning the campaign, without the naive comparison
     * @param blocked          hosts in scope that could not be emptied (see {@link CampaignPlan#blocked})
     * @param naive            the same fleet upgraded host by host in name order, release-unaware
     */
    public record Metrics(int vms, int migrations, double migrationsPerVm, int movedTwice, int canaryMovedTwice,
            int batches, int waves, int lowerBound, int blocked, long planMillis, Naive naive) {
    }

    /** @param blocked hosts the naive order could not empty: its migrations count only the others */
    public record Naive(int migrations, double migrationsPerVm, int movedTwice, int blocked, long planMillis) {
    }
}
