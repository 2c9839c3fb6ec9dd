package io.migplan.scheduler.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.campaign.CampaignStore.PlannedMove;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class LaterMovesTest {

    private final AtomicInteger reads = new AtomicInteger();

    private static CampaignRow campaign(String id, int version) {
        return new CampaignRow(id, "RUNNING", "1", "2", null, null, version, null, null, null, null);
    }

    private Supplier<List<PlannedMove>> read(int n) {
        return () -> {
            reads.incrementAndGet();
            List<PlannedMove> moves = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                moves.add(new PlannedMove("m-" + i, "vm-" + i, "u-" + i, "a", "b"));
            }
            return moves;
        };
    }

    @Test
    void aLockedReadIsKeptForItsPlanVersionAndBatch() {
        LaterMoves later = new LaterMoves(100);
        LaterBatches first = later.after(campaign("c", 1), 2, true, read(3));
        assertSame(first, later.after(campaign("c", 1), 2, true, read(3)));
        assertEquals(1, reads.get());
        assertEquals(3, later.held());
    }

    @Test
    void aNewPlanVersionOrBatchIsReadAgain() {
        LaterMoves later = new LaterMoves(100);
        later.after(campaign("c", 1), 2, true, read(3));
        assertEquals(4, later.after(campaign("c", 2), 2, true, read(4)).size());
        assertEquals(2, later.after(campaign("c", 2), 3, true, read(2)).size());
        assertEquals(3, reads.get());
        assertEquals(2, later.held(), "one campaign keeps only its last read");
        later.after(campaign("c", 2), null, true, read(5));
        assertEquals(5, later.held(), "no current batch is a batch of its own");
    }

    @Test
    void aReadWithoutTheLockUsesWhatIsKeptButKeepsNothing() {
        LaterMoves later = new LaterMoves(100);
        later.after(campaign("c", 1), 2, false, read(3));
        later.after(campaign("c", 1), 2, false, read(3));
        assertEquals(2, reads.get());
        assertEquals(0, later.held());
        LaterBatches kept = later.after(campaign("c", 1), 2, true, read(3));
        assertSame(kept, later.after(campaign("c", 1), 2, false, read(3)));
        assertEquals(3, reads.get());
    }

    @Test
    void theCampaignUsedLongestAgoIsDroppedPastTheBound() {
        LaterMoves later = new LaterMoves(10);
        later.after(campaign("a", 1), 1, true, read(4));
        later.after(campaign("b", 1), 1, true, read(4));
        later.after(campaign("a", 1), 1, true, read(4)); // a used last
        later.after(campaign("c", 1), 1, true, read(4));
        assertEquals(8, later.held());
        assertEquals(3, reads.get());
        later.after(campaign("a", 1), 1, true, read(4));
        assertEquals(3, reads.get(), "a is still kept");
        later.after(campaign("b", 1), 1, true, read(4));
        assertEquals(4, reads.get(), "b was dropped");
    }

    @Test
    void aPlanLargerThanTheBoundIsNotKept() {
        LaterMoves later = new LaterMoves(10);
        later.after(campaign("a", 1), 1, true, read(4));
        later.after(campaign("b", 1), 1, true, read(11));
        later.after(campaign("b", 1), 1, true, read(11));
        assertEquals(3, reads.get());
        assertEquals(4, later.held());
    }
}
