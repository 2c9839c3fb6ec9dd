package io.migplan.scheduler.evacuation;

import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.error.InvalidRequestException;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationPlanner;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.PlanLimits;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * An evacuation planned at once, outside the service: the same problem ({@link
 * EvacuationProblemBuilder} with {@link PlanService}'s filters), the same solver and limits as a
 * plan of that size gets in the scheduler ({@link PlanLimits#forProblem} under the request's time
 * and wave limits), and the same answer ({@link PlanView}). Nothing is stored and no agent is asked:
 * a cell the verdicts given lack stays unanswered, so its target is not eligible, as when an agent
 * does not answer. Used by {@code plan --fleet FILE evacuate} on an exported fleet.
 */
public final class OfflineEvacuation {

    private OfflineEvacuation() {
    }

    /**
     * Plans emptying {@code request}'s hosts of {@code snapshot} and returns the plan as {@code GET
     * /api/v1/plans/{id}} would show it, with id {@code id}.
     *
     * @param known the stored verdicts among the keys given (the fleet file's)
     * @throws InvalidRequestException naming a host the snapshot does not hold
     */
    public static PlanView plan(String id, ClusterSnapshot snapshot, EvacuationRequest request, boolean allowBackward,
            Function<List<MatrixKey>, Map<MatrixKey, StoredVerdict>> known, Instant now) {
        Set<String> hosts = new LinkedHashSet<>();
        for (String h : request.hosts()) {
            if (snapshot.host(h).isEmpty()) {
                throw new InvalidRequestException("hosts names '" + h + "', which is not a known host");
            }
            hosts.add(h);
        }
        PlanLimits requested = PlanService.limits(request);
        int vms = hosts.stream().mapToInt(h -> snapshot.host(h).map(e -> e.vms().size()).orElse(0)).sum();
        // As EvacuationJobs#submit: the patience of a problem of this size, the request's limits.
        PlanLimits limits = PlanLimits.forProblem(vms).withTimeLimit(requested.timeLimit())
                .withWaveLimits(requested.maxOutboundPerHost(), requested.maxInboundPerHost(), requested.maxParallel());
        EvacuationProblem problem = new EvacuationProblemBuilder(PlanService.filters(allowBackward), known,
                batches -> Map.of()).build(id, snapshot, hosts, now);
        EvacuationPlan plan = new EvacuationPlanner().plan(problem, limits, p -> {
        });
        PlanStatus status = plan.unplaced().isEmpty() ? PlanStatus.READY : PlanStatus.INFEASIBLE;
        return PlanService.view(id, status, plan.migrations().size() + plan.unplaced().size(), plan);
    }
}
