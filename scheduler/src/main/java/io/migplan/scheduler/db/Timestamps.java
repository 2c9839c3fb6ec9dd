package io.migplan.scheduler.db;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/** A {@code timestamptz} column as native queries return it (the type depends on driver and Hibernate version). */
public final class Timestamps {

    private Timestamps() {
    }

    /**
     * {@code at} as a {@code timestamptz} column keeps it: PostgreSQL rounds to whole
     * microseconds, half up. Null stays null.
     */
    public static Instant asStored(Instant at) {
        if (at == null) {
            return null;
        }
        Instant micros = at.truncatedTo(ChronoUnit.MICROS);
        return at.getNano() % 1_000 >= 500 ? micros.plus(1, ChronoUnit.MICROS) : micros;
    }

    /** The instant of {@code column}; null stays null. */
    public static Instant toInstant(Object column) {
        if (column == null) {
            return null;
        }
        if (column instanceof Instant i) {
            return i;
        }
        if (column instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (column instanceof Timestamp t) {
            return t.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + column.getClass().getName());
    }
}
