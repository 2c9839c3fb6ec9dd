package io.migplan.scheduler.inventory;

/**
 * The commits of what agents send again anyway (reports, heartbeats) do not wait for PostgreSQL to
 * flush their write-ahead log to disk ({@code synchronous_commit = off} for the one transaction),
 * which is most of a report's time when the disk is busy. What this risks is bounded and heals
 * itself:
 * <ul>
 * <li>only a crash of PostgreSQL itself (not of the scheduler) can lose such a commit, and only one
 *     made in the last few hundred milliseconds ({@code wal_writer_delay} times three at most); the
 *     database is never left inconsistent, the transaction is simply as if it had not happened;</li>
 * <li>a lost report is sent again: the agent's next heartbeat names the generation it was told is
 *     stored, which the database no longer holds, so it is asked to report again
 *     ({@link InventoryStore#heartbeat}); a lost heartbeat is a liveness mark ten seconds older;</li>
 * <li>nothing destructive rests on such a commit alone: the log is flushed in order, so every later
 *     synchronous commit (a campaign issuing a migration or an upgrade, a plan stored, an operator's
 *     change) makes every earlier one durable before it answers.</li>
 * </ul>
 * Every other transaction keeps the server's setting. The setting travels inside a statement the
 * transaction sends anyway ({@link #SETTING}), so it costs no round trip of its own.
 */
final class ResentWrites {

    private ResentWrites() {
    }

    /**
     * An SQL expression that, once evaluated in a statement of a transaction, lets that transaction
     * commit without waiting for its log to reach the disk ({@code set local}, as a function). The
     * statement carrying it must evaluate it before, or whenever, it writes.
     */
    static final String SETTING = "set_config('synchronous_commit', 'off', true)";
}
