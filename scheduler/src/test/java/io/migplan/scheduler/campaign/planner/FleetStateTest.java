package io.migplan.scheduler.campaign.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.CapacityRule;
import io.migplan.proto.v1.TypeDemand;
import io.migplan.scheduler.campaign.planner.CampaignProblem.CampaignVm;
import io.migplan.scheduler.campaign.planner.CampaignProblem.Eligibility;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.DeviceSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.ParentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetStateTest {

    @Test
    void anEqualSizeGpuIsUnlockedWhenItsLastInstanceLeaves() {
        CampaignProblem problem = TestFleet.twoBoards(true).problem();
        FleetState state = new FleetState(problem);
        FleetState.Host source = state.hosts.get("t4-1");
        FleetState.Host spare = state.hosts.get("t4-4");
        FleetState.Parent gpu1 = source.parentsByAddress.get(TestFleet.gpuAddress(1));
        assertEquals(8192, gpu1.unit.locked());
        assertEquals(0, gpu1.available("nvidia-232"), "locked to 8Q, no 4Q");

        String large = state.vmsOn("t4-1").stream().filter(v -> v.parents.contains(TestFleet.gpuAddress(1)))
                .findFirst().orElseThrow().base.uuid();
        state.migrate(large, "t4-4", List.of(TestFleet.gpuAddress(0)));

        assertEquals(4, gpu1.available("nvidia-232"), "empty again, any size");
        FleetState.Parent target = spare.parentsByAddress.get(TestFleet.gpuAddress(0));
        assertEquals(1, target.used);
        assertEquals(1, target.available("nvidia-233"));
        assertEquals(0, target.available("nvidia-232"));
        assertEquals(4, spare.usedCpus);
        assertEquals(16, source.usedCpus);
        assertEquals(List.of(TestFleet.gpuAddress(0)), state.vms.get(large).parents);
        assertEquals(1, state.vms.get(large).moves);
    }

    @Test
    void aVmLandingOnAFunctionTakesItsFirstFreeVf() {
        Map<String, TypeDemand> demand = Map.of("a40-8q", TypeDemand.newBuilder()
                .putResources("framebuffer_mib", 8192).setMaxInstances(2).build());
        List<HostSpec> hosts = new ArrayList<>();
        for (String id : List.of("a", "b")) {
            List<ParentSpec> vfs = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                boolean used = id.equals("a") && k == 0;
                vfs.add(new ParentSpec("pf0-vf" + k, "A40", Capacity.newBuilder()
                        .setRule(CapacityRule.CAPACITY_RULE_ONE_PER_VF).setGroup("pf0")
                        .setLockedFramebufferMib(used ? 8192 : 0).setUsedInstances(used ? 1 : 0)
                        .putAllDemand(demand).build(), Map.of("a40-8q", used ? 0 : 1)));
            }
            hosts.add(new HostSpec(id, TestFleet.FROM, 0, 32, id.equals("a") ? 4 : 0, 65536,
                    id.equals("a") ? 8192 : 0, "r", vfs, Map.of()));
        }
        CampaignVm vm = new CampaignVm("uuid-vm", "vm", "a", 4, 8192, List.of(new DeviceSpec("a40-8q", 8192)),
                List.of("pf0-vf0"), "");
        CampaignProblem problem = new CampaignProblem("vf", hosts, List.of(vm), TestFleet.FROM, TestFleet.TO,
                Set.of("a", "b"), Eligibility.sameBoardNotOlder());
        FleetState state = new FleetState(problem);
        assertEquals(List.of(List.of("pf0-vf0")), state.hosts.get("b").landings(vm), "one landing per function");
        assertEquals(1, state.hosts.get("a").parentsByAddress.get("pf0-vf1").available("a40-8q"),
                "the function has room for a second 8Q");

        state.migrate("uuid-vm", "b", List.of("pf0"));

        assertEquals(List.of("pf0-vf0"), state.vms.get("uuid-vm").parents);
        assertEquals(1, state.hosts.get("b").units.get("pf0").used());
        assertEquals(0, state.hosts.get("a").units.get("pf0").used());
        assertEquals(1, state.hosts.get("a").parentsByAddress.get("pf0-vf0").available("a40-8q"));
    }

    @Test
    void aProblemRejectsHostsInScopeAtAnotherReleaseAndAReleaseThatDoesNotChange() {
        CampaignProblem ok = TestFleet.twoBoards(true).problem();
        List<HostSpec> hosts = new ArrayList<>(ok.hosts());
        HostSpec h = hosts.remove(0);
        hosts.add(new HostSpec(h.id(), TestFleet.TO, 1, h.cpus(), h.usedCpus(), h.memoryMib(), h.usedMemoryMib(),
                h.failureDomain(), h.parents(), h.antiAffinityGroups()));
        assertThrows(IllegalArgumentException.class, () -> new CampaignProblem("x", hosts, ok.vms(), TestFleet.FROM,
                TestFleet.TO, ok.scope(), ok.eligibility()));
        assertThrows(IllegalArgumentException.class, () -> new CampaignProblem("x", ok.hosts(), ok.vms(),
                TestFleet.FROM, TestFleet.FROM, Set.of(), ok.eligibility()));
        assertTrue(new CampaignProblem("x", ok.hosts(), ok.vms(), TestFleet.TO, TestFleet.FROM, Set.of(),
                ok.eligibility()).backward(), "a rollback's problem goes back to the older release");
    }
}
