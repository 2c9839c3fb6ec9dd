package io.migplan.scheduler.compatibility;

import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.migplan.scheduler.snapshot.SnapshotUpdated;
import io.migplan.scheduler.snapshot.VmRecord;
import io.migplan.scheduler.work.BoundedExecutor;
import io.opentelemetry.context.Context;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jboss.logging.Logger;

/**
 * Keeps the compatibility matrix filled: after a report changes host H, it asks (1) H's
 * agent about every source signature in the fleet that one of H's types could receive, and
 * (2) every other live host's agent about each of H's own signatures that is new to the fleet,
 * only the hosts that lack a valid cell for it (a count per signature says which). Once such a
 * pass over the fleet's targets has run for a signature, later reports holding it skip it until
 * no host holds it any more: every target since then lacks a cell only through its own report,
 * whose (1) asks it, or because it could not answer, which (3) covers. (3) A target whose agent
 * did not answer, that was not up, or whose own refresh was skipped, is asked again by later
 * refreshes. A verdict goes stale only when its target reports a change of what verdicts
 * depend on ({@link TargetFacts}; any other report carries them, {@link CompatibilityMatrix}), and
 * then (1) asks again. The fleet is read from the cluster snapshot once
 * it holds the report, not from the database, its signatures kept one host at a time
 * ({@link FleetSources}). It
 * decides which cells to ask; asking and storing go through {@link Verdicts#refresh}, in batches,
 * with answers stored at the generation the target holds in that snapshot. It runs in the
 * background on its own two threads and never blocks a report or a query; an unreachable agent is
 * retried with backoff ({@link AgentProbeCall}) and then left unasked, with the reason kept for
 * {@link #lastFailure}.
 *
 * <p>A signature can only be received by a type with the same type id: no vendor migrates
 * state between different mdev types (FACTS.md §5), so only those cells are asked. A host is asked
 * when it is up ({@link HostView#isUp}, the liveness half of the placement rule) and reported an
 * agent endpoint, whatever its admin state: a draining or upgraded host's verdicts are needed too.
 */
@ApplicationScoped
public class MatrixRefresher {

    private static final Logger LOG = Logger.getLogger(MatrixRefresher.class);

    /** Two workers: agents answer in milliseconds, and the scheduler shares two cores with PostgreSQL. */
    private static final int WORKERS = 2;
    /**
     * Refreshes waiting at most. The queue holds one per host at most (see onApplied), so this
     * covers a 1,000-host fleet all reporting at once (the largest simulated, docs/benchmarks.md).
     * Past it a report's refresh is skipped and counted ({@link #skipped}): the host is kept
     * pending and asked by a later refresh, its next report refreshes again, and a query asks any
     * cell still missing.
     */
    static final int QUEUE = 1_024;

    /** Pending targets one refresh asks again at most, so a refresh stays short after an outage of many agents. */
    static final int RETRIES_PER_REFRESH = 32;


    @Inject
    ClusterSnapshotHolder snapshots;
    @Inject
    CompatibilityMatrix matrix;
    @Inject
    Verdicts verdicts;
    @Inject
    MigplanConfig config;

    private final BoundedExecutor executor = new BoundedExecutor("matrix-refresh", WORKERS, QUEUE);
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    /** Targets to ask again at a later refresh: their agent did not answer, or their own refresh was skipped. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final FleetSources fleetSources = new FleetSources();
    /** Hosts whose refresh is waiting in the queue. */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    /** Passes over every target for one source ({@link #refresh}), since the start. */
    private final LongAdder sourcePasses = new LongAdder();

    /** A source signature with the facts rule-based probes read. */
    record Source(String typeId, String signature, SourceFacts facts) {
    }

    /** After the snapshot holds the report, so the refresh reads the fleet from memory. */
    void onApplied(@Observes SnapshotUpdated event) {
        // A host reporting again before its refresh ran needs one refresh, not two: when a fleet
        // starts, a thousand reports must not queue a thousand duplicate fleet-wide refreshes.
        if (config.matrix().refreshOnReport() && queued.add(event.hostId())) {
            // Run in the report's trace context, so the probes it sends belong to the report's trace.
            boolean accepted = executor.offer(Context.current().wrap(() -> {
                queued.remove(event.hostId());
                try {
                    refresh(event.hostId());
                } catch (RuntimeException e) {
                    LOG.warnf(e, "compatibility refresh after the report of host %s failed", event.hostId());
                }
            }));
            if (!accepted) {
                queued.remove(event.hostId());
                pending.add(event.hostId());
                LOG.debugf("compatibility refresh after the report of host %s skipped: %d refreshes waiting",
                        event.hostId(), QUEUE);
            }
        }
    }

    /** Refreshes skipped because the queue was full (or the scheduler stopping) since the start. */
    public long skipped() {
        return executor.refused();
    }

