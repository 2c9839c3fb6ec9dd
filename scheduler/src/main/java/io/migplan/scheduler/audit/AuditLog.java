package io.migplan.scheduler.audit;

import io.migplan.scheduler.error.InvalidRequestException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit in PostgreSQL ({@code audit_record}): appends one record per call that changed or
 * tried to change state, pages through them newest first, and deletes those past their retention.
 * Times come from the database's clock, as every other stored time does.
 */
@ApplicationScoped
public class AuditLog {

    /** The most records one page returns; a caller wanting more follows {@code next}. */
    public static final int MAX_LIMIT = 500;
    public static final int DEFAULT_LIMIT = 100;

    @Inject
    EntityManager em;
    @Inject
    Clock clock;

    /** One record: who (subject and roles), what (operation and target), when, and how it ended. */
    public record Entry(long id, Instant at, String subject, String roles, String operation, String target,
            String result, String message) {
    }

    /** A page, newest first; {@code next} is the cursor of the following page, null on the last one. */
    public record Page(List<Entry> entries, String next) {
    }

    /** Appends a record in a transaction of its own, so it stays whether the call's own work committed or not. */
    public void record(String subject, String roles, String operation, String target, String result, String message) {
        Instant at = clock.instant();
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("insert into audit_record"
                        + " (at, subject, roles, operation, target, result, message) values (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .setParameter(1, at).setParameter(2, subject).setParameter(3, roles).setParameter(4, operation)
                .setParameter(5, target).setParameter(6, result).setParameter(7, message).executeUpdate());
    }

    /**
     * Up to {@code limit} records older than {@code cursor} (a {@code next} of an earlier page; null
     * for the newest). A limit outside 1..{@value #MAX_LIMIT} or a cursor that is not one is refused.
     */
    public Page page(Integer limit, String cursor) {
        int n = limit == null ? DEFAULT_LIMIT : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw new InvalidRequestException("limit must be from 1 to " + MAX_LIMIT + ", got " + n);
        }
        long before = Long.MAX_VALUE;
        if (cursor != null) {
            if (!cursor.matches("[0-9]{1,18}")) {
                throw new InvalidRequestException("cursor must be the 'next' of an earlier page, got '"
                        + io.migplan.scheduler.error.Texts.escaped(cursor.length() > 32 ? cursor.substring(0, 32) + "…"
                                : cursor) + "'");
            }
            before = Long.parseLong(cursor);
        }
        long below = before;
        List<?> rows = QuarkusTransaction.joiningExisting().call(() -> em.createNativeQuery("select id, at, subject,"
                        + " roles, operation, target, result, message from audit_record where id < ?1 order by id desc"
                        + " limit ?2")
                .setParameter(1, below).setParameter(2, n + 1).getResultList());
        List<Entry> entries = new ArrayList<>(Math.min(rows.size(), n));
        for (int i = 0; i < Math.min(rows.size(), n); i++) {
            Object[] r = (Object[]) rows.get(i);
            entries.add(new Entry(((Number) r[0]).longValue(), instant(r[1]), (String) r[2], (String) r[3],
                    (String) r[4], (String) r[5], (String) r[6], (String) r[7]));
        }
        String next = rows.size() > n ? Long.toString(entries.get(entries.size() - 1).id()) : null;
        return new Page(entries, next);
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        return ((Timestamp) value).toInstant();
    }

    /**
     * Deletes records made before {@code before}, at most {@code rowsPerStatement} per statement
     * (each its own transaction) and {@code statements} statements; returns how many it deleted.
     */
    public int prune(Instant before, int rowsPerStatement, int statements) {
        int deleted = 0;
        for (int i = 0; i < statements; i++) {
            int n = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("delete from audit_record where"
                            + " id in (select id from audit_record where at < ?1 order by at limit ?2)")
                    .setParameter(1, before).setParameter(2, rowsPerStatement).executeUpdate());
            deleted += n;
            if (n < rowsPerStatement) {
                break;
            }
        }
        return deleted;
    }
}
