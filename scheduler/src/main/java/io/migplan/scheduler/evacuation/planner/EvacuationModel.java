package io.migplan.scheduler.evacuation.planner;

import io.migplan.capacity.CapacityUnit;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.DeviceSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.ParentSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.TargetSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.VmSpec;
import io.migplan.scheduler.evacuation.planner.domain.DeviceUnit;
import io.migplan.scheduler.evacuation.planner.domain.EvacuationSolution;
import io.migplan.scheduler.evacuation.planner.domain.Slot;
import io.migplan.scheduler.evacuation.planner.domain.Target;
import io.migplan.scheduler.evacuation.planner.domain.TargetHost;
import io.migplan.scheduler.evacuation.planner.domain.TargetRange;
import io.migplan.scheduler.evacuation.planner.domain.VmDifficulty;
import io.migplan.scheduler.evacuation.planner.domain.VmMove;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an {@link EvacuationProblem} into solver objects: one {@link TargetHost} per host that
 * some eligible target names, one {@link DeviceUnit} per GPU or pool (the VFs of one SR-IOV physical
 * function become one unit), one {@link VmMove} per VM whose eligible targets are interned so
 * VMs with the same devices share them. Targets naming a host being emptied or an unknown host
 * or parent are dropped: the filters should never produce them, and a plan must not use them.
 */
public final class EvacuationModel {


    private final EvacuationProblem problem;
    private final List<TargetHost> hosts = new ArrayList<>();
    private final List<DeviceUnit> units = new ArrayList<>();
    private final List<VmMove> vms = new ArrayList<>();
    private final Map<String, VmSpec> specs = new HashMap<>();
    private final Map<String, HostSpec> hostSpecs = new HashMap<>();
    private final Map<String, TargetHost> hostsById = new HashMap<>();
    /** host id + parent address to the unit that parent belongs to. */
    private final Map<String, DeviceUnit> unitsByParent = new HashMap<>();
    private final Map<String, Target> interned = new HashMap<>();
    private final Set<String> unitsBuilt = new HashSet<>();
    /** Device types of a VM to the targets already built for them, so VMs alike share one lookup. */
    private final Map<List<String>, Map<TargetSpec, Target>> byTypes = new HashMap<>();
    private final Map<List<String>, Map<TargetSpec, Target>> byIdentity = new HashMap<>();
    /** Device types of a VM to the ranges already made per eligible list (by identity). */
    private final Map<List<String>, Map<List<TargetSpec>, TargetRange>> rangesByList = new HashMap<>();
    private final Map<String, Integer> failureDomains = new HashMap<>();

    private EvacuationModel(EvacuationProblem problem) {
        this.problem = problem;
    }

    public static EvacuationModel of(EvacuationProblem problem) {
        EvacuationModel model = new EvacuationModel(problem);
        model.build();
        return model;
    }

    private void build() {
        int newest = Integer.MIN_VALUE;
        for (HostSpec h : problem.hosts()) {
            if (!problem.evacuating().contains(h.id())) {
                hostSpecs.putIfAbsent(h.id(), h);
                newest = Math.max(newest, h.releaseRank());
            }
        }
        BitSet seen = new BitSet();
        for (VmSpec spec : problem.vms()) {
            specs.put(spec.uuid(), spec);
            List<String> types = spec.devices().stream().map(DeviceSpec::typeId).toList();
            Map<TargetSpec, Target> cache = byTypes.computeIfAbsent(types, k -> new HashMap<>());
            // Filters usually hand the same TargetSpec object to many VMs: look it up by identity first.
            Map<TargetSpec, Target> same = byIdentity.computeIfAbsent(types, k -> new IdentityHashMap<>());
            // VMs alike usually share one eligible list (the builder makes one per class and size):
            // its targets and range are then made once.
            Map<List<TargetSpec>, TargetRange> ranges = rangesByList.computeIfAbsent(types,
                    k -> new IdentityHashMap<>());
            TargetRange shared = ranges.get(spec.eligible());
            if (shared != null) {
                vms.add(move(spec, shared, newest));
                continue;
            }
            List<Target> eligible = new ArrayList<>(spec.eligible().size());
            for (TargetSpec t : spec.eligible()) {
                Target target = same.get(t);
                if (target == null) {
                    target = cache.computeIfAbsent(t, k -> target(spec, k));
                    if (target == null) {
                        continue;
                    }
                    same.put(t, target);
                }
                if (!seen.get(target.id())) {
                    seen.set(target.id());
                    eligible.add(target);
                }
            }
            eligible.forEach(t -> seen.clear(t.id()));
            TargetRange range = new TargetRange(eligible);
            ranges.put(spec.eligible(), range);
            vms.add(move(spec, range, newest));
        }
    }

    private VmMove move(VmSpec spec, TargetRange eligible, int newest) {
        long largest = spec.devices().stream().mapToLong(DeviceSpec::framebufferMib).max().orElse(0);
        VmMove vm = new VmMove(vms.size(), spec.uuid(), spec.name(), spec.sourceHost(), spec.vcpus(), spec.memoryMib(),
                spec.devices().stream().map(DeviceSpec::typeId).toList(), largest, spec.antiAffinityGroup(),
                spec.sourceFailureDomain(), newest, eligible);
        vm.setSourceFailureDomainIndex(domainIndex(vm.sourceFailureDomain()));
        return vm;
    }

