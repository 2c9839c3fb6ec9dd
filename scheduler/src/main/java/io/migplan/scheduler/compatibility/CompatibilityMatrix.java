package io.migplan.scheduler.compatibility;

import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.scheduler.db.Timestamps;
import io.migplan.scheduler.compatibility.CompatibilityProber.Batch;
import io.migplan.proto.v1.Verdict;
import io.migplan.scheduler.inventory.InventoryApplied;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The stored compatibility verdicts. It decides one thing: a verdict is valid only while
 * its target host still holds the generation it was asked at, or one it was carried to; {@link
 * #valid} never returns anything else, so a stale answer is never used. A report whose facts a
 * verdict depends on ({@link TargetFacts}) equal those of the generation it replaces carries the
 * host's verdicts to the new generation, in the report's transaction ({@link #onReport}); any
 * other report leaves them stale. It stores only what agents answered (an agent's own UNKNOWN
 * included); an unreachable agent leaves no row, so it is asked again. Whether UNKNOWN is
 * compatible is not its business (it never is: the compatibility filter).
 */
@ApplicationScoped
public class CompatibilityMatrix {

    /** A verdict as stored. */
    public record StoredVerdict(Verdict verdict, String code, String message, String backend, long generation,
            Instant askedAt) {
        public ProbeAnswer toAnswer(String id) {
            return ProbeAnswer.newBuilder().setId(id).setVerdict(verdict).setCode(code).setMessage(message)
                    .setBackend(backend).build();
        }
    }

    /** The verdicts of one host a report carried to its new generation, as stored, for the cache after commit. */
    record Carried(String host, Map<MatrixKey, StoredVerdict> verdicts, Instant at) {
    }

    /**
     * A cached verdict and since when it holds at its generation: when it was asked, when a report
     * carried it, or for one read from the database, no earlier than its host's last report then.
     */
    private record Cached(StoredVerdict verdict, Instant heldSince) {
    }

    @Inject
    EntityManager em;
    @Inject
    Event<Carried> carried;

    /**
     * What this replica stored or read, for queries that must not wait for the database. It
     * may lack what another replica stored (the query then asks the agent), and it may hold
     * verdicts of deleted hosts, which {@link #cached} rejects by generation and report time.
     */
    private final Map<MatrixKey, Cached> cache = new ConcurrentHashMap<>();
    private volatile boolean warmed;

    /**
     * The cached verdicts among {@code keys} that are valid for the hosts as the caller sees
     * them: asked at (or carried to) the host's current generation, after its last report was applied.
     */
    public Map<MatrixKey, StoredVerdict> cached(Collection<MatrixKey> keys, Function<String, HostEntry> hosts) {
        warm();
        Map<MatrixKey, StoredVerdict> out = new HashMap<>();
        for (MatrixKey k : keys) {
            Cached c = cache.get(k);
            HostEntry h = c == null ? null : hosts.apply(k.targetHost());
            if (h != null && c.verdict().generation() == h.view().generation()
                    && (h.lastReportAt() == null || !c.heldSince().isBefore(h.lastReportAt()))) {
                out.put(k, c.verdict());
            }
        }
        return out;
    }

    /**
     * Loads the stored verdicts of current generations into this replica's cache now, unless done
     * already; otherwise the first query after start does it (hundreds of thousands of rows at a
     * thousand hosts: seconds the first plan would wait for).
     */
    public void warmCache() {
        warm();
    }

    /** Loads the stored verdicts of current generations once, so a restarted scheduler starts warm. */
    @SuppressWarnings("unchecked")
    private void warm() {
        if (warmed) {
            return;
        }
        synchronized (cache) {
            if (warmed) {
                return;
            }
            List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                    "select v.target_host, v.target_parent, v.target_type_id, v.source_signature, v.verdict, v.code,"
                            + " v.message, v.backend, v.target_generation, v.asked_at,"
                            + " greatest(v.asked_at, h.last_report_at) from compatibility_verdict v"
                            + " join host h on h.id = v.target_host and h.generation = v.target_generation")
                    .getResultList());
            for (Object[] r : rows) {
                cache.putIfAbsent(new MatrixKey((String) r[0], (String) r[1], (String) r[2], (String) r[3]),
                        new Cached(new StoredVerdict(Verdict.valueOf("VERDICT_" + r[4]), (String) r[5],
                                (String) r[6], (String) r[7], ((Number) r[8]).longValue(), Timestamps.toInstant(r[9])),
                                Timestamps.toInstant(r[10])));
            }
            warmed = true;
        }
    }

    /**
     * How many valid verdicts each target holds about source {@code signature} landing in
     * {@code typeId} (one per parent offering the type when complete), by target host: one query
     * over the matrix's signature index, so a refresh asks only the targets that lack some.
     */
    @Transactional
    public Map<String, Integer> validCountsBySource(String typeId, String signature) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select v.target_host, count(*) from compatibility_verdict v"
                        + " join host h on h.id = v.target_host and h.generation = v.target_generation"
                        + " where v.source_signature = ?1 and v.target_type_id = ?2 group by v.target_host")
                .setParameter(1, signature).setParameter(2, typeId).getResultList();
        Map<String, Integer> out = new HashMap<>();
        rows.forEach(r -> out.put((String) r[0], ((Number) r[1]).intValue()));
        return out;
    }

    /** The valid verdicts among {@code keys}: those asked at their host's current generation. */
    @Transactional
    public Map<MatrixKey, StoredVerdict> valid(Collection<MatrixKey> keys) {
        Map<MatrixKey, StoredVerdict> out = new HashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        List<String> hosts = keys.stream().map(MatrixKey::targetHost).distinct().toList();
        List<String> signatures = keys.stream().map(MatrixKey::sourceSignature).distinct().toList();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select v.target_host, v.target_parent, v.target_type_id,"
                        + " v.source_signature, v.verdict, v.code, v.message, v.backend, v.target_generation, v.asked_at"
                        + " from compatibility_verdict v join host h on h.id = v.target_host"
                        + " and h.generation = v.target_generation"
                        + " where v.target_host = any(?1) and v.source_signature = any(?2)")
                .setParameter(1, hosts.toArray(String[]::new))
                .setParameter(2, signatures.toArray(String[]::new))
                .getResultList();
        for (Object[] r : rows) {
            MatrixKey k = new MatrixKey((String) r[0], (String) r[1], (String) r[2], (String) r[3]);
            if (keys.contains(k)) {
                out.put(k, new StoredVerdict(Verdict.valueOf("VERDICT_" + r[4]), (String) r[5], (String) r[6],
                        (String) r[7], ((Number) r[8]).longValue(), Timestamps.toInstant(r[9])));
            }
        }
        return out;
    }

    /**
     * Stores what an agent answered at {@code generation}. An answer for a generation older
     * than the one already stored is dropped: a late reply never overwrites a fresher one.
     */
    @Transactional
    public void record(long generation, Map<MatrixKey, ProbeAnswer> answers, Instant now) {
        // In key order: two transactions storing overlapping cells (the background refresher and a
        // campaign step asking the same upgraded host) then lock the rows in the same order
        // instead of deadlocking on each other's upserts.
        for (var e : answers.entrySet().stream().sorted(Map.Entry.comparingByKey(MatrixKey.ORDER)).toList()) {
            MatrixKey k = e.getKey();
            ProbeAnswer a = e.getValue();
            String verdict = switch (a.getVerdict()) {
                case VERDICT_COMPATIBLE -> "COMPATIBLE";
                case VERDICT_INCOMPATIBLE -> "INCOMPATIBLE";
                // An unspecified verdict is no verdict: store it as the agent's UNKNOWN.
                default -> "UNKNOWN";
            };
            int written = em.createNativeQuery("insert into compatibility_verdict (target_host, target_parent, target_type_id,"
                            + " source_signature, target_generation, verdict, code, message, backend, asked_at)"
                            + " select ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10 where exists (select 1 from host where id = ?1)"
                            + " on conflict (target_host, target_parent, target_type_id, source_signature) do update"
                            + " set target_generation = excluded.target_generation, verdict = excluded.verdict,"
                            + " code = excluded.code, message = excluded.message, backend = excluded.backend,"
                            + " asked_at = excluded.asked_at"
                            + " where compatibility_verdict.target_generation <= excluded.target_generation")
                    .setParameter(1, k.targetHost()).setParameter(2, k.targetParent())
                    .setParameter(3, k.targetTypeId()).setParameter(4, k.sourceSignature())
                    .setParameter(5, generation).setParameter(6, verdict).setParameter(7, a.getCode())
                    .setParameter(8, a.getMessage()).setParameter(9, a.getBackend()).setParameter(10, now)
                    .executeUpdate();
            StoredVerdict stored = new StoredVerdict(Verdict.valueOf("VERDICT_" + verdict), a.getCode(),
                    a.getMessage(), a.getBackend(), generation, now);
            // The cache mirrors what was written: a late answer the database refused (an older
            // generation) is not cached either, and a host re-created under the same id starts clean.
            if (written > 0) {
                cache.put(k, new Cached(stored, now));
            }
        }
    }

    /**
     * Stores what agents answered to {@code batches} (at the generation {@code generationOf}
     * gives for each host) and returns the answers by cell. Hosts that gave no answer add
     * nothing: their cells stay unasked.
     */
    public Map<MatrixKey, ProbeAnswer> recordAnswers(List<Batch> batches, Map<String, ProbeOutcome> outcomes,
            Function<String, Long> generationOf, Instant now) {
        Map<MatrixKey, ProbeAnswer> out = new HashMap<>();
        for (Batch b : batches) {
            Long generation = generationOf.apply(b.host());
            if (!(outcomes.get(b.host()) instanceof ProbeOutcome.Answered answered) || generation == null) {
                continue;
            }
            Map<MatrixKey, ProbeAnswer> cells = new HashMap<>();
            for (ProbeQuestion q : b.questions()) {
                ProbeAnswer a = answered.answers().get(q.getId());
                if (a != null && !q.getSourceSignature().isEmpty()) {
                    cells.put(MatrixKey.of(b.host(), q), a);
                }
            }
            record(generation, cells, now);
            out.putAll(cells);
        }
        return out;
    }

    /**
     * Inside a report's transaction: keeps what the host's verdicts depend on at the new generation
     * ({@link TargetFacts}), and when it equals what they depended on at the generation the report
     * replaces, carries the verdicts valid there to the new one ({@link #carry}). Otherwise the
     * verdicts stay at the old generation, stale, and are asked again, as for a first report.
     */
    void onReport(@Observes InventoryApplied report) {
        Optional<String> facts = TargetFacts.digest(report.snapshot());
        @SuppressWarnings("unchecked")
        List<Object[]> was = em.createNativeQuery("with was as (select generation, digest"
                        + " from verdict_target_facts where host = ?1),"
                        + " kept as (insert into verdict_target_facts (host, generation, digest) values (?1, ?2, ?3)"
                        + " on conflict (host) do update set generation = excluded.generation, digest = excluded.digest)"
                        + " select generation, digest from was")
                .setParameter(1, report.hostId()).setParameter(2, report.generation())
                .setParameter(3, facts.orElse("")).getResultList();
        boolean unchanged = facts.isPresent() && was.size() == 1
                && ((Number) was.get(0)[0]).longValue() == report.previousGeneration()
                && facts.get().equals(was.get(0)[1]);
        if (unchanged) {
            Map<MatrixKey, StoredVerdict> moved = carry(report.hostId(), report.previousGeneration(),
                    report.generation());
            if (!moved.isEmpty()) {
                carried.fire(new Carried(report.hostId(), moved, report.at()));
            }
        }
    }

    /**
     * The statement of {@link #carry}: the rows locked are updated by their tuple ids (a TID scan).
     * Joined back on the key instead, the planner took the signature index and read every verdict
     * of each signature (1,164 rows per verdict at 5,000 hosts: 3 ms idle, past 10 ms for a fifth of
     * the reports under load). A row that a transaction committed since this statement began has
     * changed is locked at its new version, which this statement's snapshot does not see: it is
     * left at its generation, as a locked one is.
     */
    static final String CARRY = "update compatibility_verdict v set target_generation = ?3"
            + " where v.ctid = any(array(select ctid from compatibility_verdict"
            + " where target_host = ?1 and target_generation = ?2 for update skip locked))"
            + " returning v.target_parent, v.target_type_id, v.source_signature, v.verdict, v.code,"
            + " v.message, v.backend, v.asked_at";

    /**
     * Moves the verdicts of {@code host} valid at generation {@code from} to {@code to}, in one
     * statement ({@link #CARRY}), and returns them as stored. A verdict an unfinished transaction is
     * writing (a late answer of the refresher) is skipped rather than waited for: it stays at its
     * generation, stale, and is asked again, and the report never waits on the matrix's writers or
     * deadlocks with them.
     */
    private Map<MatrixKey, StoredVerdict> carry(String host, long from, long to) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(CARRY).setParameter(1, host).setParameter(2, from)
                .setParameter(3, to).getResultList();
        Map<MatrixKey, StoredVerdict> out = new HashMap<>();
        for (Object[] r : rows) {
            out.put(new MatrixKey(host, (String) r[0], (String) r[1], (String) r[2]),
                    new StoredVerdict(Verdict.valueOf("VERDICT_" + r[3]), (String) r[4], (String) r[5],
                            (String) r[6], to, Timestamps.toInstant(r[7])));
        }
        return out;
    }

    /**
     * Once a report that carried verdicts is committed, the cache holds them at the new generation
     * (unless it holds a newer answer already). A query that reads the new snapshot before this ran
     * finds them missing and asks the agent, as it did before verdicts were carried.
     */
    void onCarried(@Observes(during = TransactionPhase.AFTER_SUCCESS) Carried report) {
        Instant since = Timestamps.asStored(report.at());
        report.verdicts().forEach((k, v) -> cache.merge(k, new Cached(v, since),
                (held, carried) -> held.verdict().generation() > carried.verdict().generation() ? held : carried));
    }

    /** Drops the verdicts of {@code host} asked at an older generation than it holds: they can never be valid again. */
    @Transactional
    public int forgetStale(String host) {
        return em.createNativeQuery("delete from compatibility_verdict v using host h where h.id = ?1"
                        + " and v.target_host = h.id and v.target_generation < h.generation")
                .setParameter(1, host).executeUpdate();
    }
}
