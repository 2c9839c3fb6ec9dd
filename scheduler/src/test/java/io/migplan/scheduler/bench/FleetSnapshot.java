package io.migplan.scheduler.bench;

import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.bench.Boards.Board;
import io.migplan.scheduler.bench.Boards.VgpuType;
import io.migplan.scheduler.bench.Fleet.Gpu;
import io.migplan.scheduler.bench.Fleet.Host;
import io.migplan.scheduler.bench.Fleet.Vm;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.ParentSpec;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.HostView.TypeView;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.VmRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A generated {@link Fleet} as the scheduler holds it in memory: the {@link ClusterSnapshot}
 * (host views with every parent and type, VMs whose mdevs carry their source signature) and a
 * compatibility matrix that already holds a verdict for every cell a question can touch, so
 * "where can it move" is answered without asking an agent. A few hosts are STALE, DOWN,
 * DRAINING or in MAINTENANCE and a few refuse the other driver's state, so every filter and the
 * compatibility verdicts reject some hosts. It mirrors what SnapshotLoader reads; it decides
 * nothing about placement.
 */
public final class FleetSnapshot {

    /** Liveness and admin states, as shares of the fleet: enough that each state filter has hosts to reject. */
    static final double STALE_SHARE = 0.02;
    static final double DOWN_SHARE = 0.01;
    static final double DRAINING_SHARE = 0.02;
    static final double MAINTENANCE_SHARE = 0.01;
    /** Hosts whose driver refuses state written by the other driver version (e.g. a VBIOS mismatch). */
    static final double REFUSES_OTHER_DRIVER_SHARE = 0.03;
    /** Heartbeat age of a STALE host: past the default stale-after of 60 s. */
    static final long STALE_SECONDS = 300;
    /** Heartbeat age of a DOWN host: past the default down-after of 600 s. */
    static final long DOWN_SECONDS = 3_600;
    /** The agent's gRPC port. */
    static final int AGENT_PORT = 9_443;
    /** NVIDIA vGPU host driver of each release the generator uses (R550 branch, 17.x manager releases). */
    static final Map<String, String> DRIVER_BY_RELEASE = Map.of("2025.1", "550.90.05", "2025.2", "550.127.05");

    private final ClusterSnapshot snapshot;
    private final Map<MatrixKey, StoredVerdict> verdicts;
    private final List<String> vmNames;
    private final List<Free> free;

    /** A host's available instances by type id, summed over its parents. */
    public record Free(String host, Map<String, Integer> byType) {
    }

    private FleetSnapshot(ClusterSnapshot snapshot, Map<MatrixKey, StoredVerdict> verdicts, List<String> vmNames) {
        this.snapshot = snapshot;
        this.verdicts = verdicts;
        this.vmNames = vmNames;
        List<Free> totals = new ArrayList<>();
        for (HostEntry e : snapshot.hosts()) {
            Map<String, Integer> byType = new HashMap<>();
            e.view().parents().forEach(p -> p.types().forEach(t -> byType.merge(t.typeId(), t.availableInstances(),
                    Integer::sum)));
            totals.add(new Free(e.view().id(), Map.copyOf(byType)));
        }
        this.free = List.copyOf(totals);
    }

    /** Every host's free instances by type, in snapshot order: the data of the cheapest possible check. */
    public List<Free> free() {
        return free;
    }

    public ClusterSnapshot snapshot() {
        return snapshot;
    }

    /** VM names in generation order, for drawing questions by seed. */
    public List<String> vmNames() {
        return vmNames;
    }

    public int verdictCount() {
        return verdicts.size();
    }

    /**
     * The valid verdicts among {@code keys}, checked as CompatibilityMatrix.cached checks its
     * cache: present, and asked at the generation the host holds in the snapshot.
     */
    public Map<MatrixKey, StoredVerdict> cached(Collection<MatrixKey> keys) {
        Map<MatrixKey, StoredVerdict> out = new HashMap<>();
        for (MatrixKey k : keys) {
            StoredVerdict v = verdicts.get(k);
            HostEntry h = v == null ? null : snapshot.host(k.targetHost()).orElse(null);
            if (h != null && v.generation() == h.view().generation()
                    && (h.lastReportAt() == null || !v.askedAt().isBefore(h.lastReportAt()))) {
                out.put(k, v);
            }
        }
        return out;
    }

    public static FleetSnapshot of(Fleet fleet, Instant now, long seed) {
        return of(fleet, now, seed, false);
    }

    /**
     * The fleet as a scheduler holds it once every agent reported and answered: every host UP and
     * ACTIVE, every verdict COMPATIBLE, as {@code ReportedFleet} makes it for the product's benchmarks
     * (so a campaign through the product can be compared with the planner on the fleet itself).
     */
    public static FleetSnapshot allUp(Fleet fleet, Instant now, long seed) {
        return of(fleet, now, seed, true);
    }

