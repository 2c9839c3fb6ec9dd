package io.migplan.scheduler.campaign;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * When an evacuation left with only hosts it could not empty (a VM with nowhere to go, a host not
 * up) plans them again on its own: room may have appeared since (a host back in placement, VMs
 * gone), as vSphere's maintenance mode keeps trying while DRS finds room. The first time
 * {@link #FIRST} after the campaign was seen stuck, then twice as long after each try, at most
 * {@link #LONGEST}, so a campaign that stays stuck writes a few lines of history a day, not one
 * per step. Kept in memory per scheduler: after a restart the wait starts again from
 * {@link #FIRST}. Holds an entry only for a campaign seen stuck and still running
 * ({@link #retainOnly}).
 */
final class BlockedRetries {

    /** The wait before the first try after a campaign is seen stuck. */
    static final Duration FIRST = Duration.ofMinutes(1);
    /** The longest wait between two tries. */
    static final Duration LONGEST = Duration.ofMinutes(30);

    private record Retry(Instant at, Duration pause) {
    }

    private final ConcurrentMap<String, Retry> retries = new ConcurrentHashMap<>();

    /** Whether campaign {@code id}, if it is still stuck, is to plan its stuck hosts again at {@code now}. */
    boolean due(String id, Instant now) {
        Retry r = retries.get(id);
        return r != null && !now.isBefore(r.at());
    }

    /**
     * After a step of campaign {@code id} at {@code now}: {@code stuck}, whether it was left with
     * only hosts it could not empty; {@code tried}, whether the step asked for them to be planned
     * again. A campaign no longer stuck is forgotten.
     */
    void after(String id, boolean stuck, boolean tried, Instant now) {
        if (!stuck) {
            retries.remove(id);
            return;
        }
        retries.compute(id, (k, r) -> {
            if (r == null) {
                return new Retry(now.plus(FIRST), FIRST);
            }
            if (!tried) {
                return r;
            }
            Duration longer = r.pause().multipliedBy(2);
            Duration wait = longer.compareTo(LONGEST) > 0 ? LONGEST : longer;
            return new Retry(now.plus(wait), wait);
        });
    }

    /** Forgets every campaign but {@code running}: one that ended or was deleted while stuck. */
    void retainOnly(Collection<String> running) {
        retries.keySet().retainAll(running);
    }
}
