package io.migplan.scheduler.compatibility;

import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.CompatibilityProber.Batch;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The one path from a question to a verdict: a verdict stored at the host's generation in the
 * snapshot being judged is used as it is ({@link #stored}); for the rest the host's agent is
 * asked now, under the probe deadline, and its answers are stored at that same generation
 * ({@link #ask}). It decides nothing about what a verdict means ({@link VerdictMeaning} does).
 */
@ApplicationScoped
public class Verdicts {

    @Inject
    CompatibilityMatrix matrix;
    @Inject
    CompatibilityProber prober;
    @Inject
    Clock clock;

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
     * Stored in a transaction of their own: the answers hold whatever the caller decides, and row
     * locks on the matrix must not last across a caller's further probes (the background
     * refresher writes the same cells).
     */
    private Map<MatrixKey, ProbeAnswer> record(ClusterSnapshot snapshot, List<Batch> batches,
            Map<String, ProbeOutcome> outcomes) {
        return QuarkusTransaction.requiringNew().call(() -> matrix.recordAnswers(batches, outcomes,
                h -> snapshot.host(h).map(e -> e.view().generation()).orElse(null), clock.instant()));
    }
}
