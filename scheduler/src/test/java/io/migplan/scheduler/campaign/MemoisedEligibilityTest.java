package io.migplan.scheduler.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.migplan.scheduler.bench.FleetGenerator;
import io.migplan.scheduler.bench.FleetGenerator.Shape;
import io.migplan.scheduler.bench.FleetSnapshot;
import io.migplan.scheduler.campaign.planner.CampaignProblem.CampaignVm;
import io.migplan.scheduler.campaign.planner.CampaignProblem.HostView;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.DeviceSpec;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.VmRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The memo gives the rule's own answer to every question, asks the rule once per VM facts and
 * target view, and tells apart what the rule could tell apart: another source release, another
 * target release, a VM the scheduler does not know.
 */
class MemoisedEligibilityTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    private final Map<String, HostEntry> up = new HashMap<>();
    private final Map<String, VmRecord> records = new HashMap<>();
    private final List<CampaignVm> vms = new ArrayList<>();
    private final List<HostView> targets = new ArrayList<>();
    private final Set<String> factsSeen = new HashSet<>();
    private final AtomicInteger asked = new AtomicInteger();
    /** A rule of facts and target, counting its questions: same board, targets at 2025.1 only. */
    private final MemoisedEligibility.Rule rule = (facts, target) -> {
        asked.incrementAndGet();
        factsSeen.add(facts.toString());
        return !facts.unresolved() && target.release().equals("2025.1")
                && facts.devices().stream().allMatch(d -> d.sourceBoard().equals(target.deviceGroup()));
    };

    @BeforeEach
    void fleet() {
        ClusterSnapshot snapshot = FleetSnapshot.allUp(FleetGenerator.generate(Shape.denseMixed(0.80, 0.85), 9, 2),
                NOW, 2).snapshot();
        for (HostEntry e : snapshot.hosts()) {
            up.put(e.view().id(), e);
            targets.add(new HostView(e.view().id(), e.view().release(), CampaignProblemBuilder.board(e.view()),
                    e.view().failureDomain()));
            for (VmRecord vm : e.vms()) {
                records.put(vm.uuid(), vm);
                vms.add(campaignVm(vm));
            }
        }
    }

    @Test
    void givesTheRulesAnswerAskingItOncePerFactsAndTarget() {
        MemoisedEligibility memo = new MemoisedEligibility(up, records, rule);
        Map<String, HostView> sources = new HashMap<>();
        targets.forEach(t -> sources.put(t.id(), t));
        int questions = 0;
        for (int round = 0; round < 2; round++) {
            for (CampaignVm vm : vms) {
                HostView source = sources.get(vm.host());
                for (HostView target : targets) {
                    boolean expected = rule.allows(memo.facts(vm, source), target);
                    assertEquals(expected, memo.allows(vm, source, target), vm.name() + " to " + target.id());
                    questions++;
                }
            }
        }
        int direct = questions; // the test asked the rule itself once per question
        int byMemo = asked.get() - direct;
        assertTrue(vms.size() > 100, "a fleet with many VMs of few kinds");
        assertEquals(factsSeen.size() * targets.size(), byMemo, "once per kind of VM and target, over both rounds");
    }

    @Test
    void anotherSourceReleaseOrTargetReleaseIsAskedAgain() {
        MemoisedEligibility memo = new MemoisedEligibility(up, records, rule);
        CampaignVm vm = vms.stream().filter(v -> !v.devices().isEmpty()).findFirst().orElseThrow();
        HostView source = targets.stream().filter(t -> t.id().equals(vm.host())).findFirst().orElseThrow();
        HostView sameBoard = targets.stream().filter(t -> !t.id().equals(vm.host())
                && t.deviceGroup().equals(source.deviceGroup())).findFirst().orElseThrow();
        HostView upgraded = new HostView(sameBoard.id(), "2025.2", sameBoard.deviceGroup(), sameBoard.failureDomain());

        assertTrue(memo.allows(vm, source, sameBoard));
        assertFalse(memo.allows(vm, source, upgraded), "the target at the new release is another target view");
        HostView upgradedSource = new HostView(source.id(), "2025.2", source.deviceGroup(), source.failureDomain());
        int before = asked.get();
        assertTrue(memo.allows(vm, upgradedSource, sameBoard), "the rule's answer, not the memo's for 2025.1");
        assertEquals(before + 1, asked.get(), "the VM on its source at another release is another kind");
        assertEquals("2025.2", memo.facts(vm, upgradedSource).sourceRelease());
    }

    @Test
    void aVmTheSchedulerDoesNotKnowGoesNowhere() {
        MemoisedEligibility memo = new MemoisedEligibility(up, records, rule);
        CampaignVm known = vms.get(0);
        CampaignVm unknown = new CampaignVm("no-such-uuid", known.name(), known.host(), known.vcpus(),
                known.memoryMib(), known.devices(), known.parents(), known.antiAffinityGroup());
        HostView source = targets.stream().filter(t -> t.id().equals(known.host())).findFirst().orElseThrow();

        assertTrue(memo.facts(unknown, source).unresolved());
        assertTrue(targets.stream().noneMatch(t -> memo.allows(unknown, source, t)));
    }

    private static CampaignVm campaignVm(VmRecord vm) {
        return new CampaignVm(vm.uuid(), vm.name(), vm.host(), vm.vcpus(), vm.memoryMib(),
                vm.devices().stream().map(d -> new DeviceSpec(d.typeId(), 1024)).toList(),
                vm.devices().stream().map(DeviceRequest::sourceParent).toList(), vm.antiAffinityGroup());
    }
}
