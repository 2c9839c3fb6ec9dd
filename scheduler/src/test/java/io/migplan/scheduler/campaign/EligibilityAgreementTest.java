package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.FROM;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.OURS;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.TO;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.build;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.entry;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.gpuVm;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.now;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.otherBoard;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.said;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.t4;
import static io.migplan.scheduler.campaign.CampaignProblemBuilderTest.vm;
import static io.migplan.scheduler.testsupport.Views.NOW;
import static io.migplan.scheduler.testsupport.Views.withAdmin;
import static io.migplan.scheduler.testsupport.Views.withState;
import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.campaign.planner.CampaignProblem;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.placement.FleetIndex;
import io.migplan.scheduler.placement.Placement;
import io.migplan.scheduler.placement.ShortlistEvaluation;
import io.migplan.scheduler.placement.TargetFinder;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest;
import io.migplan.scheduler.snapshot.VmRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "May this host take this VM" asked of the placement filters (as {@code /targets} asks them, full
 * answer and summary) and of the campaign's eligibility, for one host view at a time: both must
 * give the same yes or no, except where the campaign is documented to differ (a host it marked
 * itself is still in service for it). Everything else that could tell them apart is held equal: the
 * host has room, the VM has no anti-affinity group, and every verdict the matrix holds is
 * COMPATIBLE, so state, admin state, release direction and device type decide.
 */
class EligibilityAgreementTest {

    /** The VM that moves: one nvidia-231 mdev on src, at {@code FROM}. */
    static final VmRecord MOVING = gpuVm("vm-gpu", "src");

    static Stream<Arguments> hosts() {
        return Stream.of(
                Arguments.of("an up, active host at the same release", t4("h", FROM), false, true, true),
                Arguments.of("a stale host", withState(t4("h", FROM), HostState.STALE, NOW.minusSeconds(45)), false,
                        false, false),
                Arguments.of("a down host", withState(t4("h", FROM), HostState.DOWN, NOW.minusSeconds(600)), false,
                        false, false),
                Arguments.of("a host an operator drains",
                        withAdmin(t4("h", FROM), AdminState.DRAINING, "decommission"), false, false, false),
                Arguments.of("a host an operator put in maintenance",
                        withAdmin(t4("h", FROM), AdminState.MAINTENANCE, "firmware update"), false, false, false),
                Arguments.of("a host another campaign drains", withAdmin(t4("h", FROM), AdminState.DRAINING,
                        CampaignRunner.adminReasonPrefix("c-2") + "being emptied for " + TO), false, false, false),
                Arguments.of("a host at an older release", t4("h", "2024.4"), false, false, false),
                Arguments.of("a host at an older release, backward allowed", t4("h", "2024.4"), true, true, true),
                Arguments.of("a host at a newer release", t4("h", TO), false, true, true),
                Arguments.of("a host at the same release spelled otherwise", t4("h", "2025.01"), false, true, true),
                Arguments.of("a host that reported no release: it cannot be judged older", t4("h", ""), false, true,
                        true),
                Arguments.of("a host without the VM's device type", otherBoard("h", FROM), false, false, false),
                Arguments.of("a stale host at an older release without the type",
                        withState(otherBoard("h", "2024.4"), HostState.STALE, NOW.minusSeconds(45)), false, false,
                        false),
                // The campaign's documented exception: what it drains or upgrades is its own to plan.
                Arguments.of("a host this campaign drains: the campaign still plans it",
                        withAdmin(t4("h", FROM), AdminState.DRAINING, OURS + "being emptied for " + TO), false,
                        false, true),
                Arguments.of("a host this campaign upgrades: the campaign still plans it",
                        withAdmin(t4("h", FROM), AdminState.MAINTENANCE, OURS + "being upgraded to " + TO), false,
                        false, true),
                Arguments.of("a stale host this campaign drains: not up, so neither",
                        withState(withAdmin(t4("h", FROM), AdminState.DRAINING, OURS + "being emptied for " + TO),
                                HostState.STALE, NOW.minusSeconds(45)), false, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hosts")
    void targetsAndTheCampaignAgreeOnWhetherTheHostTakesTheVm(String name, HostView target, boolean allowBackward,
            boolean targets, boolean campaign) {
        ClusterSnapshot snapshot = ClusterSnapshot.of(List.of(entry(t4("src", FROM), MOVING), entry(target)));

        assertThat(byTargets(snapshot, target, allowBackward)).as("the /targets filters").isEqualTo(targets);
        assertThat(bySummary(snapshot, target, allowBackward)).as("the /targets summary").isEqualTo(targets);
        assertThat(byCampaign(snapshot, target, allowBackward)).as("the campaign's eligibility").isEqualTo(campaign);
    }

    /** Every cell the matrix is asked about holds COMPATIBLE. */
    static Map<MatrixKey, StoredVerdict> compatible(java.util.Collection<MatrixKey> keys) {
        Map<MatrixKey, StoredVerdict> out = new HashMap<>();
        keys.forEach(k -> out.put(k, said(Verdict.VERDICT_COMPATIBLE, "", "")));
        return out;
    }

    static boolean byTargets(ClusterSnapshot snapshot, HostView target, boolean allowBackward) {
        PlacementRequest request = MOVING.request(NOW);
        Placement p = TargetFinder.evaluate(request, List.of(target), TargetFinder.cheapFilters(allowBackward),
                EligibilityAgreementTest::compatible).placement(request, Map.of());
        return p.candidates().stream().anyMatch(c -> c.host().equals(target.id()));
    }

    static boolean bySummary(ClusterSnapshot snapshot, HostView target, boolean allowBackward) {
        var shortlist = ShortlistEvaluation.evaluate(MOVING.request(NOW), new FleetIndex.Latest().of(snapshot),
                allowBackward, EligibilityAgreementTest::compatible).shortlist(Map.of(), 10);
        return shortlist.eligible() == 1;
    }

    static boolean byCampaign(ClusterSnapshot snapshot, HostView target, boolean allowBackward) {
        Function<java.util.Collection<MatrixKey>, Map<MatrixKey, StoredVerdict>> matrix =
                EligibilityAgreementTest::compatible;
        CampaignProblem problem = build(matrix, allowBackward, snapshot, List.of("src"), Set.of()).problem();
        boolean planned = problem.hosts().stream().anyMatch(h -> h.id().equals(target.id()));
        // A host that is not up is left out of the problem; the planner may still ask about it.
        CampaignProblem.HostView at = planned ? now(problem, target.id())
                : new CampaignProblem.HostView(target.id(), target.release(), "T4", target.failureDomain());
        return problem.eligibility().allows(vm(problem, MOVING.name()), now(problem, "src"), at);
    }
}
