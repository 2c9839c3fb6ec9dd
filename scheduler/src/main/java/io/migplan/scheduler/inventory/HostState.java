package io.migplan.scheduler.inventory;

/** Liveness of a host as the scheduler sees it from heartbeats. */
public enum HostState {
    /** Reported or heartbeated within {@code migplan.heartbeat.stale-after}. */
    UP,
    /** Silent for longer than stale-after: its inventory may be out of date. */
    STALE,
    /** Silent for longer than {@code migplan.heartbeat.down-after}: presumed gone. */
    DOWN
}
