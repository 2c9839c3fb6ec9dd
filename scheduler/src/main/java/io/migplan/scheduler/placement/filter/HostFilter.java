package io.migplan.scheduler.placement.filter;

import io.migplan.scheduler.placement.HostView;
import io.migplan.scheduler.placement.PlacementRequest;
import java.util.List;

/**
 * One placement rule that needs nothing but the host view: cheap, pure, and run for every
 * host so the whole diagnosis is returned, not only the first failure.
 */
public interface HostFilter {

    /** Every way {@code host} breaks this rule for {@code request}; empty when it passes. */
    List<Reason> filter(PlacementRequest request, HostView host);
}
