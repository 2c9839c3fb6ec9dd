package io.migplan.scheduler.inventory;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import io.agroal.api.AgroalDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import io.smallrye.health.api.Wellness;

/**
 * How many host agents are heard from: hosts UP, STALE and DOWN as the heartbeat sweeper last
 * judged them in PostgreSQL (so every replica says the same), and the share UP, as data of {@code
 * /q/health/well} (and {@code /q/health}), readable without a token. It says how well the fleet
 * is observed, not whether the scheduler works: silent agents never make it DOWN, so a load
 * balancer keeps sending requests, and readiness is not changed by it. Only a database that
 * cannot be read makes it DOWN.
 */
@Wellness
@ApplicationScoped
public class AgentFreshness implements HealthCheck {

    static final String NAME = "agent freshness";

    @Inject
    AgroalDataSource ds;

    @Override
    public HealthCheckResponse call() {
        Map<HostState, Long> counts = new EnumMap<>(HostState.class);
        // Plain JDBC: a health probe has no request context for the entity manager.
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select state, count(*) from host group by state")) {
            while (r.next()) {
                counts.put(HostState.valueOf(r.getString(1)), r.getLong(2));
            }
        } catch (SQLException | RuntimeException e) {
            return HealthCheckResponse.named(NAME).down().withData("error", String.valueOf(e.getMessage())).build();
        }
        return of(counts);
    }

    /** The answer for these counts of hosts per state. */
    static HealthCheckResponse of(Map<HostState, Long> counts) {
        long up = counts.getOrDefault(HostState.UP, 0L);
        long stale = counts.getOrDefault(HostState.STALE, 0L);
        long down = counts.getOrDefault(HostState.DOWN, 0L);
        long hosts = up + stale + down;
        return HealthCheckResponse.named(NAME).up().withData("hosts", hosts).withData("up", up)
                .withData("stale", stale).withData("down", down)
                // A share of a fleet with no host means nothing; "-" says so rather than 0 or 1.
                .withData("freshShare", hosts == 0 ? "-" : String.format(Locale.ROOT, "%.3f", up / (double) hosts))
                .build();
    }
}
