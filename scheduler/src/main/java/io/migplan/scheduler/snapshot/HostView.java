package io.migplan.scheduler.snapshot;

import io.migplan.capacity.CapacityUnit;
import io.migplan.capacity.ComputeAllocation;
import io.migplan.proto.v1.Capacity;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * What the filters know of one host: read from the database when its report (or state) changes
 * and kept in the cluster snapshot, so every filter is a pure function of (request, host) and
 * testable without one. Each parent's free instances are what its agent reported, bounded by its
 * capacity model.
 *
 * @param usedCpus      vCPUs of the VMs the host runs now
 * @param usedMemoryMib memory of the VMs the host runs now
 * @param cpus          the host's CPUs as its agent reported them (physical, before any ratio)
 * @param memoryMib     the host's memory as its agent reported it
 * @param antiAffinityGroups anti-affinity group -> a VM of that group the host runs now
 * @param allocation    the CPU and memory rule in force for the host (its agent's values under the
 *                      scheduler's central rules): what VMs may be given is {@link #allocatableCpus()},
 *                      what is left of it {@link #freeCpus()}
 */
public record HostView(String id, HostState state, Instant lastHeartbeatAt, int cpus, long memoryMib,
        int usedCpus, long usedMemoryMib, String agentEndpoint, List<ParentView> parents, long generation,
        String release, String failureDomain, AdminState adminState, String adminReason,
        Map<String, GroupMember> antiAffinityGroups, ComputeAllocation allocation) {

    /** A VM of an anti-affinity group on the host: its name for sentences, its UUID for identity. */
    public record GroupMember(String name, String uuid) {
    }


    /** A host without overcommit or reservations ({@link ComputeAllocation#NONE}). */
    public HostView(String id, HostState state, Instant lastHeartbeatAt, int cpus, long memoryMib,
            int usedCpus, long usedMemoryMib, String agentEndpoint, List<ParentView> parents, long generation,
            String release, String failureDomain, AdminState adminState, String adminReason,
            Map<String, GroupMember> antiAffinityGroups) {
        this(id, state, lastHeartbeatAt, cpus, memoryMib, usedCpus, usedMemoryMib, agentEndpoint, parents, generation,
                release, failureDomain, adminState, adminReason, antiAffinityGroups, ComputeAllocation.NONE);
    }

    public HostView {
        allocation = allocation == null ? ComputeAllocation.NONE : allocation;
        // Indexed by type once per view, not once per question: a placement question visits
        // every host, and an SR-IOV host has dozens of parents with several types each.
        parents = parents instanceof Parents indexed ? indexed : new Parents(parents);
    }

    /** A parent device and the types it can create. */
    public record ParentView(String address, String board, String driverVersion, List<TypeView> types,
            Capacity capacity) {
        public Optional<TypeView> type(String typeId) {
            for (TypeView t : types) {
                if (t.typeId().equals(typeId)) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }

    /** One device type on one parent, with how many more instances the agent reported it can create. */
    public record TypeView(String typeId, String name, int availableInstances, String signature) {
    }

    /**
     * Whether the host is live: UP, so its agent answers and its inventory is current (a STALE
     * host's may be out of date, a DOWN host is presumed gone). The liveness half of the host-state
     * rule ({@code placement.filter.HostStateFilter#takesVms}); kept here, the one place both
     * placement and the compatibility refresher (which placement depends on) can read it.
     */
    public boolean isUp() {
        return state == HostState.UP;
    }

    /** vCPUs VMs may be given here: {@link ComputeAllocation#allocatableCpus} of the host's CPUs. */
    public int allocatableCpus() {
        return allocation.allocatableCpus(cpus);
    }

    /** Memory VMs may be given here: {@link ComputeAllocation#allocatableMemoryMib} of the host's memory. */
    public long allocatableMemoryMib() {
        return allocation.allocatableMemoryMib(memoryMib);
    }

    /** Allocatable vCPUs minus those of the VMs here now; negative when the host is overcommitted past its rule. */
    public int freeCpus() {
        return allocatableCpus() - usedCpus;
    }

    /** Allocatable memory minus that of the VMs here now; negative when past the rule. */
    public long freeMemoryMib() {
        return allocatableMemoryMib() - usedMemoryMib;
    }

    /** The parents offering {@code typeId}, in address order. */
    public List<ParentView> parentsWith(String typeId) {
        Offer o = ((Parents) parents).byType.get(typeId);
        return o == null ? List.of() : o.parents;
    }

    /** Whether some parent offers {@code typeId}, free or not. */
    public boolean offers(String typeId) {
        return ((Parents) parents).byType.containsKey(typeId);
    }

    /**
     * How many more instances of {@code typeId} the host's parents can create together: on each
     * parent what its agent reported, bounded by the parent's capacity model.
     */
    public int availableInstances(String typeId) {
        Offer o = ((Parents) parents).byType.get(typeId);
        return o == null ? 0 : o.available;
    }

    /**
     * The parent where one instance of {@code typeId} would go: the most available instances,
     * ties to the lower address ({@link DeviceAllocator}'s rule for a host nothing was placed on
     * yet); null when no parent has one free.
     */
    public ParentView roomiest(String typeId) {
        Offer o = ((Parents) parents).byType.get(typeId);
        return o == null ? null : o.roomiest;
    }

    /**
     * Available instances of {@code typeId} on the {@code k}-th parent of {@link #parentsWith}: what
     * {@code parentsWith(typeId).get(k).type(typeId)} reports, bounded by the parent's capacity
     * model, without scanning that parent's types.
     */
    public int availableOn(String typeId, int k) {
        return ((Parents) parents).byType.get(typeId).availableByParent[k];
    }

    /**
     * The capacity unit a parent's instances count against (the parent itself, or the function of
     * an SR-IOV VF); shared, so {@link CapacityUnit#copy} it before counting instances into it.
     * Null for a parent reported without a model: its reported counts are all there is to count.
     */
    public CapacityUnit capacityUnit(String parentAddress) {
        return ((Parents) parents).units.get(parentAddress);
    }

    /**
     * What a planner counts the {@code k}-th parent's instances against: {@link #capacityUnit}
     * where the parent has a model, else the independent types its agent reported free ({@link
     * CapacityUnit#of} reading {@link #availableAt}). Made once per view and shared, so {@link
     * CapacityUnit#restrict} or {@link CapacityUnit#copy} it before counting into it.
     */
    public CapacityUnit planningUnitAt(int k) {
        return ((Parents) parents).planning().units[k];
    }

    /**
     * The {@code k}-th parent's {@code available_instances} per type as its agent reported them
     * (the first listing of a type counts, as {@link ParentView#type} finds it): an immutable map
     * made once per view.
     */
    public Map<String, Integer> availableAt(int k) {
        return ((Parents) parents).planning().available[k];
    }

    /** Per parent, in the parents' order, its reported availability and the unit a planner counts against. */
    private static final class Planning {
        final Map<String, Integer>[] available;
        final CapacityUnit[] units;

        @SuppressWarnings("unchecked")
        Planning(List<ParentView> parents, Map<String, CapacityUnit> modelled) {
            available = new Map[parents.size()];
            units = new CapacityUnit[parents.size()];
            for (int k = 0; k < parents.size(); k++) {
                ParentView p = parents.get(k);
                Map<String, Integer> free = new HashMap<>();
                p.types().forEach(t -> free.putIfAbsent(t.typeId(), t.availableInstances()));
                available[k] = Map.copyOf(free);
                CapacityUnit unit = modelled.get(p.address());
                units[k] = unit != null ? unit : CapacityUnit.of(p.address(), p.capacity(), available[k]);
            }
        }
    }

    /**
     * The parents offering one type, their available instances (each, in the parents' order, and
     * summed), and the roomiest of them.
     */
    private record Offer(List<ParentView> parents, int[] availableByParent, int available, ParentView roomiest) {
    }

    /**
     * The host's parents as given (an immutable list, equal to any list of the same parents),
     * with each type's offer computed once.
     */
    private static final class Parents extends AbstractList<ParentView> implements RandomAccess {
        private final List<ParentView> list;
        private final Map<String, Offer> byType;
        private final Map<String, CapacityUnit> units;
        /** Made on first use: most views are never planned on (racing threads make equal ones). */
        private volatile Planning planning;

        Parents(List<ParentView> parents) {
            this.list = List.copyOf(parents);
            this.units = units(list);
            Map<String, List<ParentView>> with = new HashMap<>();
            for (ParentView p : list) {
                for (TypeView t : p.types()) {
                    List<ParentView> ps = with.computeIfAbsent(t.typeId(), k -> new ArrayList<>());
                    // A type listed twice on one parent counts once, as ParentView.type finds the first.
                    if (ps.isEmpty() || ps.get(ps.size() - 1) != p) {
                        ps.add(p);
                    }
                }
            }
            Map<String, Offer> offers = new HashMap<>();
            with.forEach((type, ps) -> {
                int sum = 0;
                ParentView roomiest = null;
                int most = 0;
                int[] each = new int[ps.size()];
                for (int k = 0; k < ps.size(); k++) {
                    ParentView p = ps.get(k);
                    int available = Math.min(p.type(type).orElseThrow().availableInstances(), modelled(p, type));
                    each[k] = available;
                    sum += available;
                    if (available > most || (available == most && available > 0
                            && roomiest.address().compareTo(p.address()) > 0)) {
                        roomiest = p;
                        most = available;
                    }
                }
                offers.put(type, new Offer(List.copyOf(ps), each, sum, roomiest));
            });
            this.byType = Map.copyOf(offers);
        }

        /**
         * What the parent's capacity model says it takes of {@code type} now; no bound for a parent
         * reported without a model, whose counts are the reported ones (see {@link CapacityUnit#of}).
         */
        private int modelled(ParentView p, String type) {
            CapacityUnit unit = units.get(p.address());
            if (unit == null) {
                return Integer.MAX_VALUE;
            }
            int t = unit.typeIndex(type);
            return t < 0 ? 0 : unit.parentHeadroom(t, p.capacity().getUsedInstances());
        }

        /** The capacity unit of each parent with a model; the VFs of one function share theirs. */
        private static Map<String, CapacityUnit> units(List<ParentView> parents) {
            Map<String, List<ParentView>> functions = new HashMap<>();
            Map<String, CapacityUnit> out = new HashMap<>();
            for (ParentView p : parents) {
                Capacity c = p.capacity();
                String unitId = CapacityUnit.unitId(p.address(), c);
                if (!unitId.equals(p.address())) {
                    functions.computeIfAbsent(unitId, g -> new ArrayList<>()).add(p);
                } else if (CapacityUnit.modelled(c.getRule())) {
                    out.put(p.address(), CapacityUnit.of(p.address(), c, Map.of()));
                }
            }
            functions.forEach((group, vfs) -> {
                CapacityUnit unit = CapacityUnit.ofFunction(group, vfs.stream().map(ParentView::capacity).toList());
                vfs.forEach(vf -> out.put(vf.address(), unit));
            });
            return out;
        }

        Planning planning() {
            Planning p = planning;
            if (p == null) {
                p = new Planning(list, units);
                planning = p;
            }
            return p;
        }

        @Override
        public ParentView get(int index) {
            return list.get(index);
        }

        @Override
        public int size() {
            return list.size();
        }
    }
}
