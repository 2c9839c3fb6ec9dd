package io.migplan.scheduler.evacuation;

import io.migplan.scheduler.error.Reason;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.TypeDemand;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.compatibility.VerdictMeaning;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.placement.filter.DeviceAllocator;
import io.migplan.scheduler.placement.filter.DeviceAllocator.Landing;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.HostView.TypeView;
import io.migplan.scheduler.placement.Placement.HostRejection;
import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.Releases;
import io.migplan.scheduler.placement.Summary;
import io.migplan.scheduler.placement.filter.HostFilter;
import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.compatibility.CompatibilityProber.Batch;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.DeviceSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.ParentSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.TargetSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.VmSpec;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.VmRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Turns "empty these hosts" into an {@link EvacuationProblem}: every other host is fixed
 * capacity, every VM on the hosts is a VM to move, and each VM's eligible targets are the
 * (host, parent) pairs that pass the placement filters and whose agent said COMPATIBLE for the
 * VM's device signature. Anti-affinity and capacity among the moving VMs are left to the
 * planner; the filters here judge each VM alone. Verdicts missing from the matrix are asked
 * (once per cell, in one batch per host) through {@code ask}; an unanswered cell makes that
 * target ineligible with the reason kept. A VM with no eligible target carries the diagnosis.
 */
public final class EvacuationProblemBuilder {

    /**
     * Code of the reason carrying the filters' diagnosis for a VM that has no eligible target
     * (the planner adds its own NO_ELIGIBLE_TARGET line before it).
     */
    public static final String FILTER_DIAGNOSIS = "FILTER_DIAGNOSIS";

    private final List<HostFilter> filters;
    private final Function<List<MatrixKey>, Map<MatrixKey, StoredVerdict>> known;
    private final Function<List<Batch>, Map<MatrixKey, ProbeAnswer>> ask;

    /**
     * @param filters the per-VM filters (without anti-affinity, which the planner weighs across VMs)
     * @param known   valid stored verdicts among the keys given
     * @param ask     asks agents the batches given and returns their answers by cell
     */
    public EvacuationProblemBuilder(List<HostFilter> filters,
            Function<List<MatrixKey>, Map<MatrixKey, StoredVerdict>> known,
            Function<List<Batch>, Map<MatrixKey, ProbeAnswer>> ask) {
        this.filters = List.copyOf(filters);
        this.known = known;
        this.ask = ask;
    }

