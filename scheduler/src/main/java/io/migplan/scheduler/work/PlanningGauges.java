package io.migplan.scheduler.work;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.migplan.scheduler.metrics.MetricNames;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The planning queue as gauges, {@code migplan_plans_running} and {@code migplan_plans_waiting}:
 * evacuation and campaign plans together, as {@link PlanningLimiter} admits them (this replica's).
 */
@Startup
@Singleton
public class PlanningGauges {

    @Inject
    PlanningLimiter limiter;
    @Inject
    MeterRegistry registry;

    @PostConstruct
    void register() {
        Gauge.builder(MetricNames.PLANS_RUNNING, limiter, PlanningLimiter::running)
                .description("plans being solved (evacuations and campaigns)").register(registry);
        Gauge.builder(MetricNames.PLANS_WAITING, limiter, PlanningLimiter::waiting)
                .description("plans waiting for a solver").register(registry);
    }
}
