package io.migplan.scheduler.bench;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A generated fleet: hosts with GPUs (each GPU locked to one vGPU size, NVIDIA equal-size), and
 * the VMs they run. {@link #evacuation} turns it into an {@link EvacuationProblem}, computing
 * each moving VM's eligible targets as the scheduler's filters would: another host not being
 * emptied, same or newer release, same board, CPU and memory room now, and per device a GPU
 * that can create the type now.
 */
public final class Fleet {

    /** A physical GPU; for SR-IOV boards {@code vfs} are its VFs and {@code vfUsed} which hold a vGPU. */
    public static final class Gpu {
        final String address;
        long lockedFramebufferMib;
        int used;
        final List<String> vfs;
        final boolean[] vfUsed;

        Gpu(String address, List<String> vfs) {
            this.address = address;
            this.vfs = vfs;
            this.vfUsed = new boolean[vfs.size()];
        }

        public String address() {
            return address;
        }

        public long lockedFramebufferMib() {
            return lockedFramebufferMib;
        }

        public int used() {
            return used;
        }

        public List<String> vfs() {
            return vfs;
        }

        public boolean vfUsed(int i) {
            return vfUsed[i];
        }
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

    static VgpuType type(Board board, String typeId) {
        return board.types().stream().filter(t -> t.typeId().equals(typeId)).findFirst().orElseThrow();
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
        Board b = h.board();
        Map<String, TypeDemand> demand = new TreeMap<>();
        for (VgpuType t : b.types()) {
            demand.put(t.typeId(), TypeDemand.newBuilder().putResources("framebuffer_mib", t.framebufferMib())
                    .setMaxInstances(t.maxInstances()).build());
        }
        for (Gpu g : h.gpus()) {
            Map<String, Integer> available = new TreeMap<>();
            if (b.vfsPerGpu() == 0) {
                for (VgpuType t : b.types()) {
                    available.put(t.typeId(), fits(g, t) ? t.maxInstances() - g.used : 0);
                }
                parents.add(new ParentSpec(g.address, b.name(), Capacity.newBuilder()
                        .setRule(b.rule()).setLockedFramebufferMib(g.lockedFramebufferMib).setUsedInstances(g.used)
                        .putAllDemand(demand).build(), available));
            } else {
                for (int i = 0; i < g.vfs.size(); i++) {
                    Map<String, Integer> perVf = new TreeMap<>();
                    for (VgpuType t : b.types()) {
                        perVf.put(t.typeId(), !g.vfUsed[i] && fits(g, t) ? 1 : 0);
                    }
                    parents.add(new ParentSpec(g.vfs.get(i), b.name(), Capacity.newBuilder()
                            .setRule(CapacityRule.CAPACITY_RULE_ONE_PER_VF).setGroup(g.address)
                            .setLockedFramebufferMib(g.lockedFramebufferMib).setUsedInstances(g.vfUsed[i] ? 1 : 0)
                            .putAllDemand(demand).build(), perVf));
                }
            }
        }
        Map<String, Integer> groups = new HashMap<>();
        vmsOn(h.id()).stream().filter(v -> !v.antiAffinityGroup().isEmpty())
                .forEach(v -> groups.merge(v.antiAffinityGroup(), 1, Integer::sum));
        return new HostSpec(h.id(), h.release(), h.releaseRank(), h.cpus(), usedCpus(h), h.memoryMib(),
                usedMemoryMib(h), h.failureDomain(), parents, groups);
    }

    static boolean fits(Gpu g, VgpuType t) {
        return (g.lockedFramebufferMib == 0 || g.lockedFramebufferMib == t.framebufferMib())
                && g.used < t.maxInstances();
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
            int freeCpus = spec.cpus() - spec.usedCpus();
            long freeMemory = spec.memoryMib() - spec.usedMemoryMib();
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
        return new VmSpec(vm.name(), src.id(), vm.vcpus(), vm.memoryMib(),
                vm.devices().stream().map(d -> new DeviceSpec(d.typeId(), d.framebufferMib())).toList(),
                vm.antiAffinityGroup(), src.failureDomain(), eligible.stream().map(Scored::target).toList(), reasons);
    }

    /** Per device a parent that can create its type now: one GPU for one device, two for two. */
    private static List<List<String>> landings(Host h, Vm vm) {
        if (vm.devices().isEmpty()) {
            return List.of(List.of());
        }
        VgpuType t = type(h.board(), vm.devices().get(0).typeId());
        List<Gpu> room = h.gpus().stream().filter(g -> fits(g, t) && freeVf(g) != null).toList();
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

    private static String parent(Gpu g) {
        return g.vfs.isEmpty() ? g.address : freeVf(g);
    }

    private static String freeVf(Gpu g) {
        if (g.vfs.isEmpty()) {
            return g.address;
        }
        for (int i = 0; i < g.vfs.size(); i++) {
            if (!g.vfUsed[i]) {
                return g.vfs.get(i);
            }
        }
        return null;
    }

    /** Hosts by id, in generation order, for writers. */
    public Map<String, Host> hostsById() {
        Map<String, Host> out = new LinkedHashMap<>();
        hosts.forEach(h -> out.put(h.id(), h));
        return out;
    }
}
