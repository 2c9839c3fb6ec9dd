package io.migplan.scheduler.campaign;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * When a campaign is to try something again that did not work, per campaign and {@link Reason}:
 * the first try {@link Reason#first} after it was first seen not to work, then after waits twice
 * as long each time it was tried again, at most {@link Reason#longest}, so a campaign that keeps
 * failing writes a few lines of history a day, not one per step. It decides only when; what is
 * tried, and whether it worked, is the caller's.
 *
 * <p>Kept in memory per scheduler: after a restart the waits start again from the first. Bounded:
 * an entry is held only for a campaign and reason seen not to work and not yet seen working
 * again, and only while the campaign is running ({@link #retainOnly}).
 */
final class Backoff {

    /** What is tried again, with its waits. */
    enum Reason {
        /**
         * An evacuation left with only hosts it could not empty (a VM with nowhere to go, a host not
         * up) plans them again on its own: room may have appeared since (a host back in placement,
         * VMs gone), as vSphere's maintenance mode keeps trying while DRS finds room.
         */
        STUCK(Duration.ofMinutes(1), Duration.ofMinutes(30)),
        /**
         * A re-plan that failed (the solver found no plan, or the inputs could not be read) is asked
         * again by a later step, not by every step; every 30 s, as a re-plan's cause (a host gone,
         * a migration failed) is usually settled within that.
         */
        REPLAN_FAILED(Duration.ofSeconds(30), Duration.ofSeconds(30));

        /** The wait before the first try. */
        final Duration first;
        /** The longest wait between two tries. */
        final Duration longest;

        Reason(Duration first, Duration longest) {
            this.first = first;
            this.longest = longest;
        }
    }

    private record Key(String campaign, Reason reason) {
    }

    private record Retry(Instant at, Duration pause) {
    }

    private final ConcurrentMap<Key, Retry> retries = new ConcurrentHashMap<>();

    /** Whether campaign {@code id} was seen not to work for {@code reason} and its wait is over at {@code now}. */
    boolean due(String id, Reason reason, Instant now) {
        Retry r = retries.get(new Key(id, reason));
        return r != null && !now.isBefore(r.at());
    }

    /** Whether campaign {@code id} waits for {@code reason} at {@code now}: seen not to work, its wait not over. */
    boolean waiting(String id, Reason reason, Instant now) {
        Retry r = retries.get(new Key(id, reason));
        return r != null && now.isBefore(r.at());
    }

    /** Campaign {@code id} is seen not to work for {@code reason} at {@code now}: its wait starts, unless it has. */
    void seen(String id, Reason reason, Instant now) {
        retries.putIfAbsent(new Key(id, reason), new Retry(now.plus(reason.first), reason.first));
    }

    /**
     * Campaign {@code id} tried again for {@code reason} at {@code now}, and it did not work (yet):
     * the next wait is twice the last, at most {@link Reason#longest}; the first if none was.
     *
     * @return the wait until the next try
     */
    Duration tried(String id, Reason reason, Instant now) {
        return retries.compute(new Key(id, reason), (k, r) -> {
            if (r == null) {
                return new Retry(now.plus(reason.first), reason.first);
            }
            Duration longer = r.pause().multipliedBy(2);
            Duration wait = longer.compareTo(reason.longest) > 0 ? reason.longest : longer;
            return new Retry(now.plus(wait), wait);
        }).pause();
    }

    /** Campaign {@code id} works for {@code reason}: forgotten, so a later failure waits the first wait again. */
    void forget(String id, Reason reason) {
        retries.remove(new Key(id, reason));
    }

    /** Forgets every campaign but {@code running}: one that ended or was deleted meanwhile. */
    void retainOnly(Collection<String> running) {
        Set<String> kept = running instanceof Set<String> s ? s : Set.copyOf(running);
        retries.keySet().removeIf(k -> !kept.contains(k.campaign()));
    }

    /** Entries held, for tests of the bound. */
    int size() {
        return retries.size();
    }
}
