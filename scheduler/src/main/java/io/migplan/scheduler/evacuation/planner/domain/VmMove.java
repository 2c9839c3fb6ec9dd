package io.migplan.scheduler.evacuation.planner.domain;

import java.util.List;
import org.optaplanner.core.api.domain.entity.PlanningEntity;
import org.optaplanner.core.api.domain.lookup.PlanningId;
import org.optaplanner.core.api.domain.valuerange.ValueRangeProvider;
import org.optaplanner.core.api.domain.variable.PlanningVariable;

/**
 * A VM on a host being emptied: the only thing the solver changes. Its target is one of its
 * eligible targets, or none (then the plan lists it as unplaced with reasons).
 */
@PlanningEntity(difficultyComparatorClass = VmDifficulty.class)
public class VmMove {

    /** The VM's libvirt domain UUID: its identity (names are unique per host only). */
    @PlanningId
    private String uuid;
    private String name;
    private int index;
    private String sourceHost;
    private int vcpus;
    private long memoryMib;
    private List<String> deviceTypes;
    private long largestFramebufferMib;
    private String antiAffinityGroup;
    private String sourceFailureDomain;
    private int newestReleaseRank;
    private int sourceFailureDomainIndex;
    private TargetRange eligible;

    @PlanningVariable(valueRangeProviderRefs = "eligibleTargets", nullable = true)
    private Target target;

    public VmMove() {
        // for the solution cloner
    }

    /**
     * @param newestReleaseRank the newest release among all target hosts, the preference's reference point
     */
    public VmMove(int index, String uuid, String name, String sourceHost, int vcpus, long memoryMib, List<String> deviceTypes,
            long largestFramebufferMib, String antiAffinityGroup, String sourceFailureDomain, int newestReleaseRank,
            List<Target> eligible) {
        this(index, uuid, name, sourceHost, vcpus, memoryMib, deviceTypes, largestFramebufferMib, antiAffinityGroup,
                sourceFailureDomain, newestReleaseRank, new TargetRange(eligible));
    }

    /** The same, with a range VMs alike may share (a range is never changed once made). */
    public VmMove(int index, String uuid, String name, String sourceHost, int vcpus, long memoryMib, List<String> deviceTypes,
            long largestFramebufferMib, String antiAffinityGroup, String sourceFailureDomain, int newestReleaseRank,
            TargetRange eligible) {
        this.index = index;
        this.uuid = uuid;
        this.name = name;
        this.sourceHost = sourceHost;
        this.vcpus = vcpus;
        this.memoryMib = memoryMib;
        this.deviceTypes = List.copyOf(deviceTypes);
        this.largestFramebufferMib = largestFramebufferMib;
        this.antiAffinityGroup = antiAffinityGroup == null ? "" : antiAffinityGroup;
        this.sourceFailureDomain = sourceFailureDomain == null ? "" : sourceFailureDomain;
        this.newestReleaseRank = newestReleaseRank;
        this.eligible = eligible;
    }

    @ValueRangeProvider(id = "eligibleTargets")
    public TargetRange getEligible() {
        return eligible;
    }

    public Target getTarget() {
        return target;
    }

    public void setTarget(Target target) {
        this.target = target;
    }

    public boolean isAssigned() {
        return target != null;
    }

    /** The target host, or null when unassigned. */
    public TargetHost host() {
        return target == null ? null : target.host();
    }

    public List<Slot> slots() {
        return target == null ? List.of() : target.slots();
    }

    public boolean inAntiAffinityGroup() {
        return !antiAffinityGroup.isEmpty();
    }

    /** Release steps between the target and the newest release; 0 when unassigned. */
    public int releaseLag() {
        return target == null ? 0 : Math.max(0, newestReleaseRank - target.host().releaseRank());
    }

    public int sourceFailureDomainIndex() {
        return sourceFailureDomainIndex;
    }

    public void setSourceFailureDomainIndex(int sourceFailureDomainIndex) {
        this.sourceFailureDomainIndex = sourceFailureDomainIndex;
    }

    public int newestReleaseRank() {
        return newestReleaseRank;
    }

    public String targetFailureDomain() {
        return target == null ? null : target.host().failureDomain();
    }

    public String uuid() {
        return uuid;
    }

    /** The VM's name, for display. */
    public String name() {
        return name;
    }

    public int index() {
        return index;
    }

    public String sourceHost() {
        return sourceHost;
    }

    public int vcpus() {
        return vcpus;
    }

    public long memoryMib() {
        return memoryMib;
    }

    public List<String> deviceTypes() {
        return deviceTypes;
    }

    public long largestFramebufferMib() {
        return largestFramebufferMib;
    }

    public String antiAffinityGroup() {
        return antiAffinityGroup;
    }

    public String sourceFailureDomain() {
        return sourceFailureDomain;
    }

    @Override
    public String toString() {
        return name + " -> " + target;
    }
}
