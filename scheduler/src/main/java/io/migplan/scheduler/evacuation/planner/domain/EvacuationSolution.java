package io.migplan.scheduler.evacuation.planner.domain;

import java.util.List;
import org.optaplanner.core.api.domain.solution.PlanningEntityCollectionProperty;
import org.optaplanner.core.api.domain.solution.PlanningScore;
import org.optaplanner.core.api.domain.solution.PlanningSolution;
import org.optaplanner.core.api.domain.solution.ProblemFactCollectionProperty;
import org.optaplanner.core.api.score.buildin.hardmediumsoftlong.HardMediumSoftLongScore;

/**
 * The solver's view of an evacuation: fixed hosts and device units, and the VMs to place.
 * Hard = capacity and anti-affinity, medium = VMs left unplaced, soft = preferences.
 */
@PlanningSolution
public class EvacuationSolution {

    @ProblemFactCollectionProperty
    private List<TargetHost> hosts;
    @ProblemFactCollectionProperty
    private List<DeviceUnit> units;
    @PlanningEntityCollectionProperty
    private List<VmMove> vms;
    @PlanningScore
    private HardMediumSoftLongScore score;

    public EvacuationSolution() {
        // for the solution cloner
    }

    public EvacuationSolution(List<TargetHost> hosts, List<DeviceUnit> units, List<VmMove> vms) {
        this.hosts = hosts;
        this.units = units;
        this.vms = vms;
    }

    public List<TargetHost> getHosts() {
        return hosts;
    }

    public List<DeviceUnit> getUnits() {
        return units;
    }

    public List<VmMove> getVms() {
        return vms;
    }

    public HardMediumSoftLongScore getScore() {
        return score;
    }

    public void setScore(HardMediumSoftLongScore score) {
        this.score = score;
    }
}
