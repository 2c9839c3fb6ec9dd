package io.migplan.scheduler.bench;

import io.migplan.scheduler.bench.Boards.Board;
import io.migplan.scheduler.bench.Boards.VgpuType;
import io.migplan.scheduler.bench.Fleet.Device;
import io.migplan.scheduler.bench.Fleet.Gpu;
import io.migplan.scheduler.bench.Fleet.Host;
import io.migplan.scheduler.bench.Fleet.Vm;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Seeded fleets for the benchmark and the planner tests: mixed T4, V100D and A40 hosts, each
 * GPU locked to one vGPU size and filled to 50..100% of it, CPU filled to 60..90% (75% on
 * average) with GPU VMs first and plain VMs after, about ten VMs per host. 40% of hosts run the
 * newer release; the rest are the ones a campaign empties.
 */
public final class FleetGenerator {

    /** Hosts per rack, a common top-of-rack switch size; a rack is a failure domain. */
    static final int HOSTS_PER_RACK = 20;
    /** Share of hosts already on the newer release. */
    static final double NEW_RELEASE_SHARE = 0.4;
    /** Share of GPUs left empty (unlocked), as after earlier evacuations. */
    static final double EMPTY_GPU_SHARE = 0.1;
    /** Share of VMs in an anti-affinity group, each group about 50 VMs' worth of the fleet apart. */
    static final double ANTI_AFFINITY_SHARE = 0.1;
    static final int[] HOST_CPUS = {64, 96, 128};
    /** 8 GiB of memory per core, a common ratio for GPU hosts. */
    static final long MIB_PER_CPU = 8 * 1024;
    static final String[] GPU_SLOTS = {"0000:3b:00.0", "0000:5e:00.0", "0000:86:00.0", "0000:d8:00.0"};
    static final String[] SRIOV_SLOTS = {"0000:59:00.0", "0000:d1:00.0"};

    private FleetGenerator() {
    }

    /**
     * One board of a {@link Shape}: its share of the hosts and the vGPU sizes its GPUs are locked
     * to, each GPU taking one of them at random (so a board mixes sizes across its GPUs).
     */
    public record BoardMix(Board board, double share, List<String> typeIds) {
    }

    /**
     * A hard fleet: every host at the older release (nothing upgraded to land on), each GPU locked to
     * one of its board's {@code sizes} and filled to {@code fillMin..fillMax} of that size's
     * max_instance (rounded at random, so the fleet's fill is the range's mean), GPU VMs only
     * (2 or 4 vCPUs, 4 GiB per vCPU: the GPUs bind, not the CPUs), {@code antiAffinityShare} of the
     * VMs in anti-affinity groups. Spare hosts are the campaign's business (CampaignBench).
     */
    public record Shape(String name, List<BoardMix> boards, double fillMin, double fillMax,
            double antiAffinityShare) {

        /** Three boards, equal shares, two or three sizes each: about 25 VMs per host at 80..85%. */
        public static Shape denseMixed(double fillMin, double fillMax) {
            return new Shape("dense mixed " + percent(fillMin) + ".." + percent(fillMax), List.of(
                    new BoardMix(Boards.T4, 1, List.of("nvidia-230", "nvidia-231", "nvidia-232")),
                    new BoardMix(Boards.V100, 1, List.of("nvidia-v100d-2q", "nvidia-v100d-4q", "nvidia-v100d-8q")),
                    new BoardMix(Boards.A40, 1, List.of("nvidia-a40-4q", "nvidia-a40-8q"))), fillMin, fillMax, 0);
        }

        /** Uneven boards (60/30/10% of hosts), the large sizes included, so whole GPUs are scarce. */
        public static Shape unevenLarge(double fillMin, double fillMax) {
            return new Shape("uneven large " + percent(fillMin) + ".." + percent(fillMax), List.of(
                    new BoardMix(Boards.T4, 0.6, List.of("nvidia-232", "nvidia-233", "nvidia-234")),
                    new BoardMix(Boards.V100, 0.3, List.of("nvidia-v100d-8q", "nvidia-v100d-16q")),
                    new BoardMix(Boards.A40, 0.1, List.of("nvidia-a40-8q", "nvidia-a40-12q", "nvidia-a40-24q"))),
                    fillMin, fillMax, 0);
        }

        /** {@link #denseMixed} with a tenth of the VMs in anti-affinity groups. */
        public static Shape antiAffinity(double fillMin, double fillMax) {
            Shape dense = denseMixed(fillMin, fillMax);
            return new Shape("anti-affinity " + percent(fillMin) + ".." + percent(fillMax), dense.boards(), fillMin,
                    fillMax, ANTI_AFFINITY_SHARE);
        }

        private static String percent(double share) {
            return Math.round(share * 100) + "%";
        }
    }

