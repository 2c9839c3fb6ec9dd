package io.migplan.scheduler.campaign;

/**
 * What a campaign does with the hosts it empties. Every kind is planned, reserved, issued and
 * settled by the same machinery; they differ only in where VMs may go and in what a host proven
 * empty becomes.
 */
public enum CampaignKind {
    /** A rolling upgrade: hosts emptied in batches onto hosts already upgraded, then upgraded and probed. */
    UPGRADE,
    /**
     * Maintenance without an upgrade: the hosts in scope are emptied onto eligible hosts outside it
     * (any release the placement rules allow) and, once proven empty, left in admin state MAINTENANCE.
     */
    EVACUATION,
    /**
     * A rolling upgrade backwards: hosts at the new release emptied in batches onto hosts at the old
     * one (or ones this campaign already rolled back), then handed out to be downgraded. A backward
     * move is eligible only where the target's own agent answered COMPATIBLE ({@link BackwardVerdicts}):
     * nothing is assumed or learned, and {@code allowBackward} is not needed.
     */
    ROLLBACK;

    /** How an evacuation's id begins: the id alone tells the kind (admin-state reasons name it). */
    static final String EVACUATION_ID_PREFIX = "evacuation-";

    /** The kind of the campaign with this id. */
    static CampaignKind ofId(String id) {
        return id.startsWith(EVACUATION_ID_PREFIX) ? EVACUATION : UPGRADE;
    }

    /** The word people read for a campaign of this kind ("campaign", "evacuation"). */
    String noun() {
        return this == EVACUATION ? "evacuation" : "campaign";
    }
}
