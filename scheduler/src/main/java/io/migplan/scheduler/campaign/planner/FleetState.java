package io.migplan.scheduler.campaign.planner;

import io.migplan.capacity.CapacityUnit;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.scheduler.campaign.planner.CampaignProblem.CampaignVm;
import io.migplan.scheduler.campaign.planner.CampaignProblem.HostView;
import io.migplan.scheduler.snapshot.Releases;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.DeviceSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.ParentSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fleet while a campaign is simulated: where each VM is, what each host and device has
 * used, which release each host runs. It applies migrations and upgrades and answers "which
 * device units of this host could take this device now"; it decides nothing, and counts devices
 * only through the capacity model ({@link CapacityUnit}): a GPU, a pool, or the VFs of one
 * physical function is one unit whose instances are created and removed as VMs move.
 */
final class FleetState {

    /** One physical capacity (a GPU, a pool, or a function's VFs) and what the campaign did to it. */
    static final class Unit {
        final String id;
        final CapacityUnit capacity;

        Unit(String id, CapacityUnit capacity) {
            this.id = id;
            this.capacity = capacity;
        }

        int used() {
            return capacity.usedInstances();
        }

        long locked() {
            return capacity.lockedFramebufferMib();
        }
    }

    static final class Parent {
        final ParentSpec base;
        final Unit unit;
        /** Instances on this parent itself (for a VF, 0 or 1). */
        int used;

        Parent(ParentSpec base, Unit unit) {
            this.base = base;
            this.unit = unit;
            this.used = base.capacity().getUsedInstances();
        }

        String address() {
            return base.address();
        }

        boolean perVf() {
            return base.capacity().getRule() == CapacityRule.CAPACITY_RULE_ONE_PER_VF;
        }

        /** More instances of a type this parent takes now: a VF one while free, else its unit's headroom. */
        int available(String typeId) {
            int type = unit.capacity.typeIndex(typeId);
            return type < 0 ? 0 : unit.capacity.parentHeadroom(type, used);
        }
    }

    static final class Host {
        final HostSpec base;
        final String group;
        String release;
        int usedCpus;
        long usedMemoryMib;
        final List<Parent> parents = new ArrayList<>();
        final Map<String, Parent> parentsByAddress = new HashMap<>();
        final Map<String, Unit> units = new LinkedHashMap<>();
        final Map<String, Integer> antiAffinity;
        private HostView view;
        /** Counts the migrations in and out of this host: its {@link #spec} is kept while this stays. */
        private int changes;
        private HostSpec spec;
        private int specChanges = -1;
        private String specRelease;
        private int specRank;
        private int specHeadroom;

        Host(HostSpec base) {
            this.base = base;
            this.group = base.parents().isEmpty() ? "" : base.parents().get(0).board();
            this.release = base.release();
            this.usedCpus = base.usedCpus();
            this.usedMemoryMib = base.usedMemoryMib();
            this.antiAffinity = new HashMap<>(base.antiAffinityGroups());
            Map<String, List<ParentSpec>> functions = new LinkedHashMap<>();
            for (ParentSpec p : base.parents()) {
                Capacity c = p.capacity();
                String unitId = CapacityUnit.unitId(p.address(), c);
                if (!unitId.equals(p.address())) {
                    functions.computeIfAbsent(unitId, g -> new ArrayList<>()).add(p);
                } else {
                    units.put(p.address(), new Unit(p.address(), CapacityUnit.of(p.address(), c, p.available())));
                }
            }
            functions.forEach((group, vfs) -> units.put(group, new Unit(group,
                    CapacityUnit.ofFunction(group, vfs.stream().map(ParentSpec::capacity).toList()))));
            for (ParentSpec p : base.parents()) {
                Parent parent = new Parent(p, units.get(CapacityUnit.unitId(p.address(), p.capacity())));
                parents.add(parent);
                parentsByAddress.put(p.address(), parent);
            }
        }

        String id() {
            return base.id();
        }

        HostView view() {
            if (view == null || !view.release().equals(release)) {
                view = new HostView(base.id(), release, group, base.failureDomain());
            }
            return view;
        }

