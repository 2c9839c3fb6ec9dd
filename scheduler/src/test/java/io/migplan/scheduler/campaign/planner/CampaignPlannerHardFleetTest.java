package io.migplan.scheduler.campaign.planner;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.migplan.scheduler.bench.FleetGenerator;
import io.migplan.scheduler.bench.FleetGenerator.Shape;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The campaign planner is never worse than the naive order (host by host, first fit onto any
 * host with room) on small hard fleets: GPUs 70..90% full with two or three vGPU sizes per board,
 * with and without an empty spare host, uneven boards, anti-affinity groups. Never more hosts
 * blocked; with as many blocked, never more migrations.
 */
class CampaignPlannerHardFleetTest {

    static Stream<Arguments> fleets() {
        return Stream.of(
                Arguments.of("dense mixed sizes, no spare", Shape.denseMixed(0.80, 0.85), 40, 1, false),
                Arguments.of("dense mixed sizes, no spare, another seed", Shape.denseMixed(0.80, 0.85), 60, 2, false),
                Arguments.of("dense mixed sizes with a spare per board", Shape.denseMixed(0.80, 0.85), 40, 2, true),
                Arguments.of("70 to 90% full, no spare", Shape.denseMixed(0.70, 0.90), 40, 1, false),
                Arguments.of("70 to 90% full, 100 hosts", Shape.denseMixed(0.70, 0.90), 100, 2, false),
                Arguments.of("uneven boards with large sizes, no spare", Shape.unevenLarge(0.75, 0.85), 60, 1, false),
                Arguments.of("uneven boards with large sizes and a spare", Shape.unevenLarge(0.75, 0.85), 40, 2, true),
                Arguments.of("anti-affinity groups, no spare", Shape.antiAffinity(0.80, 0.85), 40, 1, false),
                Arguments.of("anti-affinity groups, another seed", Shape.antiAffinity(0.80, 0.85), 40, 2, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fleets")
    void neverWorseThanTheNaiveOrder(String name, Shape shape, int hosts, long seed, boolean spare) {
        CampaignProblem problem = CampaignBench.problem(FleetGenerator.generate(shape, hosts, seed), "hard", spare);
        CampaignPlan.Metrics m = new CampaignPlanner().plan(problem, new CampaignPolicy(20, 2, 2, 2, 40, 0)).metrics();
        assertTrue(m.blocked() <= m.naive().blocked(), "hosts blocked " + m.blocked() + ", naive " + m.naive().blocked());
        if (m.blocked() == m.naive().blocked()) {
            assertTrue(m.migrations() <= m.naive().migrations(),
                    "migrations " + m.migrations() + ", naive " + m.naive().migrations() + ", lower bound "
                            + m.lowerBound());
        }
    }
}
