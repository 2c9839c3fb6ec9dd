package io.migplan.scheduler.evacuation.planner;

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
 * Assignment, one wave at a time: the migrations whose dependencies are done are ordered by
 * how many waves their busiest end still needs at its limit (the hosts that decide the number
 * of waves go first), then by remaining load, dependency depth, source, target and VM name
 * (so the order is total and the result deterministic), and taken while the wave has room.
 * Without dependencies this reaches the lower bound max(ceil(n / parallel),
 * ceil(out_h / outbound), ceil(in_h / inbound)) in the cases tested; it is not guaranteed
 * optimal (scheduling with per-host capacities is an edge-colouring problem).
 */
public final class WavePlanner {

    /** A migration to schedule; {@code vm} identifies the VM (a plan gives its UUID). */
    public record Move(String vm, String from, String to) {
    }

    private WavePlanner() {
    }

    /** The wave (1-based) of each VM, by {@link Move#vm}. */
    public static Map<String, Integer> plan(List<Move> moves, int maxOutboundPerHost, int maxInboundPerHost,
            int maxParallel) {
        Map<String, Integer> outLeft = new HashMap<>();
        Map<String, Integer> inLeft = new HashMap<>();
        Map<String, List<Move>> leaving = new HashMap<>();
        for (Move m : moves) {
            outLeft.merge(m.from(), 1, Integer::sum);
            inLeft.merge(m.to(), 1, Integer::sum);
            leaving.computeIfAbsent(m.from(), h -> new ArrayList<>()).add(m);
        }
        Map<Move, Integer> depth = new HashMap<>();
        moves.forEach(m -> depth(m, leaving, depth, new HashMap<>()));

        List<Move> left = new ArrayList<>(moves);
        left.sort(Comparator.comparing(Move::vm));
        Map<String, Integer> result = new HashMap<>();
        Map<String, Integer> leavingHost = new HashMap<>();
        leaving.forEach((h, list) -> leavingHost.put(h, list.size()));
        int wave = 0;
        while (!left.isEmpty()) {
            wave++;
            // Waves a host still needs at its limit: the busiest ends decide how many waves there are.
            Comparator<Move> urgency = Comparator.<Move>comparingInt(m -> Math.max(
                            ceil(outLeft.get(m.from()), maxOutboundPerHost), ceil(inLeft.get(m.to()), maxInboundPerHost)))
                    .thenComparingInt(m -> outLeft.get(m.from()) + inLeft.get(m.to()))
                    .thenComparingInt(depth::get)
                    .reversed()
                    .thenComparing(Move::from).thenComparing(Move::to).thenComparing(Move::vm);
            List<Move> ordered = new ArrayList<>(left);
            ordered.sort(urgency);
            Map<String, Integer> out = new HashMap<>();
            Map<String, Integer> in = new HashMap<>();
            List<Move> taken = new ArrayList<>();
            for (Move m : ordered) {
                if (taken.size() == maxParallel) {
                    break;
                }
                // Waits while migrations out of its target are still unscheduled (or in this wave).
                if (leavingHost.getOrDefault(m.to(), 0) > 0 && !cycleOnly(m, leaving, result, depth)) {
                    continue;
                }
                if (out.getOrDefault(m.from(), 0) < maxOutboundPerHost && in.getOrDefault(m.to(), 0) < maxInboundPerHost) {
                    out.merge(m.from(), 1, Integer::sum);
                    in.merge(m.to(), 1, Integer::sum);
                    taken.add(m);
                }
            }
            if (taken.isEmpty()) {
                throw new IllegalStateException("no migration can start: dependencies do not resolve");
            }
            for (Move m : taken) {
                result.put(m.vm(), wave);
                outLeft.merge(m.from(), -1, Integer::sum);
                inLeft.merge(m.to(), -1, Integer::sum);
                leavingHost.merge(m.from(), -1, Integer::sum);
            }
            left.removeAll(taken);
        }
        return result;
    }

    /**
     * Whether every unscheduled migration out of {@code m}'s target waits, in turn, on {@code m}
     * (a cycle): then {@code m} goes first instead of waiting forever.
     */
    private static boolean cycleOnly(Move m, Map<String, List<Move>> leaving, Map<String, Integer> scheduled,
            Map<Move, Integer> depth) {
        for (Move before : leaving.getOrDefault(m.to(), List.of())) {
            if (!scheduled.containsKey(before.vm()) && depth.get(before) < depth.get(m)) {
                return false;
            }
        }
        return true;
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
