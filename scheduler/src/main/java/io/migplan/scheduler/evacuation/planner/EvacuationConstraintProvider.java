package io.migplan.scheduler.evacuation.planner;

import static io.migplan.scheduler.evacuation.planner.ConstraintIds.ANTI_AFFINITY;
import static io.migplan.scheduler.evacuation.planner.ConstraintIds.CPU_CAPACITY;
import static io.migplan.scheduler.evacuation.planner.ConstraintIds.DEVICE_CAPACITY;
import static io.migplan.scheduler.evacuation.planner.ConstraintIds.FAILURE_DOMAIN_SPREAD;
import static io.migplan.scheduler.evacuation.planner.ConstraintIds.MEMORY_CAPACITY;
import static io.migplan.scheduler.evacuation.planner.ConstraintIds.PREFER_NEWEST_RELEASE;
import static io.migplan.scheduler.evacuation.planner.ConstraintIds.SPREAD_LOAD;
import static io.migplan.scheduler.evacuation.planner.ConstraintIds.UNPLACED_VM;
import static org.optaplanner.core.api.score.stream.ConstraintCollectors.count;
import static org.optaplanner.core.api.score.stream.ConstraintCollectors.sum;
import static org.optaplanner.core.api.score.stream.ConstraintCollectors.sumLong;

import io.migplan.scheduler.evacuation.planner.domain.Slot;
import io.migplan.scheduler.evacuation.planner.domain.TargetHost;
import io.migplan.scheduler.evacuation.planner.domain.VmMove;
import io.migplan.scheduler.evacuation.planner.justifications.AntiAffinityBreach;
import io.migplan.scheduler.evacuation.planner.justifications.CpuOverload;
import io.migplan.scheduler.evacuation.planner.justifications.DeviceOverload;
import io.migplan.scheduler.evacuation.planner.justifications.MemoryOverload;
import org.optaplanner.core.api.score.buildin.hardmediumsoftlong.HardMediumSoftLongScore;
import org.optaplanner.core.api.score.stream.Constraint;
import org.optaplanner.core.api.score.stream.ConstraintFactory;
import org.optaplanner.core.api.score.stream.ConstraintProvider;

/**
 * The evacuation rules. Only moved VMs are streamed: the rest of the fleet is folded into each
 * host's and unit's fixed "in use" numbers, so a move touches a handful of groups, never the
 * whole fleet. Eligibility is not a constraint: a VM's value range holds only its eligible
 * targets.
 */
public class EvacuationConstraintProvider implements ConstraintProvider {

    /**
     * One release step behind the newest costs a VM as much as 1,000 points of squared load:
     * far more than balance can gain (a VM moves a host's load by tens of points), because a VM
     * left on an older host has to move again in the next campaign step.
     */
    public static final long RELEASE_STEP_WEIGHT = 1000;
    /**
     * Each pair of VMs from one source failure domain that share a target failure domain: about
     * the load cost of a VM on a busy host, so domains spread where balance is indifferent.
     */
    public static final long FAILURE_DOMAIN_PAIR_WEIGHT = 20;

    @Override
    public Constraint[] defineConstraints(ConstraintFactory factory) {
        return new Constraint[] {
                cpuCapacity(factory),
                memoryCapacity(factory),
                deviceCapacity(factory),
                antiAffinity(factory),
                unplacedVm(factory),
                preferNewestRelease(factory),
                spreadLoad(factory),
                failureDomainSpread(factory)
        };
    }

    Constraint cpuCapacity(ConstraintFactory factory) {
        return factory.forEach(VmMove.class)
                .filter(VmMove::isAssigned)
                .groupBy(VmMove::host, sum(VmMove::vcpus))
                .filter((host, cpus) -> cpus > host.freeCpus())
                .penalizeLong(HardMediumSoftLongScore.ONE_HARD, (host, cpus) -> cpus - host.freeCpus())
                .justifyWith((host, cpus, score) -> new CpuOverload(host.id(), host.usedCpus(), cpus,
                        host.allocatableCpus(), host.describeCpus()))
                .asConstraint(CPU_CAPACITY);
    }

