package io.migplan.scheduler.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.scheduler.error.UnknownObjectException;
import io.migplan.scheduler.db.StoredJson;
import io.migplan.scheduler.metrics.SchedulerMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Query;
import jakarta.persistence.TypedQuery;
import io.migplan.scheduler.campaign.Transitions.CampaignState;
import io.migplan.scheduler.campaign.Transitions.HostStep;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.hibernate.Session;
import org.hibernate.jpa.HibernateHints;
import org.hibernate.query.NativeQuery;

/**
 * The campaign tables (Flyway V8 to V11, V16) and nothing else: rows in, rows out, always inside the
 * caller's transaction. It decides nothing about what a campaign does.
 *
 * <p>The rows are entities ({@link CampaignEntity}, {@link CampaignHostEntity},
 * {@link CampaignMigrationEntity}, {@link CampaignEventEntity}) whose states are the enums of
 * {@link Transitions}, so a state text no enum knows fails the read instead of reaching a step.
 * The rest of the code sees the records below, their states as names. Every state written here
 * is a move {@link Transitions#require} allows, made only if the row is still in the state the
 * caller read: a campaign's row is read again under its lock before it moves, and its hosts and
 * migrations are written only by callers holding that lock.
 *
 * <p>Writes go through the entities, so what this transaction reads back is what it wrote. Native
 * SQL is left where JPQL cannot say it: the jsonb request's dry-run flag ({@link #idsHoldingHosts})
 * and retention's bounded delete ({@link #deleteMigrations}).
 */
@ApplicationScoped
class CampaignStore {

    /**
     * A campaign's own row, less its plan's document (read by views alone, {@link #plan});
     * {@code settings} is what creation resolved (scope, policy, dry run). {@code failure} says
     * why planning failed (FAILED only).
     */
    record CampaignRow(String id, String state, String from, String to, Settings settings,
            String replanReason, int planVersion, String leaseHolder, Instant leaseExpiresAt, String failure,
            Instant createdAt, CampaignKind kind, String reason) {

        /** A rolling upgrade's row (the kind every campaign had before evacuations). */
        CampaignRow(String id, String state, String from, String to, Settings settings,
                String replanReason, int planVersion, String leaseHolder, Instant leaseExpiresAt, String failure,
                Instant createdAt) {
            this(id, state, from, to, settings, replanReason, planVersion, leaseHolder, leaseExpiresAt, failure,
                    createdAt, CampaignKind.UPGRADE, "");
        }

        boolean evacuation() {
            return kind == CampaignKind.EVACUATION;
        }

        /** Whether it runs from the new release back to the old one. */
        boolean rollback() {
            return kind == CampaignKind.ROLLBACK;
        }

        CampaignState stateEnum() {
            return CampaignState.valueOf(state);
        }
    }

    /**
     * What a campaign was created with, after defaults and validation.
     *
     * @param timeLimitSeconds how long its plans may be solved; null in rows stored before it existed
     */
    record Settings(List<String> scope, int maxHostsInMaintenance, int maxPerFailureDomain, int maxOutboundPerHost,
            int maxInboundPerHost, int maxParallel, int headroomPercent, boolean allowBackward, boolean dryRun,
            int vmsInScope, Integer timeLimitSeconds, Integer migrationTimeoutSeconds) {

        /** How long an issued migration may take before the agents are asked where its VM is. */
        Duration migrationTimeout() {
            // Campaigns stored before the policy had it read none: the default then.
            return Duration.ofSeconds(migrationTimeoutSeconds != null && migrationTimeoutSeconds > 0
                    ? migrationTimeoutSeconds : CampaignRequest.CampaignPolicyRequest.MIGRATION_TIMEOUT_DEFAULT);
        }
    }

    record HostRow(String host, Integer batch, boolean canary, String state, String note) {

        HostStep step() {
            return HostStep.valueOf(state);
        }
    }

