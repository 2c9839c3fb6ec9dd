package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.placement.HostView;
import io.migplan.scheduler.placement.PlacementRequest;
import java.time.Duration;
import java.util.List;

/**
 * A host must be UP: a STALE host's inventory may be out of date and a DOWN host is
 * presumed gone. Rejects with {@code HOST_STALE} or {@code HOST_DOWN}, saying how long ago
 * the last heartbeat arrived. It does not judge the age itself; the heartbeat sweeper sets
 * the state.
 */
public final class HostStateFilter implements HostFilter {

    public static final String HOST_STALE = "HOST_STALE";
    public static final String HOST_DOWN = "HOST_DOWN";

    @Override
    public List<Reason> filter(PlacementRequest request, HostView host) {
        return switch (host.state()) {
            case UP -> List.of();
            case STALE -> List.of(new Reason(HOST_STALE, message(request, host), "stale"));
            case DOWN -> List.of(new Reason(HOST_DOWN, message(request, host), "down"));
        };
    }

    private static String message(PlacementRequest request, HostView host) {
        long ago = Duration.between(host.lastHeartbeatAt(), request.now()).toSeconds();
        return "host " + host.id() + " is " + host.state() + ": last heartbeat " + Math.max(ago, 0) + " s ago";
    }
}
