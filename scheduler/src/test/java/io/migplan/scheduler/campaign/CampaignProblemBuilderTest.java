package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.testsupport.Views.NOW;
import static io.migplan.scheduler.testsupport.Views.SIG;
import static io.migplan.scheduler.testsupport.Views.device;
import static io.migplan.scheduler.testsupport.Views.parent;
import static io.migplan.scheduler.testsupport.Views.type;
import static io.migplan.scheduler.testsupport.Views.withAdmin;
import static io.migplan.scheduler.testsupport.Views.withParents;
import static io.migplan.scheduler.testsupport.Views.withRelease;
import static io.migplan.scheduler.testsupport.Views.withState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.error.Reason;
import io.migplan.scheduler.campaign.planner.CampaignProblem;
import io.migplan.scheduler.campaign.planner.CampaignProblem.CampaignVm;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.HostView.TypeView;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.evacuation.planner.EvacuationProblem.HostSpec;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.VmRecord;
import io.migplan.scheduler.testsupport.Views;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What the campaign planner is given: which hosts take part, which are in scope, and which moves
 * the placement rules and the verdicts allow. Snapshots are built by hand from {@link Views}.
 */
class CampaignProblemBuilderTest {

    static final String FROM = "2025.1";
    static final String TO = "2025.2";
    static final String CAMPAIGN = "c-1";
    static final String OURS = CampaignRunner.adminReasonPrefix(CAMPAIGN);
    static final String OTHER_SIG = "nvidia-231/T4/535.54.03";

    /** Verdicts no test expects to be asked for. */
    static final Function<Collection<MatrixKey>, Map<MatrixKey, StoredVerdict>> NEVER_ASKED = keys -> {
        throw new AssertionError("no verdict should be asked for, but these were: " + keys);
    };

    // ---- hand-built hosts and VMs -------------------------------------------------------------

    /** An UP, ACTIVE T4 host at {@code release} with one GPU offering nvidia-231 (signature {@link Views#SIG}). */
    static HostView t4(String id, String release) {
        return withParents(withRelease(Views.host(id), release), parent("0000:3b:00.0", type("nvidia-231", 4)));
    }

    /** A host whose one GPU is of another board, offering a type of that board only. */
    static HostView otherBoard(String id, String release) {
        ParentView gpu = new ParentView("0000:3b:00.0", "V100", "550.90.07",
                List.of(new TypeView("nvidia-105", "GRID V100-4Q", 4, "nvidia-105/V100/550.90.07")),
                Capacity.getDefaultInstance());
        return withParents(withRelease(Views.host(id), release), gpu);
    }

    static VmRecord gpuVm(String name, String host) {
        return new VmRecord(name, "uuid-" + name, host, FROM, 4, 8192, List.of(device("mdev-" + name, "nvidia-231")),
                null, "");
    }

    static VmRecord gpuVm(String name, String host, String signature) {
        DeviceRequest d = device("mdev-" + name, "nvidia-231");
        return new VmRecord(name, "uuid-" + name, host, FROM, 4, 8192, List.of(new DeviceRequest(d.uuid(),
                d.typeId(), d.sourceParent(), signature, d.source())), null, "");
    }

    static VmRecord plainVm(String name, String host) {
        return new VmRecord(name, "uuid-" + name, host, FROM, 2, 2048, List.of(), null, "");
    }

    static HostEntry entry(HostView view, VmRecord... vms) {
        return new HostEntry(view, List.of(vms), NOW);
    }

    static ClusterSnapshot snapshot(HostEntry... entries) {
        return ClusterSnapshot.of(List.of(entries));
    }

    static StoredVerdict said(Verdict verdict, String code, String message) {
        return new StoredVerdict(verdict, code, message, "rules", 1, NOW);
    }

    /** The stored verdicts: each host's answer for nvidia-231 at {@link Views#SIG}; every ask recorded. */
    static final class Matrix implements Function<Collection<MatrixKey>, Map<MatrixKey, StoredVerdict>> {
        final Map<String, StoredVerdict> byHost = new HashMap<>();
        final List<Collection<MatrixKey>> asked = new ArrayList<>();

