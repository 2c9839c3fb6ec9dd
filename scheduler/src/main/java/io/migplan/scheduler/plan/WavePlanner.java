package io.migplan.scheduler.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Orders migrations into waves: every migration of a wave may run at the same time.
 *
 * <p>Rules, each holding in every wave:
 * <ol>
 * <li>at most {@code maxParallel} migrations in the cluster;</li>
 * <li>at most {@code maxOutboundPerHost} leaving any one host, at most {@code maxInboundPerHost}
 * arriving at any one host;</li>
 * <li>a migration into a host comes in a later wave than every migration out of that host,
 * because it may need the capacity they free. In an evacuation targets are never sources, so
 * this only binds when one plan both empties and fills a host (campaign steps); a cycle of such
 * dependencies (two hosts swapping VMs) cannot be ordered and is broken at the migration met
 * first, which then waits for nothing.</li>
 * </ol>
 * Assignment: migrations sorted by dependency depth, then by how loaded their busiest end is
 * (the hosts with most migrations relative to their limit go first, since they decide the
 * number of waves), then source, target and VM name for a deterministic order; each goes into
 * the earliest wave after its dependencies with room on both ends and in the cluster. Without
 * dependencies this reaches the lower bound max(ceil(n / parallel), ceil(out_h / outbound),
 * ceil(in_h / inbound)) in the common cases; it is not guaranteed optimal (that is an edge
 * colouring problem).
 */
public final class WavePlanner {

    /** A migration to schedule. */
    public record Move(String vm, String from, String to) {
    }

    private WavePlanner() {
    }

    /** The wave (1-based) of each VM. */
    public static Map<String, Integer> plan(List<Move> moves, int maxOutboundPerHost, int maxInboundPerHost,
            int maxParallel) {
        Map<String, Integer> outCount = new HashMap<>();
        Map<String, Integer> inCount = new HashMap<>();
        Map<String, List<Move>> leaving = new HashMap<>();
        for (Move m : moves) {
            outCount.merge(m.from(), 1, Integer::sum);
            inCount.merge(m.to(), 1, Integer::sum);
            leaving.computeIfAbsent(m.from(), h -> new ArrayList<>()).add(m);
        }
        Map<Move, Integer> depth = new HashMap<>();
        moves.forEach(m -> depth(m, leaving, depth, new HashMap<>()));

        Comparator<Move> order = Comparator.<Move>comparingInt(depth::get)
                .thenComparing(Comparator.<Move>comparingDouble(m -> Math.max(
                        outCount.get(m.from()) / (double) maxOutboundPerHost,
                        inCount.get(m.to()) / (double) maxInboundPerHost)).reversed())
                .thenComparing(Move::from).thenComparing(Move::to).thenComparing(Move::vm);
        List<Move> sorted = new ArrayList<>(moves);
        sorted.sort(order);

        List<Integer> waveSize = new ArrayList<>();
        List<Map<String, Integer>> waveOut = new ArrayList<>();
        List<Map<String, Integer>> waveIn = new ArrayList<>();
        Map<String, Integer> lastWaveLeaving = new HashMap<>();
        Map<String, Integer> result = new HashMap<>();
        for (Move m : sorted) {
            // Dependencies were sorted earlier, so every migration out of the target has a wave by now.
            int earliest = lastWaveLeaving.getOrDefault(m.to(), -1) + 1;
            int w = earliest;
            while (true) {
                if (w == waveSize.size()) {
                    waveSize.add(0);
                    waveOut.add(new HashMap<>());
                    waveIn.add(new HashMap<>());
                }
                if (waveSize.get(w) < maxParallel
                        && waveOut.get(w).getOrDefault(m.from(), 0) < maxOutboundPerHost
                        && waveIn.get(w).getOrDefault(m.to(), 0) < maxInboundPerHost) {
                    break;
                }
                w++;
            }
            waveSize.set(w, waveSize.get(w) + 1);
            waveOut.get(w).merge(m.from(), 1, Integer::sum);
            waveIn.get(w).merge(m.to(), 1, Integer::sum);
            lastWaveLeaving.merge(m.from(), w, Math::max);
            result.put(m.vm(), w + 1);
        }
        return result;
    }

    /** Longest chain of "migrations out of my target" below a move; a cycle counts as no dependency. */
    private static int depth(Move m, Map<String, List<Move>> leaving, Map<Move, Integer> memo,
            Map<Move, Boolean> onPath) {
        Integer known = memo.get(m);
        if (known != null) {
            return known;
        }
        onPath.put(m, true);
        int d = 0;
        for (Move before : leaving.getOrDefault(m.to(), List.of())) {
            if (!onPath.containsKey(before)) {
                d = Math.max(d, depth(before, leaving, memo, onPath) + 1);
            }
        }
        onPath.remove(m);
        memo.put(m, d);
        return d;
    }

    /** The least number of waves any schedule needs, ignoring dependencies. */
    public static int lowerBound(List<Move> moves, int maxOutboundPerHost, int maxInboundPerHost, int maxParallel) {
        if (moves.isEmpty()) {
            return 0;
        }
        Map<String, Integer> out = new HashMap<>();
        Map<String, Integer> in = new HashMap<>();
        moves.forEach(m -> {
            out.merge(m.from(), 1, Integer::sum);
            in.merge(m.to(), 1, Integer::sum);
        });
        int bound = ceil(moves.size(), maxParallel);
        for (int n : out.values()) {
            bound = Math.max(bound, ceil(n, maxOutboundPerHost));
        }
        for (int n : in.values()) {
            bound = Math.max(bound, ceil(n, maxInboundPerHost));
        }
        return bound;
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
