package io.migplan.scheduler.evacuation;

import static io.migplan.scheduler.testsupport.Views.NOW;
import static io.migplan.scheduler.testsupport.Views.SIG;
import static io.migplan.scheduler.testsupport.Views.device;
import static io.migplan.scheduler.testsupport.Views.parent;
import static io.migplan.scheduler.testsupport.Views.type;
import static io.migplan.scheduler.testsupport.Views.withAdmin;
import static io.migplan.scheduler.testsupport.Views.withGroups;
import static io.migplan.scheduler.testsupport.Views.withParents;
import static io.migplan.scheduler.testsupport.Views.withRelease;
import static io.migplan.scheduler.testsupport.Views.withState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.migplan.scheduler.error.Reason;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.TypeDemand;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
import io.migplan.scheduler.placement.TargetFinder;
import io.migplan.scheduler.placement.filter.AntiAffinityFilter;
import io.migplan.scheduler.placement.filter.HostFilter;
import io.migplan.scheduler.compatibility.CompatibilityProber.Batch;
import io.migplan.scheduler.evacuation.planner.EvacuationPlan;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.DeviceSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.ParentSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.TargetSpec;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.VmSpec;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.VmRecord;
import io.migplan.scheduler.testsupport.Views;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/**
 * What an evacuation plan is given: which hosts receive, which VMs move, and each VM's eligible
 * (host, parents) targets from the filters and the agents' verdicts. Snapshots are built by hand
 * from {@link Views}; the matrix and the agents are functions that record what they are asked.
 */
class EvacuationProblemBuilderTest {

    /** The filters an evacuation plan runs (anti-affinity is weighed by the planner across VMs). */
    static final List<HostFilter> FILTERS = TargetFinder.cheapFilters(false).stream()
            .filter(f -> !(f instanceof AntiAffinityFilter)).toList();

    static final String A = "0000:3b:00.0";
    static final String B = "0000:5e:00.0";
    static final String C = "0000:d8:00.0";

    // ---- hand-built hosts and VMs -------------------------------------------------------------

    /** An UP, ACTIVE T4 host with its own agent endpoint and one GPU at {@link #A} with 4 nvidia-231 free. */
    static HostView t4(String id) {
        return withEndpoint(withParents(Views.host(id), parent(A, type("nvidia-231", 4))), id + ":9400");
    }

    static HostView withEndpoint(HostView h, String endpoint) {
        return new HostView(h.id(), h.state(), h.lastHeartbeatAt(), h.cpus(), h.memoryMib(), h.usedCpus(),
                h.usedMemoryMib(), endpoint, h.parents(), h.generation(), h.release(), h.failureDomain(),
                h.adminState(), h.adminReason(), h.antiAffinityGroups());
    }

