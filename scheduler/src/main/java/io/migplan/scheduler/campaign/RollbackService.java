package io.migplan.scheduler.campaign;

import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.compatibility.CompatibilityMatrix;
import io.migplan.scheduler.compatibility.CompatibilityProber.Batch;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.compatibility.ProbeOutcome;
import io.migplan.scheduler.compatibility.Verdicts;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshotHolder;
import io.migplan.scheduler.snapshot.HostView;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A campaign's way back: {@link #view} counts it ({@link RollbackCount}) from the campaign's rows,
 * the cluster snapshot and the verdicts stored in the database, writing nothing and asking no
 * agent; {@link #probe} asks the agents of old-release hosts the backward questions nobody has
 * answered yet, a bounded number per call, through the one path from a question to a stored
 * verdict ({@link Verdicts#ask}), so the next view counts their answers.
 */
@ApplicationScoped
public class RollbackService {

    /**
     * Hosts one probe call asks at most, as a campaign step asks fresh scans of {@link
     * CampaignRunner#SCANS_PER_STEP} hosts at most; each is asked one batch of at most
     * {@code migplan.matrix.batch-size} questions, all hosts at once under the probe deadline.
     */
    static final int HOSTS_PER_PROBE = CampaignRunner.SCANS_PER_STEP;

    @Inject
    CampaignStore store;
    @Inject
    ClusterSnapshotHolder snapshots;
    @Inject
    CompatibilityMatrix matrix;
    @Inject
    Verdicts verdicts;
    @Inject
    MigplanConfig config;
    @Inject
    Clock clock;

    /**
     * What one probe call did: backward questions asked and answers stored, the hosts whose agents
     * gave no answer and why, and how many backward questions are still unanswered (ask again).
     */
    public record Probed(String campaign, int asked, int stored, List<HostNote> failed, int stillUnasked) {
    }

    /** A host and why it did not answer. */
    public record HostNote(String host, String why) {
    }

    /** The campaign's way back now. */
    public RollbackView view(String id) {
        ClusterSnapshot snapshot = snapshots.current();
        return QuarkusTransaction.requiringNew().call(() -> count(id, snapshot).view(clock.instant()));
    }

    /**
     * Asks the agents of old-release hosts the campaign's backward questions that have no verdict
     * at the host's current generation: at most {@link #HOSTS_PER_PROBE} hosts, and one batch of
     * {@code migplan.matrix.batch-size} questions each; their answers are stored as every probe's are.
     */
    public Probed probe(String id) {
        ClusterSnapshot snapshot = snapshots.current();
        RollbackCount before = QuarkusTransaction.requiringNew().call(() -> count(id, snapshot));
        Asked asked = ask(verdicts, snapshot, before.unasked(), before.oldHosts(), config.matrix().batchSize());
        int left = QuarkusTransaction.requiringNew().call(() -> count(id, snapshot).unasked().size());
        return new Probed(id, asked.asked(), asked.answered(), asked.failed(), left);
    }

    /** What one round of backward questions did: asked, answered, and the hosts that gave no answer and why. */
    record Asked(int asked, int answered, List<HostNote> failed) {
    }

    /**
     * Asks the agents of {@code hosts} the backward questions {@code unasked}, through the one path
     * from a question to a stored verdict ({@link Verdicts#ask}): at most {@link #HOSTS_PER_PROBE}
     * hosts, one batch of at most {@code batchSize} questions each, all hosts at once under the probe
     * deadline. The rollback probe and a rollback campaign's planning both ask this way.
     */
    static Asked ask(Verdicts verdicts, ClusterSnapshot snapshot, Map<MatrixKey, SourceFacts> unasked,
            Map<String, HostView> hosts, int batchSize) {
        Map<String, List<ProbeQuestion>> byHost = new LinkedHashMap<>();
        int asked = 0;
        for (var e : unasked.entrySet()) {
            String host = e.getKey().targetHost();
            List<ProbeQuestion> qs = byHost.get(host);
            if (qs == null) {
                if (byHost.size() == HOSTS_PER_PROBE || !hosts.containsKey(host)) {
                    continue;
                }
                qs = new ArrayList<>();
                byHost.put(host, qs);
            }
            if (qs.size() < batchSize) {
                qs.add(e.getKey().question("r" + asked++, e.getValue()));
            }
        }
        List<Batch> batches = new ArrayList<>();
        byHost.forEach((host, qs) -> batches.add(new Batch(host, hosts.get(host).agentEndpoint(), qs)));
        Map<String, ProbeOutcome> outcomes = batches.isEmpty() ? Map.of() : verdicts.ask(snapshot, batches);
        int answered = 0;
        List<HostNote> failed = new ArrayList<>();
        for (Batch b : batches) {
            ProbeOutcome o = outcomes.get(b.host());
            if (o instanceof ProbeOutcome.Answered a) {
                for (ProbeQuestion q : b.questions()) {
                    answered += a.answers().containsKey(q.getId()) ? 1 : 0;
                }
            } else {
                failed.add(new HostNote(b.host(), o instanceof ProbeOutcome.Failed f ? f.why() : "no answer"));
            }
        }
        return new Asked(asked, answered, failed);
    }

    private RollbackCount count(String id, ClusterSnapshot snapshot) {
        CampaignRow c = store.require(id, false);
        return new RollbackCount(new RollbackCount.Campaign(c.id(), c.state(), c.from(), c.to()), store.hosts(id),
                store.migrations(id, false), snapshot, matrix::valid);
    }
}
