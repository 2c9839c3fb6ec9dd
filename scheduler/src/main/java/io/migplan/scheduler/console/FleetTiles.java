package io.migplan.scheduler.console;

import io.migplan.scheduler.error.Texts;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.FleetReleases;
import io.migplan.scheduler.snapshot.HostView;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The fleet page's picture of the fleet: every host one tile, coloured by its release, marked by
 * its liveness (UP, STALE, DOWN) and admin state, grouped by board and then failure domain, with the
 * counts the filters leave. A pure function of the snapshot's host views, the filter and the hosts a
 * label filter selected; it decides nothing about placement.
 */
public final class FleetTiles {

    /** Colours the page has for releases ({@code .r0} .. {@code .r7} in console.css); more releases share them. */
    static final int PALETTE = 8;
    /** What the page calls the release of a host that reports none. */
    static final String UNKNOWN = "unknown";
    /** The board group of a host without devices. */
    static final String NO_DEVICES = "no devices";
    /** The failure-domain group of a host that names none. */
    static final String NO_DOMAIN = "no failure domain";

    private FleetTiles() {
    }

    /** What the page's filters ask; null or blank fields filter nothing. */
    public record Filter(String release, String board, String state, String label) {

        /** The states the state filter offers: liveness, then admin state. */
        public static final List<String> STATES = List.of("UP", "STALE", "DOWN", "ACTIVE", "DRAINING", "MAINTENANCE");

        /** What is wrong with this filter, as a sentence, or null. */
        public String problem() {
            if (set(state) && !STATES.contains(state)) {
                return "state must be one of " + STATES + ", got '" + Texts.escaped(state) + "'";
            }
            if (set(label)) {
                int eq = label.indexOf('=');
                if (eq <= 0 || eq == label.length() - 1) {
                    return "label must be key=value, e.g. gpu-board=T4; got '" + Texts.escaped(label) + "'";
                }
                String why = Texts.problem("label", label, Texts.MAX_ID);
                if (why != null) {
                    return why;
                }
            }
            for (String v : new String[] {release, board}) {
                String why = Texts.problem("filter", v, Texts.MAX_ID);
                if (why != null) {
                    return why;
                }
            }
            return null;
        }

        /** The label filter's key; null without one. */
        public String labelKey() {
            return set(label) ? label.substring(0, label.indexOf('=')).strip() : null;
        }

        /** The label filter's value; null without one. */
        public String labelValue() {
            return set(label) ? label.substring(label.indexOf('=') + 1).strip() : null;
        }

        public boolean hasLabel() {
            return set(label);
        }

        static boolean set(String s) {
            return s != null && !s.isBlank();
        }
    }

    /** One host's tile: its link, the classes that colour it, the line shown on hover. */
    public record Tile(String id, String href, String css, String title) {
    }

    public record Domain(String name, List<Tile> tiles) {
    }

    public record Board(String name, int hosts, List<Domain> domains) {
    }

    /** How many of the hosts shown have a value, with the release's colour class where there is one. */
    public record Count(String name, int hosts, String css) {
    }

    /**
     * The page's content: the groups of tiles, the counts of the hosts shown, and what the filters
     * may choose from (every release, board and state of the whole fleet).
     */
    public record View(int shown, int total, List<Board> boards, List<Count> releases, List<Count> states,
            List<Count> adminStates, List<String> releaseOptions, List<String> boardOptions) {
    }

