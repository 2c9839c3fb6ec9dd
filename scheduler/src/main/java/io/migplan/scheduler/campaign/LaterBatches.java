package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.CampaignStore.PlannedMove;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.VmRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The planned migrations of a campaign's batches after the current one, grouped by the host the
 * plan found each VM on and by target, so a step checks them per host rather than per VM: a
 * source whose snapshot entry is unchanged since all its planned VMs were seen on it needs no
 * look-up of each VM (a snapshot's entries are immutable and replaced only when the host
 * changes), and each target is judged once.
 */
final class LaterBatches {

    static final LaterBatches NONE = of(List.of());

    private final List<PlannedMove> moves;
    private final Map<String, List<PlannedMove>> bySource = new LinkedHashMap<>();
    private final Map<String, List<PlannedMove>> byTarget = new LinkedHashMap<>();
    /** The entry each source was last seen holding every VM planned from it; bounded by the sources. */
    private final Map<String, HostEntry> seenOn = new ConcurrentHashMap<>();

    private LaterBatches(List<PlannedMove> moves) {
        this.moves = List.copyOf(moves);
        for (PlannedMove m : this.moves) {
            bySource.computeIfAbsent(m.from(), h -> new ArrayList<>()).add(m);
            byTarget.computeIfAbsent(m.to(), h -> new ArrayList<>()).add(m);
        }
    }

    /** The moves, in plan order (batch, wave, VM). */
    static LaterBatches of(List<PlannedMove> moves) {
        return new LaterBatches(moves);
    }

    List<PlannedMove> moves() {
        return moves;
    }

    boolean isEmpty() {
        return moves.isEmpty();
    }

    int size() {
        return moves.size();
    }

    /** Each host the moves' VMs were planned from, with its moves in plan order, in order of first move. */
    void forEachSource(BiConsumer<String, List<PlannedMove>> action) {
        bySource.forEach(action);
    }

    /** Each target of the moves, with its moves in plan order, in order of first move. */
    void forEachTarget(BiConsumer<String, List<PlannedMove>> action) {
        byTarget.forEach(action);
    }

    /** Whether every VM planned from {@code source} is among the VMs of its snapshot entry {@code e} (null: gone). */
    boolean allSeenOn(String source, HostEntry e) {
        if (e == null) {
            return false;
        }
        if (seenOn.get(source) == e) {
            return true;
        }
        Set<String> there = new HashSet<>();
        for (VmRecord vm : e.vms()) {
            there.add(vm.uuid());
        }
        boolean all = bySource.getOrDefault(source, List.of()).stream().allMatch(m -> there.contains(m.vmUuid()));
        if (all) {
            seenOn.put(source, e);
        }
        return all;
    }
}
