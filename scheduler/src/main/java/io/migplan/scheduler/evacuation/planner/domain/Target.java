package io.migplan.scheduler.evacuation.planner.domain;

import java.util.List;

/**
 * A value of the planning variable: a host plus one slot per device of the VM. Targets are
 * shared between VMs with the same devices, so the solver compares them by identity.
 */
public final class Target {

    private final TargetHost host;
    private final List<Slot> slots;
    private final int id;

    public Target(TargetHost host, List<Slot> slots) {
        this(-1, host, slots);
    }

    /** @param id unique within one problem, for the value ranges' membership bits; -1 when ranges are never asked */
    public Target(int id, TargetHost host, List<Slot> slots) {
        this.id = id;
        this.host = host;
        this.slots = List.copyOf(slots);
    }

    public int id() {
        return id;
    }

    public TargetHost host() {
        return host;
    }

    public List<Slot> slots() {
        return slots;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(host.id());
        slots.forEach(s -> b.append(' ').append(s.unit().id()));
        return b.toString();
    }
}
