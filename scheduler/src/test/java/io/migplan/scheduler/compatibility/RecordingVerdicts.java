package io.migplan.scheduler.compatibility;

import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Verdicts} that remembers which cells of which host the background refresh handed it, and
 * then does what Verdicts does. An alternative: only a test profile that selects it gets it.
 */
@Alternative
@ApplicationScoped
public class RecordingVerdicts extends Verdicts {

    private final Map<String, Set<MatrixKey>> refreshed = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public Refreshed refresh(ClusterSnapshot snapshot, HostView host, Map<MatrixKey, SourceFacts> cells) {
        refreshed.computeIfAbsent(host.id(), h -> ConcurrentHashMap.newKeySet()).addAll(cells.keySet());
        calls.computeIfAbsent(host.id(), h -> new AtomicInteger()).incrementAndGet();
        return super.refresh(snapshot, host, cells);
    }

    /** How many times the refresh handed {@code host} cells to ask. */
    public int calls(String host) {
        return calls.getOrDefault(host, new AtomicInteger()).get();
    }

    /** The cells of {@code host} handed to {@link #refresh} so far. */
    public Set<MatrixKey> refreshed(String host) {
        return Set.copyOf(refreshed.getOrDefault(host, Set.of()));
    }
}
