package io.migplan.scheduler.testsupport;

import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.HostView.TypeView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** In-memory host and VM views for filter tests: no database involved. */
public final class Views {

    public static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    public static final String SIG = "nvidia-231/T4/550.90.07";

    private Views() {
    }

    /** An UP host with 32 CPUs and 128 GiB, nothing running, no parents yet. */
    public static HostView host(String id) {
        return new HostView(id, HostState.UP, NOW.minusSeconds(5), 32, 131072, 0, 0, "127.0.0.1:9400", List.of(), 1,
                "2025.1", "rack-a", AdminState.ACTIVE, "", Map.of());
    }

    public static HostView withState(HostView h, HostState state, Instant lastHeartbeat) {
        return new HostView(h.id(), state, lastHeartbeat, h.cpus(), h.memoryMib(), h.usedCpus(), h.usedMemoryMib(),
                h.agentEndpoint(), h.parents(), h.generation(), h.release(), h.failureDomain(), h.adminState(),
                h.adminReason(), h.antiAffinityGroups(), h.allocation());
    }

    public static HostView withCapacity(HostView h, int cpus, long memoryMib, int usedCpus, long usedMemoryMib) {
        return new HostView(h.id(), h.state(), h.lastHeartbeatAt(), cpus, memoryMib, usedCpus, usedMemoryMib,
                h.agentEndpoint(), h.parents(), h.generation(), h.release(), h.failureDomain(), h.adminState(),
                h.adminReason(), h.antiAffinityGroups(), h.allocation());
    }

    /** The host under another CPU and memory rule (ratios, reservations). */
    public static HostView withAllocation(HostView h, io.migplan.capacity.ComputeAllocation allocation) {
        return new HostView(h.id(), h.state(), h.lastHeartbeatAt(), h.cpus(), h.memoryMib(), h.usedCpus(),
                h.usedMemoryMib(), h.agentEndpoint(), h.parents(), h.generation(), h.release(), h.failureDomain(),
                h.adminState(), h.adminReason(), h.antiAffinityGroups(), allocation);
    }

    public static HostView withParents(HostView h, ParentView... parents) {
        return new HostView(h.id(), h.state(), h.lastHeartbeatAt(), h.cpus(), h.memoryMib(), h.usedCpus(),
                h.usedMemoryMib(), h.agentEndpoint(), List.of(parents), h.generation(), h.release(), h.failureDomain(),
                h.adminState(), h.adminReason(), h.antiAffinityGroups(), h.allocation());
    }

    public static HostView withAdmin(HostView h, AdminState adminState, String reason) {
        return new HostView(h.id(), h.state(), h.lastHeartbeatAt(), h.cpus(), h.memoryMib(), h.usedCpus(),
                h.usedMemoryMib(), h.agentEndpoint(), h.parents(), h.generation(), h.release(), h.failureDomain(),
                adminState, reason, h.antiAffinityGroups(), h.allocation());
    }

    /** A member of an anti-affinity group: vm-1 is the VM of {@link #vm} and {@link #vmInGroup}. */
    public static HostView.GroupMember member(String name) {
        return new HostView.GroupMember(name, name.equals("vm-1") ? "5d3c8e10-0000-4000-8000-000000000001"
                : "uuid-" + name);
    }

    public static HostView withGroups(HostView h, Map<String, HostView.GroupMember> groups) {
        return new HostView(h.id(), h.state(), h.lastHeartbeatAt(), h.cpus(), h.memoryMib(), h.usedCpus(),
                h.usedMemoryMib(), h.agentEndpoint(), h.parents(), h.generation(), h.release(), h.failureDomain(),
                h.adminState(), h.adminReason(), groups);
    }

    /** vm-1 as {@link #vm} in anti-affinity group {@code group}. */
    public static PlacementRequest vmInGroup(String group, DeviceRequest... devices) {
        return new PlacementRequest("vm-1", "5d3c8e10-0000-4000-8000-000000000001", "src", "2025.1", 4, 8192,
                List.of(devices), NOW, group);
    }

    public static HostView withRelease(HostView h, String release) {
        return new HostView(h.id(), h.state(), h.lastHeartbeatAt(), h.cpus(), h.memoryMib(), h.usedCpus(),
                h.usedMemoryMib(), h.agentEndpoint(), h.parents(), h.generation(), release, h.failureDomain(),
                h.adminState(), h.adminReason(), h.antiAffinityGroups(), h.allocation());
    }

    public static ParentView parent(String address, TypeView... types) {
        return new ParentView(address, "T4", "550.90.07", List.of(types), io.migplan.proto.v1.Capacity.getDefaultInstance());
    }

    public static TypeView type(String typeId, int available) {
        return new TypeView(typeId, "GRID T4-2Q", available, SIG);
    }

    public static DeviceRequest device(String uuid, String typeId) {
        return new DeviceRequest(uuid, typeId, "0000:3b:00.0", SIG, PlacementRequest.SourceFacts.NONE);
    }

    /** vm-1: 4 vCPUs, 8 GiB, with the given mdevs. */
    public static PlacementRequest vm(DeviceRequest... devices) {
        return new PlacementRequest("vm-1", "5d3c8e10-0000-4000-8000-000000000001", "src", "2025.1", 4, 8192,
                List.of(devices), NOW, "");
    }
}
