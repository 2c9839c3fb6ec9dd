package io.migplan.scheduler.reservation;

import io.migplan.scheduler.metrics.MetricNames;
import io.migplan.scheduler.metrics.PolledGauges;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;

/**
 * {@code migplan_reservations_held}: slot claims live now (not released, not expired) in
 * PostgreSQL, every replica's, counted at each {@link PolledGauges} refresh, not per scrape.
 */
@Startup
@Singleton
public class ReservationGauges {

    @Inject
    PolledGauges gauges;
    @Inject
    EntityManager em;

    @PostConstruct
    void register() {
        gauges.register(MetricNames.RESERVATIONS_HELD, "slot reservations live now", this::held);
    }

    /** Live claims, by PostgreSQL's clock (the service's clock, so replicas agree); uses the slot index's predicate. */
    long held() {
        return ((Number) em.createNativeQuery("select count(*) from slot_reservation where not released"
                + " and expires_at > now()").getSingleResult()).longValue();
    }
}
