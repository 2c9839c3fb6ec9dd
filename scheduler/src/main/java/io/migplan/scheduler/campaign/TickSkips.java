package io.migplan.scheduler.campaign;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which running campaigns the periodic tick steps: those that no orchestrator's {@code next} on
 * this scheduler stepped since the previous tick began. A {@code next} takes the same full step a
 * tick takes (and issues work besides), so a tick after one decides over rows just decided on;
 * while an orchestrator steps a campaign several times a second, the tick only added a step of
 * its own. A campaign whose orchestrator waits (following the events, or gone) is stepped by
 * every tick, as before. Kept in memory: a {@code next} on another replica does not count, and
 * that replica's tick is then the one that skips.
 */
final class TickSkips {

    /** By campaign, when a {@code next} of it last finished here. */
    private final Map<String, Instant> stepped = new ConcurrentHashMap<>();
    /** When the previous tick began; null before the first. */
    private Instant previousTick;

    /** A {@code next} of campaign {@code id} finished its step at {@code at}. */
    void stepped(String id, Instant at) {
        stepped.merge(id, at, (held, now) -> now.isAfter(held) ? now : held);
    }

    /**
     * At the start of a tick at {@code now}: the campaigns of {@code running} (in their order) it
     * steps. Campaigns no longer running are forgotten.
     */
    synchronized List<String> due(Collection<String> running, Instant now) {
        Instant since = previousTick;
        previousTick = now;
        stepped.keySet().retainAll(running);
        List<String> out = new ArrayList<>();
        for (String id : running) {
            Instant last = stepped.get(id);
            if (since == null || last == null || last.isBefore(since)) {
                out.add(id);
            }
        }
        return out;
    }
}
