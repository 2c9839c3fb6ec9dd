package io.migplan.scheduler.audit;

/**
 * The audited call the current thread is making: who and what, and the audit record written in
 * the transaction that committed its change, if one did. {@link AuditInterceptor} opens it around
 * the call; {@link AuditLog} writes the record inside the call's first transaction that commits a
 * change, so the change and its record commit or roll back together.
 */
final class AuditedCall {

    private static final ThreadLocal<AuditedCall> CURRENT = new ThreadLocal<>();

    final String subject;
    final String roles;
    final String operation;
    final String target;
    /** The record written in a transaction not yet ended; moved to {@link #committed} when it commits. */
    private volatile Long pending;
    /** The record that committed with the call's change; null while none has. */
    private volatile Long committed;

    AuditedCall(String subject, String roles, String operation, String target) {
        this.subject = subject;
        this.roles = roles;
        this.operation = operation;
        this.target = target;
    }

    /** The call the current thread is making, or null outside one (or while its own record is written). */
    static AuditedCall current() {
        return CURRENT.get();
    }

    /** Makes {@code call} the current thread's until {@link #close}; null when the thread is in a call already. */
    static AuditedCall open(AuditedCall call) {
        if (CURRENT.get() != null) {
            return null;
        }
        CURRENT.set(call);
        return call;
    }

    void close() {
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
    }

    /** Runs {@code work} as if outside the call: the audit's own transactions record nothing. */
    static void outside(Runnable work) {
        AuditedCall call = CURRENT.get();
        CURRENT.remove();
        try {
            work.run();
        } finally {
            if (call != null) {
                CURRENT.set(call);
            }
        }
    }

    boolean recorded() {
        return committed != null || pending != null;
    }

    /** The record written in a transaction that has not ended yet, or null. */
    Long pending() {
        return pending;
    }

    Long committed() {
        return committed;
    }

    void written(long id) {
        pending = id;
    }

    /** The transaction holding the pending record ended: committed, the record stays; else it went with it. */
    void ended(boolean committedTransaction) {
        if (committedTransaction && pending != null) {
            committed = pending;
        }
        pending = null;
    }
}