        // Capacity is what the host may give VMs (its ComputeAllocation: ratios and reservations,
        // the filter's rule); the campaign's headroom is a share of that, kept free.

        int reserveCpus(int headroomPercent) {
            return (int) Math.ceil(base.allocatableCpus() * headroomPercent / 100.0);
        }

        long reserveMemory(int headroomPercent) {
            return (long) Math.ceil(base.allocatableMemoryMib() * headroomPercent / 100.0);
        }

        int freeCpus(int headroomPercent) {
            return base.allocatableCpus() - usedCpus - reserveCpus(headroomPercent);
        }

        long freeMemory(int headroomPercent) {
            return base.allocatableMemoryMib() - usedMemoryMib - reserveMemory(headroomPercent);
        }

        /** Mean free share of allocatable CPU and memory: the scheduler's Scorer. */
        double freeShare() {
            return ((base.allocatableCpus() - usedCpus) / (double) base.allocatableCpus()
                    + (base.allocatableMemoryMib() - usedMemoryMib) / (double) base.allocatableMemoryMib()) / 2;
        }

        /**
         * Ways this host could take the VM's devices now: for one device, one landing per unit
         * with room; for several, the first distinct units with room in order.
         */
        List<List<String>> landings(CampaignVm vm) {
            if (vm.devices().isEmpty()) {
                return List.of(List.of());
            }
            if (vm.devices().size() == 1) {
                DeviceSpec d = vm.devices().get(0);
                List<List<String>> out = new ArrayList<>();
                TreeSet<String> seen = new TreeSet<>();
                for (Parent p : parents) {
                    if (p.available(d.typeId()) > 0 && seen.add(p.unit.id)) {
                        out.add(List.of(p.address()));
                    }
                }
                return out;
            }
            List<String> chosen = new ArrayList<>();
            Map<Unit, Integer> taken = new HashMap<>();
            for (DeviceSpec d : vm.devices()) {
                Parent found = null;
                for (Parent p : parents) {
                    if (!taken.containsKey(p.unit) && p.available(d.typeId()) > 0) {
                        found = p;
                        break;
                    }
                }
                if (found == null) {
                    return List.of();
                }
                taken.put(found.unit, 1);
                chosen.add(found.address());
            }
            return List.of(chosen);
        }

        /**
         * This host as an evacuation target: {@code headroomPercent} counted as used. The same
         * (immutable) spec while nothing moved in or out and the release, rank and headroom are the same.
         */
        HostSpec spec(int rank, int headroomPercent) {
            if (spec == null || specChanges != changes || !release.equals(specRelease) || specRank != rank
                    || specHeadroom != headroomPercent) {
                spec = newSpec(rank, headroomPercent);
                specChanges = changes;
                specRelease = release;
                specRank = rank;
                specHeadroom = headroomPercent;
            }
            return spec;
        }

        private HostSpec newSpec(int rank, int headroomPercent) {
            List<ParentSpec> specs = new ArrayList<>();
            for (Parent p : parents) {
                Capacity c = p.perVf()
                        ? p.base.capacity().toBuilder().setUsedInstances(p.used)
                                .setLockedFramebufferMib(p.unit.locked()).build()
                        : p.unit.capacity.toCapacity(p.base.capacity());
                Map<String, Integer> available = new TreeMap<>();
                for (String type : p.base.capacity().getDemandMap().keySet()) {
                    available.put(type, p.available(type));
                }
                for (String type : p.base.available().keySet()) {
                    available.computeIfAbsent(type, p::available);
                }
                specs.add(new ParentSpec(p.address(), p.base.board(), c, available));
            }
            int cpus = Math.min(base.allocatableCpus(), usedCpus + reserveCpus(headroomPercent));
            long memory = Math.min(base.allocatableMemoryMib(), usedMemoryMib + reserveMemory(headroomPercent));
            Map<String, Integer> aa = new HashMap<>();
            antiAffinity.forEach((g, n) -> {
                if (n > 0) {
                    aa.put(g, n);
                }
            });
            return new HostSpec(base.id(), release, rank, base.cpus(), cpus, base.memoryMib(), memory,
                    base.failureDomain(), specs, aa, base.allocation());
        }
    }

