package io.migplan.scheduler.inventory;

import java.util.Set;

/**
 * Fired when something about hosts changed without a new report (admin state, liveness): the
 * hosts named (a heartbeat sweep names those it moved), or null for "any host".
 */
public record HostChanged(Set<String> hostIds) {

    /** One host changed. */
    public static HostChanged of(String hostId) {
        return new HostChanged(Set.of(hostId));
    }

    /** Any host may have changed. */
    public static HostChanged any() {
        return new HostChanged(null);
    }
}
