package io.migplan.scheduler.plans;

import java.util.List;

/**
 * Body of {@code POST /api/v1/plans/evacuation}. Absent limits take the defaults of
 * {@link io.migplan.scheduler.plan.PlanLimits#defaults()}.
 *
 * @param hosts            the hosts to empty, by id
 * @param timeLimitSeconds how long the solver may take at most (1..600)
 */
public record EvacuationRequest(List<String> hosts, Integer maxOutboundPerHost, Integer maxInboundPerHost,
        Integer maxParallel, Integer timeLimitSeconds) {
}
