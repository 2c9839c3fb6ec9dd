package io.migplan.scheduler.evacuation.planner;

import io.migplan.capacity.CapacityUnit;
import io.migplan.capacity.NvidiaEqualSizeModel;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.TypeDemand;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.DeviceSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.ParentSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.TargetSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.VmSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hand-sized evacuation problems. T4 numbers from FACTS.md: nvidia-231 "GRID T4-2Q" 2048 MiB
 * max_instance 8, nvidia-232 "GRID T4-4Q" 4096 MiB max_instance 4.
 */
final class Problems {

    static final String T4_2Q = "nvidia-231";
    static final String T4_4Q = "nvidia-232";
    static final Map<String, TypeDemand> T4_DEMAND = Map.of(
            T4_2Q, NvidiaEqualSizeModel.demand(2048, 8),
            T4_4Q, NvidiaEqualSizeModel.demand(4096, 4));

    private Problems() {
    }

    /** A T4 GPU locked to {@code lockedFb} (0: empty) with {@code used} vGPUs. */
    static ParentSpec t4(String address, long lockedFb, int used) {
        Capacity c = Capacity.newBuilder().setRule(CapacityRule.CAPACITY_RULE_NVIDIA_EQUAL_SIZE)
                .setLockedFramebufferMib(lockedFb).setUsedInstances(used).putAllDemand(T4_DEMAND).build();
        CapacityUnit unit = CapacityUnit.of(address, c, Map.of());
        return new ParentSpec(address, "T4", c, Map.of(T4_2Q, unit.headroom(T4_2Q), T4_4Q, unit.headroom(T4_4Q)));
    }

    static HostSpec host(String id, int cpus, int usedCpus, ParentSpec... parents) {
        return new HostSpec(id, "2025.2", 1, cpus, usedCpus, 262_144, 0, "rack-" + id, List.of(parents), Map.of());
    }

    static HostSpec host(String id, int cpus, int usedCpus, Map<String, Integer> groups) {
        return new HostSpec(id, "2025.2", 1, cpus, usedCpus, 262_144, 0, "rack-" + id, List.of(), groups);
    }

    static VmSpec plainVm(String name, int vcpus, String group, String... targets) {
        List<TargetSpec> eligible = new ArrayList<>();
        for (String t : targets) {
            eligible.add(new TargetSpec(t, List.of()));
        }
        return new VmSpec("uuid-" + name, name, "src", vcpus, 4096, List.of(), group, "rack-src", eligible, List.of());
    }

    /** A VM with one vGPU of {@code type}, eligible on the given host/parent pairs ("h1:0000:3b:00.0"). */
    static VmSpec gpuVm(String name, String type, long fb, String... hostParents) {
        List<TargetSpec> eligible = new ArrayList<>();
        for (String hp : hostParents) {
            int at = hp.indexOf(':');
            eligible.add(new TargetSpec(hp.substring(0, at), List.of(hp.substring(at + 1))));
        }
        return new VmSpec("uuid-" + name, name, "src", 4, 16_384, List.of(new DeviceSpec(type, fb)), "", "rack-src", eligible,
                List.of());
    }

    static EvacuationProblem problem(List<HostSpec> hosts, List<VmSpec> vms) {
        List<HostSpec> all = new ArrayList<>(hosts);
        all.add(new HostSpec("src", "2025.1", 0, 64, 0, 262_144, 0, "rack-src", List.of(), Map.of()));
        return new EvacuationProblem("p-test", all, vms, Set.of("src"));
    }

    /** Short limits for tests: the problems are tiny, so the solver settles in well under a second. */
    static PlanLimits limits() {
        return PlanLimits.defaults().withTimeLimit(java.time.Duration.ofSeconds(5))
                .withUnimprovedLimits(java.time.Duration.ofMillis(200), java.time.Duration.ofMillis(500));
    }
}
