package io.migplan.scheduler.inventory;

/** Fired when a report replaced a host's snapshot; observers that need the commit use AFTER_SUCCESS. */
public record InventoryApplied(String hostId, long generation) {
}