    /**
     * The host as a target, built the first time an eligible target names it: hosts no VM may
     * move to cost nothing, so evacuating one host of thousands stays cheap.
     */
    private TargetHost host(String id) {
        TargetHost known = hostsById.get(id);
        if (known != null) {
            return known;
        }
        HostSpec h = hostSpecs.get(id);
        if (h == null) {
            return null;
        }
        TargetHost host = new TargetHost(hosts.size(), h.id(), h.releaseRank(), h.cpus(), h.usedCpus(),
                h.memoryMib(), h.usedMemoryMib(), h.failureDomain(), h.antiAffinityGroups(), h.allocation());
        host.setFailureDomainIndex(domainIndex(host.failureDomain()));
        hosts.add(host);
        hostsById.put(h.id(), host);
        return host;
    }

    private int domainIndex(String domain) {
        return failureDomains.computeIfAbsent(domain == null ? "" : domain, d -> failureDomains.size());
    }

    /** An empty ledger over this model's hosts and units. */
    public CapacityLedger newLedger() {
        return new CapacityLedger(hosts, units, failureDomains.size());
    }

    /** The host's device units, built the first time a VM's device could land there. */
    private void buildUnits(HostSpec h) {
        if (!unitsBuilt.add(h.id())) {
            return;
        }
        Map<String, List<ParentSpec>> vfGroups = new LinkedHashMap<>();
        for (ParentSpec p : h.parents()) {
            Capacity c = p.capacity();
            if (c.getRule() == CapacityRule.CAPACITY_RULE_ONE_PER_VF) {
                vfGroups.computeIfAbsent(CapacityUnit.unitId(p.address(), c), g -> new ArrayList<>()).add(p);
            } else {
                DeviceUnit unit = p.unit() != null ? new DeviceUnit(h.id(), p.unit(), List.of())
                        : new DeviceUnit(h.id(), types -> CapacityUnit.of(p.address(), c, p.available(), types),
                                List.of());
                addUnit(unit);
                unitsByParent.put(key(h.id(), p.address()), unit);
            }
        }
        for (var e : vfGroups.entrySet()) {
            List<ParentSpec> vfs = e.getValue();
            List<String> free = vfs.stream().filter(p -> p.capacity().getUsedInstances() == 0)
                    .map(ParentSpec::address).sorted().toList();
            // The snapshot's unit of the function, when it came with the problem (every VF names the same one).
            CapacityUnit shared = vfs.get(0).unit();
            DeviceUnit unit;
            if (shared != null) {
                unit = new DeviceUnit(h.id(), shared, free);
            } else {
                List<Capacity> capacities = vfs.stream().map(ParentSpec::capacity).toList();
                unit = new DeviceUnit(h.id(), types -> CapacityUnit.ofFunction(e.getKey(), capacities, types), free);
            }
            addUnit(unit);
            vfs.forEach(p -> unitsByParent.put(key(h.id(), p.address()), unit));
        }
    }

    private void addUnit(DeviceUnit unit) {
        unit.setIndex(units.size());
        units.add(unit);
    }

    private Target target(VmSpec vm, TargetSpec spec) {
        TargetHost host = spec.parents().size() == vm.devices().size() ? host(spec.host()) : null;
        if (host == null) {
            return null;
        }
        StringBuilder key = new StringBuilder(spec.host());
        List<Slot> slots = new ArrayList<>();
        if (!vm.devices().isEmpty()) {
            buildUnits(hostSpecs.get(spec.host()));
        }
        for (int i = 0; i < vm.devices().size(); i++) {
            DeviceSpec device = vm.devices().get(i);
            String parentKey = key(spec.host(), spec.parents().get(i));
            DeviceUnit unit = unitsByParent.get(parentKey);
            if (unit == null) {
                return null;
            }
            int type = unit.addType(device.typeId());
            if (type < 0) {
                return null;
            }
            // VFs of one function are interchangeable, so the unit (not the VF) names the slot.
            String parent = unit.rule() == CapacityRule.CAPACITY_RULE_ONE_PER_VF ? unit.id() : spec.parents().get(i);
            slots.add(new Slot(unit, type, parent));
            key.append('\u0000').append(parent).append('\u0000').append(device.typeId());
        }
        return interned.computeIfAbsent(key.toString(), k -> new Target(interned.size(), host, slots));
    }

    private static String key(String host, String parent) {
        return host + "\u0000" + parent;
    }

    /**
     * The solver's input: VMs without any eligible target are left out (nothing can place
     * them, and leaving them out lets "every VM placed" mean a medium score of zero).
     */
    public EvacuationSolution newSolution() {
        return new EvacuationSolution(List.copyOf(hosts), List.copyOf(units),
                vms.stream().filter(vm -> !vm.getEligible().isEmpty()).toList());
    }

    public EvacuationProblem problem() {
        return problem;
    }

    public List<TargetHost> hosts() {
        return hosts;
    }

    public List<DeviceUnit> units() {
        return units;
    }

    public List<VmMove> vms() {
        return vms;
    }

    /** The VM whose UUID is {@code vmUuid}. */
    public VmSpec spec(String vmUuid) {
        return specs.get(vmUuid);
    }

    /** VMs hardest first, the order in which every placement pass visits them. */
    public List<VmMove> hardestFirst() {
        List<VmMove> sorted = new ArrayList<>(vms);
        sorted.sort(VmDifficulty.HARDEST_FIRST);
        return sorted;
    }
}
