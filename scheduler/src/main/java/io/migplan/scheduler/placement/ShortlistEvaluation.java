package io.migplan.scheduler.placement;

import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.placement.filter.DeviceAllocator;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.placement.filter.DeviceAllocator.Landing;
import io.migplan.scheduler.placement.FleetIndex.CodePhrase;
import io.migplan.scheduler.placement.FleetIndex.TypeColumn;
import io.migplan.scheduler.placement.Placement.Candidate;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.placement.TargetFinder.Evaluation;
import io.migplan.scheduler.placement.filter.AntiAffinityFilter;
import io.migplan.scheduler.placement.filter.CompatibilityFilter;
import io.migplan.scheduler.placement.filter.CpuMemoryFilter;
import io.migplan.scheduler.placement.filter.DeviceTypePresentFilter;
import io.migplan.scheduler.placement.filter.FreeInstanceFilter;
import io.migplan.scheduler.placement.filter.ReleaseDirectionFilter;
import io.migplan.scheduler.placement.filter.Tally;
import io.migplan.scheduler.compatibility.CompatibilityProber.Batch;
import io.migplan.scheduler.compatibility.ProbeOutcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * "Where can this VM move" as a {@link Shortlist}, over a {@link FleetIndex}: the rules of
 * {@link TargetFinder#cheapFilters} (host state, release direction, CPU, memory, anti-affinity,
 * device type, free instances), then the stored verdicts and the agents' answers, exactly as the
 * full answer applies them, but no sentence is written and no per-host list is kept. Each
 * rejection is a bit for its (code, phrase); a host's bits are counted by pattern, and the
 * summary and per-code counts are made from the patterns at the end. The rules stay in the
 * filters: this class asks them once per release, per group member and per verdict, and uses
 * their predicates and phrases for the per-host numbers. For the same fleet and verdicts it
 * gives what {@link Shortlist#of} derives from the full answer; the tests and the targets
 * benchmark hold it to that.
 *
 * <p>The common VM (one mdev whose source signature is known) reads verdicts from a column of
 * the index, so a warm question touches the matrix only for hosts whose verdict it has not seen
 * in this snapshot. Other VMs allocate on each passing host as the full answer does. A VM with
 * more than {@link #MAX_TYPES} device types is answered through the full evaluation.
 */
public final class ShortlistEvaluation {

    /** Two rejection bits per device type must fit in a 64-bit pattern beside the others; VMs have a few. */
    static final int MAX_TYPES = 24;

    private final PlacementRequest request;
    private final FleetIndex index;
    /** Set when the VM is answered through the full evaluation; nothing below is then used. */
    private final Evaluation full;
    private final Slots slots;
    private final int judged;
    private final Patterns rejected;
    private final int[] passed;
    private final int passedCount;
    /** The VM's one device and its type column when verdicts come from a column; else null. */
    private final DeviceRequest single;
    private final TypeColumn singleType;
    private final byte[] column;
    /** Landings of the passing hosts, in their order, when verdicts are looked up per landing; else null. */
    private final List<Landing>[] landings;
    private final Map<MatrixKey, StoredVerdict> stored;
    private final List<Batch> toAsk;
    /** Per passing host, in their order: whether its agent is in {@link #toAsk}. */
    private final boolean[] asking;

    private ShortlistEvaluation(PlacementRequest request, FleetIndex index, Evaluation full, Slots slots, int judged,
            Patterns rejected, int[] passed, int passedCount, DeviceRequest single, TypeColumn singleType,
            byte[] column, List<Landing>[] landings, Map<MatrixKey, StoredVerdict> stored, List<Batch> toAsk,
            boolean[] asking) {
        this.request = request;
        this.index = index;
        this.full = full;
        this.slots = slots;
        this.judged = judged;
        this.rejected = rejected;
        this.passed = passed;
        this.passedCount = passedCount;
        this.single = single;
        this.singleType = singleType;
        this.column = column;
        this.landings = landings;
        this.stored = stored;
        this.toAsk = toAsk;
        this.asking = asking;
    }

    /**
     * The part that needs no agent, over every host of the index but the VM's source: the cheap
     * rules counted, the verdicts {@code known} holds for the hosts that pass, and the batches
     * still to ask.
     */
    public static ShortlistEvaluation evaluate(PlacementRequest request, FleetIndex index, boolean allowBackward,
            Function<List<MatrixKey>, Map<MatrixKey, StoredVerdict>> known) {
        Map<String, Integer> need = request.countsByType();
        if (need.size() > MAX_TYPES) {
            List<HostView> others = Arrays.stream(index.views).filter(h -> !h.id().equals(request.sourceHost()))
                    .toList();
            Evaluation e = TargetFinder.evaluate(request, others, TargetFinder.cheapFilters(allowBackward), known);
            return new ShortlistEvaluation(request, index, e, null, 0, null, null, 0, null, null, null, null, null,
                    null, null);
        }
        Slots slots = new Slots(index.stateReasons);
        long cpu = slots.bit(CpuMemoryFilter.INSUFFICIENT_CPU, CpuMemoryFilter.TALLY_CPU);
        long memory = slots.bit(CpuMemoryFilter.INSUFFICIENT_MEMORY, CpuMemoryFilter.TALLY_MEMORY);
        // The release filter reads a host's release only: asked once per release in the fleet.
        ReleaseDirectionFilter releaseFilter = new ReleaseDirectionFilter(allowBackward);
        long[] byRelease = new long[index.releaseSamples.size()];
        for (int r = 0; r < byRelease.length; r++) {
            int at = r;
            releaseFilter.tally(request, index.releaseSamples.get(r), (code, phrase) -> byRelease[at] |= slots.bit(code,
                    phrase));
        }
        // Anti-affinity only concerns hosts running a VM of the same group: asked of those alone.
        AntiAffinityFilter affinity = new AntiAffinityFilter();
        int[] members = index.groupHosts(request.antiAffinityGroup());
        long[] byMember = new long[members.length];
        for (int k = 0; k < members.length; k++) {
            int at = k;
            affinity.tally(request, index.views[members[k]], (code, phrase) -> byMember[at] |= slots.bit(code, phrase));
        }
        String[] typeIds = need.keySet().toArray(String[]::new);
        int[][] available = new int[typeIds.length][];
        int[] needed = new int[typeIds.length];
        long[] noType = new long[typeIds.length];
        long[] noFree = new long[typeIds.length];
        for (int t = 0; t < typeIds.length; t++) {
            available[t] = index.type(typeIds[t]).available();
            needed[t] = need.get(typeIds[t]);
            noType[t] = slots.bit(DeviceTypePresentFilter.NO_DEVICE_TYPE, DeviceTypePresentFilter.phrase(typeIds[t]));
            noFree[t] = slots.bit(FreeInstanceFilter.NO_FREE_INSTANCE, FreeInstanceFilter.phrase(typeIds[t]));
        }

        int n = index.size();
        int source = index.position(request.sourceHost());
        long[] stateBits = index.stateBits;
        int[] releaseClass = index.releaseClass;
        int[] freeCpus = index.freeCpus;
        long[] freeMemory = index.freeMemoryMib;
        Patterns rejected = new Patterns();
        int[] passed = new int[n];
        int passedCount = 0;
        int member = 0;
        for (int i = 0; i < n; i++) {
            if (i == source) {
                continue;
            }
            long bits = stateBits[i] | byRelease[releaseClass[i]];
            if (CpuMemoryFilter.lacksCpu(request, freeCpus[i])) {
                bits |= cpu;
            }
            if (CpuMemoryFilter.lacksMemory(request, freeMemory[i])) {
                bits |= memory;
            }
            while (member < members.length && members[member] < i) {
                member++;
            }
            if (member < members.length && members[member] == i) {
                bits |= byMember[member];
            }
            // -1: DeviceTypePresentFilter.offers said no when the column was made.
            for (int t = 0; t < available.length; t++) {
                int a = available[t][i];
                if (a < 0) {
                    bits |= noType[t];
                } else if (FreeInstanceFilter.lacks(a, needed[t])) {
                    bits |= noFree[t];
                }
            }
            if (bits == 0) {
                passed[passedCount++] = i;
            } else {
                rejected.add(bits);
            }
        }
        int judged = source < 0 ? n : n - 1;

        List<Batch> toAsk = new ArrayList<>();
        boolean[] asking = new boolean[passedCount];
        List<DeviceRequest> devices = request.devices();
        if (devices.isEmpty()) {
            // Nothing lands, nothing is probed: every host that passed is a candidate.
            return new ShortlistEvaluation(request, index, null, slots, judged, rejected, passed, passedCount, null,
                    null, null, null, Map.of(), toAsk, asking);
        }
        if (devices.size() == 1 && !devices.get(0).sourceSignature().isEmpty()) {
            DeviceRequest d = devices.get(0);
            TypeColumn type = index.type(d.typeId());
            byte[] column = index.verdicts(d.typeId(), d.sourceSignature());
            List<MatrixKey> keys = new ArrayList<>();
            for (int k = 0; k < passedCount; k++) {
                int i = passed[k];
                if (column[i] == 0) {
                    keys.add(new MatrixKey(index.views[i].id(), type.roomiest()[i], d.typeId(), d.sourceSignature()));
                }
            }
            if (!keys.isEmpty()) {
                Map<MatrixKey, StoredVerdict> found = known.apply(keys);
                for (int k = 0; k < passedCount; k++) {
                    int i = passed[k];
                    if (column[i] != 0) {
                        continue;
                    }
                    HostView h = index.views[i];
                    StoredVerdict v = found.get(new MatrixKey(h.id(), type.roomiest()[i], d.typeId(),
                            d.sourceSignature()));
                    if (v != null) {
                        column[i] = FleetIndex.verdictCode(v.verdict());
                    } else {
                        asking[k] = true;
                        toAsk.add(new Batch(h.id(), h.agentEndpoint(),
                                TargetFinder.questions(h.id(), List.of(new Landing(d, type.roomiest()[i])))));
                    }
                }
            }
            return new ShortlistEvaluation(request, index, null, slots, judged, rejected, passed, passedCount, d, type,
                    column, null, Map.of(), toAsk, asking);
        }
        // Several mdevs (or one of unknown signature): allocate on each passing host as the full answer does.
        @SuppressWarnings("unchecked")
        List<Landing>[] landings = new List[passedCount];
        List<MatrixKey> keys = new ArrayList<>();
        for (int k = 0; k < passedCount; k++) {
            HostView h = index.views[passed[k]];
            landings[k] = DeviceAllocator.allocate(request, h).orElseThrow();
            for (Landing l : landings[k]) {
                if (!l.device().sourceSignature().isEmpty()) {
                    keys.add(TargetFinder.key(h.id(), l));
                }
            }
        }
        Map<MatrixKey, StoredVerdict> stored = keys.isEmpty() ? Map.of() : known.apply(keys);
        for (int k = 0; k < passedCount; k++) {
            HostView h = index.views[passed[k]];
            for (Landing l : landings[k]) {
                if (!stored.containsKey(TargetFinder.key(h.id(), l))) {
                    asking[k] = true;
                    toAsk.add(new Batch(h.id(), h.agentEndpoint(), TargetFinder.questions(h.id(), landings[k])));
                    break;
                }
            }
        }
        return new ShortlistEvaluation(request, index, null, slots, judged, rejected, passed, passedCount, null, null,
                null, landings, stored, toAsk, asking);
    }

    /** The hosts whose agents must be asked, one batch each. */
    public List<Batch> toAsk() {
        return full != null ? full.toAsk() : List.copyOf(toAsk);
    }

    /** The shortlist, given what the agents asked now answered, with at most {@code limit} candidates. */
    public Shortlist shortlist(Map<String, ProbeOutcome> asked, int limit) {
        if (full != null) {
            return Shortlist.of(full.placement(request, asked), limit);
        }
        Patterns patterns = rejected.copy();
        CompatibilityFilter compatibility = new CompatibilityFilter();
        long[] byVerdict = new long[Verdict.values().length + 1];
        for (Verdict v : Verdict.values()) {
            int code = FleetIndex.verdictCode(v);
            CompatibilityFilter.tally(v, (c, phrase) -> byVerdict[code] |= slots.bit(c, phrase));
        }
        long[] bits = new long[1];
        Tally sink = (c, phrase) -> bits[0] |= slots.bit(c, phrase);
        Best best = new Best(limit);
        int eligible = 0;
        for (int k = 0; k < passedCount; k++) {
            bits[0] = 0;
            if (asking[k]) {
                String id = index.views[passed[k]].id();
                compatibility.tally(landings(k), asked.getOrDefault(id, TargetFinder.NO_ANSWER), sink);
            } else if (single != null) {
                bits[0] = byVerdict[column[passed[k]]];
            } else if (landings != null) {
                String id = index.views[passed[k]].id();
                for (Landing l : landings[k]) {
                    CompatibilityFilter.tally(stored.get(TargetFinder.key(id, l)).verdict(), sink);
                }
            }
            if (bits[0] == 0) {
                eligible++;
                best.offer(k);
            } else {
                patterns.add(bits[0]);
            }
        }
        Map<String, Long> phrases = new HashMap<>();
        Map<String, Integer> codes = new HashMap<>();
        patterns.forEach((pattern, hosts) -> {
            for (String phrase : slots.distinct(pattern, CodePhrase::phrase)) {
                phrases.merge(phrase, (long) hosts, Long::sum);
            }
            for (String code : slots.distinct(pattern, CodePhrase::code)) {
                codes.merge(code, hosts, Integer::sum);
            }
        });
        return new Shortlist(request.vmName(), request.sourceHost(), Summary.of(eligible, judged, phrases), eligible,
                judged, best.list(), Shortlist.codeCounts(codes));
    }

    /** Where the VM's mdevs land on the {@code k}-th passing host. */
    private List<Landing> landings(int k) {
        if (single != null) {
            return List.of(new Landing(single, singleType.roomiest()[passed[k]]));
        }
        return landings == null ? List.of() : landings[k];
    }

    /** The landing parents on the {@code k}-th passing host, as the full answer's candidate lists them. */
    private String device(int k) {
        if (single != null) {
            return singleType.roomiest()[passed[k]];
        }
        return landings == null ? "" : TargetFinder.parents(landings[k]);
    }

    /** One bit per distinct (code, phrase) of this question; the host-state reasons keep the index's bits. */
    private static final class Slots {
        private final List<CodePhrase> all = new ArrayList<>();
        private final Map<CodePhrase, Integer> bitOf = new HashMap<>();

        Slots(List<CodePhrase> stateReasons) {
            stateReasons.forEach(r -> bit(r.code(), r.phrase()));
        }

        long bit(String code, String phrase) {
            CodePhrase key = new CodePhrase(code, phrase);
            Integer at = bitOf.get(key);
            if (at == null) {
                if (all.size() == Long.SIZE) {
                    throw new IllegalStateException("more than 64 distinct reasons in one question: " + all);
                }
                at = all.size();
                all.add(key);
                bitOf.put(key, at);
            }
            return 1L << at;
        }

        /** The distinct codes or phrases of the reasons whose bits are set in {@code pattern}. */
        List<String> distinct(long pattern, Function<CodePhrase, String> part) {
            List<String> out = new ArrayList<>(Long.bitCount(pattern));
            for (long rest = pattern; rest != 0; rest &= rest - 1) {
                String s = part.apply(all.get(Long.numberOfTrailingZeros(rest)));
                if (!out.contains(s)) {
                    out.add(s);
                }
            }
            return out;
        }
    }

    /**
     * How many hosts were rejected with each pattern of reason bits: a fleet shows a few dozen
     * patterns, so counting them is one probe per rejected host and no allocation. Open
     * addressing on the pattern; 0 (no reason) never occurs, so it marks an empty slot.
     */
    private static final class Patterns {
        private long[] keys = new long[64];
        private int[] counts = new int[64];
        private int size;

        void add(long pattern) {
            add(pattern, 1);
        }

        private void add(long pattern, int hosts) {
            int mask = keys.length - 1;
            int at = Long.hashCode(pattern * 0x9E3779B97F4A7C15L) & mask;
            while (keys[at] != 0 && keys[at] != pattern) {
                at = (at + 1) & mask;
            }
            if (keys[at] == 0) {
                keys[at] = pattern;
                size++;
            }
            counts[at] += hosts;
            if (size * 2 > keys.length) {
                grow();
            }
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldCounts = counts;
            keys = new long[oldKeys.length * 2];
            counts = new int[oldKeys.length * 2];
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != 0) {
                    add(oldKeys[i], oldCounts[i]);
                }
            }
        }

        Patterns copy() {
            Patterns p = new Patterns();
            p.keys = keys.clone();
            p.counts = counts.clone();
            p.size = size;
            return p;
        }

        void forEach(PatternCount action) {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i] != 0) {
                    action.accept(keys[i], counts[i]);
                }
            }
        }

        interface PatternCount {
            void accept(long pattern, int hosts);
        }
    }

    /**
     * The best {@code limit} candidates by the full answer's order (score descending, then host
     * id), kept sorted by insertion. Hosts are offered in index order, which is id order, so a
     * host never goes before an equal score already kept: scores alone decide, and a host that
     * cannot enter costs a score and no allocation.
     */
    private final class Best {
        private final Candidate[] top;
        private int size;

        Best(int limit) {
            top = new Candidate[limit];
        }

        /** Offers the {@code k}-th passing host. */
        void offer(int k) {
            if (top.length == 0) {
                return;
            }
            int i = passed[k];
            double score = Scorer.score(request, index.cpus[i], index.freeCpus[i], index.memoryMib[i],
                    index.freeMemoryMib[i]);
            if (size == top.length && Double.compare(score, top[size - 1].score()) <= 0) {
                return;
            }
            int at = size == top.length ? size - 1 : size++;
            while (at > 0 && Double.compare(score, top[at - 1].score()) > 0) {
                top[at] = top[at - 1];
                at--;
            }
            top[at] = new Candidate(index.views[i].id(), device(k), score);
        }

        List<Candidate> list() {
            return List.of(Arrays.copyOf(top, size));
        }
    }
}
