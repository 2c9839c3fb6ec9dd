package io.migplan.scheduler.campaign.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
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
    void aHostsTargetSpecIsKeptUntilAVmMovesInOrOutOrItsReleaseChanges() {
        FleetState state = new FleetState(TestFleet.twoBoards(true).problem());
        FleetState.Host source = state.hosts.get("t4-1");
        FleetState.Host spare = state.hosts.get("t4-4");
        FleetState.Host other = state.hosts.get("t4-2");
        HostSpec before = spare.spec(1, 10);
        assertSame(before, spare.spec(1, 10), "nothing changed");
        assertNotSame(before, spare.spec(1, 20), "another headroom");
        assertNotSame(spare.spec(1, 10), spare.spec(2, 10), "another rank");
        HostSpec untouched = other.spec(1, 10);

        String vm = state.vmsOn("t4-1").get(0).base.uuid();
        int cpus = state.vms.get(vm).base.vcpus();
        HostSpec sourceBefore = source.spec(1, 0);
        state.migrate(vm, "t4-4", spare.landings(state.vms.get(vm).base).get(0));

        HostSpec after = spare.spec(1, 10);
        assertNotSame(before, after, "a VM moved in");
        assertEquals(before.usedCpus() + cpus, after.usedCpus());
        assertEquals(sourceBefore.usedCpus() - cpus, source.spec(1, 0).usedCpus(), "a VM moved out");
        assertSame(untouched, other.spec(1, 10), "a host nothing moved to or from keeps its spec");

        spare.release = TestFleet.TO;
        assertEquals(TestFleet.TO, spare.spec(1, 10).release(), "a new release");
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
