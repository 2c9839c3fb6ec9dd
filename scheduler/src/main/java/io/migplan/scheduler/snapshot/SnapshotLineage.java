package io.migplan.scheduler.snapshot;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * The hosts each snapshot of one line of descent changed, so that an index kept beside the
 * snapshots ({@code FleetSources}) follows them host by host instead of comparing every host at
 * every update. A line is the snapshots each derived from the newest one before it, as {@link
 * ClusterSnapshotHolder} derives them; a snapshot derived from one that is no longer the newest
 * (the second derived from the same one: the holder's next, or a rollback count's what-if) starts
 * a line of its own, so a line never holds two snapshots of one version, and an index that meets
 * another line walks the fleet once. It remembers the last {@link #KEPT} changes: an index further
 * behind is told so and walks the fleet once.
 */
final class SnapshotLineage {

    /**
     * Changes remembered at most: minutes of a busy fleet's reports. A change is usually one
     * host's id (a reconcile's may name many), so the line holds a few dozen kilobytes.
     */
    static final int KEPT = 1_024;

    private record Change(long version, Set<String> hosts) {
    }

    private final ArrayDeque<Change> changes = new ArrayDeque<>();
    private long latest;

    /**
     * The version of a snapshot derived from the one of version {@code parent} with {@code hosts}
     * changed, or -1 when {@code parent} is not the newest of this line (the caller starts a new
     * line).
     */
    synchronized long next(long parent, Collection<String> hosts) {
        if (parent != latest) {
            return -1;
        }
        latest++;
        changes.addLast(new Change(latest, Set.copyOf(hosts)));
        if (changes.size() > KEPT) {
            changes.removeFirst();
        }
        return latest;
    }

    /**
     * The hosts changed between the snapshots of versions {@code a} and {@code b} of this line,
     * in either order; empty when a change between them is no longer remembered.
     */
    synchronized Optional<Set<String>> between(long a, long b) {
        long from = Math.min(a, b);
        long to = Math.max(a, b);
        if (from == to) {
            return Optional.of(Set.of());
        }
        if (changes.isEmpty() || changes.peekFirst().version() > from + 1 || to > latest) {
            return Optional.empty();
        }
        Set<String> hosts = new HashSet<>();
        for (Iterator<Change> it = changes.descendingIterator(); it.hasNext(); ) {
            Change c = it.next();
            if (c.version() <= from) {
                break;
            }
            if (c.version() <= to) {
                hosts.addAll(c.hosts());
            }
        }
        return Optional.of(hosts);
    }
}