    /** 128 CPUs (8 GiB each) per host of a {@link Shape}: a common dual-socket GPU server. */
    static final int SHAPE_HOST_CPUS = 128;

    /** A {@link Shape} of {@code hostCount} hosts, the same for the same seed. */
    public static Fleet generate(Shape shape, int hostCount, long seed) {
        Random r = new Random(seed);
        List<Host> hosts = new ArrayList<>();
        List<Vm> vms = new ArrayList<>();
        int groups = Math.max(1, hostCount * 25 / 50);
        double total = shape.boards().stream().mapToDouble(BoardMix::share).sum();
        for (int i = 0; i < hostCount; i++) {
            // Boards by share in a fixed interleaving (not drawn), so a small fleet has every board in proportion.
            double x = ((i * 0.618_033_988_75) % 1.0) * total;
            BoardMix mix = shape.boards().get(shape.boards().size() - 1);
            for (BoardMix m : shape.boards()) {
                x -= m.share();
                if (x < 0) {
                    mix = m;
                    break;
                }
            }
            Board board = mix.board();
            List<Gpu> gpus = new ArrayList<>();
            String[] slots = board.vfsPerGpu() == 0 ? GPU_SLOTS : SRIOV_SLOTS;
            for (int g = 0; g < board.gpusPerHost(); g++) {
                gpus.add(new Gpu(slots[g], vfs(slots[g], board.vfsPerGpu()), board));
            }
            Host host = new Host(String.format("h%05d", i), "2025.1", 0, SHAPE_HOST_CPUS,
                    SHAPE_HOST_CPUS * MIB_PER_CPU, "rack-" + (i / HOSTS_PER_RACK), board, gpus);
            hosts.add(host);
            Set<String> groupsHere = new HashSet<>();
            for (Gpu gpu : gpus) {
                String typeId = mix.typeIds().get(r.nextInt(mix.typeIds().size()));
                VgpuType type = board.types().stream().filter(t -> t.typeId().equals(typeId)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException(typeId + " is not a type of " + board.name()));
                double fill = shape.fillMin() + (shape.fillMax() - shape.fillMin()) * r.nextDouble();
                int count = Math.min(type.maxInstances(), (int) Math.floor(type.maxInstances() * fill + r.nextDouble()));
                for (int k = 0; k < count; k++) {
                    int vcpus = r.nextBoolean() ? 2 : 4;
                    String group = r.nextDouble() < shape.antiAffinityShare() ? "aa-" + r.nextInt(groups) : "";
                    vms.add(new Vm(String.format("vm-%06d", vms.size()), host.id(), vcpus, vcpus * 4096L,
                            List.of(new Device(type.typeId(), type.framebufferMib(), gpu.create(type.typeId()))),
                            groupsHere.add(group) ? group : ""));
                }
            }
        }
        return new Fleet(seed, hosts, vms);
    }

    public static Fleet generate(int hostCount, long seed) {
        Random r = new Random(seed);
        List<Host> hosts = new ArrayList<>();
        List<Vm> vms = new ArrayList<>();
        int groups = Math.max(1, hostCount * 10 / 50);
        for (int i = 0; i < hostCount; i++) {
            Board board = pick(Boards.ALL, r);
            int cpus = HOST_CPUS[r.nextInt(HOST_CPUS.length)];
            boolean newer = r.nextDouble() < NEW_RELEASE_SHARE;
            List<Gpu> gpus = new ArrayList<>();
            String[] slots = board.vfsPerGpu() == 0 ? GPU_SLOTS : SRIOV_SLOTS;
            for (int g = 0; g < board.gpusPerHost(); g++) {
                gpus.add(new Gpu(slots[g], vfs(slots[g], board.vfsPerGpu()), board));
            }
            Host host = new Host(String.format("h%05d", i), newer ? "2025.2" : "2025.1", newer ? 1 : 0, cpus,
                    cpus * MIB_PER_CPU, "rack-" + (i / HOSTS_PER_RACK), board, gpus);
            hosts.add(host);
            fill(host, r, vms, groups);
        }
        return new Fleet(seed, hosts, vms);
    }

