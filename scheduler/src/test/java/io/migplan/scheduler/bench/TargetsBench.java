package io.migplan.scheduler.bench;

import io.migplan.scheduler.auth.LocalTokens;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.auth.SigningKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.scheduler.placement.FleetIndex;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.HostView.TypeView;
import io.migplan.scheduler.placement.Placement;
import io.migplan.scheduler.placement.Placement.HostRejection;
import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.placement.Shortlist;
import io.migplan.scheduler.placement.ShortlistEvaluation;
import io.migplan.scheduler.placement.TargetFinder;
import io.migplan.scheduler.placement.TargetFinder.Evaluation;
import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.api.rest.TargetsResponse;
import io.migplan.scheduler.api.rest.TargetsSummaryResponse;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.VmRecord;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Latency of "where can this VM move" ({@code GET /api/v1/vms/{id}/targets}) on a warm
 * in-memory snapshot whose compatibility matrix already holds every verdict, so no agent is
 * asked and what is measured is the scheduler's own work. Per question, in one warm JVM:
 * the full answer as {@code TargetFinder.find} builds it (snapshot lookup, the other hosts, the
 * cheap filters with all their reasons, landings, stored verdicts, candidates, rejections,
 * summary); separately its JSON as the REST layer writes it; and two baselines that only ask
 * every other host "has it a free instance of the VM's types", the floor of any diagnosis that
 * visits every host: one scans each host's parents and types as a naive loop would, the other
 * reads per-type totals computed once per fleet (one lookup per host). Then, in the same run, the
 * summary view ({@code ?view=summary}: {@link ShortlistEvaluation} over the {@link FleetIndex},
 * default limit) and its JSON, starting with the same questions; each summary of a question also
 * answered in full is checked against the one the full answer implies; then the same summary
 * questions again ("sum-warm"), when the index's verdict columns hold what the first pass looked
 * up, as they do between two changes of the snapshot. Not a test; run it with
 * {@code bin/bench-targets}.
 *
 * <p>Arguments: {@code --sizes 100,1000,5000} host counts; {@code --queries 20000} questions per
 * size and form (fewer when they would take longer than {@code --budget 60} seconds per form, so
 * the full form often answers fewer); {@code --seed 42}.
 * Each size also prints a SHA-256 of the JSON of its first timed answers (full and summary), so
 * two builds of the scheduler can be shown to give the same answers to the same questions.
 */
public final class TargetsBench {

    /** Questions on a 200-host fleet before any timing, so the JIT has compiled the hot paths. */
    static final int WARM_UP_QUESTIONS = 20_000;
    /** Questions on each fleet before its timing: its own shapes (longer host lists) get compiled and cached too. */
    static final int WARM_UP_PER_SIZE = 500;
    /** Questions whose reasons are tallied, to show that every filter rejects some hosts. */
    static final int TALLIED = 200;
    /** Answers digested per size: the warm-up per size guarantees at least this many timed questions. */
    static final int DIGESTED = WARM_UP_PER_SIZE;
    /** Candidates in a summary: the REST default. */
    static final int LIMIT = 10;
    /** The summary's index of the latest snapshot, as TargetFinder keeps one. */
    static final FleetIndex.Latest INDEXES = new FleetIndex.Latest();
    /** The scheduler's own tokens, with a key made for this run: each request's check is verifying one. */
    static final LocalTokens TOKENS = new LocalTokens(SigningKeys.loadOrCreate(tempKeyDir()), Duration.ofDays(1));
    /** A viewer's token, as a dashboard asking for summaries would send. */
    static final String VIEWER_TOKEN = TOKENS.issue("bench", Roles.VIEWER, Duration.ofHours(12), Instant.now()).token();
    /** What {@code GET /vms/{id}/targets} declares. */
    static final Set<String> TARGETS_ROLES = Set.of(Roles.VIEWER);

