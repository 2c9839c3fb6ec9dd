package io.migplan.scheduler.evacuation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the planner's start-up warm-up runs ({@code migplan.planning.warm-up}): a plan
 * asked for then would pay for what the warm-up prepares (the stored verdicts read, the code
 * compiled, each host's planning facts made) and compete with it for the CPU. A load balancer or
 * an orchestrator that waits for {@code /q/health/ready} gets the first plan as fast as later ones.
 * A warm-up that failed or is turned off leaves the scheduler ready.
 */
@Readiness
@ApplicationScoped
public class PlannerReadiness implements HealthCheck {

    static final String NAME = "planner warm-up";

    private final BooleanSupplier warmingUp;

    @Inject
    PlannerReadiness(PlanService plans) {
        this(plans::warmingUp);
    }

    PlannerReadiness(BooleanSupplier warmingUp) {
        this.warmingUp = warmingUp;
    }

    @Override
    public HealthCheckResponse call() {
        boolean warming = warmingUp.getAsBoolean();
        return HealthCheckResponse.named(NAME).status(!warming)
                .withData("state", warming ? "warming up" : "done").build();
    }
}
