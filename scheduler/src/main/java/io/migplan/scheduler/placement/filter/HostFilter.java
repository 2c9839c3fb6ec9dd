package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import java.util.List;

/**
 * One placement rule that needs nothing but the host view: cheap, pure, and run for every
 * host so the whole diagnosis is returned, not only the first failure.
 */
public interface HostFilter {

    /** Every way {@code host} breaks this rule for {@code request}; empty when it passes. */
    List<Rejection> filter(PlacementRequest request, HostView host);

    /**
     * The code and phrase of every reason {@link #filter} gives, in its order, without the
     * sentences. The default builds the reasons; filters on the hot path answer directly.
     */
    default void tally(PlacementRequest request, HostView host, Tally out) {
        for (Rejection r : filter(request, host)) {
            out.add(r.code(), r.tally());
        }
    }
}