    public EvacuationProblem build(String id, ClusterSnapshot snapshot, Set<String> evacuating, Instant now) {
        List<HostView> targets = new ArrayList<>();
        List<VmRecord> moving = new ArrayList<>();
        for (HostEntry e : snapshot.hosts()) {
            if (evacuating.contains(e.view().id())) {
                moving.addAll(e.vms());
            } else {
                targets.add(e.view());
            }
        }
        Map<String, Integer> ranks = releaseRanks(snapshot);

        // Pass 1: which cells does any VM need, and which of them does the matrix lack?
        Map<VmRecord, Map<String, List<Option>>> options = new LinkedHashMap<>();
        Map<VmRecord, List<HostRejection>> rejections = new HashMap<>();
        Set<MatrixKey> needed = new LinkedHashSet<>();
        Map<MatrixKey, ProbeQuestion> questions = new LinkedHashMap<>();
        for (VmRecord vm : moving) {
            PlacementRequest request = vm.request(now);
            Map<String, List<Option>> perHost = new LinkedHashMap<>();
            List<HostRejection> rejected = new ArrayList<>();
            for (HostView host : targets) {
                List<Rejection> reasons = new ArrayList<>();
                filters.forEach(f -> reasons.addAll(f.filter(request, host)));
                if (vm.unresolved() != null) {
                    reasons.add(new Rejection("INVENTORY_INCOMPLETE", vm.unresolved(), "inventory incomplete"));
                }
                if (!reasons.isEmpty()) {
                    rejected.add(new HostRejection(host.id(), reasons));
                    continue;
                }
                List<Option> opts = options(request, host);
                perHost.put(host.id(), opts);
                for (Option o : opts) {
                    for (int i = 0; i < o.parents().size(); i++) {
                        DeviceRequest d = request.devices().get(i);
                        MatrixKey k = new MatrixKey(host.id(), o.parents().get(i), d.typeId(), d.sourceSignature());
                        if (needed.add(k)) {
                            questions.put(k, k.question("e" + questions.size(), d.source()));
                        }
                    }
                }
            }
            options.put(vm, perHost);
            rejections.put(vm, rejected);
        }
        Map<MatrixKey, StoredVerdict> stored = needed.isEmpty() ? Map.of() : known.apply(List.copyOf(needed));
        Map<MatrixKey, ProbeAnswer> answers = new HashMap<>();
        stored.forEach((k, v) -> answers.put(k, v.toAnswer("")));
        Map<String, List<ProbeQuestion>> missing = new LinkedHashMap<>();
        questions.forEach((k, q) -> {
            if (!stored.containsKey(k)) {
                missing.computeIfAbsent(k.targetHost(), h -> new ArrayList<>()).add(q);
            }
        });
        if (!missing.isEmpty()) {
            Map<String, String> endpoints = new HashMap<>();
            targets.forEach(h -> endpoints.put(h.id(), h.agentEndpoint()));
            answers.putAll(ask.apply(missing.entrySet().stream()
                    .map(e -> new Batch(e.getKey(), endpoints.get(e.getKey()), e.getValue())).toList()));
        }

        // Pass 2: eligible targets are the options whose every cell the agent called COMPATIBLE.
        List<VmSpec> vms = new ArrayList<>();
        for (VmRecord vm : moving) {
            PlacementRequest request = vm.request(now);
            List<TargetSpec> eligible = new ArrayList<>();
            List<HostRejection> rejected = new ArrayList<>(rejections.get(vm));
            for (var e : options.get(vm).entrySet()) {
                List<Rejection> refusals = new ArrayList<>();
                for (Option o : e.getValue()) {
                    Rejection refusal = null;
                    for (int i = 0; i < o.parents().size() && refusal == null; i++) {
                        DeviceRequest d = request.devices().get(i);
                        MatrixKey k = new MatrixKey(e.getKey(), o.parents().get(i), d.typeId(), d.sourceSignature());
                        refusal = refusal(e.getKey(), k, answers.get(k));
                    }
                    if (refusal == null) {
                        eligible.add(new TargetSpec(e.getKey(), o.parents()));
                    } else {
                        refusals.add(refusal);
                    }
                }
                if (e.getValue().isEmpty()) {
                    refusals.add(new Rejection("NO_FREE_INSTANCE", "host " + e.getKey() + " has no parent to land on",
                            "no free instance"));
                }
                if (eligible.stream().noneMatch(t -> t.host().equals(e.getKey()))) {
                    rejected.add(new HostRejection(e.getKey(), refusals));
                }
            }
            List<Reason> why = eligible.isEmpty()
                    ? List.of(new Reason(FILTER_DIAGNOSIS, "VM " + vm.name() + ": "
                            + Summary.of(0, rejected)))
                    : List.of();
            String domain = snapshot.host(vm.host()).map(h -> h.view().failureDomain()).orElse("");
            vms.add(new VmSpec(vm.uuid(), vm.name(), vm.host(), vm.vcpus(), vm.memoryMib(), devices(request, snapshot),
                    vm.antiAffinityGroup(), domain, eligible, why));
        }
        List<HostSpec> hosts = targets.stream().map(h -> hostSpec(h, ranks)).toList();
        return new EvacuationProblem(id, hosts, vms, evacuating);
    }

    /** A way to land the VM's devices on one host: a parent per device, in device order. */
    private record Option(List<String> parents) {
    }

