package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.Releases;
import java.util.List;

/**
 * Migrations go forward: a target must run the source's release or a newer one
 * ({@link Releases} orders them). A target on an older release is rejected with
 * {@code OLDER_RELEASE} unless policy allows backward moves; even then the target's probe
 * must still say COMPATIBLE (the compatibility filter), because claiming an untested
 * backward path is worse than not offering it.
 */
public final class ReleaseDirectionFilter implements HostFilter {

    public static final String OLDER_RELEASE = "OLDER_RELEASE";

    static final String TALLY = "older release";

    private final boolean allowBackward;

    public ReleaseDirectionFilter(boolean allowBackward) {
        this.allowBackward = allowBackward;
    }

    @Override
    public Reads reads() {
        return Reads.DEVICES;
    }

    @Override
    public List<Rejection> filter(PlacementRequest request, HostView host) {
        if (!older(request, host)) {
            return List.of();
        }
        return List.of(new Rejection(OLDER_RELEASE, "host " + host.id() + " runs release " + host.release()
                + ", older than " + request.sourceRelease() + " on " + request.sourceHost()
                + ": backward migration is not allowed by policy", TALLY));
    }

    @Override
    public void tally(PlacementRequest request, HostView host, Tally out) {
        if (older(request, host)) {
            out.add(OLDER_RELEASE, TALLY);
        }
    }

    private boolean older(PlacementRequest request, HostView host) {
        return isOlder(request.sourceRelease(), host.release(), allowBackward);
    }

    /**
     * The rule on its own, for callers that hold releases rather than a request and a view (a
     * campaign judges a target at the release it will run): whether a move from
     * {@code sourceRelease} to {@code targetRelease} goes backward and policy forbids it. A
     * release nobody reported (null or blank, on either side) cannot be judged here, so it is not
     * called older; the probe still decides compatibility.
     */
    public static boolean isOlder(String sourceRelease, String targetRelease, boolean allowBackward) {
        if (allowBackward || isBlank(sourceRelease) || isBlank(targetRelease)) {
            return false;
        }
        return Releases.compare(targetRelease, sourceRelease) < 0;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