    /** Tokens verified once each, for the first time: the full signature check a new token gets. */
    static long[] firstChecks() {
        int n = 2000;
        List<String> fresh = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            fresh.add(TOKENS.issue("bench-" + i, Roles.VIEWER, Duration.ofHours(1), Instant.now()).token());
        }
        long[] times = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            if (!Roles.permits(TOKENS.verify(fresh.get(i)).roles(), TARGETS_ROLES)) {
                throw new IllegalStateException("a viewer token was refused");
            }
            times[i] = System.nanoTime() - t0;
        }
        Arrays.sort(times);
        return times;
    }

    private static Path tempKeyDir() {
        try {
            return Files.createTempDirectory("migplan-bench-keys").resolve("keys");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = options(args);
        int[] sizes = Arrays.stream(opts.getOrDefault("sizes", "100,1000,5000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int queries = Integer.parseInt(opts.getOrDefault("queries", "20000"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        double budgetSeconds = Double.parseDouble(opts.getOrDefault("budget", "60"));
        ObjectMapper mapper = new ObjectMapper();
        Instant now = Instant.parse("2025-06-01T12:00:00Z");

        Bench warm = new Bench(FleetSnapshot.of(FleetGenerator.generate(200, seed + 1), now, seed + 1), mapper, now);
        warm.run(WARM_UP_QUESTIONS, WARM_UP_QUESTIONS, new Random(seed + 1), false);

        System.out.printf(Locale.ROOT, "%-8s %-6s %7s %7s %8s %8s %8s %8s %8s %8s %8s %9s %8s %8s %8s%n", "view",
                "hosts", "vms", "queries", "p50_ms", "p90_ms", "p99_ms", "max_ms", "json_p50", "json_p99", "json_kb",
                "scan_p50", "idx_p50", "x_scan", "x_idx");
        for (int size : sizes) {
            long t0 = System.nanoTime();
            FleetSnapshot fleet = FleetSnapshot.of(FleetGenerator.generate(size, seed), now, seed);
            long built = (System.nanoTime() - t0) / 1_000_000;
            long t1 = System.nanoTime();
            INDEXES.of(fleet.snapshot());
            double indexed = (System.nanoTime() - t1) / 1e6;
            Bench bench = new Bench(fleet, mapper, now);
            Random r = new Random(seed);
            Timings w = bench.run(WARM_UP_PER_SIZE, WARM_UP_PER_SIZE, r, false);
            double perQuestion = (w.mean(w.answer) + w.mean(w.json) + w.mean(w.scan) + w.mean(w.indexed)) / 1e9;
            double perSummary = (w.mean(w.shortlist) + w.mean(w.shortJson)) / 1e9;
            int n = (int) Math.max(WARM_UP_PER_SIZE, Math.min(queries, budgetSeconds / perQuestion));
            int m = (int) Math.max(n, Math.min(queries, budgetSeconds / perSummary));
            Timings t = bench.run(n, m, r, true);
            ClusterSnapshot s = fleet.snapshot();
            System.out.printf(Locale.ROOT,
                    "%-8s %-6d %7d %7d %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %8.0f %9.3f %8.3f %8.2f %8.1f%n", "full",
                    s.hostCount(), s.vmCount(), n, ms(t.answer, 0.50), ms(t.answer, 0.90), ms(t.answer, 0.99),
                    ms(t.answer, 1.0), ms(t.json, 0.50), ms(t.json, 0.99), t.jsonBytes / (double) n / 1024,
                    ms(t.scan, 0.50), ms(t.indexed, 0.50), ms(t.answer, 0.50) / ms(t.scan, 0.50),
                    ms(t.answer, 0.50) / ms(t.indexed, 0.50));
            System.out.printf(Locale.ROOT,
                    "%-8s %-6d %7d %7d %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %8.2f %9s %8s %8.2f %8.1f%n", "summary",
                    s.hostCount(), s.vmCount(), m, ms(t.shortlist, 0.50), ms(t.shortlist, 0.90),
                    ms(t.shortlist, 0.99), ms(t.shortlist, 1.0), ms(t.shortJson, 0.50), ms(t.shortJson, 0.99),
                    t.shortJsonBytes / (double) m / 1024, "-", "-", ms(t.shortlist, 0.50) / ms(t.scan, 0.50),
                    ms(t.shortlist, 0.50) / ms(t.indexed, 0.50));
            System.out.printf(Locale.ROOT, "%-8s %-6d %7d %7d %8.3f %8.3f %8.3f %8.3f%n", "sum-warm", s.hostCount(),
                    s.vmCount(), m, ms(t.shortWarm, 0.50), ms(t.shortWarm, 0.90), ms(t.shortWarm, 0.99),
                    ms(t.shortWarm, 1.0));
            System.out.printf(Locale.ROOT, "%-8s %-6d %7d %7d %8.3f %8.3f %8.3f %8.3f%n", "sum+json", s.hostCount(),
                    s.vmCount(), m, ms(t.plain, 0.50), ms(t.plain, 0.90), ms(t.plain, 0.99), ms(t.plain, 1.0));
            System.out.printf(Locale.ROOT, "%-8s %-6d %7d %7d %8.3f %8.3f %8.3f %8.3f%n", "sum+tok", s.hostCount(),
                    s.vmCount(), m, ms(t.checked, 0.50), ms(t.checked, 0.90), ms(t.checked, 0.99), ms(t.checked, 1.0));
            long[] first = firstChecks();
            System.out.printf(Locale.ROOT, "#      the token check alone (the same viewer token on every call, as a"
                    + " dashboard sends it; verified once, then remembered): p50 %.3f ms, p99 %.3f ms; the first check"
                    + " of each of %d new tokens (RS256 signature, issuer, expiry): p50 %.3f ms, p99 %.3f ms;"
                    + " sum+json and sum+tok alternate question by question%n", ms(t.tokenCheck, 0.50),
                    ms(t.tokenCheck, 0.99), first.length, ms(first, 0.50), ms(first, 0.99));
            System.out.printf(Locale.ROOT, "#      p99: scan %.3f ms, indexed %.3f ms, answer+json %.3f ms;"
                    + " %d verdicts stored; snapshot built in %d ms; mean eligible %.0f of %d%n", ms(t.scan, 0.99),
                    ms(t.indexed, 0.99), ms(t.total, 0.99), fleet.verdictCount(), built, t.eligible / (double) n,
                    s.hostCount() - 1);
            System.out.printf(Locale.ROOT, "#      summary p99 with its JSON %.3f ms; fleet index built in %.1f ms"
                    + " (type and verdict columns on first use); each of the first %d summaries"
                    + " equals the one derived from the full answer to the same question%n", ms(t.shortTotal, 0.99),
                    indexed, n);
            System.out.println("#      sha256 of the first " + DIGESTED + " answers' JSON: " + t.digest);
            System.out.println("#      sha256 of the first " + DIGESTED + " summaries' JSON: " + t.shortDigest);
            System.out.println("#      reasons over " + TALLIED + " questions: " + t.codes);
            System.out.println("#      e.g. " + t.example);
        }
    }

    /** Per-question times in nanoseconds, and what the answers held. */
    static final class Timings {
        final long[] answer;
        final long[] json;
        final long[] scan;
        final long[] indexed;
        /** Answer and JSON together: what one request costs the scheduler. */
        final long[] total;
        /** The summary view, its JSON, and both together. */
        final long[] shortlist;
        final long[] shortJson;
        final long[] shortTotal;
        /** The same summary questions again, every verdict column of the fleet index filled by the first pass. */
        final long[] shortWarm;
        /**
         * Warm summaries with their JSON, without and with the check a request's bearer token gets
         * (verifying the signature and expiry, then the role), alternating question by question so
         * both see the same machine; and the check alone.
         */
        final long[] plain;
        final long[] checked;
        final long[] tokenCheck;
        final MessageDigest sha = sha256();
        final MessageDigest shortSha = sha256();
        String digest = "";
        String shortDigest = "";
        long jsonBytes;
        long shortJsonBytes;
        long eligible;
        final Map<String, Integer> codes = new TreeMap<>();
        String example = "";

        Timings(int n, int m) {
            answer = new long[n];
            json = new long[n];
            scan = new long[n];
            indexed = new long[n];
            total = new long[n];
            shortlist = new long[m];
            shortJson = new long[m];
            shortTotal = new long[m];
            shortWarm = new long[m];
            plain = new long[(m + 1) / 2];
            checked = new long[m / 2];
            tokenCheck = new long[m / 2];
        }

        double mean(long[] times) {
            return Arrays.stream(times).average().orElse(0);
        }
    }

    /** One fleet's questions. */
    static final class Bench {
        final FleetSnapshot fleet;
        final ObjectMapper mapper;
        final Instant now;
        /** Keeps the baseline's result alive so the JIT cannot drop the loop. */
        long sink;

        Bench(FleetSnapshot fleet, ObjectMapper mapper, Instant now) {
            this.fleet = fleet;
            this.mapper = mapper;
            this.now = now;
        }

        /**
         * {@code n} questions answered in full (with JSON and baselines), then {@code m >= n}
         * questions as summaries, the first {@code n} of them the same questions, each checked
         * against the summary the full answer implies. Two passes, so neither form's garbage
         * lands in the other's pauses.
         */
        Timings run(int n, int m, Random r, boolean tally) throws Exception {
            Timings t = new Timings(n, m);
            List<String> names = fleet.vmNames();
            String[] asked = new String[m];
            for (int i = 0; i < m; i++) {
                asked[i] = names.get(r.nextInt(names.size()));
            }
            Shortlist[] expected = new Shortlist[n];
            for (int i = 0; i < n; i++) {
                String vm = asked[i];
                long t0 = System.nanoTime();
                Placement p = answer(vm);
                long t1 = System.nanoTime();
                byte[] json = mapper.writeValueAsBytes(TargetsResponse.of(p));
                long t2 = System.nanoTime();
                int scanned = scan(vm);
                long t3 = System.nanoTime();
                int looked = indexed(vm);
                long t4 = System.nanoTime();
                expected[i] = Shortlist.of(p, LIMIT);
                if (scanned != looked) {
                    throw new IllegalStateException("VM " + vm + ": the two baselines disagree");
                }
                sink += looked;
                t.answer[i] = t1 - t0;
                t.json[i] = t2 - t1;
                t.total[i] = t2 - t0;
                t.scan[i] = t3 - t2;
                t.indexed[i] = t4 - t3;
                if (i < DIGESTED) {
                    t.sha.update(json);
                }
                t.jsonBytes += json.length;
                t.eligible += p.candidates().size();
                if (tally && i < TALLIED) {
                    for (HostRejection h : p.rejected()) {
                        h.reasons().stream().map(Rejection::code).distinct().forEach(c -> t.codes.merge(c, 1, Integer::sum));
                    }
                    if (t.example.isEmpty() && !p.candidates().isEmpty() && p.rejected().size() > 1) {
                        t.example = p.vm() + " on " + p.sourceHost() + ": " + p.summary();
                    }
                }
            }
            for (int i = 0; i < m; i++) {
                String vm = asked[i];
                long t0 = System.nanoTime();
                Shortlist sl = shortlist(vm);
                long t1 = System.nanoTime();
                byte[] json = mapper.writeValueAsBytes(TargetsSummaryResponse.of(sl));
                long t2 = System.nanoTime();
                if (i < n && !sl.equals(expected[i])) {
                    throw new IllegalStateException("VM " + vm + ": the summary " + sl
                            + " differs from the one the full answer gives: " + expected[i]);
                }
                t.shortlist[i] = t1 - t0;
                t.shortJson[i] = t2 - t1;
                t.shortTotal[i] = t2 - t0;
                t.shortJsonBytes += json.length;
                if (i < DIGESTED) {
                    t.shortSha.update(json);
                }
            }
            for (int i = 0; i < m; i++) {
                long t0 = System.nanoTime();
                sink += shortlist(asked[i]).eligible();
                t.shortWarm[i] = System.nanoTime() - t0;
            }
            for (int i = 0; i < m; i++) {
                long t0 = System.nanoTime();
                if (i % 2 == 1) {
                    LocalTokens.Caller caller = TOKENS.verify(VIEWER_TOKEN);
                    if (!Roles.permits(Roles.implied(caller.roles()), TARGETS_ROLES)) {
                        throw new IllegalStateException("the viewer token was refused");
                    }
                }
                long t1 = System.nanoTime();
                byte[] json = mapper.writeValueAsBytes(TargetsSummaryResponse.of(shortlist(asked[i])));
                long t2 = System.nanoTime();
                sink += json.length;
                if (i % 2 == 1) {
                    t.checked[i / 2] = t2 - t0;
                    t.tokenCheck[i / 2] = t1 - t0;
                } else {
                    t.plain[i / 2] = t2 - t0;
                }
            }
            t.digest = HexFormat.of().formatHex(t.sha.digest());
            t.shortDigest = HexFormat.of().formatHex(t.shortSha.digest());
            for (long[] times : List.of(t.answer, t.json, t.total, t.scan, t.indexed, t.shortlist, t.shortJson,
                    t.shortTotal, t.shortWarm, t.plain, t.checked, t.tokenCheck)) {
                Arrays.sort(times);
            }
            return t;
        }

        /** What TargetFinder.find does when the matrix holds every verdict. */
        Placement answer(String ref) {
            ClusterSnapshot snapshot = fleet.snapshot();
            VmRecord vm = snapshot.resolve(ref);
            PlacementRequest request = vm.request(now);
            List<HostView> others = snapshot.hosts().stream().map(HostEntry::view)
                    .filter(h -> !h.id().equals(vm.host())).toList();
            Evaluation e = TargetFinder.evaluate(request, others, TargetFinder.cheapFilters(false), fleet::cached);
            if (!e.toAsk().isEmpty()) {
                throw new IllegalStateException("VM " + ref + ": " + e.toAsk().size()
                        + " hosts would be asked; the generated matrix should hold every verdict");
            }
            return e.placement(request, Map.of());
        }

        /** What TargetFinder.shortlist does when the matrix holds every verdict. */
        Shortlist shortlist(String ref) {
            ClusterSnapshot snapshot = fleet.snapshot();
            VmRecord vm = snapshot.resolve(ref);
            PlacementRequest request = vm.request(now);
            ShortlistEvaluation e = ShortlistEvaluation.evaluate(request, INDEXES.of(snapshot), false,
                    fleet::cached);
            if (!e.toAsk().isEmpty()) {
                throw new IllegalStateException("VM " + ref + ": " + e.toAsk().size()
                        + " hosts would be asked; the generated matrix should hold every verdict");
            }
            return e.shortlist(Map.of(), LIMIT);
        }

        /** The other hosts with a free instance of each of the VM's types; no reasons, no landings, no JSON. */
        int scan(String ref) {
            ClusterSnapshot snapshot = fleet.snapshot();
            VmRecord vm = snapshot.resolve(ref);
            int eligible = 0;
            for (HostEntry e : snapshot.hosts()) {
                HostView h = e.view();
                if (h.id().equals(vm.host())) {
                    continue;
                }
                boolean ok = true;
                for (DeviceRequest d : vm.devices()) {
                    int free = 0;
                    for (ParentView p : h.parents()) {
                        for (TypeView t : p.types()) {
                            if (t.typeId().equals(d.typeId())) {
                                free += t.availableInstances();
                            }
                        }
                    }
                    if (free == 0) {
                        ok = false;
                        break;
                    }
                }
                eligible += ok ? 1 : 0;
            }
            return eligible;
        }

        /** As {@link #scan}, from per-type totals computed once per fleet. */
        int indexed(String ref) {
            VmRecord vm = fleet.snapshot().resolve(ref);
            int eligible = 0;
            for (FleetSnapshot.Free h : fleet.free()) {
                if (h.host().equals(vm.host())) {
                    continue;
                }
                boolean ok = true;
                for (DeviceRequest d : vm.devices()) {
                    if (h.byType().getOrDefault(d.typeId(), 0) == 0) {
                        ok = false;
                        break;
                    }
                }
                eligible += ok ? 1 : 0;
            }
            return eligible;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The q-quantile (nearest rank) of sorted nanoseconds, in milliseconds. */
    static double ms(long[] sorted, double q) {
        int i = Math.max(0, (int) Math.ceil(q * sorted.length) - 1);
        return sorted[i] / 1e6;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got " + String.join(" ", args));
            }
            out.put(args[i].substring(2), args[++i]);
        }
        return out;
    }
}
