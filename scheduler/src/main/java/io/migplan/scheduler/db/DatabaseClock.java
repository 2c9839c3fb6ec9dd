package io.migplan.scheduler.db;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The one clock of the service: PostgreSQL's. Heartbeat age, slot-claim expiry, verdict age and
 * every other rule that compares a stored time with "now" read it, so two schedulers whose own
 * clocks are 40 s apart (or one whose clock jumps) still agree on which host is stale and which
 * claim has expired: they share one database, hence one clock.
 *
 * <p>Asking the database on every read would put a round trip on every placement query, so the
 * clock keeps the offset between this JVM's clock and the database's, measured at start and every
 * {@link #SYNC_EVERY} (the midpoint of the query's round trip, so the error is at most half of
 * it). When the database cannot be reached the last offset stays; {@link #sync()} says so, and
 * {@code HeartbeatSweeper} treats it as an outage.
 */
@Singleton
public class DatabaseClock extends Clock {

    private static final Logger LOG = Logger.getLogger(DatabaseClock.class);

    /** Clocks drift by parts per million: a minute keeps the error far below a heartbeat period. */
    static final String SYNC_EVERY = "60s";
    /** A step larger than this is logged: someone set a clock. */
    static final Duration NOTABLE_STEP = Duration.ofSeconds(1);

    /** One reading of the database's clock, between two readings of this JVM's. */
    record Sample(Instant sentAt, Instant database, Instant answeredAt) {
    }

    private final Clock local;
    private final Function<Clock, Sample> sampler;
    private volatile Duration offset = Duration.ZERO;

    @Inject
    DatabaseClock(AgroalDataSource dataSource) {
        this(Clock.systemUTC(), (Function<Clock, Sample>) local -> query(dataSource, local));
    }

    /** @param databaseNow asks the database for its time; throws when it cannot be reached */
    public DatabaseClock(Clock local, Supplier<Instant> databaseNow) {
        this(local, (Function<Clock, Sample>) l -> {
            Instant sent = l.instant();
            Instant db = databaseNow.get();
            return new Sample(sent, db, l.instant());
        });
    }

    private DatabaseClock(Clock local, Function<Clock, Sample> sampler) {
        this.local = local;
        this.sampler = sampler;
    }

    void onStart(@Observes StartupEvent ignored) {
        sync();
    }

    @Scheduled(identity = "database-clock", every = SYNC_EVERY, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledSync() {
        sync();
    }

    /**
     * Measures the offset again. Returns whether the database answered; when it did not, the
     * previous offset is kept.
     */
    public boolean sync() {
        Sample sample;
        try {
            sample = sampler.apply(local);
        } catch (RuntimeException e) {
            LOG.debugf("database clock: PostgreSQL did not answer (%s); the last offset stays", e.toString());
            return false;
        }
        Instant midpoint = sample.sentAt().plus(Duration.between(sample.sentAt(), sample.answeredAt()).dividedBy(2));
        Duration measured = Duration.between(midpoint, sample.database());
        if (measured.minus(offset).abs().compareTo(NOTABLE_STEP) > 0) {
            LOG.infof("database clock: this scheduler's clock is %d ms %s PostgreSQL's; time rules follow"
                    + " PostgreSQL", Math.abs(measured.toMillis()), measured.isNegative() ? "ahead of" : "behind");
        }
        offset = measured;
        return true;
    }

    /** How far the database's clock is ahead of this JVM's, as last measured. */
    public Duration offset() {
        return offset;
    }

    @Override
    public Instant instant() {
        return local.instant().plus(offset);
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the service's clock is UTC; convert instants where they are shown");
    }

    /** Times the query alone: getting a connection (perhaps opening one) is not part of the round trip. */
    private static Sample query(AgroalDataSource dataSource, Clock local) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            Instant sent = local.instant();
            try (ResultSet r = s.executeQuery("select clock_timestamp()")) {
                Instant answered = local.instant();
                r.next();
                return new Sample(sent, r.getObject(1, java.time.OffsetDateTime.class).toInstant(), answered);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL's clock could not be read: " + e.getMessage(), e);
        }
    }
}
