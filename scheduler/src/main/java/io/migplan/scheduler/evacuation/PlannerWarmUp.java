package io.migplan.scheduler.evacuation;

import io.migplan.capacity.NvidiaEqualSizeModel;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.TypeDemand;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.placement.filter.HostFilter;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.HostView.TypeView;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
import io.migplan.scheduler.snapshot.VmRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Made-up evacuations to plan at start-up, so the first plan an operator asks for runs on code the
 * JIT has already compiled (the filters, the problem builder, the solver's moves and constraints,
 * the plan's assembly) instead of paying for that compilation itself. The fleet is invented and
 * small ({@value #HOSTS} hosts of two GPUs each, the VMs of {@value #EVACUATED} of them moving),
 * every verdict is compatible, no agent is asked and nothing is stored. A fixed number of rounds
 * ({@value #ROUNDS}), not a duration, so the warm-up does the same work on a busy machine.
 */
public final class PlannerWarmUp {

    static final int HOSTS = 48;
    static final int EVACUATED = 6;
    static final int ROUNDS = 40;
    /** The VMs each round moves: eight per emptied host. */
    static final int VMS = EVACUATED * 8;
    private static final String BOARD = "WARM";
    private static final String[] TYPES = {"warm-2q", "warm-4q"};
    private static final long[] FRAMEBUFFER = {2048, 4096};

    private final EvacuationProblemBuilder builder;
    private final ClusterSnapshot snapshot;
    private final Set<String> evacuating = new LinkedHashSet<>();
    private final Instant now = Instant.now();

    public PlannerWarmUp(List<HostFilter> filters) {
        this.builder = new EvacuationProblemBuilder(filters, PlannerWarmUp::allCompatible, batches -> {
            throw new IllegalStateException("the warm-up's verdicts are all known; nobody is asked");
        });
        this.snapshot = snapshot(now);
        for (int i = 0; i < EVACUATED; i++) {
            evacuating.add(hostId(i * (HOSTS / EVACUATED)));
        }
    }

    /** A round's problem, built from the made-up fleet by the filters and the builder as a real one is. */
    public EvacuationProblem problem(String id) {
        return builder.build(id, snapshot, evacuating, now);
    }

    private static Map<MatrixKey, StoredVerdict> allCompatible(List<MatrixKey> keys) {
        Map<MatrixKey, StoredVerdict> out = new HashMap<>();
        StoredVerdict yes = new StoredVerdict(Verdict.VERDICT_COMPATIBLE, "SIGNATURE_MATCH", "", "warm-up", 1,
                Instant.EPOCH);
        keys.forEach(k -> out.put(k, yes));
        return out;
    }

    private static String hostId(int i) {
        return String.format("warm-up-%03d", i);
    }

    /**
     * Hosts of two equal-size GPUs: the first holds four vGPUs of one size (which size alternates
     * by host), the second is empty; four vGPU VMs and four plain VMs per host; a third of the
     * hosts on a newer release.
     */
    private static ClusterSnapshot snapshot(Instant now) {
        Map<String, TypeDemand> demands = new HashMap<>();
        for (int t = 0; t < TYPES.length; t++) {
            demands.put(TYPES[t], NvidiaEqualSizeModel.demand(FRAMEBUFFER[t], (int) (16_384 / FRAMEBUFFER[t])));
        }
        List<HostEntry> entries = new ArrayList<>();
        for (int i = 0; i < HOSTS; i++) {
            String id = hostId(i);
            String release = i % 3 == 0 ? "2025.2" : "2025.1";
            int size = i % TYPES.length;
            String used = "0000:3b:00.0";
            String empty = "0000:5e:00.0";
            List<VmRecord> vms = new ArrayList<>();
            for (int v = 0; v < 8; v++) {
                String name = id + "-vm-" + v;
                List<DeviceRequest> devices = v < 4 ? List.of(new DeviceRequest(name + "-mdev", TYPES[size], used,
                        signature(TYPES[size]), new SourceFacts(BOARD, "nvidia", "1", release))) : List.of();
                vms.add(new VmRecord(name, name + "-uuid", id, release, 2 + (v % 3) * 2, 4096L * (1 + v % 2),
                        devices, null, ""));
            }
            int usedCpus = vms.stream().mapToInt(VmRecord::vcpus).sum();
            long usedMemory = vms.stream().mapToLong(VmRecord::memoryMib).sum();
            List<ParentView> parents = List.of(parent(used, demands, List.of(TYPES[size], TYPES[size], TYPES[size],
                    TYPES[size])), parent(empty, demands, List.of()));
            HostView view = new HostView(id, HostState.UP, now, 64, 262_144, usedCpus, usedMemory, id + ":9400",
                    parents, 1, release, "rack-" + (i % 4), AdminState.ACTIVE, null, Map.of());
            entries.add(new HostEntry(view, List.copyOf(vms), now));
        }
        return ClusterSnapshot.of(entries);
    }

    private static ParentView parent(String address, Map<String, TypeDemand> demands, List<String> instances) {
        Capacity capacity = NvidiaEqualSizeModel.of(demands, instances);
        List<TypeView> types = new ArrayList<>();
        for (int t = 0; t < TYPES.length; t++) {
            int max = (int) (16_384 / FRAMEBUFFER[t]);
            int available = instances.isEmpty() ? max : instances.get(0).equals(TYPES[t]) ? max - instances.size() : 0;
            types.add(new TypeView(TYPES[t], "WARM-" + FRAMEBUFFER[t] / 1024 + "Q", available, signature(TYPES[t])));
        }
        return new ParentView(address, BOARD, "1", List.copyOf(types), capacity);
    }

    private static String signature(String type) {
        return BOARD + "/" + type;
    }
}
