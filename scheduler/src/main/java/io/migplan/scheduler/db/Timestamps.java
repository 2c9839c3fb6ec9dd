package io.migplan.scheduler.db;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;

/** A {@code timestamptz} column as native queries return it (the type depends on driver and Hibernate version). */
public final class Timestamps {

    private Timestamps() {
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