    /** Where a VM is now. */
    static final class Vm {
        final CampaignVm base;
        String host;
        List<String> parents;
        int moves;

        Vm(CampaignVm base) {
            this.base = base;
            this.host = base.host();
            this.parents = base.parents();
        }
    }

    final Map<String, Host> hosts = new LinkedHashMap<>();
    /** Every VM, by UUID. */
    final Map<String, Vm> vms = new LinkedHashMap<>();
    final Map<String, List<Vm>> vmsByHost = new HashMap<>();
    private final List<String> releases;
    private final Map<String, Integer> ranks = new HashMap<>();

    FleetState(CampaignProblem problem) {
        problem.hosts().forEach(h -> hosts.put(h.id(), new Host(h)));
        for (CampaignVm v : problem.vms()) {
            Vm vm = new Vm(v);
            vms.put(v.uuid(), vm);
            vmsByHost.computeIfAbsent(v.host(), h -> new ArrayList<>()).add(vm);
        }
        TreeSet<String> all = new TreeSet<>(Releases.ORDER);
        problem.hosts().forEach(h -> all.add(h.release()));
        all.add(problem.toRelease());
        releases = List.copyOf(all);
    }

    int rank(String release) {
        return ranks.computeIfAbsent(release, r -> {
            for (int i = 0; i < releases.size(); i++) {
                if (Releases.compare(releases.get(i), r) == 0) {
                    return i;
                }
            }
            return -1;
        });
    }

    List<Vm> vmsOn(String host) {
        return vmsByHost.getOrDefault(host, List.of());
    }

    /**
     * Moves the VM whose UUID is {@code vmUuid}. {@code devices} name parents, or for SR-IOV the function (unit): then the
     * first free VF of it is taken, as the evacuation planner leaves VF binding to its caller.
     */
    void migrate(String vmUuid, String to, List<String> devices) {
        Vm vm = vms.get(vmUuid);
        Host src = hosts.get(vm.host);
        Host dst = hosts.get(to);
        src.usedCpus -= vm.base.vcpus();
        src.usedMemoryMib -= vm.base.memoryMib();
        dst.usedCpus += vm.base.vcpus();
        dst.usedMemoryMib += vm.base.memoryMib();
        for (int i = 0; i < vm.parents.size(); i++) {
            Parent p = src.parentsByAddress.get(vm.parents.get(i));
            if (p != null) {
                p.used--;
                int type = p.unit.capacity.typeIndex(vm.base.devices().get(i).typeId());
                if (type >= 0 && p.unit.used() > 0) {
                    p.unit.capacity.remove(type);
                }
            }
        }
        List<String> landed = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            DeviceSpec d = vm.base.devices().get(i);
            Parent p = dst.parentsByAddress.get(devices.get(i));
            if (p == null || (p.perVf() && p.used > 0)) {
                String unitId = p == null ? devices.get(i) : p.unit.id;
                p = dst.parents.stream().filter(q -> q.unit.id.equals(unitId) && q.used == 0).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no free VF of " + unitId + " on " + to));
            }
            p.used++;
            int type = p.unit.capacity.typeIndex(d.typeId());
            if (type < 0) {
                throw new IllegalStateException("the capacity model of " + p.address() + " on " + to
                        + " has no type " + d.typeId());
            }
            p.unit.capacity.create(type);
            landed.add(p.address());
        }
        String aa = vm.base.antiAffinityGroup();
        if (!aa.isEmpty()) {
            src.antiAffinity.merge(aa, -1, Integer::sum);
            dst.antiAffinity.merge(aa, 1, Integer::sum);
        }
        src.changes++;
        dst.changes++;
        vmsByHost.get(vm.host).remove(vm);
        vmsByHost.computeIfAbsent(to, h -> new ArrayList<>()).add(vm);
        vm.host = to;
        vm.parents = List.copyOf(landed);
        vm.moves++;
    }
}
