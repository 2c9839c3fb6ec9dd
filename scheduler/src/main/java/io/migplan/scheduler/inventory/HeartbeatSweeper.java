package io.migplan.scheduler.inventory;

import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.db.DatabaseClock;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * Decides a host's liveness from the age of its last heartbeat (a report counts as one):
 * older than {@code migplan.heartbeat.stale-after} is STALE, older than
 * {@code down-after} is DOWN. It only ever lowers a state; a heartbeat raises it again
 * ({@link InventoryStore#heartbeat}). Ages are read on PostgreSQL's clock ({@link DatabaseClock}),
 * so replicas agree; its only state is the grace after a start or a database outage, so any
 * replica may run it.
 */
@ApplicationScoped
public class HeartbeatSweeper {

    private static final Logger LOG = Logger.getLogger(HeartbeatSweeper.class);

    /** How many hosts one sweep moved to each state. */
    public record Sweep(int stale, int down) {
    }

    @Inject
    EntityManager em;
    @Inject
    MigplanConfig config;
    @Inject
    Clock clock;

    @Inject
    DatabaseClock database;

    /** Since when hosts may be heard again: heartbeats sent while the scheduler or its database was down were lost, not missed. */
    private final Grace grace = new Grace();

    void checkConfig(@Observes StartupEvent ignored) {
        checkDurations(config.heartbeat().staleAfter(), config.heartbeat().downAfter());
        grace.restart(clock.instant());
    }

    /**
     * When sweeps may judge hosts: only once {@code staleAfter} has passed since the scheduler
     * started, or since it reached PostgreSQL again after losing it, so agents have had a full
     * period to reach it. Without this, a scheduler back from a long stop or a database outage
     * would mark every host STALE or DOWN for the heartbeats it could not store, and campaigns
     * would re-plan around hosts that are fine.
     */
    static final class Grace {
        private Instant since;
        private boolean outage;

        synchronized void restart(Instant now) {
            since = now;
        }

        /**
         * Whether a sweep at {@code now} may judge hosts, given whether the database answered just
         * before: an unanswered contact starts an outage (nothing is judged), the first answer
         * after one starts the grace again.
         */
        synchronized boolean judging(boolean reachable, Instant now, Duration staleAfter) {
            if (!reachable) {
                if (!outage) {
                    LOG.warnf("PostgreSQL does not answer: host liveness is not judged until it is back and"
                            + " agents have had %s to report again", staleAfter);
                }
                outage = true;
                return false;
            }
            if (outage) {
                outage = false;
                since = now;
                LOG.infof("PostgreSQL answers again: host liveness is judged again in %s, as after a start",
                        staleAfter);
                return false;
            }
            return since == null || !now.isBefore(since.plus(staleAfter));
        }

        synchronized void lost() {
            outage = true;
        }
    }

    /** Stops the boot when DOWN would come before STALE: the states would skip a step. */
    static void checkDurations(Duration staleAfter, Duration downAfter) {
        if (downAfter.compareTo(staleAfter) <= 0) {
            throw new IllegalStateException("migplan.heartbeat.down-after (" + downAfter
                    + ") must be longer than migplan.heartbeat.stale-after (" + staleAfter + ")");
        }
    }

    @Inject
    Event<HostChanged> changed;

    /** Every {@link MigplanConfig.Heartbeat#sweepEvery()}; the key's default and check are there. */
    @Scheduled(identity = "heartbeat-sweeper", every = "${migplan.heartbeat.sweep-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduledSweep() {
        boolean reachable = database.sync();
        Instant now = clock.instant();
        if (!grace.judging(reachable, now, config.heartbeat().staleAfter())) {
            return;
        }
        try {
            sweep(now);
        } catch (RuntimeException e) {
            // The database went away between the contact and the sweep: an outage like any other.
            LOG.debugf("heartbeat sweep failed: %s", e.toString());
            grace.lost();
        }
    }

    /**
     * Applies the rules as of {@code now}, and announces the hosts it moved by name: the snapshot
     * then re-reads those alone, not every host of the fleet (at 10,000 hosts a sweep that moved
     * a few hosts used to re-read all 10,000, every 5 s while any moved).
     */
    @Transactional
    public Sweep sweep(Instant now) {
        OffsetDateTime downBefore = OffsetDateTime.ofInstant(now.minus(config.heartbeat().downAfter()), ZoneOffset.UTC);
        OffsetDateTime staleBefore = OffsetDateTime.ofInstant(now.minus(config.heartbeat().staleAfter()), ZoneOffset.UTC);
        Set<String> moved = new HashSet<>();
        int[] counts = em.unwrap(Session.class).doReturningWork(c -> new int[] {
            mark(c, "update host set state = ? where last_heartbeat_at < ? and state <> ? returning id",
                    HostState.DOWN, downBefore, HostState.DOWN, moved),
            mark(c, "update host set state = ? where last_heartbeat_at < ? and state = ? returning id",
                    HostState.STALE, staleBefore, HostState.UP, moved)});
        int down = counts[0];
        int stale = counts[1];
        if (!moved.isEmpty()) {
            LOG.infof("heartbeat sweep: %d host(s) now STALE, %d now DOWN", stale, down);
            changed.fire(new HostChanged(Set.copyOf(moved)));
        }
        return new Sweep(stale, down);
    }

    /** One of the sweep's updates: sets {@code to} on hosts heard before {@code before} in state {@code state} (or not in it); adds their ids to {@code moved}. */
    private static int mark(Connection c, String sql, HostState to, OffsetDateTime before, HostState state,
            Set<String> moved) throws SQLException {
        int n = 0;
        try (PreparedStatement update = c.prepareStatement(sql)) {
            update.setString(1, to.name());
            update.setObject(2, before);
            update.setString(3, state.name());
            try (ResultSet r = update.executeQuery()) {
                while (r.next()) {
                    moved.add(r.getString(1));
                    n++;
                }
            }
        }
        return n;
    }
}
