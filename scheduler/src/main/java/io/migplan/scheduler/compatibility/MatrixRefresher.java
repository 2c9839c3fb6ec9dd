package io.migplan.scheduler.compatibility;

import io.grpc.Status;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import io.migplan.proto.v1.ProbeCompatibilityResponse;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.inventory.HostState;
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
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
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
 * (2) every other live host's agent about H's own signatures, in batches, skipping cells
 * already valid. The fleet is read from the cluster snapshot once it holds the report, not from
 * the database. Answers are stored at the generation the target held when the question
 * was built. It runs in the background on its own two threads and never blocks a report or
 * a query; an unreachable agent is retried with backoff ({@link AgentProbeCall}) and then
 * left unasked, with the reason kept for {@link #lastFailure}.
 *
 * <p>A signature can only be received by a type with the same type id: no vendor migrates
 * state between different mdev types (FACTS.md §5), so only those cells are asked.
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
    AgentProbeCall call;
    @Inject
    MigplanConfig config;
    @Inject
    Clock clock;

    private final BoundedExecutor executor = new BoundedExecutor("matrix-refresh", WORKERS, QUEUE);
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    /** Hosts whose refresh is waiting in the queue. */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();

    /** A source signature with the facts rule-based probes read. */
    record Source(String typeId, String signature, SourceFacts facts) {
    }

    /** One (parent, type) slot of a host. */
    record Slot(String parent, String typeId) {
    }

    /** A host as a probe target. */
    record Target(String host, long generation, String endpoint, List<Slot> slots) {
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
        record Work(List<Source> fleetSources, List<Source> hostSources, List<Target> targets) {
        }
        matrix.forgetStale(hostId);
        ClusterSnapshot snapshot = snapshots.current();
        Work work = new Work(sources(snapshot, null), sources(snapshot, hostId), targets(snapshot));
        int stored = 0;
        for (Target t : work.targets()) {
            List<Source> relevant = t.host().equals(hostId) ? work.fleetSources() : work.hostSources();
            stored += ask(t, relevant);
        }
        return stored;
    }

    private int ask(Target target, List<Source> sources) {
        Map<MatrixKey, ProbeQuestion> questions = new LinkedHashMap<>();
        for (Slot slot : target.slots()) {
            for (Source s : sources) {
                if (s.typeId().equals(slot.typeId())) {
                    MatrixKey k = new MatrixKey(target.host(), slot.parent(), slot.typeId(), s.signature());
                    questions.put(k, k.question("m" + questions.size(), s.facts()));
                }
            }
        }
        if (questions.isEmpty()) {
            return 0;
        }
        Set<MatrixKey> known = new HashSet<>(matrix.valid(questions.keySet()).keySet());
        questions.keySet().removeAll(known);
        List<Map.Entry<MatrixKey, ProbeQuestion>> missing = new ArrayList<>(questions.entrySet());
        int stored = 0;
        for (int from = 0; from < missing.size(); from += config.matrix().batchSize()) {
            var batch = missing.subList(from, Math.min(missing.size(), from + config.matrix().batchSize()));
            ProbeCompatibilityResponse response;
            try {
                response = call.ask(target.endpoint(), ProbeCompatibilityRequest.newBuilder()
                        .addAllQuestions(batch.stream().map(Map.Entry::getValue).toList()).build());
            } catch (RuntimeException e) {
                Status status = Status.fromThrowable(e);
                String why = "agent at " + target.endpoint() + " did not answer background probes after retries ("
                        + status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription())
                        + ")";
                failures.put(target.host(), why);
                LOG.debugf("host %s: %s", target.host(), why);
                return stored;
            }
            Map<String, ProbeAnswer> byId = new LinkedHashMap<>();
            response.getAnswersList().forEach(a -> byId.putIfAbsent(a.getId(), a));
            Map<MatrixKey, ProbeAnswer> answers = new LinkedHashMap<>();
            for (var e : batch) {
                ProbeAnswer a = byId.get(e.getValue().getId());
                if (a != null) {
                    answers.put(e.getKey(), a);
                }
            }
            matrix.record(target.generation(), answers, clock.instant());
            stored += answers.size();
        }
        failures.remove(target.host());
        return stored;
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

    /** Every host that can answer now (UP, with an endpoint), with its (parent, type) slots. */
    private static List<Target> targets(ClusterSnapshot snapshot) {
        List<Target> out = new ArrayList<>();
        for (HostEntry e : snapshot.hosts()) {
            HostView h = e.view();
            if (h.state() != HostState.UP || h.agentEndpoint() == null || h.agentEndpoint().isEmpty()) {
                continue;
            }
            List<Slot> slots = new ArrayList<>();
            h.parents().forEach(p -> p.types().forEach(t -> slots.add(new Slot(p.address(), t.typeId()))));
            if (!slots.isEmpty()) {
                out.add(new Target(h.id(), h.generation(), h.agentEndpoint(), slots));
            }
        }
        return out;
    }

    @PreDestroy
    void stop() {
        executor.close();
    }
}
