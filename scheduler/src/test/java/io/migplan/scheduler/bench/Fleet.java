package io.migplan.scheduler.bench;

import io.migplan.capacity.CapacityUnit;
import io.migplan.capacity.NvidiaEqualSizeModel;
import io.migplan.capacity.OnePerVfModel;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.TypeDemand;
import io.migplan.scheduler.bench.Boards.Board;
import io.migplan.scheduler.bench.Boards.VgpuType;
import io.migplan.scheduler.error.Reason;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.DeviceSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.ParentSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.TargetSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.VmSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A generated fleet: hosts with GPUs (each GPU locked to one vGPU size, NVIDIA equal-size, or
 * SR-IOV VFs with one vGPU each), and the VMs they run. What a GPU holds and has free is counted
 * by the capacity module, as the agent and the scheduler count it; the fleet has no capacity
 * arithmetic of its own. {@link #evacuation} turns it into an {@link EvacuationProblem}, computing
 * each moving VM's eligible targets as the scheduler's filters would: another host not being
 * emptied, same or newer release, same board, CPU and memory room now, and per device a GPU
 * that can create the type now.
 */
public final class Fleet {

    /**
     * A physical GPU; for SR-IOV boards {@code vfs} are its VFs and {@code vfUsed} which hold a
     * vGPU. What it holds is counted by the capacity model ({@link CapacityUnit}): the GPU under
     * its board's rule, or its VFs together (one vGPU each, lock and max_instance shared).
     */
    public static final class Gpu {
        final String address;
        final List<String> vfs;
        final boolean[] vfUsed;
        final Board board;
        final CapacityUnit unit;

        /** An empty GPU of a board, at {@code address}, with these VFs (none: the GPU is the parent). */
        Gpu(String address, List<String> vfs, Board board) {
            this.address = address;
            this.vfs = vfs;
            this.vfUsed = new boolean[vfs.size()];
            this.board = board;
            Map<String, TypeDemand> demand = demands(board);
            this.unit = vfs.isEmpty()
                    ? CapacityUnit.of(address, Capacity.newBuilder().setRule(board.rule()).putAllDemand(demand).build(),
                            Map.of())
                    : CapacityUnit.ofFunction(address,
                            Collections.nCopies(vfs.size(), OnePerVfModel.of(address, demand, 0, 0)));
        }

        /**
         * Creates one vGPU of a type, on the GPU itself or on its first free VF; returns that parent.
         *
         * @throws IllegalArgumentException when the capacity model says it does not fit
         */
        String create(String typeId) {
            int vf = unit.usedInstances();
            unit.create(unit.typeIndex(typeId));
            if (vfs.isEmpty()) {
                return address;
            }
            vfUsed[vf] = true;
            return vfs.get(vf);
        }

        /** How many more vGPUs of a type the GPU takes now. */
        int headroom(String typeId) {
            return unit.headroom(typeId);
        }

        public String address() {
            return address;
        }

        public long lockedFramebufferMib() {
            return unit.lockedFramebufferMib();
        }

        public int used() {
            return unit.usedInstances();
        }

        public List<String> vfs() {
            return vfs;
        }

        public boolean vfUsed(int i) {
            return vfUsed[i];
        }

        /**
         * The GPU's parents as its agent reports them, each with its capacity and what it has free
         * of every type of the board: the GPU itself, or each of its VFs.
         */
        public List<ParentSpec> parents() {
            Map<String, TypeDemand> demand = demands(board);
            if (vfs.isEmpty()) {
                Capacity c = Capacity.newBuilder().setRule(board.rule())
                        .setLockedFramebufferMib(unit.lockedFramebufferMib()).setUsedInstances(unit.usedInstances())
                        .putAllDemand(demand).build();
                return List.of(new ParentSpec(address, board.name(), c, available(0)));
            }
            List<ParentSpec> out = new ArrayList<>();
            for (int i = 0; i < vfs.size(); i++) {
                int onVf = vfUsed[i] ? 1 : 0;
                out.add(new ParentSpec(vfs.get(i), board.name(),
                        OnePerVfModel.of(address, demand, onVf, unit.lockedFramebufferMib()), available(onVf)));
            }
            return out;
        }

        /** Type id -> more instances one parent takes now (a VF: one while free and the GPU has room). */
        private Map<String, Integer> available(int onParent) {
            Map<String, Integer> out = new TreeMap<>();
            for (VgpuType t : board.types()) {
                out.put(t.typeId(), unit.parentHeadroom(unit.typeIndex(t.typeId()), onParent));
            }
            return out;
        }
    }

    /** What one vGPU of each type of a board takes, as its agent reports it: framebuffer and max_instance. */
    static Map<String, TypeDemand> demands(Board board) {
        Map<String, TypeDemand> out = new TreeMap<>();
        for (VgpuType t : board.types()) {
            out.put(t.typeId(), NvidiaEqualSizeModel.demand(t.framebufferMib(), t.maxInstances()));
        }
        return out;
    }

    public record Host(String id, String release, int releaseRank, int cpus, long memoryMib, String failureDomain,
            Board board, List<Gpu> gpus) {
    }

    /** @param parent the GPU (or VF) the mdev lives on */
    public record Device(String typeId, long framebufferMib, String parent) {
    }

    public record Vm(String name, String host, int vcpus, long memoryMib, List<Device> devices,
            String antiAffinityGroup) {
    }

    private final long seed;
    private final List<Host> hosts;
    private final List<Vm> vms;
    private final Map<String, Host> hostsById = new HashMap<>();
    private final Map<String, List<Vm>> vmsByHost = new HashMap<>();

    Fleet(long seed, List<Host> hosts, List<Vm> vms) {
        this.seed = seed;
        this.hosts = List.copyOf(hosts);
        this.vms = List.copyOf(vms);
        hosts.forEach(h -> hostsById.put(h.id(), h));
        vms.forEach(v -> vmsByHost.computeIfAbsent(v.host(), h -> new ArrayList<>()).add(v));
    }

    public long seed() {
        return seed;
    }

    public List<Host> hosts() {
        return hosts;
    }

    public List<Vm> vms() {
        return vms;
    }

    public Host host(String id) {
        return hostsById.get(id);
    }

    public List<Vm> vmsOn(String host) {
        return vmsByHost.getOrDefault(host, List.of());
    }

    public int usedCpus(Host h) {
        return vmsOn(h.id()).stream().mapToInt(Vm::vcpus).sum();
    }

    public long usedMemoryMib(Host h) {
        return vmsOn(h.id()).stream().mapToLong(Vm::memoryMib).sum();
    }

    /** The evacuation of {@code evacuating}: every VM on those hosts moves, the rest is fixed. */
    public EvacuationProblem evacuation(String id, Set<String> evacuating) {
        List<HostSpec> specs = new ArrayList<>();
        Map<String, HostSpec> specById = new HashMap<>();
        for (Host h : hosts) {
            HostSpec spec = hostSpec(h);
            specs.add(spec);
            specById.put(h.id(), spec);
        }
        List<Host> candidates = hosts.stream().filter(h -> !evacuating.contains(h.id()))
                .sorted(Comparator.comparingInt(Host::releaseRank).reversed()).toList();
        // Per candidate, device signature to its landings: shared by all VMs, as a filter run would cache them.
        List<Map<String, List<TargetSpec>>> targets = new ArrayList<>();
        candidates.forEach(h -> targets.add(new HashMap<>()));
        List<VmSpec> moving = new ArrayList<>();
        for (String source : evacuating.stream().sorted().toList()) {
            Host src = hostsById.get(source);
            for (Vm vm : vmsOn(source)) {
                moving.add(vmSpec(src, vm, candidates, specById, targets));
            }
        }
        return new EvacuationProblem(id, specs, moving, evacuating);
    }

    private HostSpec hostSpec(Host h) {
        List<ParentSpec> parents = new ArrayList<>();
        h.gpus().forEach(g -> parents.addAll(g.parents()));
        Map<String, Integer> groups = new HashMap<>();
        vmsOn(h.id()).stream().filter(v -> !v.antiAffinityGroup().isEmpty())
                .forEach(v -> groups.merge(v.antiAffinityGroup(), 1, Integer::sum));
        return new HostSpec(h.id(), h.release(), h.releaseRank(), h.cpus(), usedCpus(h), h.memoryMib(),
                usedMemoryMib(h), h.failureDomain(), parents, groups);
    }

    /** The parents of an empty host with the board and GPU slots of {@code like}: nothing created, nothing locked. */
    public static List<ParentSpec> emptyParents(Host like) {
        List<ParentSpec> out = new ArrayList<>();
        like.gpus().forEach(g -> out.addAll(new Gpu(g.address, g.vfs, like.board()).parents()));
        return out;
    }

    private VmSpec vmSpec(Host src, Vm vm, List<Host> candidates, Map<String, HostSpec> specs,
            List<Map<String, List<TargetSpec>>> targets) {
        record Scored(TargetSpec target, int rank, double score) {
        }
        List<Scored> eligible = new ArrayList<>();
        String signature = vm.devices().isEmpty() ? "" : vm.devices().get(0).typeId() + "x" + vm.devices().size();
        for (int i = 0; i < candidates.size(); i++) {
            Host h = candidates.get(i);
            if (h.releaseRank() < src.releaseRank() || (!vm.devices().isEmpty() && h.board() != src.board())) {
                continue;
            }
            HostSpec spec = specs.get(h.id());
            int freeCpus = spec.allocatableCpus() - spec.usedCpus();
            long freeMemory = spec.allocatableMemoryMib() - spec.usedMemoryMib();
            if (freeCpus < vm.vcpus() || freeMemory < vm.memoryMib()) {
                continue;
            }
            // The scheduler's Scorer: mean free share of CPU and memory after the move.
            double score = ((freeCpus - vm.vcpus()) / (double) spec.cpus()
                    + (freeMemory - vm.memoryMib()) / (double) spec.memoryMib()) / 2;
            List<TargetSpec> here = targets.get(i).computeIfAbsent(signature,
                    k -> landings(h, vm).stream().map(p -> new TargetSpec(h.id(), p)).toList());
            for (TargetSpec t : here) {
                eligible.add(new Scored(t, h.releaseRank(), score));
            }
        }
        eligible.sort(Comparator.comparingInt(Scored::rank).reversed()
                .thenComparing(Comparator.comparingDouble(Scored::score).reversed())
                .thenComparing(s -> s.target().host()));
        List<Reason> reasons = eligible.isEmpty()
                ? List.of(new Reason("NO_FREE_INSTANCE", "no " + src.board().name() + " host of release "
                        + src.release() + " or newer has a free " + vm.devices().stream().map(Device::typeId)
                                .distinct().toList() + " with " + vm.vcpus() + " vCPUs free"))
                : List.of();
        // The generated fleet names every VM uniquely: its name stands in for its UUID.
        return new VmSpec(vm.name(), vm.name(), src.id(), vm.vcpus(), vm.memoryMib(),
                vm.devices().stream().map(d -> new DeviceSpec(d.typeId(), d.framebufferMib())).toList(),
                vm.antiAffinityGroup(), src.failureDomain(), eligible.stream().map(Scored::target).toList(), reasons);
    }

    /** Per device a parent that can create its type now: one GPU for one device, two for two. */
    private static List<List<String>> landings(Host h, Vm vm) {
        if (vm.devices().isEmpty()) {
            return List.of(List.of());
        }
        String type = vm.devices().get(0).typeId();
        List<Gpu> room = h.gpus().stream().filter(g -> g.headroom(type) > 0).toList();
        List<List<String>> out = new ArrayList<>();
        if (vm.devices().size() == 1) {
            room.forEach(g -> out.add(List.of(parent(g))));
        } else {
            // Two of one type on two GPUs next to each other, as the allocator spreads devices.
            for (int i = 0; i + 1 < room.size(); i++) {
                out.add(List.of(parent(room.get(i)), parent(room.get(i + 1))));
            }
        }
        return out;
    }

    /** Where a new vGPU of a GPU with room goes: the GPU itself, or its first free VF. */
    private static String parent(Gpu g) {
        for (int i = 0; i < g.vfs.size(); i++) {
            if (!g.vfUsed[i]) {
                return g.vfs.get(i);
            }
        }
        return g.address;
    }

    /** Hosts by id, in generation order, for writers. */
    public Map<String, Host> hostsById() {
        Map<String, Host> out = new LinkedHashMap<>();
        hosts.forEach(h -> out.put(h.id(), h));
        return out;
    }
}
