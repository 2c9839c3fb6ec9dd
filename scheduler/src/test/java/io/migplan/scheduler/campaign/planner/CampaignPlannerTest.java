package io.migplan.scheduler.campaign.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.migplan.scheduler.campaign.planner.CampaignPlan.Batch;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan.Migration;
import io.migplan.scheduler.campaign.planner.CampaignProblem.CampaignVm;
import io.migplan.scheduler.campaign.planner.CampaignProblem.Eligibility;
import io.migplan.scheduler.campaign.planner.CampaignProblem.HostView;
import io.migplan.scheduler.snapshot.Releases;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.GreedyEvacuationPlanner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CampaignPlannerTest {

    private static final CampaignPolicy ONE_AT_A_TIME = new CampaignPolicy(1, 1, 2, 2, 20, 0);

    /**
     * The fleet after the plan, checked move by move: VM (by UUID) to host, host to release, host to
     * vCPUs, moves per VM.
     */
    private record Replay(Map<String, String> vmHost, Map<String, String> release, Map<String, Integer> cpus,
            Map<String, Integer> moves) {
    }

    private static Replay replay(CampaignProblem problem, CampaignPlan plan) {
        Map<String, String> vmHost = new HashMap<>();
        Map<String, Integer> cpus = new HashMap<>();
        Map<String, Integer> vcpus = new HashMap<>();
        Map<String, String> release = new HashMap<>();
        for (HostSpec h : problem.hosts()) {
            release.put(h.id(), h.release());
            cpus.put(h.id(), 0);
        }
        for (CampaignVm v : problem.vms()) {
            vmHost.put(v.uuid(), v.host());
            vcpus.put(v.uuid(), v.vcpus());
            cpus.merge(v.host(), v.vcpus(), Integer::sum);
        }
        Map<String, Integer> moves = new HashMap<>();
        for (Batch b : plan.batches()) {
            for (Migration m : b.migrations()) {
                assertEquals(vmHost.get(m.vmUuid()), m.from(), m.vm() + " leaves the host it is on");
                assertFalse(b.hosts().contains(m.to()), m.vm() + " does not land on a host of its own batch");
                assertTrue(Releases.compare(release.get(m.to()), release.get(m.from())) >= 0,
                        m.vm() + " moves forward or level, never backward: " + m);
                assertTrue(m.wave() >= 1);
                vmHost.put(m.vmUuid(), m.to());
                cpus.merge(m.from(), -vcpus.get(m.vmUuid()), Integer::sum);
                cpus.merge(m.to(), vcpus.get(m.vmUuid()), Integer::sum);
                assertTrue(cpus.get(m.to()) <= TestFleet.CPUS, m.to() + " over its CPUs");
                moves.merge(m.vmUuid(), 1, Integer::sum);
            }
            for (String h : b.hosts()) {
                assertFalse(vmHost.containsValue(h), h + " is empty when it is upgraded");
                release.put(h, problem.toRelease());
            }
        }
        return new Replay(vmHost, release, cpus, moves);
    }

    private static void assertComplete(CampaignProblem problem, CampaignPlan plan) {
        List<String> batched = new ArrayList<>();
        plan.batches().forEach(b -> batched.addAll(b.hosts()));
        assertEquals(new HashSet<>(batched).size(), batched.size(), "no host in two batches");
        assertEquals(problem.scope(), Set.copyOf(batched), "every host in scope in a batch");
        Replay r = replay(problem, plan);
        r.vmHost().forEach((vm, host) -> assertEquals(TestFleet.TO, r.release().get(host), vm + " ends on " + host));
    }

    @Test
    void withASpareEveryVmMovesOnceForwardAndEveryHostIsUpgradedOnce() {
        CampaignProblem problem = TestFleet.twoBoards(true).problem();
        CampaignPlan plan = new CampaignPlanner().plan(problem, ONE_AT_A_TIME);

        assertComplete(problem, plan);
        assertTrue(plan.unmovable().isEmpty() && plan.heldBack().isEmpty() && plan.blocked().isEmpty());
        // The spares are the canaries: empty, so nothing moves before the new release exists.
        List<Batch> canaries = plan.batches().stream().filter(Batch::canary).toList();
        assertEquals(Set.of("t4-4", "v100d-4"), Set.copyOf(canaries.stream().flatMap(b -> b.hosts().stream()).toList()));
        canaries.forEach(b -> assertTrue(b.migrations().isEmpty()));
        assertEquals(30, plan.metrics().vms());
        assertEquals(0, plan.metrics().movedTwice());
        assertEquals(30, plan.metrics().migrations());
        assertEquals(plan.metrics().lowerBound(), plan.metrics().migrations());
        assertEquals(1.0, plan.metrics().migrationsPerVm(), 1e-9);
        replay(problem, plan).moves().values().forEach(n -> assertEquals(1, n));
    }

    @Test
    void twoVmsOfTheSameNameOnTwoHostsAreEachMovedOnce() {
        // libvirt keeps a name unique on one host only: t4-1 and t4-2 each run a VM called "test".
        CampaignProblem problem = new TestFleet().host("t4-1", "T4", "rack-0", TestFleet.FROM, 2)
                .host("t4-2", "T4", "rack-1", TestFleet.FROM, 2).host("t4-3", "T4", "rack-0", TestFleet.FROM, 2)
                .vm("test", "t4-1", "nvidia-233", 0).vm("test", "t4-2", "nvidia-233", 0).problem();
        CampaignPlan plan = new CampaignPlanner().plan(problem, ONE_AT_A_TIME);

        assertComplete(problem, plan);
        assertEquals(2, plan.metrics().vms());
        Replay r = replay(problem, plan);
        assertEquals(Set.of(TestFleet.uuid("t4-1", "test"), TestFleet.uuid("t4-2", "test")), r.moves().keySet());
        r.moves().values().forEach(n -> assertEquals(1, n));
    }

    @Test
    void neverWorseThanTheNaiveOrder() {
        CampaignProblem problem = TestFleet.twoBoards(true).problem();
        CampaignPlan plan = new CampaignPlanner().plan(problem, ONE_AT_A_TIME);

        assertTrue(plan.metrics().migrationsPerVm() <= plan.metrics().naive().migrationsPerVm());
        // Host by host in name order, the spare (named last) takes the first host's VMs and is emptied again.
        assertTrue(plan.metrics().naive().movedTwice() > 0, plan.metrics().toString());
        assertTrue(plan.metrics().naive().migrations() > plan.metrics().migrations());
    }

    @Test
    void withoutASpareTheCanaryVmsAreCountedAndTheCampaignStillCompletes() {
        CampaignProblem problem = TestFleet.twoBoards(false).problem();
        CampaignPlan plan = new CampaignPlanner().plan(problem, ONE_AT_A_TIME);

        assertComplete(problem, plan);
        assertEquals(40, plan.metrics().vms());
        assertEquals(48, plan.metrics().lowerBound(), "one move per VM plus the fewest GPU VMs of a host, per board");
        assertTrue(plan.metrics().migrations() >= plan.metrics().lowerBound());
        assertTrue(plan.metrics().canaryMovedTwice() > 0);
        // Once the canaries are upgraded there is room at the new release: only canary VMs move twice.
        assertEquals(plan.metrics().canaryMovedTwice(), plan.metrics().movedTwice());
        Replay r = replay(problem, plan);
        long twice = r.moves().values().stream().filter(n -> n > 1).count();
        assertEquals(twice, plan.metrics().movedTwice());
        assertEquals(r.moves().values().stream().mapToInt(Integer::intValue).sum(), plan.metrics().migrations());
    }

    @Test
    void batchesRespectMaintenanceAndFailureDomainLimits() {
        TestFleet fleet = TestFleet.twoBoards(true);
        // Two more spares per board, so batches can be larger than one host.
        fleet.host("t4-5", "T4", "rack-1", TestFleet.FROM, 2).host("t4-6", "T4", "rack-0", TestFleet.FROM, 2)
                .host("v100d-5", "V100D", "rack-1", TestFleet.FROM, 2)
                .host("v100d-6", "V100D", "rack-0", TestFleet.FROM, 2);
        CampaignProblem problem = fleet.problem();
        for (CampaignPolicy policy : List.of(new CampaignPolicy(3, 1, 2, 2, 20, 0),
                new CampaignPolicy(3, 2, 1, 1, 2, 0))) {
            CampaignPlan plan = new CampaignPlanner().plan(problem, policy);
            assertComplete(problem, plan);
            Map<String, String> domain = new HashMap<>();
            problem.hosts().forEach(h -> domain.put(h.id(), h.failureDomain()));
            boolean larger = false;
            for (Batch b : plan.batches()) {
                assertTrue(b.hosts().size() <= policy.maxHostsInMaintenance(), b.toString());
                Map<String, Integer> perDomain = new HashMap<>();
                b.hosts().forEach(h -> perDomain.merge(domain.get(h), 1, Integer::sum));
                perDomain.values().forEach(n -> assertTrue(n <= policy.maxPerFailureDomain(), b.toString()));
                larger |= b.hosts().size() > 1;
                Map<Integer, Integer> perWave = new HashMap<>();
                b.migrations().forEach(m -> perWave.merge(m.wave(), 1, Integer::sum));
                perWave.values().forEach(n -> assertTrue(n <= policy.maxParallel()));
            }
            assertTrue(larger, "some batch takes several hosts: " + plan.batches());
        }
    }

    /** The two-board fleet with every host's CPUs and CPU rule replaced: 20 vCPUs run on each loaded host. */
    private static CampaignProblem withCpus(int cpus, io.migplan.capacity.ComputeAllocation allocation) {
        CampaignProblem p = TestFleet.twoBoards(true).problem();
        List<HostSpec> hosts = p.hosts().stream().map(h -> new HostSpec(h.id(), h.release(), h.releaseRank(), cpus,
                h.usedCpus(), h.memoryMib(), h.usedMemoryMib(), h.failureDomain(), h.parents(), h.antiAffinityGroups(),
                allocation)).toList();
        return new CampaignProblem(p.id(), hosts, p.vms(), p.fromRelease(), p.toRelease(), p.scope(), p.eligibility());
    }

    /** Nothing unmovable, held back or blocked, and every host in some batch. */
    private static boolean upgradesEveryHost(CampaignPlan plan) {
        long hosts = plan.batches().stream().mapToLong(b -> b.hosts().size()).sum();
        return plan.unmovable().isEmpty() && plan.heldBack().isEmpty() && plan.blocked().isEmpty() && hosts == 8;
    }

    @Test
    void aCampaignThatFitsOnlyWithOvercommitCompletesUnderARatio() {
        // 12 CPUs hold 12 vCPUs at 1:1: four hosts of a board hold 48, less than the 60 its VMs need.
        CampaignPlan tight = new CampaignPlanner().plan(withCpus(12, io.migplan.capacity.ComputeAllocation.NONE),
                ONE_AT_A_TIME);
        assertFalse(upgradesEveryHost(tight), "12 CPUs at 1:1 are too few");

        // At 2.0 they hold 24 each: every host is upgraded.
        CampaignProblem problem = withCpus(12, new io.migplan.capacity.ComputeAllocation(2.0, 1.0, 0, 0));
        CampaignPlan plan = new CampaignPlanner().plan(problem, ONE_AT_A_TIME);
        assertTrue(upgradesEveryHost(plan), plan.toString());
    }

    @Test
    void aCampaignThatWouldFitIsHeldBackWhenReservationsTakeTheRoom() {
        CampaignPlan roomy = new CampaignPlanner().plan(withCpus(32, io.migplan.capacity.ComputeAllocation.NONE),
                ONE_AT_A_TIME);
        assertTrue(upgradesEveryHost(roomy));
        // 32 CPUs with 20 reserved leave 12 for VMs: a board's four hosts hold 48 of the 60 needed.
        CampaignPlan reserved = new CampaignPlanner().plan(
                withCpus(32, new io.migplan.capacity.ComputeAllocation(1.0, 1.0, 20, 0)), ONE_AT_A_TIME);
        assertFalse(upgradesEveryHost(reserved), "20 reserved of 32");
    }

    @Test
    void headroomIsKeptFreeOnEveryTarget() {
        CampaignProblem problem = TestFleet.twoBoards(true).problem();
        CampaignPolicy policy = new CampaignPolicy(1, 1, 2, 2, 20, 50);
        CampaignPlan plan = new CampaignPlanner().plan(problem, policy);

        Map<String, Integer> cpus = new HashMap<>();
        problem.vms().forEach(v -> cpus.merge(v.host(), v.vcpus(), Integer::sum));
        for (Batch b : plan.batches()) {
            for (Migration m : b.migrations()) {
                cpus.merge(m.from(), -4, Integer::sum);
                assertTrue(cpus.merge(m.to(), 4, Integer::sum) <= TestFleet.CPUS / 2, m.toString());
            }
        }
    }

    @Test
    void aVmWithNoEligibleHostIsUnmovableAndNowhereElse() {
        TestFleet fleet = TestFleet.twoBoards(true);
        fleet.host("k80-1", "K80", "rack-0", TestFleet.FROM, 1).vm("vm-k80", "k80-1", "nvidia-k80-4q", 0);
        CampaignProblem problem = fleet.problem();
        CampaignPlan plan = new CampaignPlanner().plan(problem, ONE_AT_A_TIME);

        assertEquals(1, plan.unmovable().size());
        assertEquals("vm-k80", plan.unmovable().get(0).vm());
        assertEquals("NO_ELIGIBLE_HOST", plan.unmovable().get(0).reasons().get(0).code());
        assertTrue(plan.unmovable().get(0).reasons().get(0).message().contains("K80"));
        assertEquals(List.of("k80-1"), plan.heldBack().stream().map(CampaignPlan.HostHold::host).toList());
        plan.batches().forEach(b -> {
            assertFalse(b.hosts().contains("k80-1"));
            b.migrations().forEach(m -> assertFalse(m.vm().equals("vm-k80") || m.to().equals("k80-1")));
        });
        assertEquals(30, plan.metrics().vms());
        assertEquals(0, plan.metrics().movedTwice());
    }

    @Test
    void samePlanForTheSameInput() {
        CampaignProblem problem = TestFleet.twoBoards(false).problem();
        CampaignPlanner greedy = new CampaignPlanner(new GreedyEvacuationPlanner()::plan);
        CampaignPlan a = greedy.plan(problem, ONE_AT_A_TIME);
        CampaignPlan b = greedy.plan(problem, ONE_AT_A_TIME);
        assertEquals(a.batches(), b.batches());
        assertEquals(withoutTime(a.metrics()), withoutTime(b.metrics()));

        CampaignPlanner solver = new CampaignPlanner();
        CampaignProblem spare = TestFleet.twoBoards(true).problem();
        CampaignPlan c = solver.plan(spare, ONE_AT_A_TIME);
        CampaignPlan d = solver.plan(spare, ONE_AT_A_TIME);
        assertEquals(c.batches(), d.batches(), "every batch, migration, device and wave");
        assertEquals(withoutTime(c.metrics()), withoutTime(d.metrics()));
    }

    /**
     * VMs whose eligibility names one kind (and that ask for the same) are offered the candidates
     * worked out for the first of them: the plan is the one planned asking for every VM, with far
     * fewer questions.
     */
    @Test
    void vmsOfOneKindShareTheirCandidatesAndPlanAsWhenEachIsAsked() {
        CampaignProblem base = TestFleet.twoBoards(true).problem();
        Eligibility rule = Eligibility.sameBoardNotOlder();
        java.util.concurrent.atomic.AtomicInteger perVm = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger perKind = new java.util.concurrent.atomic.AtomicInteger();
        Eligibility everyVm = (vm, source, target) -> {
            perVm.incrementAndGet();
            return rule.allows(vm, source, target);
        };
        Eligibility byKind = new Eligibility() {
            @Override
            public boolean allows(CampaignVm vm, HostView source, HostView target) {
                perKind.incrementAndGet();
                return rule.allows(vm, source, target);
            }

            @Override
            public Object kind(CampaignVm vm, HostView source) {
                return rule.kind(vm, source);
            }
        };
        CampaignPlanner greedy = new CampaignPlanner(new GreedyEvacuationPlanner()::plan);
        CampaignPlan asked = greedy.plan(withEligibility(base, everyVm), ONE_AT_A_TIME);
        CampaignPlan shared = greedy.plan(withEligibility(base, byKind), ONE_AT_A_TIME);

        assertEquals(asked.batches(), shared.batches(), "every batch, migration, device and wave");
        assertEquals(withoutTime(asked.metrics()), withoutTime(shared.metrics()));
        assertTrue(perKind.get() * 3 < perVm.get() * 2, "questions asked: " + perKind + " by kind, " + perVm + " per VM");
    }

    private static CampaignProblem withEligibility(CampaignProblem p, Eligibility eligibility) {
        return new CampaignProblem(p.id(), p.hosts(), p.vms(), p.fromRelease(), p.toRelease(), p.scope(), eligibility);
    }

    static CampaignPlan.Metrics withoutTime(CampaignPlan.Metrics m) {
        return new CampaignPlan.Metrics(m.vms(), m.migrations(), m.migrationsPerVm(), m.movedTwice(),
                m.canaryMovedTwice(), m.batches(), m.waves(), m.lowerBound(), m.blocked(), 0,
                new CampaignPlan.Naive(m.naive().migrations(), m.naive().migrationsPerVm(), m.naive().movedTwice(),
                        m.naive().blocked(), 0));
    }

    /**
     * The emptiest T4 host runs one 8Q VM and no GPU elsewhere has room for an 8Q: it cannot be
     * the canary. It is left untouched, the next emptiest host is the canary, and once that one
     * is upgraded (and empty) the first host's VM moves there, once.
     */
    @Test
    void aCanaryThatCannotBeEmptiedIsReplacedAndTriedAgainLater() {
        TestFleet f = new TestFleet().host("t4-a", "T4", "rack-0", TestFleet.FROM, 2)
                .host("t4-b", "T4", "rack-1", TestFleet.FROM, 2).host("t4-c", "T4", "rack-0", TestFleet.FROM, 2);
        f.vm("big", "t4-a", "nvidia-233", 0);
        for (String h : List.of("t4-b", "t4-c")) {
            for (int k = 0; k < 3; k++) {
                f.vm(h + "-small-" + k, h, "nvidia-232", 0);
            }
            f.vm(h + "-small-3", h, "nvidia-232", 1);
        }
        CampaignProblem problem = f.problem();
        CampaignPlan plan = new CampaignPlanner().plan(problem, ONE_AT_A_TIME);

        assertComplete(problem, plan);
        assertTrue(plan.blocked().isEmpty(), "nothing blocked: " + plan.blocked());
        assertEquals(List.of("t4-b"), plan.batches().get(0).hosts(), "the second emptiest host is the canary");
        assertTrue(plan.batches().get(0).canary());
        assertTrue(plan.batches().stream().flatMap(b -> b.migrations().stream()).noneMatch(
                m -> m.vm().equals("big") && !m.to().equals("t4-b")), "the 8Q VM moves once, to the upgraded canary");
    }
}
