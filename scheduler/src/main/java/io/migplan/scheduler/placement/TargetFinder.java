package io.migplan.scheduler.placement;

import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.placement.filter.DeviceAllocator;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.scheduler.compatibility.CompatibilityMatrix;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.placement.filter.DeviceAllocator.Landing;
import io.migplan.scheduler.placement.Placement.Candidate;
import io.migplan.scheduler.placement.Placement.HostRejection;
import io.migplan.scheduler.placement.filter.AntiAffinityFilter;
import io.migplan.scheduler.placement.filter.CompatibilityFilter;
import io.migplan.scheduler.placement.filter.CpuMemoryFilter;
import io.migplan.scheduler.placement.filter.DeviceTypePresentFilter;
import io.migplan.scheduler.placement.filter.FreeInstanceFilter;
import io.migplan.scheduler.placement.filter.HostFilter;
import io.migplan.scheduler.placement.filter.HostStateFilter;
import io.migplan.scheduler.placement.filter.ReleaseDirectionFilter;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.metrics.SchedulerMetrics;
import io.migplan.scheduler.compatibility.CompatibilityProber;
import io.migplan.scheduler.compatibility.CompatibilityProber.Batch;
import io.migplan.scheduler.compatibility.ProbeOutcome;
import io.migplan.scheduler.compatibility.Verdicts;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.migplan.scheduler.snapshot.VmRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Answers "where can this VM move?": runs the cheap filters on every other host and keeps
 * all their reasons, then asks the agents of the hosts that passed (one batch each, in
 * parallel, under the probe deadline) and applies their verdicts. Verdicts come from the
 * {@link CompatibilityMatrix} when it holds them for the host's current generation; what it
 * lacks is asked now and stored. Every other host ends up
 * a candidate with a score and a landing device, or rejected with reasons. It reserves
 * nothing: the answer may be stale a moment later. {@link #shortlist} gives the same decision
 * without the per-host reasons (see {@link ShortlistEvaluation}), fast enough to ask per VM.
 */
@ApplicationScoped
public class TargetFinder {

    /** Cheap rules first, in the order their reasons are listed. */
    public static List<HostFilter> cheapFilters(boolean allowBackward) {
        return List.of(new HostStateFilter(), new ReleaseDirectionFilter(allowBackward), new CpuMemoryFilter(),
                new AntiAffinityFilter(), new DeviceTypePresentFilter(), new FreeInstanceFilter());
    }

    @Inject
    ClusterSnapshotHolder snapshots;
    @Inject
    Verdicts verdicts;
    @Inject
    Clock clock;
    @Inject
    MigplanConfig config;
    @Inject
    SchedulerMetrics metrics;

    /** The summary's per-snapshot arrays, for the latest snapshot. */
    private final FleetIndex.Latest indexes = new FleetIndex.Latest();

    /**
     * @throws io.migplan.scheduler.error.UnknownObjectException when no VM has that UUID or name
     * @throws io.migplan.scheduler.error.AmbiguousNameException when VMs on several hosts carry the name
     * @throws IncompleteInventoryException when the VM's devices cannot be resolved
     */
    public Placement find(String vmRef) {
        long start = System.nanoTime();
        try {
            return findNow(vmRef);
        } finally {
            metrics.targets("full", System.nanoTime() - start);
        }
    }

    private Placement findNow(String vmRef) {
        // Everything is read from the in-memory snapshot: no database round trip, and every
        // host is judged against the same picture of the fleet.
        ClusterSnapshot snapshot = snapshots.current();
        PlacementRequest request = request(snapshot, vmRef);
        List<HostView> others = snapshot.hosts().stream().map(HostEntry::view)
                .filter(h -> !h.id().equals(request.sourceHost())).toList();

        // Verdicts already in the matrix at the host's current generation are used as they are;
        // a host with any cell missing is asked now, under the deadline, and its answers stored.
        Evaluation first = evaluate(request, others, cheapFilters(config.placement().allowBackward()),
                keys -> verdicts.stored(snapshot, keys));
        if (first.toAsk().isEmpty()) {
            return first.placement(request, Map.of());
        }
        // Stored at the generation each host held in the snapshot the question was judged on.
        return first.placement(request, verdicts.ask(snapshot, first.toAsk()));
    }

    /**
     * The same decision as {@link #find}, as a {@link Shortlist}: its summary and counts, the best
     * {@code limit} candidates, hosts per rejection code. Agents are asked exactly as for
     * {@link #find}; no sentence is written.
     *
     * @throws io.migplan.scheduler.error.UnknownObjectException when no VM has that UUID or name
     * @throws io.migplan.scheduler.error.AmbiguousNameException when VMs on several hosts carry the name
     * @throws IncompleteInventoryException when the VM's devices cannot be resolved
     */
    public Shortlist shortlist(String vmRef, int limit) {
        long start = System.nanoTime();
        try {
            return shortlistNow(vmRef, limit);
        } finally {
            metrics.targets("summary", System.nanoTime() - start);
        }
    }

    private Shortlist shortlistNow(String vmRef, int limit) {
        ClusterSnapshot snapshot = snapshots.current();
        PlacementRequest request = request(snapshot, vmRef);
        ShortlistEvaluation first = ShortlistEvaluation.evaluate(request, indexes.of(snapshot),
                config.placement().allowBackward(), keys -> verdicts.stored(snapshot, keys));
        List<Batch> toAsk = first.toAsk();
        if (toAsk.isEmpty()) {
            return first.shortlist(Map.of(), limit);
        }
        return first.shortlist(verdicts.ask(snapshot, toAsk), limit);
    }

    private PlacementRequest request(ClusterSnapshot snapshot, String vmRef) {
        VmRecord vm = snapshot.resolve(vmRef);
        if (vm.unresolved() != null) {
            throw new IncompleteInventoryException(vm.unresolved());
        }
        return vm.request(clock.instant());
    }

    /**
     * The part of the answer that needs no agent: the cheap filters on every host (all their
     * reasons kept), a landing for each host that passes, the verdicts {@code known} already
     * holds, and the batches still to ask. Pure, so it is tested and measured without beans.
     */
    public static Evaluation evaluate(PlacementRequest request, List<HostView> others, List<HostFilter> cheap,
            Function<List<MatrixKey>, Map<MatrixKey, StoredVerdict>> known) {
        // Sized for the whole fleet up front: growing them host by host showed up in profiles.
        int capacity = others.size() * 4 / 3 + 1;
        Map<String, List<Rejection>> reasons = new LinkedHashMap<>(capacity);
        Map<String, List<Landing>> passed = new LinkedHashMap<>(capacity);
        Map<String, HostView> byId = new HashMap<>(capacity);
        for (HostView host : others) {
            byId.put(host.id(), host);
            List<Rejection> found = null;
            for (HostFilter f : cheap) {
                List<Rejection> r = f.filter(request, host);
                if (!r.isEmpty()) {
                    if (found == null) {
                        found = new ArrayList<>(2);
                    }
                    found.addAll(r);
                }
            }
            if (found == null) {
                // The cheap filters guarantee enough free instances, so allocation succeeds.
                passed.put(host.id(), DeviceAllocator.allocate(request, host).orElseThrow());
            } else {
                reasons.put(host.id(), found);
            }
        }
        List<MatrixKey> keys = new ArrayList<>();
        passed.forEach((h, landings) -> landings.forEach(l -> {
            if (!l.device().sourceSignature().isEmpty()) {
                keys.add(key(h, l));
            }
        }));
        Map<MatrixKey, StoredVerdict> stored = keys.isEmpty() ? Map.of() : known.apply(keys);
        Map<String, ProbeOutcome> outcomes = new HashMap<>();
        List<Batch> batches = new ArrayList<>();
        for (var e : passed.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            HostView host = byId.get(e.getKey());
            Map<String, ProbeAnswer> answers = new HashMap<>();
            for (Landing l : e.getValue()) {
                StoredVerdict v = stored.get(key(host.id(), l));
                if (v == null) {
                    answers = null;
                    break;
                }
                answers.put(l.device().uuid(), v.toAnswer(l.device().uuid()));
            }
            if (answers != null) {
                outcomes.put(host.id(), new ProbeOutcome.Answered(host.agentEndpoint(), answers));
            } else {
                batches.add(new Batch(host.id(), host.agentEndpoint(), questions(host.id(), e.getValue())));
            }
        }
        return new Evaluation(byId, reasons, passed, outcomes, List.copyOf(batches));
    }

    /** What {@link #evaluate} found; {@link #placement} completes it with the agents' answers. */
    public record Evaluation(Map<String, HostView> hosts, Map<String, List<Rejection>> reasons,
            Map<String, List<Landing>> passed, Map<String, ProbeOutcome> outcomes, List<Batch> toAsk) {

        /** Every host a candidate or rejected, given what the agents asked now answered. */
        public Placement placement(PlacementRequest request, Map<String, ProbeOutcome> asked) {
            CompatibilityFilter compatibility = new CompatibilityFilter();
            List<HostRejection> rejected = new ArrayList<>(reasons.size() + passed.size());
            reasons.forEach((host, r) -> rejected.add(new HostRejection(host, List.copyOf(r))));
            List<Candidate> candidates = new ArrayList<>(passed.size());
            for (var e : passed.entrySet()) {
                HostView host = hosts.get(e.getKey());
                ProbeOutcome outcome = outcomes.containsKey(host.id()) ? outcomes.get(host.id())
                        : asked.getOrDefault(host.id(), NO_ANSWER);
                List<Rejection> verdicts = compatibility.filter(host, e.getValue(), outcome);
                if (verdicts.isEmpty()) {
                    candidates.add(new Candidate(host.id(), parents(e.getValue()), Scorer.score(request, host)));
                } else {
                    rejected.add(new HostRejection(host.id(), List.copyOf(verdicts)));
                }
            }
            candidates.sort(Comparator.comparingDouble(Candidate::score).reversed().thenComparing(Candidate::host));
            // Hosts usually arrive in id order, which this sort then only checks.
            rejected.sort(Comparator.comparing(HostRejection::host));
            List<HostRejection> all = List.copyOf(rejected);
            return new Placement(request.vmName(), request.sourceHost(), Summary.of(candidates.size(), all),
                    List.copyOf(candidates), all);
        }
    }

    /** What a host's agent said when nobody asked it. */
    static final ProbeOutcome NO_ANSWER = new ProbeOutcome.Answered("", Map.of());

    /** The distinct parents the landings use, sorted, comma separated. */
    static String parents(List<Landing> landings) {
        if (landings.isEmpty()) {
            return "";
        }
        if (landings.size() == 1) {
            return landings.get(0).parent();
        }
        return landings.stream().map(Landing::parent).distinct().sorted().collect(Collectors.joining(","));
    }

    static MatrixKey key(String host, Landing l) {
        return new MatrixKey(host, l.parent(), l.device().typeId(), l.device().sourceSignature());
    }

    static List<ProbeQuestion> questions(String host, List<Landing> landings) {
        return landings.stream().map(l -> key(host, l).question(l.device().uuid(), l.device().source())).toList();
    }
}
