package io.migplan.scheduler.evacuation.planner;

import io.migplan.capacity.CapacityUnit;
import io.migplan.capacity.NvidiaEqualSizeModel;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.scheduler.evacuation.planner.domain.DeviceUnit;
import io.migplan.scheduler.evacuation.planner.domain.Slot;
import io.migplan.scheduler.evacuation.planner.domain.Target;
import io.migplan.scheduler.evacuation.planner.domain.TargetHost;
import io.migplan.scheduler.evacuation.planner.domain.VmMove;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Small solver objects for constraint tests, with numbers from FACTS.md: Tesla T4 types
 * nvidia-231 "GRID T4-2Q" (2048 MiB, max_instance 8) and nvidia-232 "GRID T4-4Q" (4096 MiB,
 * max_instance 4), as in the 2-GPU T4 fixture tree.
 */
final class Fixtures {

    static final String T4_2Q = "nvidia-231";
    static final String T4_4Q = "nvidia-232";
    static final long FB_2Q = 2048;
    static final long FB_4Q = 4096;

    private static int hosts;
    private static int units;
    private static int vms;

    private Fixtures() {
    }

    static TargetHost host(String id, int cpus, int usedCpus) {
        return host(id, cpus, usedCpus, 262_144, 0, 1, "rack-1", Map.of());
    }

    static TargetHost host(String id, int cpus, int usedCpus, long memoryMib, long usedMemoryMib, int releaseRank,
            String domain, Map<String, Integer> groups) {
        TargetHost host = new TargetHost(hosts++, id, releaseRank, cpus, usedCpus, memoryMib, usedMemoryMib, domain,
                groups);
        host.setFailureDomainIndex(domain.hashCode() & 0xff);
        return host;
    }

    /** A T4 under the equal-size rule, with both types listed. */
    static DeviceUnit t4(TargetHost host, String address, long lockedFb, int used) {
        Capacity gpu = Capacity.newBuilder().setRule(CapacityRule.CAPACITY_RULE_NVIDIA_EQUAL_SIZE)
                .setLockedFramebufferMib(lockedFb).setUsedInstances(used)
                .putDemand(T4_2Q, NvidiaEqualSizeModel.demand(FB_2Q, 8))
                .putDemand(T4_4Q, NvidiaEqualSizeModel.demand(FB_4Q, 4)).build();
        DeviceUnit unit = new DeviceUnit(host.id(), CapacityUnit.of(address, gpu, Map.of()), List.of());
        unit.addType(T4_2Q);
        unit.addType(T4_4Q);
        unit.setIndex(units++);
        return unit;
    }

    static Target on(TargetHost host, DeviceUnit unit, String type) {
        return new Target(host, List.of(new Slot(unit, unit.typeIndex(type), unit.id())));
    }

    static Target on(TargetHost host) {
        return new Target(host, List.of());
    }

    static VmMove vm(String name, int vcpus, Target target) {
        return vm(name, vcpus, 4096, "", "rack-9", 1, target);
    }

    static VmMove vm(String name, int vcpus, long memoryMib, String group, String sourceDomain, int newestRank,
            Target target) {
        List<String> types = new ArrayList<>();
        long fb = 0;
        if (target != null) {
            for (Slot s : target.slots()) {
                types.add(s.typeId());
            }
        }
        VmMove vm = new VmMove(vms++, "uuid-" + name, name, "src", vcpus, memoryMib, types, fb, group, sourceDomain, newestRank,
                target == null ? List.of() : List.of(target));
        vm.setSourceFailureDomainIndex(sourceDomain.hashCode() & 0xff);
        vm.setTarget(target);
        return vm;
    }
}
