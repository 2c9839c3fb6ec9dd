package io.migplan.scheduler.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * Gauges whose value is a count in PostgreSQL (reservations held, migrations in flight, leases):
 * each count is read every {@code migplan.metrics.refresh-every} (15 s) in a read-only transaction
 * of its own, and a scrape reads the last value from memory, so scrapes never query the database
 * and their rate does not load it. Until the first read, and after a read that failed, the value is
 * NaN (Prometheus shows no value) rather than a stale or made-up count. PostgreSQL is the source,
 * so every replica reports the same figure.
 */
@ApplicationScoped
public class PolledGauges {

    private static final Logger LOG = Logger.getLogger(PolledGauges.class);

    @Inject
    MeterRegistry registry;

    private final List<Polled> polled = new CopyOnWriteArrayList<>();

    private static final class Polled {
        final String name;
        final LongSupplier count;
        volatile double value = Double.NaN;

        Polled(String name, LongSupplier count) {
            this.name = name;
            this.count = count;
        }
    }

    /** Exports gauge {@code name}, whose value {@code count} reads (inside a transaction) at each refresh. */
    public void register(String name, String description, LongSupplier count) {
        Polled p = new Polled(name, count);
        polled.add(p);
        Gauge.builder(name, p, g -> g.value).description(description).register(registry);
    }

    /** Reads every count again; a count that fails is NaN until it reads again. */
    @Scheduled(every = "${migplan.metrics.refresh-every}", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public void refresh() {
        for (Polled p : polled) {
            try {
                p.value = QuarkusTransaction.requiringNew().call(() -> (double) p.count.getAsLong());
            } catch (RuntimeException e) {
                p.value = Double.NaN;
                LOG.debugf(e, "gauge %s could not be read", p.name);
            }
        }
    }
}