    /** Passes over every target for one source since the start: one per source as it appears in the fleet. */
    long sourcePasses() {
        return sourcePasses.sum();
    }

    /** Why the last background probe of {@code host} got no answer, if it did not. */
    public Optional<String> lastFailure(String host) {
        return Optional.ofNullable(failures.get(host));
    }

    /**
     * Asks the missing cells a report of {@code hostId} calls for: the host as a target of every
     * source of the fleet (those its report made stale; none when it carried them); every other live host
     * that lacks a cell for one of the host's signatures (one count per signature says which);
     * and, at most {@link #RETRIES_PER_REFRESH} of them, live targets left unasked before (their
     * agent did not answer, their own refresh was skipped). Returns cells stored.
     */
    public int refresh(String hostId) {
        matrix.forgetStale(hostId);
        ClusterSnapshot snapshot = snapshots.current();
        List<Source> fleet = fleetSources.of(snapshot);
        int stored = 0;
        HostEntry reported = snapshot.host(hostId).orElse(null);
        if (reported != null && answers(reported.view())) {
            stored += ask(snapshot, reported.view(), cells(reported.view(), fleet));
        } else if (reported != null) {
            // Asked as a target once it answers: no later pass over its sources' targets will.
            pending.add(hostId);
        }
        if (reported != null) {
            for (Source src : FleetSources.of(reported)) {
                if (fleetSources.settled(src)) {
                    // Every target was counted for it since it appeared; a target that lacks a cell
                    // since then asks it in its own report's refresh, or waits in pending.
                    continue;
                }
                sourcePasses.increment();
                // One query says which targets already hold every cell of this source: only the others are asked.
                Map<String, Integer> held = matrix.validCountsBySource(src.typeId(), src.signature());
                for (HostEntry e : snapshot.hosts()) {
                    HostView target = e.view();
                    // Counted before any cell is built: once the fleet has started, nearly every
                    // target holds them all, and a pass walks thousands of targets.
                    if (target.id().equals(hostId) || landings(target, src) <= held.getOrDefault(target.id(), 0)) {
                        continue;
                    }
                    if (answers(target)) {
                        stored += ask(snapshot, target, cells(target, List.of(src)));
                    } else {
                        pending.add(target.id());
                    }
                }
                fleetSources.settle(src);
            }
        }
        int retried = 0;
        for (String again : List.copyOf(pending)) {
            if (retried == RETRIES_PER_REFRESH) {
                break;
            }
            if (again.equals(hostId)) {
                continue;
            }
            HostEntry entry = snapshot.host(again).orElse(null);
            if (entry == null) {
                pending.remove(again);
                continue;
            }
            if (!answers(entry.view())) {
                continue;
            }
            HostView target = entry.view();
            retried++;
            stored += ask(snapshot, target, cells(target, fleet));
        }
        return stored;
    }

    /** Asks {@code target} the cells, and keeps whether it answered: a target that did not is asked again later. */
    private int ask(ClusterSnapshot snapshot, HostView target, Map<MatrixKey, SourceFacts> cells) {
        if (cells.isEmpty()) {
            pending.remove(target.id());
            return 0;
        }
        Verdicts.Refreshed done = verdicts.refresh(snapshot, target, cells);
        if (done.failure() == null) {
            failures.remove(target.id());
            pending.remove(target.id());
        } else {
            failures.put(target.id(), done.failure());
            pending.add(target.id());
            LOG.debugf("host %s: %s", target.id(), done.failure());
        }
        return done.stored();
    }

    /** The cells of {@code target} that one of {@code sources} could land in: same type id, every parent offering it. */
    private static Map<MatrixKey, SourceFacts> cells(HostView target, List<Source> sources) {
        Map<MatrixKey, SourceFacts> cells = new LinkedHashMap<>();
        for (HostView.ParentView p : target.parents()) {
            for (HostView.TypeView t : p.types()) {
                for (Source s : sources) {
                    if (s.typeId().equals(t.typeId())) {
                        cells.put(new MatrixKey(target.id(), p.address(), t.typeId(), s.signature()), s.facts());
                    }
                }
            }
        }
        return cells;
    }

    /** How many cells {@link #cells} gives for {@code target} and the one source {@code src}, without building them. */
    private static int landings(HostView target, Source src) {
        int n = 0;
        for (HostView.ParentView p : target.parents()) {
            for (HostView.TypeView t : p.types()) {
                if (src.typeId().equals(t.typeId())) {
                    n++;
                }
            }
        }
        return n;
    }

    /** A host that can answer now: up, with an endpoint. */
    private static boolean answers(HostView h) {
        return h.isUp() && h.agentEndpoint() != null && !h.agentEndpoint().isEmpty();
    }

    @PreDestroy
    void stop() {
        executor.close();
    }
}
