package io.migplan.scheduler.evacuation.planner.domain;

import io.migplan.capacity.CapacityUnit;
import io.migplan.proto.v1.CapacityRule;
import java.util.ArrayList;
import java.util.List;

/**
 * One physical capacity that mdevs share, as the solver sees it: a {@link CapacityUnit} (whose
 * rule classes hold all the vendor arithmetic) narrowed to the types some VM of the problem asks
 * for, indexed in the order they were first asked for, and the free VFs of an SR-IOV function.
 *
 * <p>It decides nothing itself: how many of a set of new instances do not fit is the capacity
 * model's answer ({@link #overflow}); which VM gets which VF the planner binds after solving;
 * whether a type is compatible the eligible lists already say. Immutable once the problem is built.
 */
public final class DeviceUnit {

    private final String hostId;
    private final CapacityUnit capacity;
    private final List<String> freeVfs;
    private final List<String> typeIds = new ArrayList<>();
    /**
     * {@link #capacity} restricted to {@link #typeIds}, so overflow walks only the types asked for;
     * null until a type is added (nothing to count before).
     */
    private CapacityUnit counted;
    private int index = -1;

    public DeviceUnit(String hostId, CapacityUnit capacity, List<String> freeVfs) {
        this.hostId = hostId;
        this.capacity = capacity;
        this.freeVfs = List.copyOf(freeVfs);
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
        if (capacity.typeIndex(typeId) < 0) {
            return -1;
        }
        typeIds.add(typeId);
        counted = capacity.restrict(typeIds);
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

    /** A phrase on what the unit offers, for reasons: "0000:3b:00.0 (equal-size, locked to 2048 MiB, 6 in use)". */
    public String describe() {
        return capacity.describe();
    }

    public String hostId() {
        return hostId;
    }

    public String id() {
        return capacity.id();
    }

    public CapacityRule rule() {
        return capacity.rule();
    }

    public long lockedFramebufferMib() {
        return capacity.lockedFramebufferMib();
    }

    public int usedInstances() {
        return capacity.usedInstances();
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
