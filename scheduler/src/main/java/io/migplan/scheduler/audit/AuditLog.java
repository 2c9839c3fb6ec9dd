package io.migplan.scheduler.audit;

import io.migplan.scheduler.error.InvalidRequestException;
import io.migplan.scheduler.error.Texts;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.TransactionScoped;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The audit in PostgreSQL ({@code audit_record}): appends one record per call that changed or
 * tried to change state, pages through them newest first, and deletes those past their retention.
 * Times come from the database's clock, as every other stored time does.
 *
 * <p>A call's change and its record commit together: while an {@link AuditedCall} is open on a
 * thread, each transaction that thread begins writes the call's record just before it commits,
 * if it changed anything (PostgreSQL assigned it a transaction id) and no earlier transaction of
 * the call committed one. A record that cannot be written rolls the change back; a change that
 * rolls back takes its record with it. It does not see transactions begun on other threads (a
 * job the call starts in the background is not the call's change).
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
    @Inject
    TransactionManager transactions;

    private static final Logger LOG = Logger.getLogger(AuditLog.class);

    /** One record: who (subject and roles), what (operation and target), when, and how it ended. */
    public record Entry(long id, Instant at, String subject, String roles, String operation, String target,
            String result, String message) {
    }

    /** A page, newest first; {@code next} is the cursor of the following page, null on the last one. */
    public record Page(List<Entry> entries, String next) {
    }

    /**
     * Appends a record in a transaction of its own: for a call that changed nothing in the database
     * (a token made), or one that failed, whose change (if any) rolled back without its record.
     */
    public void record(String subject, String roles, String operation, String target, String result, String message) {
        Instant at = clock.instant();
        AuditedCall.outside(() -> QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("insert into"
                        + " audit_record (at, subject, roles, operation, target, result, message)"
                        + " values (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .setParameter(1, at).setParameter(2, subject).setParameter(3, roles).setParameter(4, operation)
                .setParameter(5, target).setParameter(6, result).setParameter(7, message).executeUpdate()));
    }

    /** Names what a call made (its id, known once it answered) in the record that committed with it. */
    void retarget(long id, String target) {
        AuditedCall.outside(() -> QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                        "update audit_record set target = ?2 where id = ?1")
                .setParameter(1, id).setParameter(2, target).executeUpdate()));
    }

    /** Who the record of {@link #rehearseInside} names: no caller, since no call is made. */
    public static final String REHEARSAL_SUBJECT = "warm-up-rehearsal";

    /**
     * The audit's statements for a made-up call, run where the caller's transaction will be rolled
     * back: its record written as a change's is, then named as a call that created something is
     * (in a transaction of its own that finds nothing to update, since the record never commits).
     * So the first audited call after a start does not prepare them itself. The caller's
     * transaction must have changed something already, and must not commit.
     *
     * @throws IllegalStateException when no record was written: the transaction has changed nothing
     */
    public void rehearseInside() {
        AuditedCall call = new AuditedCall(REHEARSAL_SUBJECT, "", "rehearsal", "");
        writeWithChange(call);
        Long written = call.pending();
        if (written == null) {
            throw new IllegalStateException("the audit's rehearsal needs a transaction that changed something");
        }
        retarget(written, REHEARSAL_SUBJECT);
    }

    /**
     * A transaction begun on a thread making an audited call: its commit will carry the call's
     * record. The synchronization is a plain one, not interposed: JTA runs those first, before
     * Hibernate's flush and the connection pool's own (both interposed) close the session.
     */
    void begun(@Observes @Initialized(TransactionScoped.class) Object transaction) {
        AuditedCall call = AuditedCall.current();
        if (call == null || call.recorded()) {
            return;
        }
        try {
            transactions.getTransaction().registerSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                    writeWithChange(call);
                }

                @Override
                public void afterCompletion(int status) {
                    call.ended(status == Status.STATUS_COMMITTED);
                }
            });
        } catch (RollbackException | SystemException e) {
            // Just begun, so neither marked for rollback nor failed: should it happen, no change may go unrecorded.
            throw new IllegalStateException("the audit cannot follow the transaction of " + call.operation, e);
        }
    }

    /**
     * Called just before the transaction commits (never when it rolls back): flushes the
     * transaction's pending entity changes, then inserts the call's record only if the transaction
     * changed something. A record that cannot be written marks the transaction rollback-only, so
     * its change does not commit without its record.
     */
    private void writeWithChange(AuditedCall call) {
        if (call.recorded()) {
            return;
        }
        // The transaction's own entity changes first: one that fails fails as it would without the audit.
        em.flush();
        try {
            List<?> ids = em.createNativeQuery("insert into audit_record (at, subject, roles, operation, target,"
                            + " result, message) select ?1, ?2, ?3, ?4, ?5, 'OK', null"
                            + " where txid_current_if_assigned() is not null returning id")
                    .setParameter(1, clock.instant()).setParameter(2, call.subject).setParameter(3, call.roles)
                    .setParameter(4, call.operation).setParameter(5, call.target).getResultList();
            if (!ids.isEmpty()) {
                call.written(((Number) ids.get(0)).longValue());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "the audit record of %s %s by %s could not be written: the change is rolled back",
                    call.operation, Texts.escaped(call.target),
                    Texts.escaped(call.subject));
            try {
                transactions.setRollbackOnly();
            } catch (IllegalStateException | SystemException rollbackOnly) {
                e.addSuppressed(rollbackOnly);
                throw e;
            }
        }
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
