package io.migplan.scheduler.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Schedulers whose own clocks disagree read one time: PostgreSQL's. */
@QuarkusTest
class DatabaseClockTest {

    @Inject
    AgroalDataSource ds;
    @Inject
    Clock serviceClock;

    private Instant databaseNow() {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select clock_timestamp()")) {
            r.next();
            return r.getObject(1, OffsetDateTime.class).toInstant();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void twoSchedulersWhoseClocksAreFortySecondsApartReadTheSameTime() {
        Supplier<Instant> db = this::databaseNow;
        DatabaseClock behind = new DatabaseClock(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-20)), db);
        DatabaseClock ahead = new DatabaseClock(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(20)), db);
        assertThat(Duration.between(behind.instant(), ahead.instant()).abs()).as("before they sync")
                .isGreaterThan(Duration.ofSeconds(39));

        assertThat(behind.sync()).isTrue();
        assertThat(ahead.sync()).isTrue();

        // A heartbeat stored by one and judged by the other: within a loopback round trip, not 40 s.
        assertThat(Duration.between(behind.instant(), ahead.instant()).abs()).isLessThan(Duration.ofSeconds(1));
        assertThat(Duration.between(ahead.instant(), databaseNow()).abs()).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aDatabaseThatDoesNotAnswerKeepsTheLastOffsetAndSaysSo() {
        Instant[] db = {Instant.parse("2026-01-01T00:01:00Z")};
        Clock local = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
        DatabaseClock clock = new DatabaseClock(local, () -> {
            if (db[0] == null) {
                throw new IllegalStateException("connection refused");
            }
            return db[0];
        });
        assertThat(clock.sync()).isTrue();
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:01:00Z"));

        db[0] = null;
        assertThat(clock.sync()).isFalse();
        assertThat(clock.offset()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void theServiceClockIsTheDatabaseClock() {
        assertThat(serviceClock).isInstanceOf(DatabaseClock.class);
        assertThat(Duration.between(serviceClock.instant(), databaseNow()).abs()).isLessThan(Duration.ofSeconds(1));
    }
}