    Constraint memoryCapacity(ConstraintFactory factory) {
        // Penalized per GiB over (rounded up) so one hard point means about as much as one vCPU.
        return factory.forEach(VmMove.class)
                .filter(VmMove::isAssigned)
                .groupBy(VmMove::host, sumLong(VmMove::memoryMib))
                .filter((host, memory) -> memory > host.freeMemoryMib())
                .penalizeLong(HardMediumSoftLongScore.ONE_HARD,
                        (host, memory) -> (memory - host.freeMemoryMib() + 1023) / 1024)
                .justifyWith((host, memory, score) -> new MemoryOverload(host.id(), host.usedMemoryMib(), memory,
                        host.allocatableMemoryMib(), host.describeMemory()))
                .asConstraint(MEMORY_CAPACITY);
    }

    Constraint deviceCapacity(ConstraintFactory factory) {
        return factory.forEach(VmMove.class)
                .filter(VmMove::isAssigned)
                .flattenLast(VmMove::slots)
                .groupBy(Slot::unit, UnitLoad.collector())
                .filter((unit, load) -> load.overflow() > 0)
                .penalizeLong(HardMediumSoftLongScore.ONE_HARD, (unit, load) -> load.overflow())
                .justifyWith((unit, load, score) -> new DeviceOverload(unit.hostId(), unit.describe(), load.planned(),
                        load.overflow()))
                .asConstraint(DEVICE_CAPACITY);
    }

    Constraint antiAffinity(ConstraintFactory factory) {
        return factory.forEach(VmMove.class)
                .filter(vm -> vm.isAssigned() && vm.inAntiAffinityGroup())
                .groupBy(VmMove::host, VmMove::antiAffinityGroup, count())
                .filter((host, group, n) -> n + host.residents(group) > 1)
                .penalizeLong(HardMediumSoftLongScore.ONE_HARD,
                        (host, group, n) -> host.residents(group) > 0 ? n : n - 1)
                .justifyWith((host, group, n, score) -> new AntiAffinityBreach(host.id(), group, n,
                        host.residents(group)))
                .asConstraint(ANTI_AFFINITY);
    }

    Constraint unplacedVm(ConstraintFactory factory) {
        return factory.forEachIncludingNullVars(VmMove.class)
                .filter(vm -> !vm.isAssigned())
                .penalize(HardMediumSoftLongScore.ONE_MEDIUM)
                .asConstraint(UNPLACED_VM);
    }

    Constraint preferNewestRelease(ConstraintFactory factory) {
        return factory.forEach(VmMove.class)
                .filter(vm -> vm.releaseLag() > 0)
                .penalizeLong(HardMediumSoftLongScore.ONE_SOFT, vm -> vm.releaseLag() * RELEASE_STEP_WEIGHT)
                .asConstraint(PREFER_NEWEST_RELEASE);
    }

    Constraint spreadLoad(ConstraintFactory factory) {
        return factory.forEach(VmMove.class)
                .filter(VmMove::isAssigned)
                .groupBy(VmMove::host, sum(VmMove::vcpus), sumLong(VmMove::memoryMib))
                .penalizeLong(HardMediumSoftLongScore.ONE_SOFT, TargetHost::loadPenalty)
                .asConstraint(SPREAD_LOAD);
    }

    Constraint failureDomainSpread(ConstraintFactory factory) {
        return factory.forEach(VmMove.class)
                .filter(VmMove::isAssigned)
                .groupBy(VmMove::sourceFailureDomain, VmMove::targetFailureDomain, count())
                .filter((source, target, n) -> n > 1)
                .penalizeLong(HardMediumSoftLongScore.ONE_SOFT,
                        (source, target, n) -> (long) n * (n - 1) / 2 * FAILURE_DOMAIN_PAIR_WEIGHT)
                .asConstraint(FAILURE_DOMAIN_SPREAD);
    }
}
