package io.migplan.scheduler.campaign.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.capacity.CapacityModels;
import io.migplan.capacity.CapacityUnit;
import io.migplan.capacity.NvidiaEqualSizeModel;
import io.migplan.capacity.NvidiaMixedSizeModel;
import io.migplan.proto.v1.Capacity;
import io.migplan.scheduler.campaign.planner.CampaignProblem.CampaignVm;
import io.migplan.scheduler.campaign.planner.CampaignProblem.Eligibility;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.HostView.TypeView;
import io.migplan.scheduler.placement.filter.FreeInstanceFilter;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.DeviceSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.ParentSpec;
import io.migplan.scheduler.evacuation.planner.domain.DeviceUnit;
import io.migplan.scheduler.testsupport.Views;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One GPU, one answer: a mixed-size GPU whose 1 GiB type has reached its own max_instance takes
 * no more of it though framebuffer remains, and the agent's model, "where can it move", the
 * evacuation solver and the campaign simulation all say so, even when the reported count still
 * says otherwise (a stale or disagreeing report).
 */
class CapacityAgreementTest {

    private static final String GPU_ADDRESS = "0000:3b:00.0";

    /** 16 GiB in mixed-size mode; "small" (1 GiB) is limited to 4 there and 4 are present: 12 GiB free. */
    private static final Capacity GPU = NvidiaMixedSizeModel.of(
            Map.of("small", NvidiaEqualSizeModel.demand(1024, 4), "large", NvidiaEqualSizeModel.demand(4096, 4)),
            Collections.nCopies(4, "small"));

    /** What the report says is free: more "small" than the driver allows. */
    private static final Map<String, Integer> REPORTED = Map.of("small", 8, "large", 3);

    @Test
    void theAgentsModelTakesNoMoreSmall() {
        assertThat(CapacityModels.fits(GPU, "small")).isZero();
        assertThat(CapacityModels.fits(GPU, "large")).isEqualTo(3);
    }

    @Test
    void whereCanItMoveFindsNoFreeSmallOnTheHost() {
        HostView host = Views.withParents(Views.host("h1"), new ParentView(GPU_ADDRESS, "board", "550.90.07",
                List.of(new TypeView("small", "small", REPORTED.get("small"), Views.SIG),
                        new TypeView("large", "large", REPORTED.get("large"), Views.SIG)), GPU));

        assertThat(host.availableInstances("small")).isZero();
        assertThat(host.availableInstances("large")).isEqualTo(3);
        assertThat(new FreeInstanceFilter().filter(Views.vmInGroup("", Views.device("u1", "small")), host))
                .extracting(r -> r.code()).containsExactly(FreeInstanceFilter.NO_FREE_INSTANCE);
    }

    @Test
    void theEvacuationSolverCountsASmallAsOverflow() {
        DeviceUnit unit = new DeviceUnit("h1", CapacityUnit.of(GPU_ADDRESS, GPU, REPORTED), List.of());
        int small = unit.addType("small");
        int large = unit.addType("large");

        assertThat(unit.overflow(new int[] {1, 0})).as("one small").isEqualTo(1);
        assertThat(unit.overflow(new int[] {0, 3})).as("three large").isZero();
        assertThat(small).isNotEqualTo(large);
    }

    @Test
    void theCampaignSimulationOffersNoSmall() {
        HostSpec host = new HostSpec("h1", TestFleet.FROM, 0, 64, 16, 262_144, 16_384, "r1",
                List.of(new ParentSpec(GPU_ADDRESS, "board", GPU, REPORTED)), Map.of());
        CampaignVm vm = new CampaignVm("uuid-vm-1", "vm-1", "h1", 4, 4096, List.of(new DeviceSpec("small", 1024)),
                List.of(GPU_ADDRESS), "");
        FleetState state = new FleetState(new CampaignProblem("agreement", List.of(host), List.of(vm),
                TestFleet.FROM, TestFleet.TO, Set.of("h1"), Eligibility.sameBoardNotOlder()));
        FleetState.Parent gpu = state.hosts.get("h1").parentsByAddress.get(GPU_ADDRESS);

        assertThat(gpu.available("small")).isZero();
        assertThat(gpu.available("large")).isEqualTo(3);
    }
}
