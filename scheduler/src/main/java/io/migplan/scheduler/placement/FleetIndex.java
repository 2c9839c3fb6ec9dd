package io.migplan.scheduler.placement;

import io.migplan.scheduler.snapshot.HostView;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.placement.filter.DeviceTypePresentFilter;
import io.migplan.scheduler.placement.filter.HostStateFilter;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a placement question reads of every host, laid out per snapshot in arrays indexed by
 * the host's position (snapshot order, i.e. by id): free vCPUs and memory, the host's state
 * reasons, its release, and per device type the free instances and the roomiest parent. A
 * question that counts over 5,000 hosts then walks a few arrays instead of 5,000 host views and
 * their maps. The snapshot is immutable, so the index is too, except for verdict columns, which
 * remember the stored verdicts already looked up for one source signature.
 *
 * <p>It holds facts, not rules: the filters decide (see {@link ShortlistEvaluation}). Built in one
 * pass over the views (their per-type offers are already computed); type and verdict columns on
 * first use. {@link Latest} keeps one, for the latest snapshot asked about.
 */
public final class FleetIndex {

    final ClusterSnapshot snapshot;
    final HostView[] views;
    private final Map<String, Integer> position;
    /** Per host, what VMs may be given and what is left of it: {@link HostView#allocatableCpus()}, {@link HostView#freeCpus()}. */
    final int[] cpus;
    final int[] freeCpus;
    final long[] memoryMib;
    final long[] freeMemoryMib;
    /** Per host, a bit per entry of {@link #stateReasons}: what the host-state filter says of it. */
    final long[] stateBits;
    /** The distinct (code, phrase) the host-state filter gave in this fleet, in order of first sight. */
    final List<CodePhrase> stateReasons;
    /** Per host, its release's position in {@link #releaseSamples}. */
    final int[] releaseClass;
    /** One host per distinct release (null and blank included), to ask the release filter once per release. */
    final List<HostView> releaseSamples;
    /** Anti-affinity group -> positions of the hosts running a VM of it, ascending. */
    private final Map<String, int[]> groupHosts;
    private final Map<String, TypeColumn> types = new ConcurrentHashMap<>();
    private final Map<VerdictColumnKey, byte[]> verdicts = new ConcurrentHashMap<>();

    /** A rejection as the summary counts it. */
    public record CodePhrase(String code, String phrase) {
    }

    /**
     * One device type across the fleet.
     *
     * @param available free instances per host, -1 where no parent offers the type (as {@link
     *                  DeviceTypePresentFilter#offers} says)
     * @param roomiest  per host, the parent one instance would land on; null where none is free
     */
    public record TypeColumn(int[] available, String[] roomiest) {
    }

    private record VerdictColumnKey(String typeId, String sourceSignature) {
    }

    /**
     * One slot: the index of the snapshot last asked about, built again when the snapshot changes
     * (the holder replaces snapshots, never edits them). Owned by whoever asks, never shared
     * through a static field.
     */
    public static final class Latest {
        private volatile FleetIndex last;

        /** The index of {@code snapshot}, built now unless it is the one last asked about. */
        public FleetIndex of(ClusterSnapshot snapshot) {
            FleetIndex index = last;
            if (index == null || index.snapshot != snapshot) {
                index = new FleetIndex(snapshot);
                last = index;
            }
            return index;
        }
    }

    FleetIndex(ClusterSnapshot snapshot) {
        this.snapshot = snapshot;
        int n = snapshot.hostCount();
        views = new HostView[n];
        position = new HashMap<>(2 * n);
        cpus = new int[n];
        freeCpus = new int[n];
        memoryMib = new long[n];
        freeMemoryMib = new long[n];
        stateBits = new long[n];
        releaseClass = new int[n];
        Map<CodePhrase, Integer> states = new LinkedHashMap<>();
        Map<String, Integer> releases = new HashMap<>();
        List<HostView> samples = new ArrayList<>();
        Map<String, List<Integer>> groups = new HashMap<>();
        HostStateFilter stateFilter = new HostStateFilter();
        int i = 0;
        for (var e : snapshot.hosts()) {
            HostView h = e.view();
            views[i] = h;
            position.put(h.id(), i);
            cpus[i] = h.allocatableCpus();
            freeCpus[i] = h.freeCpus();
            memoryMib[i] = h.allocatableMemoryMib();
            freeMemoryMib[i] = h.freeMemoryMib();
            int at = i;
            stateFilter.tally(null, h, (code, phrase) -> {
                int bit = states.computeIfAbsent(new CodePhrase(code, phrase), k -> states.size());
                if (bit >= Long.SIZE) {
                    throw new IllegalStateException("more than 64 distinct host-state reasons: " + states.keySet());
                }
                stateBits[at] |= 1L << bit;
            });
            // Keyed by the release string itself; the release filter reads nothing else of a host.
            releaseClass[i] = releases.computeIfAbsent(h.release(), k -> {
                samples.add(h);
                return samples.size() - 1;
            });
            for (String group : h.antiAffinityGroups().keySet()) {
                groups.computeIfAbsent(group, k -> new ArrayList<>()).add(i);
            }
            i++;
        }
        stateReasons = List.copyOf(states.keySet());
        releaseSamples = List.copyOf(samples);
        Map<String, int[]> g = new HashMap<>();
        groups.forEach((group, at) -> g.put(group, at.stream().mapToInt(Integer::intValue).toArray()));
        groupHosts = g;
    }

    /** How many hosts. */
    public int size() {
        return views.length;
    }

    /** The position of host {@code id}, or -1. */
    public int position(String id) {
        Integer at = id == null ? null : position.get(id);
        return at == null ? -1 : at;
    }

    /** Positions of the hosts running a VM of anti-affinity group {@code group}, ascending. */
    int[] groupHosts(String group) {
        int[] at = group == null ? null : groupHosts.get(group);
        return at == null ? new int[0] : at;
    }

    /** The column of {@code typeId}, made on first use from the views' per-type offers. */
    public TypeColumn type(String typeId) {
        return types.computeIfAbsent(typeId, t -> {
            int[] available = new int[views.length];
            String[] roomiest = new String[views.length];
            for (int i = 0; i < views.length; i++) {
                HostView h = views[i];
                available[i] = DeviceTypePresentFilter.offers(h, t) ? h.availableInstances(t) : -1;
                ParentView p = h.roomiest(t);
                roomiest[i] = p == null ? null : p.address();
            }
            return new TypeColumn(available, roomiest);
        });
    }

    /**
     * Per host, the stored verdict on one instance of {@code typeId} landing on its roomiest
     * parent, for state of {@code sourceSignature}, as {@link #verdictCode}; 0 while not known.
     * Filled by callers once they have looked a verdict up: a verdict valid for a host's
     * generation stays valid while this snapshot holds that generation (a newer report or
     * generation means a new snapshot, and the matrix does not re-ask a cell that is valid).
     */
    byte[] verdicts(String typeId, String sourceSignature) {
        return verdicts.computeIfAbsent(new VerdictColumnKey(typeId, sourceSignature), k -> new byte[views.length]);
    }

    /** A verdict as a verdict column holds it: never 0, which means not known. */
    static byte verdictCode(Verdict v) {
        return (byte) (v.ordinal() + 1);
    }

    static Verdict verdictOf(byte code) {
        return VERDICTS[code - 1];
    }

    private static final Verdict[] VERDICTS = Verdict.values();
}