    /**
     * Single-device VMs may land on any parent with the type free (the planner chooses the GPU);
     * a VM with several devices gets the allocator's landing, one parent per device.
     */
    private static List<Option> options(PlacementRequest request, HostView host) {
        if (request.devices().isEmpty()) {
            return List.of(new Option(List.of()));
        }
        if (request.devices().size() == 1) {
            String type = request.devices().get(0).typeId();
            List<Option> out = new ArrayList<>();
            for (ParentView p : host.parentsWith(type)) {
                if (p.type(type).map(TypeView::availableInstances).orElse(0) > 0) {
                    out.add(new Option(List.of(p.address())));
                }
            }
            return out;
        }
        return DeviceAllocator.allocate(request, host)
                .map(ls -> List.of(new Option(ls.stream().map(Landing::parent).toList())))
                .orElse(List.of());
    }

    private static Rejection refusal(String host, MatrixKey k, ProbeAnswer a) {
        String where = "host " + host + ": " + k.targetTypeId() + " on " + k.targetParent();
        if (a == null) {
            return new Rejection(VerdictMeaning.PROBE_UNKNOWN, where + " gave no compatibility answer",
                    VerdictMeaning.TALLY_UNKNOWN);
        }
        Verdict v = a.getVerdict();
        if (VerdictMeaning.compatible(v)) {
            return null;
        }
        String says = (a.getCode().isEmpty() ? "" : a.getCode() + ": ") + a.getMessage();
        return new Rejection(VerdictMeaning.code(v), where + (v == Verdict.VERDICT_INCOMPATIBLE
                ? " does not accept the state - " : " compatibility unknown - ") + says, VerdictMeaning.tally(v));
    }

    /** Each device's type and the framebuffer one instance takes, from the source parent's capacity model. */
    public static List<DeviceSpec> devices(PlacementRequest request, ClusterSnapshot snapshot) {
        List<DeviceSpec> out = new ArrayList<>();
        for (DeviceRequest d : request.devices()) {
            long fb = snapshot.host(request.sourceHost()).stream()
                    .flatMap(h -> h.view().parents().stream())
                    .filter(p -> p.address().equals(d.sourceParent()))
                    .map(p -> p.capacity().getDemandOrDefault(d.typeId(), TypeDemand.getDefaultInstance())
                            .getResourcesOrDefault("framebuffer_mib", 0L))
                    .findFirst().orElse(0L);
            out.add(new DeviceSpec(d.typeId(), fb));
        }
        return out;
    }

    /** The host as the planners see it: capacity, what its VMs use, its parents' free instances. */
    public static HostSpec hostSpec(HostView h, Map<String, Integer> ranks) {
        List<ParentSpec> parents = new ArrayList<>();
        for (ParentView p : h.parents()) {
            Map<String, Integer> available = new HashMap<>();
            p.types().forEach(t -> available.put(t.typeId(), t.availableInstances()));
            parents.add(new ParentSpec(p.address(), p.board(),
                    p.capacity() == null ? Capacity.getDefaultInstance() : p.capacity(), available));
        }
        Map<String, Integer> groups = new HashMap<>();
        h.antiAffinityGroups().keySet().forEach(g -> groups.put(g, 1));
        return new HostSpec(h.id(), h.release(), ranks.getOrDefault(h.release(), 0), h.cpus(), h.usedCpus(),
                h.memoryMib(), h.usedMemoryMib(), h.failureDomain(), parents, groups, h.allocation());
    }

    /** Release -> rank, 0 the oldest, in {@link Releases} order. */
    public static Map<String, Integer> releaseRanks(ClusterSnapshot snapshot) {
        TreeSet<String> releases = new TreeSet<>(Releases.ORDER);
        snapshot.hosts().forEach(e -> releases.add(e.view().release() == null ? "" : e.view().release()));
        // Spellings the order calls equal ("2025.01", "2025.1") share a rank.
        Map<String, Integer> out = new HashMap<>();
        snapshot.hosts().forEach(e -> {
            String r = e.view().release() == null ? "" : e.view().release();
            out.put(r, releases.headSet(r).size());
        });
        return out;
    }
}
