package io.migplan.scheduler.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.migplan.scheduler.bench.Fleet;
import io.migplan.scheduler.bench.FleetGenerator;
import io.migplan.scheduler.bench.FleetGenerator.Shape;
import io.migplan.scheduler.bench.FleetSnapshot;
import io.migplan.scheduler.campaign.CampaignPlanning.Computed;
import io.migplan.scheduler.campaign.planner.CampaignBench;
import io.migplan.scheduler.campaign.planner.CampaignPlan;
import io.migplan.scheduler.campaign.planner.CampaignPlanner;
import io.migplan.scheduler.campaign.planner.CampaignPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The product plans a hard fleet as the planner does on the fleet itself: the problem built from the
 * snapshot and the stored verdicts ({@link CampaignProblemBuilder}, its eligibility memoised by
 * {@link MemoisedEligibility}) gives the same batches, canaries, migrations (VM, source, target,
 * devices) and waves as the planner given the generated fleet's own rule (same board, not older),
 * which is what the hard-fleet benchmarks measure. Every host is up and every verdict compatible, so
 * the two rules must agree on every move.
 */
class ProductPlanEqualsPlannerTest {

    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void theProductsPlanOfADenseMixedFleetIsThePlannersOwn() {
        // Dense mixed vGPU sizes and no spare: canaries move twice, batches are deferred, the solver works.
        Fleet fleet = FleetGenerator.generate(Shape.denseMixed(0.80, 0.85), 45, 3);
        int[] policy = {8, 4, 2, 2, 20, 0};

        Computed product = CampaignComputeBench.product(FleetSnapshot.allUp(fleet, NOW, 3), policy, NOW);
        CampaignPlan planner = new CampaignPlanner().plan(CampaignBench.problem(fleet, "bench", false),
                new CampaignPolicy(policy[0], policy[1], policy[2], policy[3], policy[4], policy[5]));

        List<String> expectedHosts = new ArrayList<>();
        List<String> expectedMoves = new ArrayList<>();
        for (CampaignPlan.Batch b : planner.batches()) {
            b.hosts().forEach(h -> expectedHosts.add(b.index() + " " + h + (b.canary() ? " canary" : "")));
            b.migrations().forEach(m -> expectedMoves.add(b.index() + "/" + m.wave() + " " + m.vm() + " " + m.from()
                    + " -> " + m.to() + " " + m.devices()));
        }
        List<String> hosts = product.hosts().stream().filter(h -> h.batch() != null)
                .map(h -> h.batch() + " " + h.host() + (h.canary() ? " canary" : "")).toList();
        List<String> moves = product.migrations().stream().map(m -> m.batch() + "/" + m.wave() + " " + m.vm() + " "
                + m.from() + " -> " + m.to() + " " + m.parents()).toList();

        assertTrue(planner.metrics().migrations() > planner.metrics().vms() / 2, "the fleet gives the solver work");
        assertEquals(expectedHosts, hosts, "batches and canaries");
        assertEquals(expectedMoves, moves, "migrations and waves");
        assertEquals(planner.metrics().naive().migrations(), product.plan().metrics().naive().migrations());
        assertTrue(product.hosts().stream().allMatch(h -> h.batch() != null), "nothing blocked or held back");
    }
}