    /**
     * The fleet under {@code filter}; {@code labelled} are the hosts carrying the filter's label (null
     * when it names none).
     */
    public static View of(Collection<ClusterSnapshot.HostEntry> hosts, Filter filter, Set<String> labelled) {
        FleetReleases releases = FleetReleases.of(hosts);
        TreeSet<String> boardNames = new TreeSet<>();
        // Each release shown, by its rank: its colour and place are its rank's, the same for every spelling.
        Map<String, Integer> rank = new HashMap<>();
        for (ClusterSnapshot.HostEntry e : hosts) {
            rank.putIfAbsent(release(e.view()), releases.rank(e.view().release()));
            boardNames.add(board(e.view()));
        }
        Function<String, String> colour = r -> "r" + (rank.get(r) % PALETTE);
        List<String> releaseOptions = releases.oldestFirst().stream().map(r -> r.isBlank() ? UNKNOWN : r).distinct()
                .toList();
        Predicate<HostView> shown = v -> matches(v, filter) && (labelled == null || labelled.contains(v.id()));
        Map<String, Map<String, List<Tile>>> groups = new TreeMap<>();
        Map<String, Integer> byRelease = new TreeMap<>(Comparator.comparing(rank::get));
        Map<String, Integer> byState = new LinkedHashMap<>();
        Map<String, Integer> byAdmin = new LinkedHashMap<>();
        for (HostState s : HostState.values()) {
            byState.put(s.name(), 0);
        }
        for (AdminState s : AdminState.values()) {
            byAdmin.put(s.name(), 0);
        }
        int count = 0;
        for (ClusterSnapshot.HostEntry e : hosts) {
            HostView v = e.view();
            if (!shown.test(v)) {
                continue;
            }
            count++;
            String release = release(v);
            byRelease.merge(release, 1, Integer::sum);
            byState.merge(v.state().name(), 1, Integer::sum);
            byAdmin.merge(v.adminState().name(), 1, Integer::sum);
            groups.computeIfAbsent(board(v), b -> new TreeMap<>())
                    .computeIfAbsent(domain(v), d -> new ArrayList<>())
                    .add(new Tile(v.id(), href(v.id()), "t " + colour.apply(release) + " s-" + v.state().name() + " a-"
                            + v.adminState().name(), title(v)));
        }
        List<Board> boards = new ArrayList<>();
        groups.forEach((board, domains) -> {
            List<Domain> ds = new ArrayList<>();
            int[] n = {0};
            domains.forEach((d, tiles) -> {
                tiles.sort(Comparator.comparing(Tile::id));
                n[0] += tiles.size();
                ds.add(new Domain(d, List.copyOf(tiles)));
            });
            boards.add(new Board(board, n[0], List.copyOf(ds)));
        });
        List<Count> releaseCounts = new ArrayList<>();
        byRelease.forEach((r, n) -> releaseCounts.add(new Count(r, n, colour.apply(r))));
        List<Count> stateCounts = new ArrayList<>();
        byState.forEach((s, n) -> stateCounts.add(new Count(s, n, "s-" + s)));
        List<Count> adminCounts = new ArrayList<>();
        byAdmin.forEach((s, n) -> adminCounts.add(new Count(s, n, "a-" + s)));
        return new View(count, hosts.size(), List.copyOf(boards), List.copyOf(releaseCounts), List.copyOf(stateCounts),
                List.copyOf(adminCounts), releaseOptions, List.copyOf(boardNames));
    }

    static boolean matches(HostView v, Filter f) {
        if (Filter.set(f.release()) && !f.release().equals(release(v))) {
            return false;
        }
        if (Filter.set(f.board()) && !f.board().equals(board(v))) {
            return false;
        }
        if (Filter.set(f.state())) {
            return f.state().equals(v.state().name()) || f.state().equals(v.adminState().name());
        }
        return true;
    }

    static String release(HostView v) {
        return v.release() == null || v.release().isBlank() ? UNKNOWN : v.release();
    }

    /** The host's board group: its parents' boards, sorted and joined with "+" when it has several. */
    static String board(HostView v) {
        TreeSet<String> boards = new TreeSet<>();
        for (HostView.ParentView p : v.parents()) {
            if (p.board() != null && !p.board().isBlank()) {
                boards.add(p.board());
            }
        }
        return boards.isEmpty() ? NO_DEVICES : String.join("+", boards);
    }

    static String domain(HostView v) {
        return v.failureDomain() == null || v.failureDomain().isBlank() ? NO_DOMAIN : v.failureDomain();
    }

    static String title(HostView v) {
        return v.id() + " · " + release(v) + " · " + v.state() + " · " + v.adminState()
                + (v.adminReason() == null || v.adminReason().isBlank() ? "" : " (" + v.adminReason() + ")")
                + " · " + board(v) + " · " + domain(v);
    }

    /** The host page of {@code id}. */
    public static String href(String id) {
        return ConsolePaths.ROOT + "/hosts/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
