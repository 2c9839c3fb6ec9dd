package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.Transitions.MigrationState;
import io.migplan.scheduler.metrics.MetricNames;
import io.migplan.scheduler.metrics.PolledGauges;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.persistence.EntityManager;

/**
 * The campaigns' gauges read from PostgreSQL at each {@link PolledGauges} refresh, not per scrape:
 * {@code migplan_campaign_migrations_in_flight} (migrations ISSUED and not reported) and
 * {@code migplan_campaign_leases_held} (running or paused campaigns whose orchestrator's lease holds now).
 */
@Startup
@Singleton
public class CampaignGauges {

    @Inject
    PolledGauges gauges;
    @Inject
    EntityManager em;

    @PostConstruct
    void register() {
        gauges.register(MetricNames.CAMPAIGN_MIGRATIONS_IN_FLIGHT, "campaign migrations issued and not reported",
                this::inFlight);
        gauges.register(MetricNames.CAMPAIGN_LEASES_HELD, "campaigns whose orchestrator lease holds now",
                this::leasesHeld);
    }

    /** Migrations in flight: at most one per VM and campaign (campaign_migration_one_in_flight). */
    long inFlight() {
        return ((Number) em.createNativeQuery("select count(*) from campaign_migration where state = ?1")
                .setParameter(1, MigrationState.ISSUED.name()).getSingleResult()).longValue();
    }

    /** Leases live by PostgreSQL's clock, the service's clock ({@link Lease#live} on the same columns). */
    long leasesHeld() {
        return ((Number) em.createNativeQuery("select count(*) from campaign where state in ('RUNNING', 'PAUSED')"
                + " and lease_holder is not null and lease_expires_at > now()").getSingleResult()).longValue();
    }
}
