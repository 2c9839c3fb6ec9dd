package io.migplan.scheduler.evacuation.planner.domain;

import io.migplan.capacity.CapacityUnit;
import io.migplan.proto.v1.CapacityRule;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One physical capacity that mdevs share, as the solver sees it: a {@link CapacityUnit} (whose
 * rule classes hold all the vendor arithmetic) counting only the types some VM of the problem asks
 * for, indexed in the order they were first asked for, and the free VFs of an SR-IOV function.
 * The unit is read from the parent's model for those types alone, so a host with many types
 * costs no more than the types asked for.
 *
 * <p>It decides nothing itself: how many of a set of new instances do not fit is the capacity
 * model's answer ({@link #overflow}); which VM gets which VF the planner binds after solving;
 * whether a type is compatible the eligible lists already say. Immutable once the problem is built.
 */
public final class DeviceUnit {

    private final String hostId;
    /** Builds the unit counting the given types, in that order, from the parents' models. */
    private final Function<List<String>, CapacityUnit> unitOf;
    /**
     * The unit counting no type: its lock, use and description; made when first asked for
     * (reasons and reports), since thousands of units are built per problem and most are only
     * counted through {@link #counted}.
     */
    private volatile CapacityUnit capacity;
    private final List<String> freeVfs;
    private final List<String> typeIds = new ArrayList<>();
    /**
     * {@link #capacity} restricted to {@link #typeIds}, so overflow walks only the types asked for;
     * null until a type is added (nothing to count before).
     */
    private CapacityUnit counted;
    private int index = -1;

    /**
     * @param unitOf the parent's (or function's) capacity unit counting the given types, as
     *     {@link CapacityUnit#of(String, io.migplan.proto.v1.Capacity, java.util.Map, List)} builds it
     */
    public DeviceUnit(String hostId, Function<List<String>, CapacityUnit> unitOf, List<String> freeVfs) {
        this.hostId = hostId;
        this.unitOf = unitOf;
        this.freeVfs = List.copyOf(freeVfs);
    }

    /** A unit whose every type is known up front (tests, small problems). */
    public DeviceUnit(String hostId, CapacityUnit capacity, List<String> freeVfs) {
        this(hostId, types -> capacity.restrict(types.stream().filter(t -> capacity.typeIndex(t) >= 0).toList()),
                freeVfs);
    }

    /**
     * Adds a type while the problem is built and returns its index within this unit; -1 when the
     * capacity model does not know the type (then no instance of it fits here).
     */
    public int addType(String typeId) {
        int existing = typeIds.indexOf(typeId);
        if (existing >= 0) {
            return existing;
        }
        List<String> asked = new ArrayList<>(typeIds);
        asked.add(typeId);
        CapacityUnit next = unitOf.apply(asked);
        if (next.typeCount() < asked.size()) {
            return -1;
        }
        typeIds.add(typeId);
        counted = next;
        return typeIds.size() - 1;
    }

    public int typeIndex(String typeId) {
        return typeIds.indexOf(typeId);
    }

    public int typeCount() {
        return typeIds.size();
    }

    /**
     * How many of the new instances, counted per type index, this unit cannot hold on top of
     * what it holds now. Zero means they all fit.
     */
    public int overflow(int[] added) {
        return counted == null ? 0 : counted.overflow(added);
    }

    private CapacityUnit capacity() {
        CapacityUnit c = capacity;
        if (c == null) {
            c = unitOf.apply(List.of());
            capacity = c;
        }
        return c;
    }

    /** The unit counting the types asked for, or none: what does not depend on the types (id, rule). */
    private CapacityUnit any() {
        CapacityUnit c = counted;
        return c != null ? c : capacity();
    }

    /** A phrase on what the unit offers, for reasons: "0000:3b:00.0 (equal-size, locked to 2048 MiB, 6 in use)". */
    public String describe() {
        return capacity().describe();
    }

    public String hostId() {
        return hostId;
    }

    public String id() {
        return any().id();
    }

    public CapacityRule rule() {
        return any().rule();
    }

    public long lockedFramebufferMib() {
        return capacity().lockedFramebufferMib();
    }

    public int usedInstances() {
        return capacity().usedInstances();
    }

    public List<String> freeVfs() {
        return freeVfs;
    }

    public String typeId(int typeIndex) {
        return typeIds.get(typeIndex);
    }

    public int maxInstances(int typeIndex) {
        return counted.maxInstances(typeIndex);
    }

    public int index() {
        return index;
    }

    public void setIndex(int index) {
        this.index = index;
    }

    @Override
    public String toString() {
        return hostId + "/" + id();
    }
}
