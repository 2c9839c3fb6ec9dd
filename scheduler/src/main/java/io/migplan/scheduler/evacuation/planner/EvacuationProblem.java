package io.migplan.scheduler.evacuation.planner;

import io.migplan.scheduler.error.Reason;
import io.migplan.capacity.CapacityUnit;
import io.migplan.capacity.ComputeAllocation;
import io.migplan.proto.v1.Capacity;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One evacuation question, complete in itself: the hosts that may receive VMs (fixed
 * capacity), the VMs to move with the targets the filters found eligible for each, and the
 * hosts being emptied. The planners read nothing else, so the same instance can be written
 * out and replayed by another planner.
 *
 * <p>Eligibility (host state, release direction, device type present, compatibility verdict)
 * is decided before this record is built; the planners only decide among eligible targets by
 * capacity, anti-affinity and preference.
 *
 * @param id         names this planning run, e.g. for {@link EvacuationPlanner#terminateEarly}
 * @param hosts      every host that may receive a VM; hosts in {@code evacuating} are ignored as targets
 * @param vms        the VMs running on the evacuating hosts
 * @param evacuating the hosts being emptied: never targets
 */
public record EvacuationProblem(String id, List<HostSpec> hosts, List<VmSpec> vms, Set<String> evacuating) {

    public EvacuationProblem {
        Objects.requireNonNull(id, "id");
        hosts = List.copyOf(hosts);
        vms = List.copyOf(vms);
        evacuating = Set.copyOf(evacuating);
    }

    /**
     * A host as it is now, without the VMs being moved.
     *
     * @param releaseRank        order of the host's release, higher is newer (see docs: releases are ordered)
     * @param cpus               the host's CPUs as reported (physical)
     * @param usedCpus           vCPUs of the VMs that stay on it
     * @param antiAffinityGroups group name to the number of VMs of that group it already runs
     * @param allocation         the CPU and memory rule in force: VMs may be given {@link #allocatableCpus()}
     */
    public record HostSpec(String id, String release, int releaseRank, int cpus, int usedCpus, long memoryMib,
            long usedMemoryMib, String failureDomain, List<ParentSpec> parents, Map<String, Integer> antiAffinityGroups,
            ComputeAllocation allocation) {
        public HostSpec {
            parents = List.copyOf(parents);
            antiAffinityGroups = Map.copyOf(antiAffinityGroups);
            allocation = allocation == null ? ComputeAllocation.NONE : allocation;
        }

        /** A host without overcommit or reservations. */
        public HostSpec(String id, String release, int releaseRank, int cpus, int usedCpus, long memoryMib,
                long usedMemoryMib, String failureDomain, List<ParentSpec> parents,
                Map<String, Integer> antiAffinityGroups) {
            this(id, release, releaseRank, cpus, usedCpus, memoryMib, usedMemoryMib, failureDomain, parents,
                    antiAffinityGroups, ComputeAllocation.NONE);
        }

        /** The same host at another release (a campaign's host being upgraded). */
        public HostSpec atRelease(String release, int releaseRank) {
            return new HostSpec(id, release, releaseRank, cpus, usedCpus, memoryMib, usedMemoryMib, failureDomain,
                    parents, antiAffinityGroups, allocation);
        }

        /** The same host with other VMs counted as staying on it. */
        public HostSpec withUsed(int usedCpus, long usedMemoryMib) {
            return new HostSpec(id, release, releaseRank, cpus, usedCpus, memoryMib, usedMemoryMib, failureDomain,
                    parents, antiAffinityGroups, allocation);
        }

        public int allocatableCpus() {
            return allocation.allocatableCpus(cpus);
        }

        public long allocatableMemoryMib() {
            return allocation.allocatableMemoryMib(memoryMib);
        }
    }

    /**
     * A parent device and its capacity model as the agent reported it (the contract's
     * {@link Capacity}: rule, group, locked framebuffer, used instances, pools, per-type demand
     * and max), plus what sysfs says is free now per type.
     *
     * @param board     board model ("T4"), for reports only: compatibility is already in the eligible lists
     * @param available type id to {@code available_instances} now
     * @param unit      what its instances count against, over all its types, as the snapshot made it
     *                  once ({@code HostView#planningUnit}: shared, restricted before counting); null
     *                  to have the planner read it from {@code capacity} and {@code available}
     */
    public record ParentSpec(String address, String board, Capacity capacity, Map<String, Integer> available,
            CapacityUnit unit) {
        public ParentSpec {
            available = Map.copyOf(available);
        }

        /** A parent whose unit the planner reads from its model. */
        public ParentSpec(String address, String board, Capacity capacity, Map<String, Integer> available) {
            this(address, board, capacity, available, null);
        }
    }

    /**
     * A VM to move.
     *
     * @param uuid              its libvirt domain UUID: the VM's identity, unique in the problem
     * @param name              its name, for display: VMs on different hosts may share one
     * @param antiAffinityGroup empty when the VM has none
     * @param eligible          targets the filters accepted, in the filters' order of preference
     * @param ineligibleReasons why no target was eligible, reported as is when {@code eligible} is empty
     */
    public record VmSpec(String uuid, String name, String sourceHost, int vcpus, long memoryMib, List<DeviceSpec> devices,
            String antiAffinityGroup, String sourceFailureDomain, List<TargetSpec> eligible,
            List<Reason> ineligibleReasons) {
        public VmSpec {
            devices = List.copyOf(devices);
            antiAffinityGroup = antiAffinityGroup == null ? "" : antiAffinityGroup;
            eligible = List.copyOf(eligible);
            ineligibleReasons = List.copyOf(ineligibleReasons);
        }
    }

    /** One mdev of a VM: its type and the framebuffer one instance of it takes (0 when not a vGPU). */
    public record DeviceSpec(String typeId, long framebufferMib) {
    }

    /**
     * An eligible landing: a host and, per device of the VM in order, the parent it would be
     * created on. For SR-IOV VFs any VF of the physical function stands for the function: the
     * planner counts free VFs per function and binds concrete free VFs after planning.
     */
    public record TargetSpec(String host, List<String> parents) {
        public TargetSpec {
            parents = List.copyOf(parents);
        }
    }
}
