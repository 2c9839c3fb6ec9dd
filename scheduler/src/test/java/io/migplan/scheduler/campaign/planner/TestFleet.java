package io.migplan.scheduler.campaign.planner;

import io.migplan.capacity.CapacityUnit;
import io.migplan.capacity.NvidiaEqualSizeModel;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.TypeDemand;
import io.migplan.scheduler.campaign.planner.CampaignProblem.CampaignVm;
import io.migplan.scheduler.campaign.planner.CampaignProblem.Eligibility;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.DeviceSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.ParentSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Hand-built fleets: NVIDIA equal-size GPUs, 32 vCPUs and 256 GiB per host. */
final class TestFleet {

    static final String FROM = "2025.1";
    static final String TO = "2025.2";
    static final int CPUS = 32;
    static final long MEMORY = 256 * 1024;

    /** A board's vGPU types: id to (framebuffer MiB, max instances). */
    static final Map<String, Map<String, long[]>> BOARDS = Map.of(
            "T4", Map.of("nvidia-232", new long[] {4096, 4}, "nvidia-233", new long[] {8192, 2}),
            "V100D", Map.of("nvidia-v100d-8q", new long[] {8192, 4}, "nvidia-v100d-16q", new long[] {16_384, 2}),
            "K80", Map.of("nvidia-k80-4q", new long[] {4096, 3}));

    private record H(String id, String board, String domain, String release, int gpus) {
    }

    private final Map<String, H> hosts = new LinkedHashMap<>();
    private final List<CampaignVm> vms = new ArrayList<>();
    private final Set<String> scope = new LinkedHashSet<>();

    TestFleet host(String id, String board, String domain, String release, int gpus) {
        hosts.put(id, new H(id, board, domain, release, gpus));
        if (release.equals(FROM)) {
            scope.add(id);
        }
        return this;
    }

    /**
     * A VM of 4 vCPUs and 16 GiB with one device of {@code type} on GPU {@code gpu}, or none when type is
     * null; its UUID is {@link #uuid}{@code (host, name)}.
     */
    TestFleet vm(String name, String host, String type, int gpu) {
        H h = hosts.get(host);
        List<DeviceSpec> devices = type == null ? List.of()
                : List.of(new DeviceSpec(type, BOARDS.get(h.board()).get(type)[0]));
        List<String> parents = type == null ? List.of() : List.of(gpuAddress(gpu));
        vms.add(new CampaignVm(uuid(host, name), name, host, 4, 16 * 1024, devices, parents, ""));
        return this;
    }

    /** The UUID standing in for the libvirt UUID of the VM {@code name} created on {@code host}. */
    static String uuid(String host, String name) {
        return "uuid-" + host + "-" + name;
    }

    static String gpuAddress(int gpu) {
        return String.format("0000:%02x:00.0", 0x3b + gpu);
    }

    CampaignProblem problem() {
        List<HostSpec> specs = new ArrayList<>();
        for (H h : hosts.values()) {
            List<CampaignVm> mine = vms.stream().filter(v -> v.host().equals(h.id())).toList();
            Map<String, long[]> types = BOARDS.get(h.board());
            Map<String, TypeDemand> demand = new TreeMap<>();
            types.forEach((t, n) -> demand.put(t, NvidiaEqualSizeModel.demand(n[0], (int) n[1])));
            List<ParentSpec> parents = new ArrayList<>();
            for (int g = 0; g < h.gpus(); g++) {
                String address = gpuAddress(g);
                List<String> instances = mine.stream().filter(v -> v.parents().contains(address))
                        .map(v -> v.devices().get(0).typeId()).toList();
                // The GPU as its agent reports it; what each type has free is the capacity model's.
                Capacity capacity = NvidiaEqualSizeModel.of(demand, instances);
                CapacityUnit unit = CapacityUnit.of(address, capacity, Map.of());
                Map<String, Integer> available = new TreeMap<>();
                types.keySet().forEach(t -> available.put(t, unit.headroom(t)));
                parents.add(new ParentSpec(address, h.board(), capacity, available));
            }
            int cpus = mine.stream().mapToInt(CampaignVm::vcpus).sum();
            long memory = mine.stream().mapToLong(CampaignVm::memoryMib).sum();
            specs.add(new HostSpec(h.id(), h.release(), h.release().equals(FROM) ? 0 : 1, CPUS, cpus, MEMORY, memory,
                    h.domain(), parents, Map.of()));
        }
        return new CampaignProblem("test", specs, vms, FROM, TO, scope, Eligibility.sameBoardNotOlder());
    }

    /**
     * Two boards of four hosts each, all at the old release, in two racks: three hosts per
     * board run three 4Q VMs on GPU 0 and one 8Q VM on GPU 1 (plus a plain VM), the fourth is
     * empty (the spare).
     */
    static TestFleet twoBoards(boolean spare) {
        TestFleet f = new TestFleet();
        int n = 0;
        for (String board : List.of("T4", "V100D")) {
            String small = board.equals("T4") ? "nvidia-232" : "nvidia-v100d-8q";
            String large = board.equals("T4") ? "nvidia-233" : "nvidia-v100d-16q";
            for (int i = 1; i <= 4; i++) {
                String host = board.toLowerCase() + "-" + i;
                f.host(host, board, "rack-" + (i % 2), FROM, 2);
                if (i == 4 && spare) {
                    continue;
                }
                for (int k = 0; k < 3; k++) {
                    f.vm(String.format("vm-%03d", n++), host, small, 0);
                }
                f.vm(String.format("vm-%03d", n++), host, large, 1);
                f.vm(String.format("vm-%03d", n++), host, null, 0);
            }
        }
        return f;
    }
}
