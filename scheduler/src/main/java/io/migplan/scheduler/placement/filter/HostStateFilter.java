package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A host must be UP and ACTIVE ({@link #takesVms}): a STALE host's inventory may be out of date,
 * a DOWN host is presumed gone, a DRAINING host is being emptied and a host in MAINTENANCE is out
 * of service. Rejects with {@code HOST_STALE}, {@code HOST_DOWN}, {@code HOST_DRAINING} or
 * {@code HOST_MAINTENANCE}, saying how long ago the last heartbeat arrived or why the host
 * was taken out. It does not judge heartbeat age itself; the heartbeat sweeper sets the state.
 *
 * <p>The rule is {@link #takesVms}, made of its two parts: liveness ({@link HostView#isUp}, kept
 * on the view because the compatibility refresher, which this package depends on, picks the hosts
 * it probes by it too) and the admin state ({@link #isActive}). Campaigns call {@link #takesVms}
 * too, and count the hosts they marked themselves as in service on top of it.
 */
public final class HostStateFilter implements HostFilter {

    public static final String HOST_STALE = "HOST_STALE";
    public static final String HOST_DOWN = "HOST_DOWN";
    public static final String HOST_DRAINING = "HOST_DRAINING";
    public static final String HOST_MAINTENANCE = "HOST_MAINTENANCE";

    static final String TALLY_STALE = "stale";
    static final String TALLY_DOWN = "down";
    static final String TALLY_DRAINING = "draining";
    static final String TALLY_MAINTENANCE = "in maintenance";

    /** Whether the host may take VMs as far as its state goes: it is up and active. */
    public static boolean takesVms(HostView host) {
        return host.isUp() && isActive(host);
    }

    /** The admin-state part: nobody (operator or campaign) took the host out, it is ACTIVE. */
    public static boolean isActive(HostView host) {
        return host.adminState() == AdminState.ACTIVE;
    }

    @Override
    public Reads reads() {
        return Reads.DEVICES;
    }

    @Override
    public List<Rejection> filter(PlacementRequest request, HostView host) {
        if (takesVms(host)) {
            return List.of();
        }
        List<Rejection> out = new ArrayList<>(2);
        switch (host.state()) {
            case UP -> {
            }
            case STALE -> out.add(new Rejection(HOST_STALE, message(request, host), TALLY_STALE));
            case DOWN -> out.add(new Rejection(HOST_DOWN, message(request, host), TALLY_DOWN));
        }
        switch (host.adminState()) {
            case ACTIVE -> {
            }
            case DRAINING -> out.add(new Rejection(HOST_DRAINING, admin(host, "is draining"), TALLY_DRAINING));
            case MAINTENANCE -> out.add(new Rejection(HOST_MAINTENANCE, admin(host, "is in maintenance"),
                    TALLY_MAINTENANCE));
        }
        return out;
    }

    /** Judges the host alone: {@code request} is not read, so it may be null (a fleet index asks once per host). */
    @Override
    public void tally(PlacementRequest request, HostView host, Tally out) {
        if (takesVms(host)) {
            return;
        }
        switch (host.state()) {
            case UP -> {
            }
            case STALE -> out.add(HOST_STALE, TALLY_STALE);
            case DOWN -> out.add(HOST_DOWN, TALLY_DOWN);
        }
        switch (host.adminState()) {
            case ACTIVE -> {
            }
            case DRAINING -> out.add(HOST_DRAINING, TALLY_DRAINING);
            case MAINTENANCE -> out.add(HOST_MAINTENANCE, TALLY_MAINTENANCE);
        }
    }

    private static String admin(HostView host, String what) {
        return "host " + host.id() + " " + what
                + (host.adminReason() == null || host.adminReason().isBlank() ? "" : " (" + host.adminReason() + ")")
                + ": it takes no VMs";
    }

    private static String message(PlacementRequest request, HostView host) {
        long ago = Duration.between(host.lastHeartbeatAt(), request.now()).toSeconds();
        return "host " + host.id() + " is " + host.state() + ": last heartbeat " + Math.max(ago, 0) + " s ago";
    }
}
