package io.migplan.scheduler.evacuation;

import io.migplan.scheduler.error.Reason;
import io.migplan.capacity.CapacityUnit;
import io.migplan.proto.v1.CapacityRule;
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
import io.migplan.scheduler.placement.Placement.HostRejection;
import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    /** The filters that judge a device class at once, and those that read the VM's size or identity. */
    private final List<HostFilter> classFilters;
    private final List<HostFilter> sizeFilters;
    /** Whether some filter reads more of a VM than its size: then nothing is shared between VMs. */
    private final boolean perVm;
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
        this.classFilters = this.filters.stream().filter(f -> f.reads() == HostFilter.Reads.DEVICES).toList();
        this.sizeFilters = this.filters.stream().filter(f -> f.reads() != HostFilter.Reads.DEVICES).toList();
        this.perVm = this.filters.stream().anyMatch(f -> f.reads() == HostFilter.Reads.VM);
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
        Map<String, Integer> ranks = snapshot.releases().ranks();

        // Pass 1: per device class, the hosts the class-wide filters pass and the ways to land
        // there; which cells any class needs, and which of them the matrix lacks.
        Map<DeviceClass, ClassTargets> classes = new LinkedHashMap<>();
        for (VmRecord vm : moving) {
            classes.computeIfAbsent(DeviceClass.of(vm), k -> new ClassTargets(vm.request(now)));
        }
        // Each cell once, with the facts of the source that holds its signature (for the question).
        Map<MatrixKey, SourceFacts> needed = new LinkedHashMap<>();
        for (var e : classes.entrySet()) {
            if (e.getKey().unresolved()) {
                continue; // eligible nowhere, nothing to ask
            }
            ClassTargets c = e.getValue();
            PlacementRequest request = c.sample;
            for (HostView host : targets) {
                if (!passes(classFilters, request, host)) {
                    continue;
                }
                List<Option> opts = options(request, host);
                c.candidates.add(new Candidate(host, opts));
                for (Option o : opts) {
                    for (int i = 0; i < o.parents().size(); i++) {
                        DeviceRequest d = request.devices().get(i);
                        needed.putIfAbsent(new MatrixKey(host.id(), o.parents().get(i), d.typeId(),
                                d.sourceSignature()), d.source());
                    }
                }
            }
        }
        Map<MatrixKey, StoredVerdict> stored = needed.isEmpty() ? Map.of()
                : known.apply(List.copyOf(needed.keySet()));
        Map<String, List<ProbeQuestion>> missing = new LinkedHashMap<>();
        int asked = 0;
        for (var e : needed.entrySet()) {
            if (!stored.containsKey(e.getKey())) {
                missing.computeIfAbsent(e.getKey().targetHost(), h -> new ArrayList<>())
                        .add(e.getKey().question("e" + asked++, e.getValue()));
            }
        }
        Map<MatrixKey, ProbeAnswer> answered = Map.of();
        if (!missing.isEmpty()) {
            Map<String, String> endpoints = new HashMap<>();
            targets.forEach(h -> endpoints.put(h.id(), h.agentEndpoint()));
            answered = ask.apply(missing.entrySet().stream()
                    .map(e -> new Batch(e.getKey(), endpoints.get(e.getKey()), e.getValue())).toList());
        }
        Answers answers = new Answers(stored, answered);

        // Pass 2: per class, the landings whose every cell the agent called COMPATIBLE; per VM
        // size (or per VM, when a filter reads more of it), those on hosts with its room, one
        // list shared by the VMs alike. Sentences only for VMs left with no target.
        List<VmSpec> vms = new ArrayList<>();
        for (VmRecord vm : moving) {
            ClassTargets c = classes.get(DeviceClass.of(vm));
            PlacementRequest request = vm.request(now);
            List<TargetSpec> eligible = vm.unresolved() != null ? List.of()
                    : c.eligible(perVm ? vm.uuid() : new Size(vm.vcpus(), vm.memoryMib()), request, answers);
            List<Reason> why = eligible.isEmpty()
                    ? List.of(new Reason(FILTER_DIAGNOSIS, "VM " + vm.name() + ": "
                            + Summary.of(0, diagnosis(vm, request, targets, c, answers))))
                    : List.of();
            String domain = snapshot.host(vm.host()).map(h -> h.view().failureDomain()).orElse("");
            vms.add(new VmSpec(vm.uuid(), vm.name(), vm.host(), vm.vcpus(), vm.memoryMib(), devices(request, snapshot),
                    vm.antiAffinityGroup(), domain, eligible, why));
        }
        // Hosts no class may land on can receive no VM: their parents are left out (the planner
        // reads a host's parents only where an eligible target names it; its release still counts).
        Set<String> candidates = new HashSet<>();
        classes.values().forEach(c -> c.candidates.forEach(k -> candidates.add(k.host().id())));
        List<HostSpec> hosts = targets.stream()
                .map(h -> candidates.contains(h.id()) ? hostSpec(h, ranks) : withoutParents(h, ranks)).toList();
        return new EvacuationProblem(id, hosts, vms, evacuating);
    }

    /**
     * What the class-wide filters read of a VM: its source release, and per device its type,
     * source signature and source facts (which also pick the cells to look up); whether its
     * inventory is incomplete. VMs of one class have the same candidate hosts and landings.
     */
    private record DeviceClass(String release, List<List<Object>> devices, boolean unresolved) {
        static DeviceClass of(VmRecord vm) {
            List<List<Object>> ds = new ArrayList<>(vm.devices().size());
            for (DeviceRequest d : vm.devices()) {
                ds.add(List.of(d.typeId(), String.valueOf(d.sourceSignature()),
                        d.source() == null ? SourceFacts.NONE : d.source()));
            }
            return new DeviceClass(String.valueOf(vm.release()), ds, vm.unresolved() != null);
        }
    }

    /** What the per-size filters read of a VM. */
    private record Size(int vcpus, long memoryMib) {
    }

    /** A host the class-wide filters passed, with the ways to land the class's devices there. */
    private record Candidate(HostView host, List<Option> options) {
    }

    /** One device class: its candidates, and the eligible lists already made per size. */
    private final class ClassTargets {
        final PlacementRequest sample;
        final List<Candidate> candidates = new ArrayList<>();
        /** Per candidate (same index), its compatible landings; null until pass 2 first needs them. */
        List<List<TargetSpec>> compatible;
        final Map<Object, List<TargetSpec>> bySize = new HashMap<>();

        ClassTargets(PlacementRequest sample) {
            this.sample = sample;
        }

        /** The class's compatible landings on hosts with room for {@code request}, shared by every VM of {@code size}. */
        List<TargetSpec> eligible(Object size, PlacementRequest request, Answers answers) {
            if (compatible == null) {
                compatible = new ArrayList<>(candidates.size());
                for (Candidate c : candidates) {
                    compatible.add(judge(c, sample, answers, null));
                }
            }
            return bySize.computeIfAbsent(size, s -> {
                List<TargetSpec> out = new ArrayList<>();
                for (int i = 0; i < candidates.size(); i++) {
                    List<TargetSpec> landings = compatible.get(i);
                    if (!landings.isEmpty() && passes(sizeFilters, request, candidates.get(i).host())) {
                        out.addAll(landings);
                    }
                }
                return List.copyOf(out);
            });
        }
    }

    /** The verdicts of the cells asked about: stored ones, else what the agents answered now. */
    private record Answers(Map<MatrixKey, StoredVerdict> stored, Map<MatrixKey, ProbeAnswer> answered) {

        boolean compatible(MatrixKey k) {
            StoredVerdict v = stored.get(k);
            if (v != null) {
                return VerdictMeaning.compatible(v.verdict());
            }
            ProbeAnswer a = answered.get(k);
            return a != null && VerdictMeaning.compatible(a.getVerdict());
        }

        /** The answer for a cell, null when nobody gave one. */
        ProbeAnswer get(MatrixKey k) {
            StoredVerdict v = stored.get(k);
            return v != null ? v.toAnswer("") : answered.get(k);
        }
    }

    /** Whether every filter passes {@code host} for {@code request}, without writing a sentence. */
    private static boolean passes(List<HostFilter> filters, PlacementRequest request, HostView host) {
        boolean[] rejected = {false};
        for (HostFilter f : filters) {
            f.tally(request, host, (code, phrase) -> rejected[0] = true);
            if (rejected[0]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The candidate's landings whose every cell the agent called COMPATIBLE; the refusals of the
     * others go to {@code refusals} when it is given.
     */
    private static List<TargetSpec> judge(Candidate c, PlacementRequest request, Answers answers,
            List<Rejection> refusals) {
        String host = c.host().id();
        List<TargetSpec> eligible = new ArrayList<>(c.options().size());
        for (Option o : c.options()) {
            Rejection refusal = null;
            for (int i = 0; i < o.parents().size() && refusal == null; i++) {
                DeviceRequest d = request.devices().get(i);
                MatrixKey k = new MatrixKey(host, o.parents().get(i), d.typeId(), d.sourceSignature());
                refusal = answers.compatible(k) ? null : refusal(host, k, answers.get(k));
            }
            if (refusal == null) {
                eligible.add(new TargetSpec(host, o.parents()));
            } else if (refusals != null) {
                refusals.add(refusal);
            }
        }
        return eligible;
    }

    /**
     * Every target host's reasons for refusing {@code vm}, with sentences: the filters', then,
     * where they all passed, the agents' refusals. Made only for a VM with no eligible target.
     */
    private List<HostRejection> diagnosis(VmRecord vm, PlacementRequest request, List<HostView> targets,
            ClassTargets c, Answers answers) {
        Map<String, Candidate> candidates = new HashMap<>();
        c.candidates.forEach(k -> candidates.put(k.host().id(), k));
        List<HostRejection> rejected = new ArrayList<>();
        for (HostView host : targets) {
            List<Rejection> reasons = new ArrayList<>();
            filters.forEach(f -> reasons.addAll(f.filter(request, host)));
            if (vm.unresolved() != null) {
                reasons.add(new Rejection("INVENTORY_INCOMPLETE", vm.unresolved(), "inventory incomplete"));
            }
            Candidate candidate = candidates.get(host.id());
            if (reasons.isEmpty() && candidate != null) {
                judge(candidate, request, answers, reasons);
                if (candidate.options().isEmpty()) {
                    reasons.add(new Rejection("NO_FREE_INSTANCE", "host " + host.id() + " has no parent to land on",
                            "no free instance"));
                }
            }
            rejected.add(new HostRejection(host.id(), reasons));
        }
        return rejected;
    }

    /** A way to land the VM's devices on one host: a parent per device, in device order. */
    private record Option(List<String> parents) {
    }

    /**
     * Single-device VMs may land on any parent with the type free (the planner chooses the GPU);
     * a VM with several devices gets the allocator's landing, one parent per device. The VFs of one
     * SR-IOV function are one GPU to the planner (it counts the function and binds a free VF after
     * solving), so the first free VF stands for its function: one cell to look up per GPU, not per VF.
     */
    private static List<Option> options(PlacementRequest request, HostView host) {
        if (request.devices().isEmpty()) {
            return List.of(new Option(List.of()));
        }
        if (request.devices().size() == 1) {
            String type = request.devices().get(0).typeId();
            List<ParentView> with = host.parentsWith(type);
            List<Option> out = new ArrayList<>();
            Set<String> functions = new HashSet<>();
            for (int k = 0; k < with.size(); k++) {
                ParentView p = with.get(k);
                if (host.availableOn(type, k) > 0 && (p.capacity().getRule() != CapacityRule.CAPACITY_RULE_ONE_PER_VF
                        || functions.add(CapacityUnit.unitId(p.address(), p.capacity())))) {
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
        for (int k = 0; k < h.parents().size(); k++) {
            ParentView p = h.parents().get(k);
            parents.add(new ParentSpec(p.address(), p.board(),
                    p.capacity(), h.availableAt(k),
                    h.planningUnitAt(k)));
        }
        return hostSpec(h, ranks, parents);
    }

    /** {@link #hostSpec} without the parents: a host no VM of the problem may land on. */
    private static HostSpec withoutParents(HostView h, Map<String, Integer> ranks) {
        return hostSpec(h, ranks, List.of());
    }

    private static HostSpec hostSpec(HostView h, Map<String, Integer> ranks, List<ParentSpec> parents) {
        Map<String, Integer> groups = new HashMap<>();
        h.antiAffinityGroups().keySet().forEach(g -> groups.put(g, 1));
        return new HostSpec(h.id(), h.release(), ranks.getOrDefault(h.release(), 0), h.cpus(), h.usedCpus(),
                h.memoryMib(), h.usedMemoryMib(), h.failureDomain(), parents, groups, h.allocation());
    }
}
