package io.migplan.scheduler.inventory;

import io.migplan.scheduler.config.MigplanConfig;
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
import org.jboss.logging.Logger;

/**
 * Decides a host's liveness from the age of its last heartbeat (a report counts as one):
 * older than {@code migplan.heartbeat.stale-after} is STALE, older than
 * {@code down-after} is DOWN. It only ever lowers a state; a heartbeat raises it again
 * ({@link InventoryStore#heartbeat}). It keeps no state of its own, so any replica may run it.
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

    /** When this scheduler started: heartbeats sent while it was down were lost, not missed. */
    private volatile Instant startedAt;

    void checkConfig(@Observes StartupEvent ignored) {
        checkDurations(config.heartbeat().staleAfter(), config.heartbeat().downAfter());
        startedAt = clock.instant();
    }

    /**
     * Whether a sweep at {@code now} may judge hosts: only once {@code staleAfter} has passed since
     * the scheduler started, so agents have had a full period to reach it again. Without this, a
     * scheduler restarted after a long stop would mark every host STALE or DOWN for the heartbeats
     * it could not receive, and campaigns would re-plan around hosts that are fine.
     */
    static boolean judging(Instant startedAt, Instant now, Duration staleAfter) {
        return startedAt == null || !now.isBefore(startedAt.plus(staleAfter));
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
        Instant now = clock.instant();
        if (judging(startedAt, now, config.heartbeat().staleAfter())) {
            sweep(now);
        }
    }

    /** Applies the rules as of {@code now}. */
    @Transactional
    public Sweep sweep(Instant now) {
        Instant downBefore = now.minus(config.heartbeat().downAfter());
        Instant staleBefore = now.minus(config.heartbeat().staleAfter());
        int down = em.createQuery("update HostEntity set state = ?1 where lastHeartbeatAt < ?2 and state <> ?1")
                .setParameter(1, HostState.DOWN).setParameter(2, downBefore).executeUpdate();
        int stale = em.createQuery("update HostEntity set state = ?1 where lastHeartbeatAt < ?2 and state = ?3")
                .setParameter(1, HostState.STALE).setParameter(2, staleBefore).setParameter(3, HostState.UP)
                .executeUpdate();
        if (down + stale > 0) {
            LOG.infof("heartbeat sweep: %d host(s) now STALE, %d now DOWN", stale, down);
            changed.fire(new HostChanged(null));
        }
        return new Sweep(stale, down);
    }
}
