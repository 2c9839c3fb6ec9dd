package io.migplan.scheduler.evacuation.planner.domain;

/**
 * Where one mdev of a VM would be created: a capacity unit, the type within it, and the parent
 * named by the eligible target (for SR-IOV a stand-in VF of the function).
 */
public record Slot(DeviceUnit unit, int typeIndex, String parent) {

    public String typeId() {
        return unit.typeId(typeIndex);
    }
}
