package io.migplan.scheduler.campaign.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.migplan.scheduler.bench.FleetGenerator;
import io.migplan.scheduler.bench.FleetGenerator.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A dry run is what a real run will do: the same fleet and policy give the same plan however
 * loaded the machine is, since batch evacuations stop on counted solver steps, not on time.
 */
class CampaignPlannerRepeatabilityTest {

    /** More busy threads than the 2 cores of the machines this runs on, so the solver is starved. */
    private static final int BUSY_THREADS = 3;

    @Test
    void theSamePlanOnAQuietAndOnABusyMachine() throws InterruptedException {
        // Dense mixed vGPU sizes and no spare: batches that the solver has to work at, canaries that move twice.
        CampaignProblem problem = CampaignBench.problem(
                FleetGenerator.generate(Shape.denseMixed(0.80, 0.85), 45, 3), "repeat", false);
        CampaignPolicy policy = new CampaignPolicy(8, 4, 2, 2, 20, 0);

        CampaignPlan quiet = new CampaignPlanner().plan(problem, policy);
        CampaignPlan busy;
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> burners = new ArrayList<>();
        for (int i = 0; i < BUSY_THREADS; i++) {
            Thread t = new Thread(() -> burn(stop), "cpu-burner-" + i);
            t.setDaemon(true);
            t.start();
            burners.add(t);
        }
        try {
            busy = new CampaignPlanner().plan(problem, policy);
        } finally {
            stop.set(true);
            for (Thread t : burners) {
                t.join();
            }
        }

        assertTrue(quiet.metrics().migrations() > quiet.metrics().vms() / 2, "the fleet gives the solver work");
        assertEquals(quiet.batches(), busy.batches(), "every batch, host, migration, device and wave");
        assertEquals(quiet.blocked(), busy.blocked());
        assertEquals(quiet.heldBack(), busy.heldBack());
        assertEquals(quiet.unmovable(), busy.unmovable());
        assertEquals(CampaignPlannerTest.withoutTime(quiet.metrics()), CampaignPlannerTest.withoutTime(busy.metrics()));
    }

    /** Spins until told to stop; the sum is kept so that the loop is not optimised away. */
    private static long burn(AtomicBoolean stop) {
        long x = 0;
        while (!stop.get()) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6_364_136_223_846_793_005L + 1_442_695_040_888_963_407L;
            }
        }
        return x;
    }
}
