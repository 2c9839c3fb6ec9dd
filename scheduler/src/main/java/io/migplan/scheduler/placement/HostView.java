package io.migplan.scheduler.placement;

import io.migplan.proto.v1.Capacity;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the filters know of one host: built from the database once per question, so every
 * filter is a pure function of (request, host) and testable without one.
 *
 * @param usedCpus      vCPUs of the VMs the host runs now
 * @param usedMemoryMib memory of the VMs the host runs now
 * @param antiAffinityGroups anti-affinity group -> a VM of that group the host runs now
 */
public record HostView(String id, HostState state, Instant lastHeartbeatAt, int cpus, long memoryMib,
        int usedCpus, long usedMemoryMib, String agentEndpoint, List<ParentView> parents, long generation,
        String release, String failureDomain, AdminState adminState, String adminReason,
        Map<String, String> antiAffinityGroups) {

    /** A parent device and the types it can create. */
    public record ParentView(String address, String board, String driverVersion, List<TypeView> types,
            Capacity capacity) {
        public Optional<TypeView> type(String typeId) {
            return types.stream().filter(t -> t.typeId().equals(typeId)).findFirst();
        }
    }

    /** One device type on one parent, with how many more instances it can create. */
    public record TypeView(String typeId, String name, int availableInstances, String signature) {
    }

    public int freeCpus() {
        return cpus - usedCpus;
    }

    public long freeMemoryMib() {
        return memoryMib - usedMemoryMib;
    }

    /** The parents offering {@code typeId}, in address order. */
    public List<ParentView> parentsWith(String typeId) {
        return parents.stream().filter(p -> p.type(typeId).isPresent()).toList();
    }
}