    /**
     * A planned or executed migration; {@code vm} is the VM's name, for display, {@code vmUuid} its identity.
     *
     * @param deadline when the agents are asked where the VM is if nobody settled it: for an
     *                 issued migration its timeout after issue, for a done one the settle timeout
     *                 after the report; null otherwise
     * @param issuedTo the orchestrator it was issued to
     */
    record MigrationRow(String id, int planVersion, int batch, int wave, String vm, String vmUuid, String from,
            String to, List<String> parents, List<String> types, String state, String basis, List<Long> reservations,
            String error, boolean settled, Instant deadline, String issuedTo) {

        MigrationState stateEnum() {
            return MigrationState.valueOf(state);
        }

        /** This row as it reads after moving to {@code next}, due again by {@code due}. */
        MigrationRow with(MigrationState next, Instant due) {
            return new MigrationRow(id, planVersion, batch, wave, vm, vmUuid, from, to, parents, types, next.name(),
                    basis, reservations, error, settled, due, issuedTo);
        }

        MigrationRow withReservations(List<Long> ids) {
            return new MigrationRow(id, planVersion, batch, wave, vm, vmUuid, from, to, parents, types, state, basis,
                    ids, error, settled, deadline, issuedTo);
        }
    }

    @Inject
    EntityManager em;
    @Inject
    ObjectMapper mapper;
    @Inject
    Event<EventsWritten> written;
    @Inject
    SchedulerMetrics metrics;

    void insertCampaign(String id, String state, String from, String to, Settings settings, String planJson,
            Instant now) {
        insertCampaign(id, CampaignState.valueOf(state), from, to, settings, planJson, 1, now);
    }

    /**
     * Written at once: hosts, migrations and history name the campaign by a plain column, so
     * Hibernate would not know to insert it before them.
     */
    private void insertCampaign(String id, CampaignState state, String from, String to, Settings settings,
            String planJson, int planVersion, Instant now) {
        CampaignEntity c = new CampaignEntity();
        c.id = id;
        c.state = state;
        c.fromRelease = from;
        c.toRelease = to;
        c.request = write(settings);
        c.plan = planJson;
        c.planVersion = planVersion;
        c.createdAt = now;
        c.updatedAt = now;
        em.persist(c);
        em.flush();
    }

    /** A rolling upgrade accepted and not planned yet: PLANNING, at plan version 0, with an empty plan. */
    void insertPlanning(String id, String from, String to, Settings settings, Instant now) {
        insertPlanning(id, CampaignKind.UPGRADE, from, to, settings, now);
    }

    /**
     * A campaign of {@code kind} (a rolling upgrade or a rollback) accepted and not planned yet:
     * PLANNING, at plan version 0, with an empty plan; the kind is kept for every later step.
     */
    void insertPlanning(String id, CampaignKind kind, String from, String to, Settings settings, Instant now) {
        insertCampaign(id, CampaignState.PLANNING, from, to, settings, "{}", 0, now);
        if (kind != CampaignKind.UPGRADE) {
            CampaignEntity c = em.find(CampaignEntity.class, id);
            c.kind = kind;
            em.flush();
        }
    }

    /**
     * An evacuation accepted and not planned yet: PLANNING, at plan version 0, with an empty plan;
     * it has no releases (stored empty).
     */
    void insertEvacuation(String id, String reason, Settings settings, Instant now) {
        insertCampaign(id, CampaignState.PLANNING, "", "", settings, "{}", 0, now);
        CampaignEntity c = em.find(CampaignEntity.class, id);
        c.kind = CampaignKind.EVACUATION;
        c.reason = reason;
        em.flush();
    }

    /** The campaign's row, locked until the transaction ends: one step at a time, on any replica. */
    CampaignRow lock(String id) {
        return require(id, true);
    }

    /** The campaign's row, locked or not; an unknown id is the caller's 404. */
    CampaignRow require(String id, boolean forUpdate) {
        return find(id, forUpdate).orElseThrow(() -> new UnknownObjectException("no campaign with id '" + id + "'"));
    }

    Optional<CampaignRow> find(String id, boolean forUpdate) {
        return stored(id, () -> Optional.ofNullable(forUpdate ? locked(id) : em.find(CampaignEntity.class, id))
                .map(this::row));
    }

    /**
     * The campaign's entity, its row locked and read again under the lock: a copy this
     * transaction read before may be older than what another transaction committed meanwhile,
     * and a step decides on the committed row. This transaction's own changes are written first,
     * so reading again loses none of them. Null when there is no such campaign.
     *
     * <p>On PostgreSQL Hibernate takes the lock as {@code select … for no key update}: two lockers
     * of a campaign wait for each other as with {@code for update}, and a delete of the row waits
     * for the holder, but a row naming the campaign (its history) may be inserted meanwhile.
     */
    private CampaignEntity locked(String id) {
        CampaignEntity c = em.find(CampaignEntity.class, id);
        if (c != null) {
            em.flush();
            em.refresh(c, LockModeType.PESSIMISTIC_WRITE);
        }
        return c;
    }

