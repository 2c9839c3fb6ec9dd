package io.migplan.scheduler.campaign;

import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.placement.filter.HostFilter;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.Releases;
import java.util.List;

/**
 * Where a rollback sends a VM: a host that still runs the campaign's old release. Any other host
 * (one at the new release, or at a third release) is rejected with {@code NOT_OLD_RELEASE}. It
 * decides nothing about compatibility: the backward verdict of the host's agent does, as for
 * any move ({@link io.migplan.scheduler.compatibility.VerdictMeaning}).
 */
final class OldReleaseTarget implements HostFilter {

    static final String NOT_OLD_RELEASE = "NOT_OLD_RELEASE";
    static final String TALLY = "not at the old release";

    private final String oldRelease;

    OldReleaseTarget(String oldRelease) {
        this.oldRelease = oldRelease;
    }

    /** Whether {@code host} runs the old release (the order's spelling rules apply: 2025.01 is 2025.1). */
    boolean runsOld(HostView host) {
        return host.release() != null && Releases.compare(host.release(), oldRelease) == 0;
    }

    @Override
    public Reads reads() {
        return Reads.DEVICES;
    }

    @Override
    public List<Rejection> filter(PlacementRequest request, HostView host) {
        return runsOld(host) ? List.of() : List.of(new Rejection(NOT_OLD_RELEASE, "host " + host.id() + " runs release "
                + host.release() + ", not the old release " + oldRelease + " a rollback returns to", TALLY));
    }
}
