package io.migplan.scheduler.snapshot;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The releases a fleet runs, oldest first in {@link Releases} order, each with its rank (0 the
 * oldest): the one answer to "which releases, in which order" for the planners (a host's release
 * rank), the fleet page (a release's colour, the release filter) and the campaign form (the
 * releases offered). Spellings the order calls equal ("2025.01", "2025.1") are one release and
 * share a rank; the list shows it under the spelling of the first host, by id, that runs it. A
 * host that reports no release runs {@link #NONE}, ranked as the order places it (oldest, before
 * any release that starts with a number). It decides nothing about which release may go where.
 */
public final class FleetReleases {

    /** The release of a host that reports none. */
    public static final String NONE = "";

    /** One spelling per release, oldest first. */
    private final List<String> oldestFirst;
    /** Every spelling a host runs, by its release's rank. */
    private final Map<String, Integer> ranks;

    private FleetReleases(List<String> oldestFirst, Map<String, Integer> ranks) {
        this.oldestFirst = oldestFirst;
        this.ranks = ranks;
    }

    /** The releases {@code hosts} run. */
    public static FleetReleases of(Collection<ClusterSnapshot.HostEntry> hosts) {
        Set<String> spellings = new HashSet<>();
        hosts.forEach(e -> spellings.add(of(e.view())));
        TreeSet<String> releases = new TreeSet<>(Releases.ORDER);
        hosts.forEach(e -> releases.add(of(e.view())));
        Map<String, Integer> ranks = new HashMap<>();
        spellings.forEach(r -> ranks.put(r, releases.headSet(r).size()));
        // Not Map.copyOf: callers look up a host's release as it is, null included.
        return new FleetReleases(List.copyOf(releases), Collections.unmodifiableMap(ranks));
    }

    /** The release host {@code h} runs: as it reports it, {@link #NONE} when it reports none. */
    public static String of(HostView h) {
        return h.release() == null ? NONE : h.release();
    }

    /** Each release once, oldest first, under the spelling of the first host that runs it. */
    public List<String> oldestFirst() {
        return oldestFirst;
    }

    /** The releases with a name, oldest first: {@link #oldestFirst} without a blank one. */
    public List<String> named() {
        List<String> out = new ArrayList<>(oldestFirst.size());
        oldestFirst.forEach(r -> {
            if (!r.isBlank()) {
                out.add(r);
            }
        });
        return List.copyOf(out);
    }

    /** Every spelling a host of the fleet runs ({@link #NONE} for none), by its release's rank. */
    public Map<String, Integer> ranks() {
        return ranks;
    }

    /**
     * The rank of {@code release} (null read as {@link #NONE}), 0 the oldest; -1 when no host of the
     * fleet runs that spelling.
     */
    public int rank(String release) {
        return ranks.getOrDefault(release == null ? NONE : release, -1);
    }
}
