package io.migplan.scheduler.evacuation.planner;

import io.migplan.scheduler.error.Rejection;
import io.migplan.scheduler.evacuation.planner.domain.DeviceUnit;
import io.migplan.scheduler.evacuation.planner.domain.Slot;
import io.migplan.scheduler.evacuation.planner.domain.Target;
import io.migplan.scheduler.evacuation.planner.domain.TargetHost;
import io.migplan.scheduler.evacuation.planner.domain.VmMove;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What has been planned onto each host and device unit so far, with the same arithmetic the
 * hard constraints use ({@link DeviceUnit#overflow}, free CPU and memory, anti-affinity). The
 * greedy baseline, the solver's construction phase, the plan's final check and the unplaced
 * explanations all place VMs through it, so they can never disagree about what fits.
 *
 * <p>It does not choose targets; callers do. Not thread-safe: one ledger per planning run.
 */
public final class CapacityLedger {

    public static final String INSUFFICIENT_CPU = "INSUFFICIENT_CPU";
    public static final String INSUFFICIENT_MEMORY = "INSUFFICIENT_MEMORY";
    public static final String NO_FREE_INSTANCE = "NO_FREE_INSTANCE";
    public static final String ANTI_AFFINITY = "ANTI_AFFINITY";

    private final long[] addedCpus;
    private final long[] addedMemory;
    private final int[][] unitAdded;
    /** Per host index, anti-affinity group to VMs planned in; null until a grouped VM is planned there. */
    private final Map<String, Integer>[] groupsPlanned;
    /** [source failure domain][target failure domain] -> VMs planned. */
    private final int[][] domainPairs;

    /** @param failureDomains how many distinct failure domains the indexes of hosts and VMs range over */
    public CapacityLedger(List<TargetHost> hosts, List<DeviceUnit> units, int failureDomains) {
        domainPairs = new int[failureDomains][failureDomains];
        addedCpus = new long[hosts.size()];
        addedMemory = new long[hosts.size()];
        @SuppressWarnings("unchecked")
        Map<String, Integer>[] groups = new Map[hosts.size()];
        groupsPlanned = groups;
        unitAdded = new int[units.size()][];
        for (DeviceUnit unit : units) {
            unitAdded[unit.index()] = new int[unit.typeCount()];
        }
    }

    public boolean fits(VmMove vm, Target target) {
        TargetHost host = target.host();
        if (addedCpus[host.index()] + vm.vcpus() > host.freeCpus()
                || addedMemory[host.index()] + vm.memoryMib() > host.freeMemoryMib()) {
            return false;
        }
        if (vm.inAntiAffinityGroup() && host.residents(vm.antiAffinityGroup())
                + planned(host, vm.antiAffinityGroup()) > 0) {
            return false;
        }
        return devicesFit(target);
    }

    private boolean devicesFit(Target target) {
        List<Slot> slots = target.slots();
        if (slots.size() == 1) {
            Slot slot = slots.get(0);
            int[] added = unitAdded[slot.unit().index()];
            int before = slot.unit().overflow(added);
            added[slot.typeIndex()]++;
            int after = slot.unit().overflow(added);
            added[slot.typeIndex()]--;
            return after <= before;
        }
        boolean fits = true;
        int[] before = new int[slots.size()];
        for (int i = 0; i < slots.size(); i++) {
            before[i] = slots.get(i).unit().overflow(unitAdded[slots.get(i).unit().index()]);
        }
        slots.forEach(s -> unitAdded[s.unit().index()][s.typeIndex()]++);
        for (int i = 0; i < slots.size(); i++) {
            fits &= slots.get(i).unit().overflow(unitAdded[slots.get(i).unit().index()]) <= before[i];
        }
        slots.forEach(s -> unitAdded[s.unit().index()][s.typeIndex()]--);
        return fits;
    }

    /**
     * Every reason {@code target} cannot take {@code vm} now, each with the phrase it is counted
     * under across targets ("no free nvidia-231"); empty when it fits.
     */
    public List<Rejection> shortfalls(VmMove vm, Target target) {
        List<Rejection> out = new ArrayList<>();
        TargetHost host = target.host();
        long freeCpus = host.freeCpus() - addedCpus[host.index()];
        if (vm.vcpus() > freeCpus) {
            out.add(new Rejection(INSUFFICIENT_CPU, "host " + host.id() + ": needs " + vm.vcpus() + " vCPUs, "
                    + Math.max(0, freeCpus) + " of " + host.describeCpus() + " free", "insufficient CPU"));
        }
        long freeMemory = host.freeMemoryMib() - addedMemory[host.index()];
        if (vm.memoryMib() > freeMemory) {
            out.add(new Rejection(INSUFFICIENT_MEMORY, "host " + host.id() + ": needs " + vm.memoryMib()
                    + " MiB, " + Math.max(0, freeMemory) + " of " + host.describeMemory() + " free",
                    "insufficient memory"));
        }
        if (vm.inAntiAffinityGroup()) {
            int there = host.residents(vm.antiAffinityGroup())
                    + planned(host, vm.antiAffinityGroup());
            if (there > 0) {
                out.add(new Rejection(ANTI_AFFINITY, "host " + host.id() + ": already runs " + there
                        + " VM(s) of anti-affinity group " + vm.antiAffinityGroup(), "anti-affinity"));
            }
        }
        if (!devicesFit(target)) {
            for (Slot slot : target.slots()) {
                int[] added = unitAdded[slot.unit().index()];
                out.add(new Rejection(NO_FREE_INSTANCE, "host " + host.id() + ": no free " + slot.typeId() + " on "
                        + slot.unit().describe() + " (max " + slot.unit().maxInstances(slot.typeIndex())
                        + " of that type, " + sum(added) + " planned in)", "no free " + slot.typeId()));
            }
        }
        return out;
    }

    public void place(VmMove vm, Target target) {
        change(vm, target, 1);
    }

    public void remove(VmMove vm, Target target) {
        change(vm, target, -1);
    }

    private void change(VmMove vm, Target target, int sign) {
        TargetHost host = target.host();
        addedCpus[host.index()] += sign * vm.vcpus();
        addedMemory[host.index()] += sign * vm.memoryMib();
        target.slots().forEach(s -> unitAdded[s.unit().index()][s.typeIndex()] += sign);
        if (vm.inAntiAffinityGroup()) {
            if (groupsPlanned[host.index()] == null) {
                groupsPlanned[host.index()] = new HashMap<>();
            }
            groupsPlanned[host.index()].merge(vm.antiAffinityGroup(), sign, Integer::sum);
        }
        domainPairs[vm.sourceFailureDomainIndex()][host.failureDomainIndex()] += sign;
    }

    /**
     * What placing {@code vm} on {@code target} adds to the soft score, by the same weights as
     * the soft constraints: release lag, squared load, failure-domain pairs. Lower is better.
     */
    public long softCost(VmMove vm, Target target) {
        TargetHost host = target.host();
        long lag = Math.max(0, vm.newestReleaseRank() - host.releaseRank()) * EvacuationConstraintProvider.RELEASE_STEP_WEIGHT;
        long cpus = addedCpus[host.index()];
        long memory = addedMemory[host.index()];
        long load = host.loadPenalty(cpus + vm.vcpus(), memory + vm.memoryMib()) - host.loadPenalty(cpus, memory);
        long pairs = domainPairs[vm.sourceFailureDomainIndex()][host.failureDomainIndex()]
                * EvacuationConstraintProvider.FAILURE_DOMAIN_PAIR_WEIGHT;
        return lag + load + pairs;
    }

    /**
     * The eligible target that fits with the lowest soft cost, the first in the VM's order on
     * ties; null when none fits. This is the construction's choice: best fit by the soft
     * constraints, so the solution the local search starts from is already balanced.
     */
    public Target cheapestFit(VmMove vm) {
        Target best = null;
        long bestCost = Long.MAX_VALUE;
        for (Target target : vm.getEligible().targets()) {
            // The cost is a few sums, the fit walks the devices' capacity: only a target that
            // would be the best so far is asked whether it fits (the same choice, far fewer walks
            // over thousands of targets).
            long cost = softCost(vm, target);
            if (cost < bestCost && fits(vm, target)) {
                best = target;
                bestCost = cost;
            }
        }
        return best;
    }

    /** The first eligible target, in the VM's order, that fits; null when none does. */
    public Target firstFit(VmMove vm) {
        for (Target target : vm.getEligible().targets()) {
            if (fits(vm, target)) {
                return target;
            }
        }
        return null;
    }

    public long addedCpus(TargetHost host) {
        return addedCpus[host.index()];
    }

    public long addedMemoryMib(TargetHost host) {
        return addedMemory[host.index()];
    }

    private static int sum(int[] values) {
        int s = 0;
        for (int v : values) {
            s += v;
        }
        return s;
    }

    private int planned(TargetHost host, String group) {
        Map<String, Integer> groups = groupsPlanned[host.index()];
        return groups == null ? 0 : groups.getOrDefault(group, 0);
    }
}
