package io.migplan.scheduler.evacuation;

import io.migplan.scheduler.error.PlainText;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;

/**
 * Body of {@code POST /api/v1/plans/evacuation}. Absent limits take the defaults of
 * {@link io.migplan.scheduler.evacuation.planner.PlanLimits#defaults()}. The annotations are every rule on a
 * field; that each host is known is the service's to check, against the cluster snapshot.
 *
 * @param hosts            the hosts to empty, by id
 * @param timeLimitSeconds how long the solver may take at most (1..600)
 */
public record EvacuationRequest(
        @NotEmpty(message = "is required: the ids of the hosts to empty")
        List<@NotBlank(message = "must not be empty") @PlainText String> hosts,
        @Min(value = 1, message = AT_LEAST) Integer maxOutboundPerHost,
        @Min(value = 1, message = AT_LEAST) Integer maxInboundPerHost,
        @Min(value = 1, message = AT_LEAST) Integer maxParallel,
        @Min(value = 1, message = AT_LEAST) @Max(value = MAX_TIME_LIMIT_SECONDS, message = AT_MOST)
        Integer timeLimitSeconds) {

    /** Longest solve a request may ask for: an operator waiting longer would rather re-plan. */
    public static final int MAX_TIME_LIMIT_SECONDS = 600;

    static final String AT_LEAST = "must be at least {value}";
    static final String AT_MOST = "must be at most {value}";
}