        Matrix says(String host, StoredVerdict verdict) {
            byHost.put(host, verdict);
            return this;
        }

        @Override
        public Map<MatrixKey, StoredVerdict> apply(Collection<MatrixKey> keys) {
            asked.add(List.copyOf(keys));
            Map<MatrixKey, StoredVerdict> out = new HashMap<>();
            keys.forEach(k -> {
                if (byHost.containsKey(k.targetHost()) && k.sourceSignature().equals(SIG)) {
                    out.put(k, byHost.get(k.targetHost()));
                }
            });
            return out;
        }
    }

    static CampaignProblemBuilder.Built build(Function<Collection<MatrixKey>, Map<MatrixKey, StoredVerdict>> stored,
            boolean allowBackward, ClusterSnapshot snapshot, Collection<String> scope, Set<String> upgrading) {
        return new CampaignProblemBuilder(stored, allowBackward, OURS)
                .build(CAMPAIGN + "-v1", snapshot, FROM, TO, scope, upgrading, NOW);
    }

    /** The planner's view of a host of the problem at {@code release}: its device group is its first GPU's board. */
    static CampaignProblem.HostView at(CampaignProblem problem, String host, String release) {
        HostSpec h = problem.hosts().stream().filter(s -> s.id().equals(host)).findFirst()
                .orElseThrow(() -> new AssertionError(host + " is not in the problem"));
        String group = h.parents().isEmpty() ? "" : h.parents().get(0).board();
        return new CampaignProblem.HostView(h.id(), release, group, h.failureDomain());
    }

    static CampaignProblem.HostView now(CampaignProblem problem, String host) {
        HostSpec h = problem.hosts().stream().filter(s -> s.id().equals(host)).findFirst().orElseThrow();
        return at(problem, host, h.release());
    }

