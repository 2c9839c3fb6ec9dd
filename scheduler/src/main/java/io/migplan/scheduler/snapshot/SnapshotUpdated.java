package io.migplan.scheduler.snapshot;

/** Fired once the snapshot holds a host's newly applied report; observers read it from memory. */
public record SnapshotUpdated(String hostId) {
}
