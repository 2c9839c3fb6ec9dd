package io.migplan.scheduler.reservation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Claims target slots atomically in PostgreSQL. A claim for (host, parent, type) succeeds only
 * while the slot's live claims (not released, not expired) are fewer than the free instances
 * the host last reported for that type. The claim first takes the host row's key-share lock,
 * which waits only for a report replacing the host's rows (a report locks its host row {@code for
 * update}); heartbeats, sweeps and admin-state changes update the row without waiting for claims
 * or making them wait, so a heartbeat batch and a campaign's claims never deadlock on host rows.
 * It then locks the slot's {@code device_type}
 * row ({@code select … for update}), so concurrent claimers on any connection or replica are
 * served one at a time and never take the same last instance; no in-process lock is involved.
 * It does not decide which slot a migration should use (the planners do), and it counts per
 * type only: vendor rules that couple types on one parent are the planners' business.
 */
@ApplicationScoped
public class SlotReservations {

    /** The outcome of a claim; {@code why} says what stopped it when not granted. */
    public record Claim(boolean granted, long id, int live, int available, String why) {
    }

    @Inject
    EntityManager em;

    /**
     * A statement of this class. Its statements read and write {@code slot_reservation} and lock
     * {@code host} and {@code device_type} rows, which no entity a caller's transaction holds
     * changes (reports, which do, never claim), so they run without flushing the caller's
     * persistence context: a campaign step claims slots while it holds its batch's migrations,
     * and flushing before each statement dirty-checked all of them (7% of the scheduler's CPU in a
     * 1,000-host campaign run).
     */
    private Query nativeQuery(String sql) {
        return em.createNativeQuery(sql).setFlushMode(FlushModeType.COMMIT);
    }

    /**
     * Claims one slot for {@code holder} (e.g. a campaign's migration id) until {@code ttl}
     * from {@code now}. A holder that already has a live claim on the slot gets it back.
     */
    @Transactional
    public Claim claim(String host, String parent, String typeId, String holder, Instant now, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a claim needs a positive time to live, got " + ttl);
        }
        // A report replaces the host's rows in one transaction that holds the host row for update;
        // the key-share lock waits for that alone, so the slot is read before or after a report,
        // never while its rows are being replaced (a row deleted under a waiting lock would read as
        // "no such type"), and a heartbeat's update of the row neither waits for it nor blocks it.
        nativeQuery("select id from host where id = ?1 for key share").setParameter(1, host)
                .getResultList();
        @SuppressWarnings("unchecked")
        List<Object> locked = nativeQuery("select available_instances from device_type"
                        + " where host = ?1 and parent = ?2 and type_id = ?3 for update")
                .setParameter(1, host).setParameter(2, parent).setParameter(3, typeId).getResultList();
        if (locked.isEmpty()) {
            return new Claim(false, 0, 0, 0, "host " + host + " reports no type " + typeId + " on " + parent);
        }
        int available = ((Number) locked.get(0)).intValue();
        Optional<Long> mine = liveClaimOf(host, parent, typeId, holder, now);
        int live = liveClaims(host, parent, typeId, now);
        if (mine.isPresent()) {
            return new Claim(true, mine.get(), live, available, "");
        }
        if (live >= available) {
            return new Claim(false, 0, live, available, "host " + host + ": no free instance of " + typeId + " on "
                    + parent + " to claim (" + available + " free, " + live + " already claimed)");
        }
        // An expired, unreleased claim of this holder would block the unique index: retire it first.
        nativeQuery("update slot_reservation set released = true where holder = ?1 and host = ?2"
                        + " and parent = ?3 and type_id = ?4 and not released and expires_at <= ?5")
                .setParameter(1, holder).setParameter(2, host).setParameter(3, parent).setParameter(4, typeId)
                .setParameter(5, now).executeUpdate();
        Number id = (Number) nativeQuery("insert into slot_reservation (host, parent, type_id, holder,"
                        + " claimed_at, expires_at) values (?1, ?2, ?3, ?4, ?5, ?6) returning id")
                .setParameter(1, host).setParameter(2, parent).setParameter(3, typeId).setParameter(4, holder)
                .setParameter(5, now).setParameter(6, now.plus(ttl)).getSingleResult();
        return new Claim(true, id.longValue(), live + 1, available, "");
    }

    /** Releases a claim (the migration finished, failed or was abandoned). Returns whether it was live. */
    @Transactional
    public boolean release(long id) {
        return nativeQuery("update slot_reservation set released = true where id = ?1 and not released")
                .setParameter(1, id).executeUpdate() > 0;
    }

    /**
     * Extends the claims among {@code ids} still live at {@code now} until {@code until}, so a
     * claim lasts as long as the work holding it (a migration in flight renews its claims on
     * every step). Returns the ids renewed; an id missing from the answer was released or had
     * expired, and its slot may be someone else's now.
     */
    @Transactional
    public Set<Long> renew(List<Long> ids, Instant now, Instant until) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        @SuppressWarnings("unchecked")
        List<Object> renewed = nativeQuery("update slot_reservation set expires_at = greatest(expires_at, ?3)"
                        + " where id = any(?1) and not released and expires_at > ?2 returning id")
                .setParameter(1, ids.toArray(Long[]::new)).setParameter(2, now).setParameter(3, until)
                .getResultList();
        Set<Long> out = new HashSet<>();
        renewed.forEach(o -> out.add(((Number) o).longValue()));
        return out;
    }

    /** Live claims on one slot at {@code now}. */
    @Transactional
    public int liveClaims(String host, String parent, String typeId, Instant now) {
        return ((Number) nativeQuery("select count(*) from slot_reservation where host = ?1 and parent = ?2"
                        + " and type_id = ?3 and not released and expires_at > ?4")
                .setParameter(1, host).setParameter(2, parent).setParameter(3, typeId).setParameter(4, now)
                .getSingleResult()).intValue();
    }

    private Optional<Long> liveClaimOf(String host, String parent, String typeId, String holder, Instant now) {
        @SuppressWarnings("unchecked")
        List<Object> ids = nativeQuery("select id from slot_reservation where holder = ?1 and host = ?2"
                        + " and parent = ?3 and type_id = ?4 and not released and expires_at > ?5")
                .setParameter(1, holder).setParameter(2, host).setParameter(3, parent).setParameter(4, typeId)
                .setParameter(5, now).getResultList();
        return ids.stream().findFirst().map(o -> ((Number) o).longValue());
    }
}