    private static FleetSnapshot of(Fleet fleet, Instant now, long seed, boolean allUp) {
        Random r = new Random(seed);
        // A report a minute ago for every host; verdicts were asked after it, so they are valid.
        Instant reported = now.minusSeconds(60);
        Instant asked = now.minusSeconds(30);
        List<HostEntry> entries = new ArrayList<>();
        Map<MatrixKey, StoredVerdict> verdicts = new ConcurrentHashMap<>();
        // All up: UUIDs in the fleet's order of VMs, as the planner's benchmarks name them, so ties break alike.
        Map<String, Integer> order = new HashMap<>();
        fleet.vms().forEach(vm -> order.put(vm.name(), order.size()));
        for (Host h : fleet.hosts()) {
            long generation = 1 + r.nextInt(1_000);
            List<ParentView> parents = parents(h);
            List<VmRecord> vms = new ArrayList<>();
            Map<String, HostView.GroupMember> groups = new HashMap<>();
            for (Vm vm : fleet.vmsOn(h.id())) {
                VmRecord record = record(h, vm, r, allUp ? order.get(vm.name()) : null);
                vms.add(record);
                if (!vm.antiAffinityGroup().isEmpty()) {
                    groups.putIfAbsent(vm.antiAffinityGroup(), new HostView.GroupMember(vm.name(), record.uuid()));
                }
            }
            double x = allUp ? 1 : r.nextDouble();
            HostState state = x < STALE_SHARE ? HostState.STALE
                    : x < STALE_SHARE + DOWN_SHARE ? HostState.DOWN : HostState.UP;
            double y = allUp ? 1 : r.nextDouble();
            AdminState admin = y < DRAINING_SHARE ? AdminState.DRAINING
                    : y < DRAINING_SHARE + MAINTENANCE_SHARE ? AdminState.MAINTENANCE : AdminState.ACTIVE;
            Instant heartbeat = now.minusSeconds(state == HostState.STALE ? STALE_SECONDS
                    : state == HostState.DOWN ? DOWN_SECONDS : r.nextInt(30));
            HostView view = new HostView(h.id(), state, heartbeat, h.cpus(), h.memoryMib(), fleet.usedCpus(h),
                    fleet.usedMemoryMib(h), h.id() + ":" + AGENT_PORT, parents, generation, h.release(),
                    h.failureDomain(), admin, admin == AdminState.ACTIVE ? null : "campaign step 3",
                    Map.copyOf(groups));
            entries.add(new HostEntry(view, List.copyOf(vms), reported));
            boolean refuses = !allUp && r.nextDouble() < REFUSES_OTHER_DRIVER_SHARE;
            fillVerdicts(h, parents, generation, asked, refuses, verdicts);
        }
        return new FleetSnapshot(ClusterSnapshot.of(entries), verdicts,
                fleet.vms().stream().map(Vm::name).toList());
    }

    /**
     * One parent per GPU (or per VF on SR-IOV boards), offering every type of its board, as sysfs
     * lists them, each at what the capacity model says it has free, with that model ({@link Gpu#parents}).
     */
    private static List<ParentView> parents(Host h) {
        Board b = h.board();
        String driver = DRIVER_BY_RELEASE.get(h.release());
        List<ParentView> out = new ArrayList<>();
        for (Gpu g : h.gpus()) {
            for (ParentSpec p : g.parents()) {
                List<TypeView> types = new ArrayList<>();
                for (VgpuType t : b.types()) {
                    types.add(type(h, t, p.available().get(t.typeId())));
                }
                out.add(new ParentView(p.address(), b.name(), driver, List.copyOf(types), p.capacity()));
            }
        }
        out.sort((p, q) -> p.address().compareTo(q.address()));
        return List.copyOf(out);
    }

    private static TypeView type(Host h, VgpuType t, int available) {
        return new TypeView(t.typeId(), "GRID " + h.board().name() + "-" + t.framebufferMib() / 1024 + "Q", available,
                signature(h.board(), t.typeId(), h.release()));
    }

    /** A type's migration signature changes with the driver, so each release has its own per type. */
    static String signature(Board board, String typeId, String release) {
        return board.name() + "/" + typeId + "/" + DRIVER_BY_RELEASE.get(release);
    }

    /** @param rank where the VM comes in the fleet, for a UUID in that order; null for a random UUID */
    private static VmRecord record(Host h, Vm vm, Random r, Integer rank) {
        String driver = DRIVER_BY_RELEASE.get(h.release());
        List<DeviceRequest> devices = new ArrayList<>();
        for (Fleet.Device d : vm.devices()) {
            devices.add(new DeviceRequest(new UUID(r.nextLong(), r.nextLong()).toString(), d.typeId(), d.parent(),
                    signature(h.board(), d.typeId(), h.release()),
                    new SourceFacts(h.board().name(), "nvidia", driver, h.release())));
        }
        UUID uuid = new UUID(r.nextLong(), r.nextLong());
        return new VmRecord(vm.name(), (rank == null ? uuid : new UUID(0, rank)).toString(), h.id(), h.release(),
                vm.vcpus(), vm.memoryMib(), List.copyOf(devices), null, vm.antiAffinityGroup());
    }

    /**
     * A verdict for every (parent, type) of the host against each release's signature of that
     * type: COMPATIBLE, except on hosts that refuse the other driver's state.
     */
    private static void fillVerdicts(Host h, List<ParentView> parents, long generation, Instant asked,
            boolean refusesOtherDriver, Map<MatrixKey, StoredVerdict> out) {
        StoredVerdict compatible = new StoredVerdict(Verdict.VERDICT_COMPATIBLE, "", "", "nvidia-vgpu", generation,
                asked);
        for (ParentView p : parents) {
            for (TypeView t : p.types()) {
                for (String release : DRIVER_BY_RELEASE.keySet()) {
                    String source = signature(h.board(), t.typeId(), release);
                    boolean refused = refusesOtherDriver && !release.equals(h.release());
                    out.put(new MatrixKey(h.id(), p.address(), t.typeId(), source), refused
                            ? new StoredVerdict(Verdict.VERDICT_INCOMPATIBLE, "MIGRATION_VERSION",
                                    "driver " + DRIVER_BY_RELEASE.get(h.release()) + " cannot load state written by "
                                            + DRIVER_BY_RELEASE.get(release), "nvidia-vgpu", generation, asked)
                            : compatible);
                }
            }
        }
    }
}
