package io.migplan.scheduler.compatibility;

import io.grpc.Status;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.CompatibilityProber.Batch;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.metrics.SchedulerMetrics;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one path from a question to a verdict: a verdict stored at the host's generation in the
 * snapshot being judged is used as it is ({@link #stored}); for the rest the host's agent is
 * asked now, under the probe deadline, and its answers are stored at that same generation
 * ({@link #ask}). The background refresh of the matrix takes the same path in its own form
 * ({@link #refresh}): it may wait for retries, and asks nothing another replica already stored.
 * It decides nothing about what a verdict means ({@link VerdictMeaning} does).
 */
@ApplicationScoped
public class Verdicts {

    @Inject
    CompatibilityMatrix matrix;
    @Inject
    CompatibilityProber prober;
    @Inject
    AgentProbeCall call;
    @Inject
    MigplanConfig config;
    @Inject
    Clock clock;
    @Inject
    SchedulerMetrics metrics;

    /**
     * What a background refresh of one host did: how many cells it stored, and why its agent gave
     * no answer ({@code null} when it answered every batch).
     */
    public record Refreshed(int stored, String failure) {
    }

    /** Reads the stored verdicts into the cache {@link #stored} answers from, if not done yet. */
    public void warmCache() {
        matrix.warmCache();
    }

    /** The stored verdicts among {@code keys} that are valid for the hosts as {@code snapshot} holds them. */
    public Map<MatrixKey, StoredVerdict> stored(ClusterSnapshot snapshot, Collection<MatrixKey> keys) {
        return matrix.cached(keys, h -> snapshot.host(h).orElse(null));
    }

    /**
     * Asks the agents of {@code batches} and stores what they answered at the generation each host
     * held in {@code snapshot}. Returns every host's outcome (answers, or why there are none).
     */
    public Map<String, ProbeOutcome> ask(ClusterSnapshot snapshot, List<Batch> batches) {
        Map<String, ProbeOutcome> outcomes = prober.probe(batches);
        record(snapshot, batches, outcomes);
        return outcomes;
    }

    /** {@link #ask}, answered by cell instead of by host: cells without an answer are left out. */
    public Map<MatrixKey, ProbeAnswer> askByCell(ClusterSnapshot snapshot, List<Batch> batches) {
        return record(snapshot, batches, prober.probe(batches));
    }

    /**
     * The background form of {@link #ask}, for the matrix refresher: of {@code cells} on
     * {@code host} (each with the facts of a source that holds its signature), those with no verdict
     * valid in the database are asked of its agent in batches of {@code migplan.matrix.batch-size},
     * each call retried with backoff ({@link AgentProbeCall}), and each batch's answers are stored as
     * {@link #ask} stores them, at the generation the host holds in {@code snapshot}. It reads the
     * database rather than this replica's cache ({@link #stored}): off the query path it can afford
     * to, and a cell another replica stored is not asked again. It stops at the first batch the agent
     * does not answer.
     */
    public Refreshed refresh(ClusterSnapshot snapshot, HostView host, Map<MatrixKey, SourceFacts> cells) {
        if (cells.isEmpty()) {
            return new Refreshed(0, null);
        }
        Set<MatrixKey> known = matrix.valid(cells.keySet()).keySet();
        List<ProbeQuestion> missing = new ArrayList<>();
        cells.forEach((k, source) -> {
            if (!known.contains(k)) {
                missing.add(k.question("m" + missing.size(), source));
            }
        });
        int stored = 0;
        int size = config.matrix().batchSize();
        for (int from = 0; from < missing.size(); from += size) {
            Batch batch = new Batch(host.id(), host.agentEndpoint(),
                    missing.subList(from, Math.min(missing.size(), from + size)));
            ProbeOutcome outcome = askRetrying(batch);
            if (outcome instanceof ProbeOutcome.Failed failed) {
                return new Refreshed(stored, failed.why());
            }
            stored += record(snapshot, List.of(batch), Map.of(host.id(), outcome)).size();
        }
        return new Refreshed(stored, null);
    }

    /** One batch through the retrying call; whatever goes wrong becomes a failed outcome saying why. */
    private ProbeOutcome askRetrying(Batch batch) {
        try {
            return CompatibilityProber.answered(batch, call.ask(batch.host(), batch.endpoint(),
                    ProbeCompatibilityRequest.newBuilder().addAllQuestions(batch.questions()).build()));
        } catch (RuntimeException e) {
            Optional<String> wrong = AgentChannels.wrongAgent(e, batch.host(), batch.endpoint());
            if (wrong.isPresent()) {
                return new ProbeOutcome.Failed(wrong.get());
            }
            Status status = Status.fromThrowable(e);
            return new ProbeOutcome.Failed("agent at " + batch.endpoint()
                    + " did not answer background probes after retries (" + status.getCode()
                    + (status.getDescription() == null ? "" : ": " + status.getDescription()) + ")");
        }
    }

    /**
     * Stored in transactions of their own: the answers hold whatever the caller decides, and row
     * locks on the matrix must not last across a caller's further probes (the background
     * refresher writes the same cells). One transaction per {@value #CELLS_PER_TRANSACTION} cells
     * or so, whole hosts each: an evacuation of a fresh fleet asks hundreds of thousands of cells,
     * more than one transaction may write before its timeout.
     */
    private Map<MatrixKey, ProbeAnswer> record(ClusterSnapshot snapshot, List<Batch> batches,
            Map<String, ProbeOutcome> outcomes) {
        Map<MatrixKey, ProbeAnswer> out = new HashMap<>();
        Instant now = clock.instant();
        for (List<Batch> chunk : chunks(batches, CELLS_PER_TRANSACTION)) {
            Map<MatrixKey, ProbeAnswer> stored = QuarkusTransaction.requiringNew().call(() -> matrix.recordAnswers(
                    chunk, outcomes, h -> snapshot.host(h).map(e -> e.view().generation()).orElse(null), now));
            metrics.verdictsStored(stored.size());
            out.putAll(stored);
        }
        return out;
    }

    /**
     * {@code batches} in order, cut into runs of whole batches holding at most {@code cells}
     * questions each; a batch larger than that is a run of its own.
     */
    static List<List<Batch>> chunks(List<Batch> batches, int cells) {
        List<List<Batch>> out = new ArrayList<>();
        int from = 0;
        while (from < batches.size()) {
            int to = from;
            int held = 0;
            while (to < batches.size() && (to == from || held + batches.get(to).questions().size() <= cells)) {
                held += batches.get(to++).questions().size();
            }
            out.add(batches.subList(from, to));
            from = to;
        }
        return out;
    }

    /** About how many answers one transaction stores (a host's batch is never split). */
    static final int CELLS_PER_TRANSACTION = 2_000;
}
