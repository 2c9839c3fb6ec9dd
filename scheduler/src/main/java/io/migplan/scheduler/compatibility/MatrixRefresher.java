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
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Keeps the compatibility matrix filled: after a report changes host H, it asks (1) H's
 * agent about every source signature in the fleet that one of H's types could receive, and
 * (2) every other live host's agent about H's own signatures, skipping cells already valid. The
 * fleet is read from the cluster snapshot once it holds the report, not from the database. It
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
     * Past it a report's refresh is skipped and counted ({@link #skipped}): the host's next report
     * refreshes again, every other host's refresh asks it about their signatures, and a query asks
     * any cell still missing.
     */
    static final int QUEUE = 1_024;

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
    /** Hosts whose refresh is waiting in the queue. */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();

    /** A source signature with the facts rule-based probes read. */
    record Source(String typeId, String signature, SourceFacts facts) {
    }

    /** After the snapshot holds the report, so the refresh reads the fleet from memory. */
    void onApplied(@Observes SnapshotUpdated event) {
        // A host reporting again before its refresh ran needs one refresh, not two: when a fleet
        // starts, a thousand reports must not queue a thousand duplicate fleet-wide refreshes.
        if (config.matrix().refreshOnReport() && queued.add(event.hostId())) {
            boolean accepted = executor.offer(() -> {
                queued.remove(event.hostId());
                try {
                    refresh(event.hostId());
                } catch (RuntimeException e) {
                    LOG.warnf(e, "compatibility refresh after the report of host %s failed", event.hostId());
                }
            });
            if (!accepted) {
                queued.remove(event.hostId());
                LOG.debugf("compatibility refresh after the report of host %s skipped: %d refreshes waiting",
                        event.hostId(), QUEUE);
            }
        }
    }

    /** Refreshes skipped because the queue was full (or the scheduler stopping) since the start. */
    public long skipped() {
        return executor.refused();
    }

    /** Why the last background probe of {@code host} got no answer, if it did not. */
    public Optional<String> lastFailure(String host) {
        return Optional.ofNullable(failures.get(host));
    }

    /** Asks every missing cell that involves {@code hostId}, as target and as source. Returns cells stored. */
    public int refresh(String hostId) {
        matrix.forgetStale(hostId);
        ClusterSnapshot snapshot = snapshots.current();
        List<Source> fleetSources = sources(snapshot, null);
        List<Source> hostSources = sources(snapshot, hostId);
        int stored = 0;
        for (HostView target : targets(snapshot)) {
            Map<MatrixKey, SourceFacts> cells = cells(target,
                    target.id().equals(hostId) ? fleetSources : hostSources);
            if (cells.isEmpty()) {
                continue;
            }
            Verdicts.Refreshed done = verdicts.refresh(snapshot, target, cells);
            stored += done.stored();
            if (done.failure() == null) {
                failures.remove(target.id());
            } else {
                failures.put(target.id(), done.failure());
                LOG.debugf("host %s: %s", target.id(), done.failure());
            }
        }
        return stored;
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

    /**
     * Distinct signatures of the devices VMs hold (state that may have to move), fleet-wide or
     * on {@code onlyHost}, each with the facts of the first source (by host id) that has it.
     */
    private static List<Source> sources(ClusterSnapshot snapshot, String onlyHost) {
        Map<String, Source> distinct = new LinkedHashMap<>();
        for (HostEntry e : snapshot.hosts()) {
            if (onlyHost != null && !onlyHost.equals(e.view().id())) {
                continue;
            }
            for (VmRecord vm : e.vms()) {
                for (DeviceRequest d : vm.devices()) {
                    if (!d.sourceSignature().isEmpty()) {
                        distinct.putIfAbsent(d.typeId() + "\n" + d.sourceSignature(), new Source(d.typeId(),
                                d.sourceSignature(), d.source()));
                    }
                }
            }
        }
        return List.copyOf(distinct.values());
    }

    /** Every host that can answer now: up, with an endpoint. */
    private static List<HostView> targets(ClusterSnapshot snapshot) {
        List<HostView> out = new ArrayList<>();
        for (HostEntry e : snapshot.hosts()) {
            HostView h = e.view();
            if (h.isUp() && h.agentEndpoint() != null && !h.agentEndpoint().isEmpty()) {
                out.add(h);
            }
        }
        return out;
    }

    @PreDestroy
    void stop() {
        executor.close();
    }
}