    static VmRecord gpuVm(String name, String host, int devices) {
        List<DeviceRequest> ds = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            ds.add(device("mdev-" + name + "-" + i, "nvidia-231"));
        }
        return new VmRecord(name, "uuid-" + name, host, "2025.1", 4, 8192, ds, null, "");
    }

    static VmRecord gpuVm(String name, String host) {
        return gpuVm(name, host, 1);
    }

    static VmRecord plainVm(String name, String host) {
        return new VmRecord(name, "uuid-" + name, host, "2025.1", 2, 2048, List.of(), null, "");
    }

    static HostEntry entry(HostView view, VmRecord... vms) {
        return new HostEntry(view, List.of(vms), NOW);
    }

    static ClusterSnapshot snapshot(HostEntry... entries) {
        return ClusterSnapshot.of(List.of(entries));
    }

    static ProbeAnswer answer(Verdict verdict, String code, String message) {
        return ProbeAnswer.newBuilder().setVerdict(verdict).setCode(code).setMessage(message).build();
    }

    static final ProbeAnswer COMPATIBLE = answer(Verdict.VERDICT_COMPATIBLE, "SIGNATURE_MATCH", "");

    /**
     * The matrix and the agents: the matrix holds what {@link #stored} was given, the agents answer
     * each cell as {@link #answering} says (no entry: no answer); every call is recorded.
     */
    static final class Verdicts {
        final Map<MatrixKey, StoredVerdict> stored = new HashMap<>();
        final Map<MatrixKey, ProbeAnswer> answering = new HashMap<>();
        final List<List<MatrixKey>> looked = new ArrayList<>();
        final List<List<Batch>> asked = new ArrayList<>();

        Verdicts stored(String host, String parent, ProbeAnswer a) {
            stored.put(cell(host, parent), new StoredVerdict(a.getVerdict(), a.getCode(), a.getMessage(), "rules", 1,
                    NOW));
            return this;
        }

        Verdicts answering(String host, String parent, ProbeAnswer a) {
            answering.put(cell(host, parent), a);
            return this;
        }

        EvacuationProblem build(ClusterSnapshot snapshot, Set<String> evacuating) {
            Function<List<MatrixKey>, Map<MatrixKey, StoredVerdict>> known = keys -> {
                looked.add(keys);
                Map<MatrixKey, StoredVerdict> out = new HashMap<>();
                keys.stream().filter(stored::containsKey).forEach(k -> out.put(k, stored.get(k)));
                return out;
            };
            Function<List<Batch>, Map<MatrixKey, ProbeAnswer>> ask = batches -> {
                asked.add(batches);
                Map<MatrixKey, ProbeAnswer> out = new HashMap<>();
                batches.forEach(b -> b.questions().forEach(q -> {
                    MatrixKey k = MatrixKey.of(b.host(), q);
                    if (answering.containsKey(k)) {
                        out.put(k, answering.get(k));
                    }
                }));
                return out;
            };
            return new EvacuationProblemBuilder(FILTERS, known, ask).build("p-1", snapshot, evacuating, NOW);
        }
    }

    static MatrixKey cell(String host, String parent) {
        return new MatrixKey(host, parent, "nvidia-231", SIG);
    }

    static VmSpec vm(EvacuationProblem problem, String name) {
        return problem.vms().stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not among the VMs to move"));
    }

    static TargetSpec target(String host, String... parents) {
        return new TargetSpec(host, List.of(parents));
    }

    // ---- who moves, who receives --------------------------------------------------------------

    @Test
    void theHostsBeingEmptiedAreNoTargetsAndEveryVmOnThemMoves() {
        ClusterSnapshot snapshot = snapshot(
                entry(t4("src-1"), gpuVm("vm-1", "src-1"), plainVm("vm-2", "src-1")),
                entry(t4("src-2"), plainVm("vm-3", "src-2")),
                entry(t4("dst"), plainVm("vm-stays", "dst")));

        EvacuationProblem problem = new Verdicts().answering("dst", A, COMPATIBLE)
                .build(snapshot, Set.of("src-1", "src-2"));

        assertThat(problem.hosts()).extracting(HostSpec::id).containsExactly("dst");
        assertThat(problem.vms()).extracting(VmSpec::name).containsExactly("vm-1", "vm-2", "vm-3");
        assertThat(problem.vms()).flatExtracting(VmSpec::eligible).extracting(TargetSpec::host).containsOnly("dst");
        assertThat(problem.evacuating()).containsExactlyInAnyOrder("src-1", "src-2");
    }

    @Test
    void eachParentWithTheTypeFreeIsATargetOfItsOwnAndAFullOneIsNot() {
        HostView dst = withParents(t4("dst"), parent(A, type("nvidia-231", 4)), parent(B, type("nvidia-231", 2)),
                parent(C, type("nvidia-231", 0)), parent("0000:af:00.0", type("nvidia-222", 16)));
        Verdicts verdicts = new Verdicts().answering("dst", A, COMPATIBLE).answering("dst", B, COMPATIBLE)
                .answering("dst", C, COMPATIBLE);

        EvacuationProblem problem = verdicts.build(snapshot(entry(t4("src"), gpuVm("vm-1", "src")), entry(dst)),
                Set.of("src"));

        assertThat(vm(problem, "vm-1").eligible()).containsExactly(target("dst", A), target("dst", B));
        assertThat(verdicts.looked).singleElement(InstanceOfAssertFactories.list(MatrixKey.class))
                .containsExactly(cell("dst", A), cell("dst", B));
    }

    @Test
    void aVmWithSeveralDevicesIsEligibleOnlyWhereTheAllocatorLandsThemAndEveryLandingIsCompatible() {
        // Two nvidia-231: the first goes to the roomier C, the second to A (a tie, the lower address).
        HostView roomy = withParents(t4("roomy"), parent(A, type("nvidia-231", 1)), parent(C, type("nvidia-231", 2)));
        HostView refusing = withParents(t4("refusing"), parent(A, type("nvidia-231", 1)),
                parent(C, type("nvidia-231", 2)));
        Verdicts verdicts = new Verdicts()
                .answering("roomy", A, COMPATIBLE).answering("roomy", C, COMPATIBLE)
                .answering("refusing", A, answer(Verdict.VERDICT_INCOMPATIBLE, "SIGNATURE_MISMATCH", "GPU A differs"))
                .answering("refusing", C, COMPATIBLE);

        EvacuationProblem problem = verdicts.build(
                snapshot(entry(t4("src"), gpuVm("vm-1", "src", 2)), entry(roomy), entry(refusing)), Set.of("src"));

        assertThat(vm(problem, "vm-1").eligible()).containsExactly(target("roomy", C, A));
    }

    @Test
    void aVmWithoutDevicesGoesToAnyHostTheFiltersPassWithoutAskingAnyone() {
        ClusterSnapshot snapshot = snapshot(entry(t4("src"), plainVm("vm-1", "src")),
                entry(withParents(Views.host("no-gpu"))), entry(t4("t4")));
        Verdicts verdicts = new Verdicts();

        EvacuationProblem problem = verdicts.build(snapshot, Set.of("src"));

        assertThat(vm(problem, "vm-1").eligible()).containsExactly(target("no-gpu"), target("t4"));
        assertThat(vm(problem, "vm-1").ineligibleReasons()).isEmpty();
        assertThat(verdicts.looked).isEmpty();
        assertThat(verdicts.asked).isEmpty();
    }

    @Test
    void vmsAlikeShareOneEligibleListAndAVmOfTheSameDevicesButLargerIsJudgedOnItsOwnSize() {
        // dst-small has 6 vCPUs free: room for the 4-vCPU VMs, not for the 8-vCPU one.
        HostView small = withEndpoint(withParents(Views.withCapacity(Views.host("dst-small"), 16, 65536, 10, 0),
                parent(A, type("nvidia-231", 4))), "dst-small:9400");
        VmRecord large = new VmRecord("vm-large", "uuid-vm-large", "src", "2025.1", 8, 8192,
                List.of(device("mdev-large", "nvidia-231")), null, "");
        Verdicts verdicts = new Verdicts().stored("dst-small", A, COMPATIBLE).stored("dst", A, COMPATIBLE);

        EvacuationProblem problem = verdicts.build(snapshot(
                entry(t4("src"), gpuVm("vm-1", "src"), gpuVm("vm-2", "src"), large), entry(small), entry(t4("dst"))),
                Set.of("src"));

        // The snapshot orders hosts by id.
        assertThat(vm(problem, "vm-1").eligible()).containsExactly(target("dst", A), target("dst-small", A));
        assertThat(vm(problem, "vm-2").eligible()).as("one list for VMs alike").isSameAs(vm(problem, "vm-1").eligible());
        assertThat(vm(problem, "vm-large").eligible()).containsExactly(target("dst", A));
        assertThat(verdicts.looked).as("each cell looked up once for the whole class")
                .singleElement(InstanceOfAssertFactories.list(MatrixKey.class))
                .containsExactly(cell("dst", A), cell("dst-small", A));
    }

    @Test
    void aVmTooLargeForEveryHostGetsTheFiltersSentencesWhileItsClassmatesAreEligible() {
        HostView small = withEndpoint(withParents(Views.withCapacity(Views.host("dst"), 16, 65536, 10, 0),
                parent(A, type("nvidia-231", 4))), "dst:9400");
        VmRecord large = new VmRecord("vm-large", "uuid-vm-large", "src", "2025.1", 8, 8192,
                List.of(device("mdev-large", "nvidia-231")), null, "");

        EvacuationProblem problem = new Verdicts().stored("dst", A, COMPATIBLE)
                .build(snapshot(entry(t4("src"), gpuVm("vm-1", "src"), large), entry(small)), Set.of("src"));

        assertThat(vm(problem, "vm-1").eligible()).containsExactly(target("dst", A));
        assertThat(vm(problem, "vm-large").eligible()).isEmpty();
        assertThat(vm(problem, "vm-large").ineligibleReasons()).extracting(Reason::message)
                .containsExactly("VM vm-large: 0/1 hosts eligible: 1 insufficient CPU");
    }

    // ---- which verdicts are looked up and asked -------------------------------------------------

    @Test
    void onlyCellsTheMatrixLacksAreAskedEachOnceInOneBatchPerHostAtItsOwnAgent() {
        ClusterSnapshot snapshot = snapshot(
                entry(t4("src"), gpuVm("vm-1", "src"), gpuVm("vm-2", "src")),
                entry(t4("known")),
                entry(withParents(t4("unknown"), parent(A, type("nvidia-231", 4)), parent(C, type("nvidia-231", 4)))));
        Verdicts verdicts = new Verdicts().stored("known", A, COMPATIBLE)
                .answering("unknown", A, COMPATIBLE).answering("unknown", C, COMPATIBLE);

        EvacuationProblem problem = verdicts.build(snapshot, Set.of("src"));

        assertThat(verdicts.looked).singleElement(InstanceOfAssertFactories.list(MatrixKey.class))
                .containsExactly(cell("known", A), cell("unknown", A), cell("unknown", C));
        assertThat(verdicts.asked).hasSize(1);
        List<Batch> batches = verdicts.asked.get(0);
        assertThat(batches).extracting(Batch::host, Batch::endpoint)
                .containsExactly(tuple("unknown", "unknown:9400"));
        assertThat(batches.get(0).questions()).extracting(q -> MatrixKey.of("unknown", q))
                .containsExactly(cell("unknown", A), cell("unknown", C));
        assertThat(batches.get(0).questions()).extracting(q -> q.getId()).doesNotHaveDuplicates();
        for (String vm : List.of("vm-1", "vm-2")) {
            assertThat(vm(problem, vm).eligible()).as(vm)
                    .containsExactly(target("known", A), target("unknown", A), target("unknown", C));
        }
    }

    @Test
    void nobodyIsAskedWhenTheMatrixHoldsEveryCell() {
        Verdicts verdicts = new Verdicts().stored("dst", A, COMPATIBLE);

        verdicts.build(snapshot(entry(t4("src"), gpuVm("vm-1", "src")), entry(t4("dst"))), Set.of("src"));

        assertThat(verdicts.looked).hasSize(1);
        assertThat(verdicts.asked).isEmpty();
    }

    @Test
    void aTargetIsEligibleOnlyWhenItsAgentCalledTheCellCompatible() {
        record Case(String name, ProbeAnswer stored, ProbeAnswer answered, boolean eligible, String diagnosis) {
        }
        ProbeAnswer incompatible = answer(Verdict.VERDICT_INCOMPATIBLE, "SIGNATURE_MISMATCH", "driver 535");
        ProbeAnswer unknown = answer(Verdict.VERDICT_UNKNOWN, "PROBE_TIMEOUT", "tool timed out");
        List<Case> cases = List.of(
                new Case("stored compatible", COMPATIBLE, null, true, null),
                new Case("answered compatible", null, COMPATIBLE, true, null),
                new Case("stored incompatible", incompatible, null, false, "1 probe incompatible"),
                new Case("answered incompatible", null, incompatible, false, "1 probe incompatible"),
                new Case("answered unknown", null, unknown, false, "1 probe unknown"),
                new Case("no answer at all", null, null, false, "1 probe unknown"));
        for (Case c : cases) {
            Verdicts verdicts = new Verdicts();
            if (c.stored() != null) {
                verdicts.stored("dst", A, c.stored());
            }
            if (c.answered() != null) {
                verdicts.answering("dst", A, c.answered());
            }

            VmSpec vm = vm(verdicts.build(snapshot(entry(t4("src"), gpuVm("vm-1", "src")), entry(t4("dst"))),
                    Set.of("src")), "vm-1");

            if (c.eligible()) {
                assertThat(vm.eligible()).as(c.name()).containsExactly(target("dst", A));
                assertThat(vm.ineligibleReasons()).as(c.name()).isEmpty();
            } else {
                assertThat(vm.eligible()).as(c.name()).isEmpty();
                assertThat(vm.ineligibleReasons()).as(c.name()).containsExactly(new Reason(
                        EvacuationProblemBuilder.FILTER_DIAGNOSIS, "VM vm-1: 0/1 hosts eligible: " + c.diagnosis()));
            }
        }
    }

    @Test
    void aHostTheFiltersRejectIsNeverAskedAndItsReasonsMakeTheDiagnosis() {
        ClusterSnapshot snapshot = snapshot(
                entry(t4("src"), gpuVm("vm-1", "src")),
                entry(withState(t4("down"), HostState.DOWN, NOW.minusSeconds(3600))),
                entry(withAdmin(t4("draining"), AdminState.DRAINING, "operator")),
                entry(withRelease(t4("older"), "2024.4")),
                entry(withParents(t4("no-type"), parent(A, type("nvidia-222", 16)))),
                entry(withParents(t4("full"), parent(A, type("nvidia-231", 0)))));
        Verdicts verdicts = new Verdicts();

        VmSpec vm = vm(verdicts.build(snapshot, Set.of("src")), "vm-1");

        assertThat(verdicts.looked).isEmpty();
        assertThat(verdicts.asked).isEmpty();
        assertThat(vm.eligible()).isEmpty();
        assertThat(vm.ineligibleReasons()).singleElement().satisfies(r -> {
            assertThat(r.code()).isEqualTo(EvacuationProblemBuilder.FILTER_DIAGNOSIS);
            assertThat(r.message()).startsWith("VM vm-1: 0/5 hosts eligible: ")
                    .contains("1 down", "1 draining", "1 older release", "nvidia-231");
        });
    }

    @Test
    void aVmWhoseDevicesAreUnresolvedIsEligibleNowhereAndNothingIsAskedForIt() {
        VmRecord unresolved = new VmRecord("vm-x", "uuid-x", "src", "2025.1", 4, 8192,
                List.of(device("mdev-x", "nvidia-231")), "mdev m-1 was not reported as an active device", "");
        Verdicts verdicts = new Verdicts().answering("dst", A, COMPATIBLE);

        VmSpec vm = vm(verdicts.build(snapshot(entry(t4("src"), unresolved), entry(t4("dst"))), Set.of("src")),
                "vm-x");

        assertThat(vm.eligible()).isEmpty();
        assertThat(vm.ineligibleReasons()).extracting(Reason::message)
                .containsExactly("VM vm-x: 0/1 hosts eligible: 1 inventory incomplete");
        assertThat(verdicts.looked).isEmpty();
        assertThat(verdicts.asked).isEmpty();
    }

    // ---- what the planner is told of hosts and devices -----------------------------------------

    @Test
    void aMovingVmCarriesItsSourcesFailureDomainAndEachDevicesFramebufferFromItsSourceParent() {
        Capacity capacity = Capacity.newBuilder().putDemand("nvidia-231",
                TypeDemand.newBuilder().putResources("framebuffer_mib", 2048).setMaxInstances(8).build()).build();
        HostView src = withParents(t4("src"), new ParentView(A, "T4", "550.90.07", List.of(type("nvidia-231", 3)),
                capacity));
        VmRecord onAnotherParent = new VmRecord("vm-2", "uuid-vm-2", "src", "2025.1", 4, 8192,
                List.of(new DeviceRequest("mdev-2", "nvidia-231",
                        "0000:99:00.0", SIG, SourceFacts.NONE)),
                null, "");

        EvacuationProblem problem = new Verdicts().build(
                snapshot(entry(src, gpuVm("vm-1", "src"), onAnotherParent), entry(t4("dst"))), Set.of("src"));

        assertThat(vm(problem, "vm-1").devices()).containsExactly(new DeviceSpec("nvidia-231", 2048));
        assertThat(vm(problem, "vm-1").sourceFailureDomain()).isEqualTo("rack-a");
        assertThat(vm(problem, "vm-2").devices()).as("a parent the source did not report")
                .containsExactly(new DeviceSpec("nvidia-231", 0));
    }

    @Test
    void aHostSpecCountsEachAntiAffinityGroupItRunsOnceAndListsWhatEachParentHasFree() {
        HostView h = withGroups(withParents(withRelease(Views.host("h"), "2025.2"),
                parent(A, type("nvidia-231", 3), type("nvidia-222", 0))), Map.of("db", Views.member("vm-7"), "web", Views.member("vm-9")));

        HostSpec spec = EvacuationProblemBuilder.hostSpec(h, Map.of("2025.1", 0, "2025.2", 1));

        assertThat(spec.releaseRank()).isEqualTo(1);
        assertThat(spec.antiAffinityGroups()).containsExactlyInAnyOrderEntriesOf(Map.of("db", 1, "web", 1));
        assertThat(spec.parents()).extracting(ParentSpec::address, ParentSpec::available)
                .containsExactly(tuple(A, Map.of("nvidia-231", 3, "nvidia-222", 0)));
        assertThat(EvacuationProblemBuilder.hostSpec(h, Map.of()).releaseRank()).as("a release not ranked")
                .isZero();
    }
}
