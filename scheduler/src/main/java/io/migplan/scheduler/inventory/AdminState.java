package io.migplan.scheduler.inventory;

/** What operators or a campaign decided about a host; no agent report changes it. */
public enum AdminState {
    /** Takes VMs. */
    ACTIVE,
    /** Being emptied: its VMs are leaving and it takes none. */
    DRAINING,
    /** Out of service (e.g. being upgraded): takes none. */
    MAINTENANCE
}
