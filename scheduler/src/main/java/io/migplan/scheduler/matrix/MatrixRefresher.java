package io.migplan.scheduler.matrix;

import io.grpc.Status;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import io.migplan.proto.v1.ProbeCompatibilityResponse;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.inventory.InventoryApplied;
import io.migplan.scheduler.placement.PlacementRequest.SourceFacts;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * Keeps the compatibility matrix filled: after a report changes host H, it asks (1) H's
 * agent about every source signature in the fleet that one of H's types could receive, and
 * (2) every other live host's agent about H's own signatures, in batches, skipping cells
 * already valid. Answers are stored at the generation the target held when the question
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

    @Inject
    EntityManager em;
    @Inject
    CompatibilityMatrix matrix;
    @Inject
    AgentProbeCall call;
    @Inject
    MigplanConfig config;
    @Inject
    Clock clock;

    private final ExecutorService executor = Executors.newFixedThreadPool(WORKERS, r -> {
        Thread t = new Thread(r, "matrix-refresh");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    /** Hosts whose refresh is waiting in the queue. */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();

    /** A source signature with the facts rule-based probes read. */
    record Source(String typeId, String signature, String board, String driver, String driverVersion,
            String release) {
    }

    /** One (parent, type) slot of a host. */
    record Slot(String parent, String typeId) {
    }

    /** A host as a probe target. */
    record Target(String host, long generation, String endpoint, List<Slot> slots) {
    }

    void onApplied(@Observes(during = TransactionPhase.AFTER_SUCCESS) InventoryApplied event) {
        // A host reporting again before its refresh ran needs one refresh, not two: when a fleet
        // starts, a thousand reports must not queue a thousand duplicate fleet-wide refreshes.
        if (config.matrix().refreshOnReport() && queued.add(event.hostId())) {
            executor.submit(() -> {
                queued.remove(event.hostId());
                try {
                    refresh(event.hostId());
                } catch (RuntimeException e) {
                    LOG.warnf(e, "compatibility refresh after the report of host %s failed", event.hostId());
                }
            });
        }
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
        Work work = QuarkusTransaction.requiringNew().call(() -> new Work(sources(null), sources(hostId), targets()));
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
                    questions.put(k, k.question("m" + questions.size(),
                            new SourceFacts(s.board(), s.driver(), s.driverVersion(), s.release())));
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
     * Distinct signatures of types that hold an active device (a VM's state that may have to
     * move), fleet-wide or on {@code onlyHost}, with the facts of one source that has it.
     */
    @SuppressWarnings("unchecked")
    private List<Source> sources(String onlyHost) {
        List<Object[]> rows = em.createNativeQuery("select distinct on (t.type_id, t.signature) t.type_id,"
                        + " t.signature, p.board, p.driver, p.driver_version, h.release"
                        + " from device_instance d"
                        + " join device_type t on t.host = d.host and t.parent = d.parent and t.type_id = d.type_id"
                        + " join parent_device p on p.host = t.host and p.address = t.parent"
                        + " join host h on h.id = t.host"
                        + " where t.signature <> '' and (cast(?1 as text) is null or d.host = ?1)"
                        + " order by t.type_id, t.signature, t.host")
                .setParameter(1, onlyHost)
                .getResultList();
        return rows.stream().map(r -> new Source((String) r[0], (String) r[1], (String) r[2], (String) r[3],
                (String) r[4], (String) r[5])).toList();
    }

    /** Every host that can answer now (UP, with an endpoint), with its (parent, type) slots. */
    @SuppressWarnings("unchecked")
    private List<Target> targets() {
        List<Object[]> rows = em.createNativeQuery("select h.id, h.generation, h.agent_endpoint, t.parent, t.type_id"
                        + " from host h join device_type t on t.host = h.id"
                        + " where h.state = 'UP' and h.agent_endpoint <> '' order by h.id, t.parent, t.type_id")
                .getResultList();
        Map<String, Target> byHost = new LinkedHashMap<>();
        for (Object[] r : rows) {
            byHost.computeIfAbsent((String) r[0], h -> new Target(h, ((Number) r[1]).longValue(), (String) r[2],
                    new ArrayList<>())).slots().add(new Slot((String) r[3], (String) r[4]));
        }
        return List.copyOf(byHost.values());
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