    private CampaignRow row(CampaignEntity c) {
        return new CampaignRow(c.id, c.state.name(), c.fromRelease, c.toRelease, read(c.request, Settings.class),
                c.replanReason, c.planVersion, c.leaseHolder, c.leaseExpiresAt, c.failure, c.createdAt,
                c.kind == null ? CampaignKind.UPGRADE : c.kind, c.reason == null ? "" : c.reason);
    }

    /**
     * The document of campaign {@code id}'s latest plan, as JSON text ("{}" before it is planned):
     * for a view. Not part of {@link CampaignRow}, which every step reads.
     */
    String plan(String id) {
        return stored(id, () -> em.createQuery("select c.plan from CampaignEntity c where c.id = ?1", String.class)
                .setParameter(1, id).getResultStream().findFirst())
                .orElseThrow(() -> new UnknownObjectException("no campaign with id '" + id + "'"));
    }

    /** The campaign's state alone (not its plan, which may be large); empty when there is no such campaign. */
    Optional<CampaignState> state(String id) {
        return stored(id, () -> em.createQuery("select c.state from CampaignEntity c where c.id = ?1",
                CampaignState.class).setParameter(1, id).getResultStream().findFirst());
    }

    /** Ids of campaigns in one of {@code states}, oldest first. */
    List<String> idsIn(List<String> states) {
        return em.createQuery("select c.id from CampaignEntity c where c.state in ?1 order by c.createdAt, c.id",
                String.class).setParameter(1, campaignStates(states)).getResultList();
    }

    /**
     * Ids of campaigns that hold their hosts, oldest first: RUNNING or PAUSED, or PLANNING to run
     * (not a dry run). A second such campaign may not be created meanwhile.
     *
     * <p>Native SQL: whether a campaign is a dry run is a field of its jsonb request, which the
     * entity holds as text.
     */
    @SuppressWarnings("unchecked")
    List<String> idsHoldingHosts() {
        return nativeQuery("select id from campaign where state in ('RUNNING', 'PAUSED') or (state ="
                + " 'PLANNING' and not coalesce((request ->> 'dryRun')::boolean, false)) order by created_at, id")
                .getResultList();
    }

    /**
     * Planning could not finish: a PLANNING campaign becomes FAILED, for good, with the reason.
     * Returns false, changing nothing, when the campaign is not PLANNING (any more). The state is
     * checked under the row's lock, so a plan written meanwhile is never overwritten.
     */
    boolean failPlanning(String id, String reason, Instant now) {
        Transitions.require("campaign " + id, CampaignState.PLANNING, CampaignState.FAILED);
        CampaignEntity c = locked(id);
        if (c == null || c.state != CampaignState.PLANNING) {
            return false;
        }
        c.state = CampaignState.FAILED;
        c.failure = reason;
        c.updatedAt = now;
        return true;
    }

    /**
     * Up to {@code limit} ids of campaigns in one of {@code states} last changed before {@code before}
     * (or, with {@code byCreation}, created before it), oldest first.
     */
    List<String> idsOlderThan(List<String> states, Instant before, boolean byCreation, int limit) {
        String column = byCreation ? "createdAt" : "updatedAt";
        return em.createQuery("select c.id from CampaignEntity c where c.state in ?1 and c." + column + " < ?2"
                        + " order by c." + column + ", c.id", String.class)
                .setParameter(1, campaignStates(states)).setParameter(2, before).setMaxResults(limit)
                .getResultList();
    }

    /**
     * Deletes up to {@code limit} of the campaign's migrations; returns how many.
     *
     * <p>Native SQL: a bounded delete is one statement only with a {@code limit} in a subquery,
     * which JPQL does not have. Retention runs it in a transaction of its own that holds no
     * migration entity, so none is left stale.
     */
    int deleteMigrations(String campaign, int limit) {
        return nativeQuery("delete from campaign_migration where id in (select id from campaign_migration"
                + " where campaign_id = ?1 limit ?2)").setParameter(1, campaign).setParameter(2, limit).executeUpdate();
    }

    /**
     * Deletes the campaign, its hosts and its history (and any migration left: see
     * {@link #deleteMigrations}) if it is still in one of {@code states}; returns whether it did.
     * A JPQL bulk delete: the database cascades it to the rows that name the campaign; retention
     * runs it in a transaction of its own that holds none of them as entities.
     */
    boolean deleteCampaign(String campaign, List<String> states) {
        return em.createQuery("delete from CampaignEntity c where c.id = ?1 and c.state in ?2")
                .setParameter(1, campaign).setParameter(2, campaignStates(states)).executeUpdate() == 1;
    }