    static CampaignVm vm(CampaignProblem problem, String name) {
        return problem.vms().stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " is not in the problem"));
    }

    /** Whether {@code vm} may go from its host to each of {@code targets}, each taken at the release it runs now. */
    static Map<String, Boolean> allowed(CampaignProblem problem, String vm, List<String> targets) {
        CampaignVm v = vm(problem, vm);
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (String t : targets) {
            out.put(t, problem.eligibility().allows(v, now(problem, v.host()), now(problem, t)));
        }
        return out;
    }

    // ---- who takes part ------------------------------------------------------------------------

    @Test
    void hostsThatAreNotUpAreNeitherSourcesNorTargetsAndTheScopeNamesThemAbsent() {
        ClusterSnapshot snapshot = snapshot(
                entry(t4("up", FROM), gpuVm("vm-up", "up")),
                entry(withState(t4("down", FROM), HostState.DOWN, NOW.minusSeconds(3600)), gpuVm("vm-down", "down")),
                entry(withState(t4("stale", FROM), HostState.STALE, NOW.minusSeconds(120)),
                        gpuVm("vm-stale", "stale")));

        var built = build(new Matrix(), false, snapshot, List.of("up", "down", "stale", "unknown"), Set.of());

        assertThat(built.problem().hosts()).extracting(HostSpec::id).containsExactly("up");
        assertThat(built.problem().vms()).extracting(CampaignVm::name).containsExactly("vm-up");
        assertThat(built.vms()).containsOnlyKeys("uuid-vm-up");
        assertThat(built.problem().scope()).containsExactly("up");
        assertThat(built.absent()).containsExactly("down", "stale", "unknown");
    }

    @Test
    void onlyHostsStillAtTheOldReleaseAndNotBeingUpgradedAreInScope() {
        ClusterSnapshot snapshot = snapshot(
                entry(t4("old", FROM)),
                entry(t4("old-spelled-otherwise", "2025.01")),
                entry(t4("already-new", TO)),
                entry(t4("upgrading", FROM)));

        var built = build(NEVER_ASKED, false, snapshot,
                List.of("old", "old-spelled-otherwise", "already-new", "upgrading"), Set.of("upgrading"));

        assertThat(built.problem().scope()).containsExactlyInAnyOrder("old", "old-spelled-otherwise");
        assertThat(built.absent()).isEmpty();
    }

    @Test
    void aHostBeingUpgradedIsPlannedAtTheNewReleaseRankedAmongTheOthers() {
        record Case(String name, List<HostEntry> others, int expectedRank) {
        }
        List<Case> cases = List.of(
                new Case("another host already runs the new release", List.of(entry(t4("new", TO))), 1),
                new Case("no host runs it yet: newer than every release there is", List.of(entry(t4("old", FROM))), 1),
                new Case("a newer release runs somewhere", List.of(entry(t4("new", TO)), entry(t4("newest", "2026.1"))),
                        1));
        for (Case c : cases) {
            List<HostEntry> hosts = new ArrayList<>(c.others());
            hosts.add(entry(t4("upgrading", FROM)));
            var built = build(NEVER_ASKED, false, ClusterSnapshot.of(hosts), List.of("upgrading"), Set.of("upgrading"));

            HostSpec spec = built.problem().hosts().stream().filter(h -> h.id().equals("upgrading")).findFirst()
                    .orElseThrow();
            assertThat(spec.release()).as(c.name()).isEqualTo(TO);
            assertThat(spec.releaseRank()).as(c.name()).isEqualTo(c.expectedRank());
            assertThat(built.problem().scope()).as(c.name()).doesNotContain("upgrading");
        }
    }

    @Test
    void aVmReportedByTwoHostsCountsOnceAndMovesFromTheFirst() {
        VmRecord onA = gpuVm("vm-1", "host-a");
        VmRecord onB = gpuVm("vm-1", "host-b");
        var built = build(new Matrix(), false, snapshot(entry(t4("host-a", FROM), onA), entry(t4("host-b", FROM), onB)),
                List.of("host-a", "host-b"), Set.of());

        assertThat(built.problem().vms()).extracting(CampaignVm::name, CampaignVm::host)
                .containsExactly(tuple("vm-1", "host-a"));
        assertThat(built.vms().get("uuid-vm-1")).isSameAs(onA);
    }

    @Test
    void twoVmsOfTheSameNameOnTwoHostsAreTwoVmsOfTheProblemEachWithItsOwnEligibility() {
        VmRecord onA = new VmRecord("test", "uuid-a", "host-a", FROM, 4, 8192,
                List.of(device("mdev-a", "nvidia-231")), null, "");
        VmRecord onB = new VmRecord("test", "uuid-b", "host-b", FROM, 2, 2048, List.of(), null, "");
        // A spare without GPUs: the VM without devices may go there, its namesake with a vGPU may not.
        HostView spare = withParents(withRelease(Views.host("spare"), TO));
        var built = build(new Matrix(), false, snapshot(entry(t4("host-a", FROM), onA), entry(t4("host-b", FROM), onB),
                entry(spare)), List.of("host-a", "host-b"), Set.of());

        assertThat(built.problem().vms()).extracting(CampaignVm::uuid, CampaignVm::name, CampaignVm::host)
                .containsExactly(tuple("uuid-a", "test", "host-a"), tuple("uuid-b", "test", "host-b"));
        assertThat(built.vms()).containsEntry("uuid-a", onA).containsEntry("uuid-b", onB);
        var eligibility = built.problem().eligibility();
        var target = new CampaignProblem.HostView("spare", TO, "", "rack-a");
        assertThat(eligibility.allows(built.problem().vms().get(1), new CampaignProblem.HostView("host-b", FROM, "T4",
                "rack-a"), target)).as("the VM without devices is judged as itself, not as its namesake").isTrue();
        assertThat(eligibility.allows(built.problem().vms().get(0), new CampaignProblem.HostView("host-a", FROM, "T4",
                "rack-a"), target)).as("its namesake with a vGPU").isFalse();
    }

    // ---- which verdicts are looked up ---------------------------------------------------------

    @Test
    void verdictsAreLookedUpForTheSignaturesOfVmsInScopeOnEveryParentOfferingTheirType() {
        HostView twoGpus = withParents(withRelease(Views.host("two-gpus"), TO),
                parent("0000:3b:00.0", type("nvidia-231", 4)), parent("0000:d8:00.0", type("nvidia-231", 8)),
                parent("0000:af:00.0", type("nvidia-222", 16)));
        ClusterSnapshot snapshot = snapshot(
                entry(t4("src", FROM), gpuVm("vm-1", "src"), gpuVm("vm-2", "src"), gpuVm("vm-no-sig", "src", ""),
                        plainVm("vm-plain", "src")),
                // Out of scope: its VM's signature is not asked about.
                entry(t4("elsewhere", TO), gpuVm("vm-3", "elsewhere", OTHER_SIG)),
                entry(twoGpus),
                entry(otherBoard("v100", TO)));
        Matrix matrix = new Matrix();

        build(matrix, false, snapshot, List.of("src"), Set.of());

        assertThat(matrix.asked).hasSize(1);
        assertThat(matrix.asked.get(0)).containsExactlyInAnyOrder(
                new MatrixKey("src", "0000:3b:00.0", "nvidia-231", SIG),
                new MatrixKey("elsewhere", "0000:3b:00.0", "nvidia-231", SIG),
                new MatrixKey("two-gpus", "0000:3b:00.0", "nvidia-231", SIG),
                new MatrixKey("two-gpus", "0000:d8:00.0", "nvidia-231", SIG));
    }

    @Test
    void nothingIsLookedUpWhenNoVmInScopeHasADeviceWithASignature() {
        ClusterSnapshot snapshot = snapshot(
                entry(t4("src", FROM), plainVm("vm-plain", "src"), gpuVm("vm-no-sig", "src", "")),
                entry(t4("dst", TO), gpuVm("vm-out-of-scope", "dst")));

        var built = build(NEVER_ASKED, false, snapshot, List.of("src"), Set.of());

        assertThat(built.problem().vms()).hasSize(3);
    }

    // ---- which moves are allowed --------------------------------------------------------------

    @Test
    void aTargetTakesAVmWhenItIsInServiceOffersItsTypeAndItsVerdictAllows() {
        ClusterSnapshot snapshot = snapshot(
                entry(t4("src", FROM), gpuVm("vm-gpu", "src"), plainVm("vm-plain", "src")),
                entry(t4("probed-compatible", FROM)),
                entry(t4("never-probed", FROM)),
                entry(otherBoard("no-such-type", FROM)),
                entry(withAdmin(t4("operator-maintenance", FROM), AdminState.MAINTENANCE, "firmware update")),
                entry(withAdmin(t4("drained-by-us", FROM), AdminState.DRAINING, OURS + "being emptied for " + TO)),
                entry(withAdmin(t4("upgraded-by-us", FROM), AdminState.MAINTENANCE, OURS + "being upgraded to " + TO)),
                entry(withAdmin(t4("drained-by-another", FROM), AdminState.DRAINING,
                        CampaignRunner.adminReasonPrefix("c-2") + "being emptied for " + TO)),
                entry(t4("older", "2024.4")),
                entry(t4("newer", TO)));
        Matrix matrix = new Matrix().says("probed-compatible", said(Verdict.VERDICT_COMPATIBLE, "", ""));
        List<String> targets = List.of("probed-compatible", "never-probed", "no-such-type",
                "operator-maintenance", "drained-by-us", "upgraded-by-us", "drained-by-another", "older", "newer");

        var problem = build(matrix, false, snapshot, List.of("src"), Set.of()).problem();

        Map<String, Boolean> gpu = new LinkedHashMap<>();
        gpu.put("probed-compatible", true);
        gpu.put("never-probed", true); // assumed: same board, same release
        gpu.put("no-such-type", false);
        gpu.put("operator-maintenance", false);
        gpu.put("drained-by-us", true);
        gpu.put("upgraded-by-us", true);
        gpu.put("drained-by-another", false);
        gpu.put("older", false);
        gpu.put("newer", true); // assumed: same board, a newer release
        assertThat(allowed(problem, "vm-gpu", targets)).containsExactlyEntriesOf(gpu);

        Map<String, Boolean> plain = new LinkedHashMap<>();
        targets.forEach(t -> plain.put(t, true));
        plain.put("operator-maintenance", false);
        plain.put("drained-by-another", false);
        plain.put("older", false);
        assertThat(allowed(problem, "vm-plain", targets)).containsExactlyEntriesOf(plain);
    }

    @Test
    void anAgentsOwnAnswerDecidesForItsHostAndOneRefusalRulesOutTheUnprobedHostsOfItsBoardAndRelease() {
        ClusterSnapshot snapshot = snapshot(entry(t4("src", FROM), gpuVm("vm-gpu", "src")),
                entry(t4("refuses", FROM)), entry(t4("accepts", FROM)), entry(t4("unprobed", FROM)),
                entry(t4("unprobed-newer", TO)));
        Matrix matrix = new Matrix()
                .says("refuses", said(Verdict.VERDICT_INCOMPATIBLE, "SIGNATURE_MISMATCH", "driver 535"))
                .says("accepts", said(Verdict.VERDICT_COMPATIBLE, "", ""));

        var problem = build(matrix, false, snapshot, List.of("src"), Set.of()).problem();

        assertThat(allowed(problem, "vm-gpu", List.of("refuses", "accepts", "unprobed", "unprobed-newer")))
                .containsExactlyInAnyOrderEntriesOf(Map.of("refuses", false, "accepts", true, "unprobed", false,
                        "unprobed-newer", true));
    }

    @Test
    void anOlderTargetIsAllowedOnlyWhenThePolicyAllowsBackward() {
        ClusterSnapshot snapshot = snapshot(entry(t4("src", FROM), plainVm("vm-plain", "src")),
                entry(t4("older", "2024.4")));

        assertThat(allowed(build(NEVER_ASKED, false, snapshot, List.of("src"), Set.of()).problem(), "vm-plain",
                List.of("older"))).containsEntry("older", false);
        assertThat(allowed(build(NEVER_ASKED, true, snapshot, List.of("src"), Set.of()).problem(), "vm-plain",
                List.of("older"))).containsEntry("older", true);
    }

    @Test
    void aTargetThatIsNotUpTakesNothingEvenWhenThePlannerAsksAboutIt() {
        ClusterSnapshot snapshot = snapshot(entry(t4("src", FROM), plainVm("vm-plain", "src")),
                entry(withState(t4("down", FROM), HostState.DOWN, NOW.minusSeconds(3600))));
        var problem = build(NEVER_ASKED, false, snapshot, List.of("src"), Set.of()).problem();

        CampaignVm v = vm(problem, "vm-plain");
        assertThat(problem.eligibility().allows(v, now(problem, "src"),
                new CampaignProblem.HostView("down", FROM, "T4", "rack-a"))).isFalse();
    }

    @Test
    void aVmWhoseDevicesAreUnresolvedGoesNowhere() {
        VmRecord unresolved = new VmRecord("vm-x", "uuid-x", "src", FROM, 4, 8192, List.of(), "mdev m-1 was not"
                + " reported as an active device", "");
        ClusterSnapshot snapshot = snapshot(entry(t4("src", FROM), unresolved), entry(t4("dst", FROM)));

        var built = build(NEVER_ASKED, false, snapshot, List.of("src"), Set.of());

        assertThat(allowed(built.problem(), "vm-x", List.of("dst"))).containsEntry("dst", false);
        assertThat(CampaignProblemBuilder.explain(unresolved, snapshot, built.verdicts(), TO))
                .isEqualTo(new Reason(VerdictBook.NO_COMPATIBLE_TARGET, "mdev m-1 was not reported as an active device"));
    }

    @Test
    void aHostBeingUpgradedIsJudgedAtTheReleaseItWillRunNotByItsOwnOldAnswer() {
        ClusterSnapshot snapshot = snapshot(entry(t4("src", FROM), gpuVm("vm-gpu", "src")),
                entry(t4("upgrading", FROM)), entry(t4("steady", FROM)));
        Matrix matrix = new Matrix()
                .says("upgrading", said(Verdict.VERDICT_INCOMPATIBLE, "SIGNATURE_MISMATCH", "old driver"))
                .says("steady", said(Verdict.VERDICT_INCOMPATIBLE, "SIGNATURE_MISMATCH", "old driver"));
        var problem = build(matrix, false, snapshot, List.of("src"), Set.of("upgrading")).problem();
        CampaignVm v = vm(problem, "vm-gpu");

        // Its answer was given at the release it is leaving; at the one it will run, the release policy's
        // expectation holds.
        assertThat(problem.eligibility().allows(v, now(problem, "src"), at(problem, "upgrading", TO))).isTrue();
        // A host that stays where it is keeps its own answer.
        assertThat(problem.eligibility().allows(v, now(problem, "src"), now(problem, "steady"))).isFalse();
    }

    @Test
    void aHostStillBeingUpgradedIsNotTrustedOnItsOwnAnswerEvenOnceItReportsTheNewRelease() {
        for (boolean stillUpgrading : List.of(true, false)) {
            ClusterSnapshot snapshot = snapshot(entry(t4("src", FROM), gpuVm("vm-gpu", "src")),
                    entry(t4("canary", TO)), entry(t4("back", TO)));
            Matrix matrix = new Matrix()
                    .says("canary", said(Verdict.VERDICT_INCOMPATIBLE, "SIGNATURE_MISMATCH", "new driver refuses"))
                    .says("back", said(Verdict.VERDICT_COMPATIBLE, "", ""));
            var problem = build(matrix, false, snapshot, List.of("src"),
                    stillUpgrading ? Set.of("back") : Set.of()).problem();

            // Until it is done, the canary's refusal at its board and release speaks for it.
            boolean allowed = problem.eligibility().allows(vm(problem, "vm-gpu"), now(problem, "src"),
                    at(problem, "back", TO));
            assertThat(allowed).as(stillUpgrading ? "still being upgraded" : "done").isEqualTo(!stillUpgrading);
        }
    }

    @Test
    void aRefusalFromAHostAtTheNewReleaseRulesOutEveryHostOfItsBoardOnceUpgraded() {
        ClusterSnapshot snapshot = snapshot(entry(t4("src", FROM), gpuVm("vm-gpu", "src")),
                entry(t4("canary", TO)), entry(t4("later", FROM)));
        Matrix matrix = new Matrix()
                .says("canary", said(Verdict.VERDICT_INCOMPATIBLE, "SIGNATURE_MISMATCH", "new driver refuses"))
                .says("later", said(Verdict.VERDICT_COMPATIBLE, "", ""));
        var problem = build(matrix, false, snapshot, List.of("src", "later"), Set.of()).problem();
        CampaignVm v = vm(problem, "vm-gpu");

        assertThat(problem.eligibility().allows(v, now(problem, "src"), now(problem, "canary"))).isFalse();
        assertThat(problem.eligibility().allows(v, now(problem, "src"), now(problem, "later"))).isTrue();
        assertThat(problem.eligibility().allows(v, now(problem, "src"), at(problem, "later", TO))).isFalse();
    }

    // ---- why a VM cannot move -------------------------------------------------------------------

    @Test
    void anUnmovableVmIsExplainedOnlyWhenNoHostOfItsBoardWouldTakeItAtTheNewRelease() {
        VmRecord vm = gpuVm("vm-gpu", "src");
        record Case(String name, Matrix matrix, Reason expected) {
            Case(String name, Matrix matrix, String refusal) {
                this(name, matrix, refusal == null ? null : new Reason(VerdictBook.NO_COMPATIBLE_TARGET, refusal));
            }
        }
        List<Case> cases = List.of(
                new Case("nothing probed: the release policy expects the move to work", new Matrix(), (String) null),
                new Case("hosts at the new release accept", new Matrix()
                        .says("canary-a", said(Verdict.VERDICT_COMPATIBLE, "", ""))
                        .says("canary-b", said(Verdict.VERDICT_COMPATIBLE, "", "")), (String) null),
                new Case("a refusal at the old release says nothing of the new", new Matrix()
                        .says("old-peer", said(Verdict.VERDICT_INCOMPATIBLE, "SIGNATURE_MISMATCH", "driver 535")),
                        (String) null),
                new Case("one host at the new release refuses: none of its board is trusted", new Matrix()
                        .says("canary-a",
                                said(Verdict.VERDICT_INCOMPATIBLE, "SIGNATURE_MISMATCH", "driver 570 refuses"))
                        .says("canary-b", said(Verdict.VERDICT_COMPATIBLE, "", "")),
                        "host canary-a (T4, release 2025.2) answered INCOMPATIBLE for nvidia-231: driver 570 refuses"),
                new Case("an agent says the type cannot migrate at all", new Matrix()
                        .says("canary-b", said(Verdict.VERDICT_INCOMPATIBLE, VerdictBook.NOT_MIGRATABLE, "GVT-g")),
                        new Reason(VerdictBook.NOT_MIGRATABLE, "host canary-b says nvidia-231 cannot migrate at all: GVT-g")));
        for (Case c : cases) {
            ClusterSnapshot snapshot = snapshot(entry(t4("src", FROM), vm), entry(t4("old-peer", FROM)),
                    entry(t4("canary-a", TO)), entry(t4("canary-b", TO)), entry(otherBoard("v100", TO)));
            var built = build(c.matrix(), false, snapshot, List.of("src"), Set.of());

            assertThat(CampaignProblemBuilder.explain(vm, snapshot, built.verdicts(), TO)).as(c.name())
                    .isEqualTo(c.expected());
        }
    }

    // ---- small rules ----------------------------------------------------------------------------

    @Test
    void aHostIsInServiceWhenActiveOrMarkedOnlyByThisCampaign() {
        record Case(AdminState state, String reason, String ownMarks, boolean expected) {
        }
        List<Case> cases = List.of(
                new Case(AdminState.ACTIVE, "", OURS, true),
                new Case(AdminState.ACTIVE, "", "", true),
                new Case(AdminState.DRAINING, OURS + "being emptied for " + TO, OURS, true),
                new Case(AdminState.MAINTENANCE, OURS + "being upgraded to " + TO, OURS, true),
                new Case(AdminState.DRAINING, "operator: decommission", OURS, false),
                new Case(AdminState.MAINTENANCE, null, OURS, false),
                new Case(AdminState.DRAINING, CampaignRunner.adminReasonPrefix("c-2") + "x", OURS, false),
                // Without marks of its own, a campaign takes no drained host for its own.
                new Case(AdminState.DRAINING, "", "", false),
                new Case(AdminState.MAINTENANCE, "anything", "", false));
        for (Case c : cases) {
            // Views.host is up: the admin state and its reason decide.
            HostView h = withAdmin(Views.host("h"), c.state(), c.reason());
            assertThat(CampaignProblemBuilder.takesVms(h, c.ownMarks())).as(c.toString()).isEqualTo(c.expected());
        }
    }

    @Test
    void aHostsBoardIsItsFirstGpusAndADevicesBoardIsItsParentsWhenReported() {
        HostView mixed = withParents(Views.host("mixed"), parent("0000:3b:00.0", type("nvidia-231", 4)),
                new ParentView("0000:d8:00.0", "V100", "550.90.07", List.of(), Capacity.getDefaultInstance()));
        HostEntry e = entry(mixed);

        assertThat(CampaignProblemBuilder.board(mixed)).isEqualTo("T4");
        assertThat(CampaignProblemBuilder.board(Views.host("cpu-only"))).isEmpty();
        assertThat(CampaignProblemBuilder.boardOf(e, "0000:d8:00.0")).isEqualTo("V100");
        assertThat(CampaignProblemBuilder.boardOf(e, "0000:3b:00.0")).isEqualTo("T4");
        assertThat(CampaignProblemBuilder.boardOf(e, "0000:00:00.0")).as("a parent not reported").isEqualTo("T4");
    }
}
