package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.campaign.CampaignStore.PlannedMove;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The planned migrations of a campaign's batches after the current one, kept by plan version so
 * a step reads them once per plan and batch instead of at every step. They cannot change while
 * the version stays: a step issues and finishes only the current batch's migrations, and what
 * replaces or cancels planned ones writes a new plan version (or ends the campaign). Kept only
 * when read by a caller holding the campaign's lock, which every writer of a plan holds too, so
 * what is kept is the version's own moves; another scheduler's new plan is a new version, never
 * served from here. At most {@code maxMoves} moves are kept over all campaigns, the campaign used
 * longest ago dropped first.
 */
final class LaterMoves {

    /** Moves kept over all campaigns by default: about 35 MB, five campaigns of 1,000 hosts. */
    static final int MAX_MOVES = 100_000;

    private record Kept(int version, Integer batch, LaterBatches moves) {
    }

    private final int maxMoves;
    private final LinkedHashMap<String, Kept> byCampaign = new LinkedHashMap<>(16, 0.75f, true);
    private long held;

    LaterMoves(int maxMoves) {
        this.maxMoves = maxMoves;
    }

    /**
     * The planned moves of campaign {@code c} after {@code batch}: as kept for its plan version
     * and that batch, or read with {@code read} (and kept when {@code locked}: the caller holds
     * the campaign's row, so no plan can be written meanwhile).
     */
    LaterBatches after(CampaignRow c, Integer batch, boolean locked, Supplier<List<PlannedMove>> read) {
        synchronized (this) {
            Kept k = byCampaign.get(c.id());
            if (k != null && k.version() == c.planVersion() && Objects.equals(k.batch(), batch)) {
                return k.moves();
            }
        }
        LaterBatches moves = LaterBatches.of(read.get());
        if (locked) {
            keep(c.id(), new Kept(c.planVersion(), batch, moves));
        }
        return moves;
    }

    /** How many moves are kept now, over all campaigns. */
    synchronized long held() {
        return held;
    }

    private synchronized void keep(String campaign, Kept k) {
        Kept old = byCampaign.remove(campaign);
        if (old != null) {
            held -= old.moves().size();
        }
        if (k.moves().size() > maxMoves) {
            return;
        }
        byCampaign.put(campaign, k);
        held += k.moves().size();
        Iterator<Map.Entry<String, Kept>> eldest = byCampaign.entrySet().iterator();
        while (held > maxMoves) {
            held -= eldest.next().getValue().moves().size();
            eldest.remove();
        }
    }
}