    /** Every campaign: id, state, releases, created, kind, newest first. */
    List<Object[]> all() {
        return em.createQuery("select c.id, c.state, c.fromRelease, c.toRelease, c.createdAt, c.kind"
                + " from CampaignEntity c order by c.createdAt desc, c.id", Object[].class).getResultList().stream()
                .map(r -> new Object[] {r[0], ((CampaignState) r[1]).name(), r[2], r[3], r[4],
                        r[5] == null ? CampaignKind.UPGRADE : r[5]}).toList();
    }

    /**
     * Of {@code hosts}, those a campaign holding its hosts ({@link #idsHoldingHosts}) has in its
     * scope, each with the first such campaign's id (oldest first). A campaign still PLANNING has no
     * host rows yet: its scope is read from its stored settings.
     */
    @SuppressWarnings("unchecked")
    Map<String, String> holders(Collection<String> hosts) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (hosts.isEmpty()) {
            return out;
        }
        List<Object[]> rows = nativeQuery("select s.host, c.id from campaign c"
                + " cross join lateral jsonb_array_elements_text(c.request -> 'scope') as s(host)"
                + " where (c.state in ('RUNNING', 'PAUSED') or (c.state = 'PLANNING'"
                + " and not coalesce((c.request ->> 'dryRun')::boolean, false)))"
                + " and s.host in (?1) order by c.created_at, c.id").setParameter(1, List.copyOf(hosts))
                .getResultList();
        rows.forEach(r -> out.putIfAbsent((String) r[0], (String) r[1]));
        return out;
    }

    /**
     * Moves the campaign from {@code from} to {@code to}, as {@link Transitions} allows, if its row,
     * read again under its lock, is still {@code from}.
     */
    void setState(String id, CampaignState from, CampaignState to, Instant now) {
        Transitions.require("campaign " + id, from, to);
        CampaignEntity c = locked(id);
        if (c == null || c.state != from) {
            throw new IllegalStateException("campaign " + id + " was not " + from + " when moved to " + to);
        }
        c.state = to;
        c.updatedAt = now;
    }

    /** The orchestrator that holds the campaign's lease, until when. */
    void setLease(String id, String holder, Instant expiresAt) {
        campaign(id).ifPresent(c -> {
            c.leaseHolder = holder;
            c.leaseExpiresAt = expiresAt;
        });
    }

    void setReplanReason(String id, String reason, Instant now) {
        campaign(id).ifPresent(c -> {
            c.replanReason = reason;
            c.updatedAt = now;
        });
    }

    void setPlan(String id, int version, String planJson, Instant now) {
        campaign(id).ifPresent(c -> {
            c.plan = planJson;
            c.planVersion = version;
            c.replanReason = null;
            c.updatedAt = now;
        });
    }

    /** The campaign's entity as this transaction holds it (read if it was not yet). */
    private Optional<CampaignEntity> campaign(String id) {
        return Optional.ofNullable(em.find(CampaignEntity.class, id));
    }

    /**
     * The campaign's hosts, as plain values: a step reads every host of the campaign and changes
     * a few, so the rows are not loaded as entities this transaction would have to track; a
     * change reads its host's entity ({@link #setHostState}).
     */
    List<HostRow> hosts(String id) {
        return stored(id, () -> em.createQuery("select h.host, h.batch, h.canary, h.state, h.note"
                        + " from CampaignHostEntity h where h.campaignId = ?1 order by h.batch nulls last, h.host",
                        Object[].class).setParameter(1, id).getResultList().stream()
                .map(r -> new HostRow((String) r[0], (Integer) r[1], (Boolean) r[2], ((HostStep) r[3]).name(),
                        (String) r[4]))
                .toList());
    }

    /** Writes the host's row as {@code h} says, whatever it said before (a plan's rows replace the last plan's). */
    void upsertHost(String id, HostRow h) {
        CampaignHostEntity e = em.find(CampaignHostEntity.class, new CampaignHostEntity.Key(id, h.host()));
        boolean fresh = e == null;
        if (fresh) {
            e = new CampaignHostEntity();
            e.campaignId = id;
            e.host = h.host();
        }
        e.batch = h.batch();
        e.canary = h.canary();
        e.state = h.step();
        e.note = h.note();
        if (fresh) {
            em.persist(e);
        }
    }

    /**
     * Moves a host of the campaign from its row's state to {@code to}, as {@link Transitions} allows,
     * if the host's row is still in that state. Every writer of a campaign's hosts holds the
     * campaign's lock, so the row this transaction holds is the committed one.
     */
    void setHostState(String id, HostRow from, HostStep to, String note) {
        String subject = "host " + from.host() + " of campaign " + id;
        Transitions.require(subject, from.step(), to);
        CampaignHostEntity e = em.find(CampaignHostEntity.class, new CampaignHostEntity.Key(id, from.host()));
        if (e == null || e.state != from.step()) {
            throw new IllegalStateException(subject + " was not " + from.state() + " when moved to " + to);
        }
        e.state = to;
        e.note = note;
        if (to == HostStep.DONE) {
            metrics.campaignHostDone();
        }
    }

    /**
     * Migrations of the campaign; with {@code openOnly}, those not settled (planned, in flight, done
     * but unseen). All of them are read to be shown (a view, a rollback's count), never to be
     * changed: they are loaded read-only, so this transaction keeps no copy of each to compare at
     * flush (a campaign has one row per VM moved, read on every view).
     */
    List<MigrationRow> migrations(String id, boolean openOnly) {
        TypedQuery<CampaignMigrationEntity> q = em.createQuery("from CampaignMigrationEntity m where m.campaignId = ?1"
                        + (openOnly ? " and not m.settled and m.state <> ?2" : "")
                        + " order by m.batch, m.wave, m.vm, m.vmUuid, m.planVersion", CampaignMigrationEntity.class)
                .setParameter(1, id);
        if (openOnly) {
            q.setParameter(2, MigrationState.CANCELLED);
        } else {
            q.setHint(HibernateHints.HINT_READ_ONLY, true);
        }
        return stored(id, () -> q.getResultList().stream().map(CampaignStore::row).toList());
    }

    /**
     * What a step decides over: the migrations in flight (issued, or done and not yet settled),
     * and the planned ones of batch {@code batch} (none when null). The planned migrations of
     * later batches are read as {@link #plannedAfter} values.
     *
     * <p>Read-only: a step reads a batch's worth and changes a few, so this transaction keeps no
     * copy of each to compare at every flush (and every native query flushes first); the one it
     * changes is made writable first ({@link #migrationEntity}).
     */
    List<MigrationRow> stepMigrations(String id, Integer batch) {
        TypedQuery<CampaignMigrationEntity> q = em.createQuery("from CampaignMigrationEntity m where m.campaignId = ?1"
                        + " and not m.settled and (m.state in ?2 or (m.state = ?3 and m.batch = ?4))"
                        + " order by m.batch, m.wave, m.vm, m.vmUuid, m.planVersion", CampaignMigrationEntity.class)
                .setParameter(1, id).setParameter(2, List.of(MigrationState.ISSUED, MigrationState.DONE))
                .setParameter(3, MigrationState.PLANNED).setParameter(4, batch == null ? -1 : batch)
                .setHint(HibernateHints.HINT_READ_ONLY, true);
        return stored(id, () -> {
            List<CampaignMigrationEntity> read = q.getResultList();
            List<MigrationRow> rows = read.stream().map(CampaignStore::row).toList();
            forgetReadOnly(read);
            return rows;
        });
    }

    /**
     * Takes the entities of {@code read} that the session holds read-only out of it: a step reads
     * a batch's unsettled migrations (hundreds to thousands) and writes a few, and each flush (the
     * one before every native statement, the commit's) went through every entity held. One the
     * transaction already holds writable stays, with its change. A migration written later is
     * read again by its id ({@link #migrationEntity}).
     */
    private void forgetReadOnly(List<CampaignMigrationEntity> read) {
        Session session = em.unwrap(Session.class);
        for (CampaignMigrationEntity e : read) {
            if (session.contains(e) && session.isReadOnly(e)) {
                session.detach(e);
            }
        }
    }

    /**
     * The campaign's migrations reported done and not yet settled that move a VM from or to
     * {@code host}: what a report of that host may settle.
     */
    List<MigrationRow> doneUnsettled(String id, String host) {
        TypedQuery<CampaignMigrationEntity> q = em.createQuery("from CampaignMigrationEntity m where m.campaignId = ?1"
                        + " and m.state = ?2 and not m.settled and (m.fromHost = ?3 or m.toHost = ?3)"
                        + " order by m.batch, m.wave, m.vm, m.vmUuid", CampaignMigrationEntity.class)
                .setParameter(1, id).setParameter(2, MigrationState.DONE).setParameter(3, host);
        return stored(id, () -> q.getResultList().stream().map(CampaignStore::row).toList());
    }

    /**
     * The campaign's state, its row locked until the transaction ends as {@link #lock} locks it,
     * without reading the rest of the row (its plan may be large); empty when there is no such
     * campaign. For a short step that needs the lock and the state only.
     */
    Optional<CampaignState> lockState(String id) {
        @SuppressWarnings("unchecked")
        List<String> state = nativeQuery("select state from campaign where id = ?1 for no key update")
                .setParameter(1, id).getResultList();
        return stored(id, () -> state.stream().findFirst().map(CampaignState::valueOf));
    }

    /** A planned migration as the checks of a later batch need it: who, from where, to where. */
    record PlannedMove(String id, String vm, String vmUuid, String from, String to) {

        static PlannedMove of(MigrationRow m) {
            return new PlannedMove(m.id(), m.vm(), m.vmUuid(), m.from(), m.to());
        }
    }

    /**
     * The planned migrations of batches after {@code batch} (every planned one when null), as
     * plain values: no entity is managed and no JSON column is read, so a step over a plan of
     * tens of thousands of migrations checks them all cheaply.
     */
    List<PlannedMove> plannedAfter(String id, Integer batch) {
        List<Object[]> rows = em.createQuery("select m.id, m.vm, m.vmUuid, m.fromHost, m.toHost"
                        + " from CampaignMigrationEntity m where m.campaignId = ?1 and not m.settled and m.state = ?2"
                        + " and m.batch > ?3 order by m.batch, m.wave, m.vm, m.vmUuid", Object[].class)
                .setParameter(1, id).setParameter(2, MigrationState.PLANNED)
                .setParameter(3, batch == null ? Integer.MIN_VALUE : batch).getResultList();
        return rows.stream().map(r -> new PlannedMove((String) r[0], (String) r[1], (String) r[2], (String) r[3],
                (String) r[4])).toList();
    }

    private static MigrationRow row(CampaignMigrationEntity m) {
        return new MigrationRow(m.id, m.planVersion, m.batch, m.wave, m.vm, m.vmUuid, m.fromHost, m.toHost,
                m.parents, m.types, m.state.name(), m.basis, m.reservations, m.error, m.settled, m.deadlineAt,
                m.issuedTo);
    }

    MigrationRow migration(String campaign, String migration) {
        return migrationEntity(migration).filter(m -> m.campaignId.equals(campaign)).map(CampaignStore::row)
                .orElseThrow(() -> new UnknownObjectException("campaign " + campaign + " has no migration '"
                        + migration + "'"));
    }

    /**
     * The migration's entity as this transaction holds it (read if it was not yet), writable: one
     * a query read read-only ({@link #stepMigrations}, {@link #migrations}) is made writable here,
     * before the caller changes it, so the change is written.
     */
    private Optional<CampaignMigrationEntity> migrationEntity(String id) {
        CampaignMigrationEntity m = em.find(CampaignMigrationEntity.class, id);
        if (m != null) {
            Session session = em.unwrap(Session.class);
            if (session.isReadOnly(m)) {
                session.setReadOnly(m, false);
            }
        }
        return Optional.ofNullable(m);
    }

    /**
     * A planned migration of the campaign. Its reservations, error, settled flag and orchestrator
     * start empty whatever {@code m} says, as the table's defaults did: they are written when it
     * is issued and finished.
     */
    void insertMigration(String campaign, MigrationRow m) {
        CampaignMigrationEntity e = new CampaignMigrationEntity();
        e.id = m.id();
        e.campaignId = campaign;
        e.planVersion = m.planVersion();
        e.batch = m.batch();
        e.wave = m.wave();
        e.vm = m.vm();
        e.vmUuid = m.vmUuid();
        e.fromHost = m.from();
        e.toHost = m.to();
        e.parents = m.parents();
        e.types = m.types();
        e.state = m.stateEnum();
        e.basis = m.basis();
        e.reservations = List.of();
        e.settled = false;
        e.error = "";
        e.issuedTo = "";
        em.persist(e);
    }

    /**
     * A planned migration handed out to {@code orchestrator} with its claimed slots, due by
     * {@code deadline}; it must still be PLANNED (checked under the campaign's lock, which every
     * writer of its migrations holds). Written at once, so a second migration of the VM in flight
     * fails here, on the unique index, not at commit.
     */
    void issue(String migration, List<Long> reservations, String orchestrator, Instant now, Instant deadline) {
        CampaignMigrationEntity m = migrationEntity(migration).filter(e -> e.state == MigrationState.PLANNED)
                .orElseThrow(() -> new IllegalStateException("migration " + migration + " was not PLANNED when issued"));
        m.state = Transitions.require("migration " + migration, m.state, MigrationState.ISSUED);
        m.reservations = reservations;
        m.issuedAt = now;
        m.deadlineAt = deadline;
        m.issuedTo = orchestrator;
        em.flush();
    }

    /**
     * Moves a migration from its row's state to {@code to}, as {@link Transitions} allows, if the
     * stored row is still in that state (checked under the campaign's lock, which every writer of
     * its migrations holds); {@code deadline} is when the agents are asked about a DONE one not yet
     * seen on its target.
     */
    void finish(MigrationRow m, MigrationState to, String error, boolean settled, Instant now, Instant deadline) {
        Transitions.require("migration " + m.id(), m.stateEnum(), to);
        CampaignMigrationEntity e = migrationEntity(m.id()).filter(r -> r.state == m.stateEnum())
                .orElseThrow(() -> new IllegalStateException("migration " + m.id() + " was not " + m.state()
                        + " when moved to " + to));
        e.state = to;
        e.error = error;
        e.settled = settled;
        e.finishedAt = now;
        e.deadlineAt = deadline;
        if (to == MigrationState.DONE || to == MigrationState.FAILED) {
            metrics.campaignMigration(to.name());
        }
    }

    /** The slots now claimed for a migration in flight (claimed again after a lapse). */
    void setReservations(String migration, List<Long> ids) {
        migrationEntity(migration).ifPresent(m -> m.reservations = ids);
    }

    /** When the agents are asked again about a migration whose last answer settled nothing. */
    void postpone(String migration, Instant deadline) {
        migrationEntity(migration).ifPresent(m -> m.deadlineAt = deadline);
    }

    void settle(String migration) {
        migrationEntity(migration).ifPresent(m -> m.settled = true);
    }

    /**
     * The migrations of plans before {@code version} not yet issued are dropped (kept, as
     * CANCELLED, for the record): a new plan replaced them.
     */
    int cancelPlannedBefore(String campaign, int version, Instant now) {
        return cancel(campaign, version, now);
    }

    /** The current plan's migrations not yet issued are dropped (kept, as CANCELLED, for the record). */
    int cancelPlanned(String campaign, Instant now) {
        return cancel(campaign, null, now);
    }

    /**
     * Cancels the campaign's PLANNED migrations (of plans before {@code beforeVersion}, unless
     * null) entity by entity rather than in one bulk update: a bulk update passes by the entities
     * this transaction already holds, and the callers read the migrations again in the same
     * transaction (an abort answers with them). They are at most one plan's migrations, most of
     * them already read by the step that cancels them.
     */
    private int cancel(String campaign, Integer beforeVersion, Instant now) {
        TypedQuery<CampaignMigrationEntity> q = em.createQuery("from CampaignMigrationEntity m where"
                        + " m.campaignId = ?1 and m.state = ?2" + (beforeVersion == null ? "" : " and m.planVersion < ?3"),
                CampaignMigrationEntity.class).setParameter(1, campaign).setParameter(2, MigrationState.PLANNED);
        if (beforeVersion != null) {
            q.setParameter(3, beforeVersion);
        }
        List<CampaignMigrationEntity> planned = q.getResultList();
        Session session = em.unwrap(Session.class);
        for (CampaignMigrationEntity m : planned) {
            if (session.isReadOnly(m)) {
                session.setReadOnly(m, false); // read by a step of this transaction
            }
            m.state = Transitions.require("migration " + m.id, m.state, MigrationState.CANCELLED);
            m.settled = true;
            m.finishedAt = now;
        }
        return planned.size();
    }

    /** A line of the campaign's history about the campaign as a whole. */
    void event(String campaign, String kind, String message, Instant now) {
        event(campaign, EventSubject.CAMPAIGN, kind, message, now);
    }

    /**
     * A line of the campaign's history about {@code about}, at the campaign's next position.
     *
     * <p>The position comes from the campaign's counter, raised by an update of its row: the row
     * stays locked until this transaction ends, so a second writer of the campaign's events (on
     * this scheduler or another) waits for this one to commit and then takes the next number.
     * Positions are therefore handed out in commit order and without gaps (a rolled-back event
     * gives its number back), which lets a follower resume "after position N" and miss nothing.
     * Most writers hold the row's lock already ({@link #lock}); those that do not (a re-plan that
     * failed, written on its own) take it here. The campaign's state, flushed first, is stored
     * with the event. Followers on this scheduler are woken once the transaction commits
     * ({@link EventsWritten}).
     */
    void event(String campaign, EventSubject about, String kind, String message, Instant now) {
        // One statement raises the counter and reads it back with the state.
        @SuppressWarnings("unchecked")
        List<Object[]> raised = nativeQuery("update campaign set last_event_position = last_event_position + 1"
                + " where id = ?1 returning last_event_position, state").setParameter(1, campaign).getResultList();
        if (raised.size() != 1) {
            throw new IllegalStateException("no campaign " + campaign + " to record " + kind + " for");
        }
        Object[] counter = raised.get(0);
        CampaignEventEntity e = new CampaignEventEntity();
        e.campaignId = campaign;
        e.position = ((Number) counter[0]).longValue();
        e.state = (String) counter[1];
        e.at = now;
        e.kind = kind;
        e.message = message;
        e.host = about.host();
        e.vm = about.vm();
        e.vmUuid = about.vmUuid();
        e.migrationId = about.migration();
        e.migrationFrom = about.from();
        e.migrationTo = about.to();
        e.batch = about.batch();
        em.persist(e);
        written.fire(new EventsWritten(campaign));
    }

    /** The campaign's whole history, in position order. */
    List<CampaignView.Event> events(String campaign) {
        return em.createQuery("from CampaignEventEntity e where e.campaignId = ?1 order by e.position",
                CampaignEventEntity.class).setParameter(1, campaign).setHint(HibernateHints.HINT_READ_ONLY, true)
                .getResultList().stream()
                .map(e -> new CampaignView.Event(e.at, e.kind, e.message)).toList();
    }

    /** Up to {@code limit} events of the campaign after position {@code after}, in position order. */
    List<CampaignEvent> eventsAfter(String campaign, long after, int limit) {
        return em.createQuery("from CampaignEventEntity e where e.campaignId = ?1 and e.position > ?2"
                        + " order by e.position", CampaignEventEntity.class)
                .setParameter(1, campaign).setParameter(2, after).setMaxResults(limit)
                .setHint(HibernateHints.HINT_READ_ONLY, true).getResultList().stream()
                .map(e -> new CampaignEvent(e.campaignId, e.position, e.at, e.kind, e.state, e.host, e.vm, e.vmUuid,
                        e.migrationId, e.migrationFrom, e.migrationTo, e.batch, e.message))
                .toList();
    }

    /**
     * A campaign's events were written: fired in the writing transaction and observed once it
     * commits ({@code TransactionPhase.AFTER_SUCCESS}), so a follower woken by it reads them.
     */
    record EventsWritten(String campaign) {
    }

    /**
     * A native query over the campaign tables: the changes to their entities this transaction has
     * not written yet are written first, so the query sees them.
     */
    private Query nativeQuery(String sql) {
        return em.createNativeQuery(sql).unwrap(NativeQuery.class).addSynchronizedEntityClass(CampaignEntity.class)
                .addSynchronizedEntityClass(CampaignHostEntity.class)
                .addSynchronizedEntityClass(CampaignMigrationEntity.class);
    }

    /**
     * Reads rows of {@code campaign}; a stored state no enum knows (written by another version, or
     * by hand) fails the read naming the campaign, rather than reaching a step as null.
     */
    private static <T> T stored(String campaign, Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("campaign " + campaign + " has a row this version cannot read: "
                    + e.getMessage(), e);
        }
    }

    /** Campaign states by name; a name that is none is a defect of the caller. */
    private static List<CampaignState> campaignStates(List<String> names) {
        return names.stream().map(CampaignState::valueOf).toList();
    }

    String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("campaign data cannot be written as JSON: " + e.getMessage(), e);
        }
    }

    <T> T read(String json, Class<T> type) {
        try {
            return StoredJson.read(mapper, json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored campaign data is not readable: " + e.getMessage(), e);
        }
    }

    <T> T read(String json, TypeReference<T> type) {
        try {
            return StoredJson.read(mapper, json, mapper.getTypeFactory().constructType(type));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored campaign data is not readable: " + e.getMessage(), e);
        }
    }
}