    private static void fill(Host host, Random r, List<Vm> vms, int groups) {
        double target = 0.6 + 0.3 * r.nextDouble();
        int cpuBudget = (int) (target * host.cpus());
        long memoryBudget = (long) (target * host.memoryMib());
        int cpus = 0;
        long memory = 0;
        Set<String> groupsHere = new HashSet<>();
        for (Gpu gpu : host.gpus()) {
            if (r.nextDouble() < EMPTY_GPU_SHARE) {
                continue;
            }
            VgpuType type = pick(host.board().types(), r);
            int count = Math.max(1, (int) Math.round(type.maxInstances() * (0.5 + 0.5 * r.nextDouble())));
            count = Math.min(count, gpu.vfs().isEmpty() ? count : gpu.vfs().size());
            for (int k = 0; k < count; k++) {
                int vcpus = new int[] {4, 8, 8, 16}[r.nextInt(4)];
                long mem = vcpus * 1024L * (r.nextBoolean() ? 4 : 8);
                if (cpus + vcpus > cpuBudget || memory + mem > memoryBudget) {
                    break;
                }
                String parent = gpu.create(type.typeId());
                cpus += vcpus;
                memory += mem;
                vms.add(new Vm(String.format("vm-%06d", vms.size()), host.id(), vcpus, mem,
                        List.of(new Device(type.typeId(), type.framebufferMib(), parent)), group(r, groups, groupsHere)));
            }
        }
        while (true) {
            int vcpus = new int[] {2, 4, 8}[r.nextInt(3)];
            long mem = vcpus * 1024L * new int[] {2, 4, 8}[r.nextInt(3)];
            if (cpus + vcpus > cpuBudget || memory + mem > memoryBudget) {
                break;
            }
            cpus += vcpus;
            memory += mem;
            vms.add(new Vm(String.format("vm-%06d", vms.size()), host.id(), vcpus, mem, List.of(),
                    group(r, groups, groupsHere)));
        }
    }

    private static String group(Random r, int groups, Set<String> here) {
        if (r.nextDouble() >= ANTI_AFFINITY_SHARE) {
            return "";
        }
        String g = "aa-" + r.nextInt(groups);
        return here.add(g) ? g : "";
    }

    private static List<String> vfs(String pf, int count) {
        List<String> out = new ArrayList<>();
        String bus = pf.substring(0, pf.lastIndexOf(':') + 1);
        for (int k = 0; k < count; k++) {
            // VFs start at function 4 of the PF's device, eight functions per device (as on A40).
            int fn = 4 + k;
            out.add(String.format("%s%02x.%x", bus, fn / 8, fn % 8));
        }
        return out;
    }

    private static <T> T pick(List<T> options, Random r) {
        double total = 0;
        for (T o : options) {
            total += weight(o);
        }
        double x = r.nextDouble() * total;
        for (T o : options) {
            x -= weight(o);
            if (x < 0) {
                return o;
            }
        }
        return options.get(options.size() - 1);
    }

    private static double weight(Object o) {
        return o instanceof Board b ? b.weight() : ((VgpuType) o).weight();
    }

    /** {@code count} hosts of the older release, chosen by the seed: the hosts a campaign step empties. */
    public static Set<String> pickEvacuation(Fleet fleet, int count, long seed) {
        Random r = new Random(seed);
        List<Host> old = new ArrayList<>(fleet.hosts().stream().filter(h -> h.releaseRank() == 0).toList());
        Set<String> out = new LinkedHashSet<>();
        while (out.size() < count && !old.isEmpty()) {
            out.add(old.remove(r.nextInt(old.size())).id());
        }
        return out;
    }
}
