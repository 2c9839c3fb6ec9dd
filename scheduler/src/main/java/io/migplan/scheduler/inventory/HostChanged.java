package io.migplan.scheduler.inventory;

/**
 * Fired when something about a host changed without a new report (admin state, liveness);
 * a null host id means "several hosts", as after a sweep.
 */
public record HostChanged(String hostId) {
}
