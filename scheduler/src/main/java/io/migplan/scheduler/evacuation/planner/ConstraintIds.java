package io.migplan.scheduler.evacuation.planner;

import java.util.List;

/** Constraint names, shared by the provider, its tests and score explanations. */
public final class ConstraintIds {

    public static final String CPU_CAPACITY = "cpuCapacity";
    public static final String MEMORY_CAPACITY = "memoryCapacity";
    public static final String DEVICE_CAPACITY = "deviceCapacity";
    public static final String ANTI_AFFINITY = "antiAffinity";
    public static final String UNPLACED_VM = "unplacedVm";
    public static final String PREFER_NEWEST_RELEASE = "preferNewestRelease";
    public static final String SPREAD_LOAD = "spreadLoad";
    public static final String FAILURE_DOMAIN_SPREAD = "failureDomainSpread";

    public static final List<String> HARD = List.of(CPU_CAPACITY, MEMORY_CAPACITY, DEVICE_CAPACITY, ANTI_AFFINITY);

    private ConstraintIds() {
    }
}
