package io.migplan.scheduler.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.scheduler.db.Timestamps;
import io.migplan.scheduler.error.UnknownObjectException;
import io.migplan.scheduler.db.StoredJson;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import io.migplan.scheduler.campaign.Transitions.CampaignState;
import io.migplan.scheduler.campaign.Transitions.HostStep;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The campaign tables (Flyway V8 to V11) and nothing else: rows in, rows out, always inside the
 * caller's transaction. It decides nothing about what a campaign does.
 */
@ApplicationScoped
class CampaignStore {

    /**
     * A campaign's own row; {@code settings} is what creation resolved (scope, policy, dry run).
     * {@code failure} says why planning failed (FAILED only).
     */
    record CampaignRow(String id, String state, String from, String to, Settings settings, String plan,
            String replanReason, int planVersion, String leaseHolder, Instant leaseExpiresAt, String failure,
            Instant createdAt) {

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

    void insertCampaign(String id, String state, String from, String to, Settings settings, String planJson,
            Instant now) {
        insertCampaign(id, state, from, to, settings, planJson, 1, now);
    }

    private void insertCampaign(String id, String state, String from, String to, Settings settings, String planJson,
            int planVersion, Instant now) {
        em.createNativeQuery("insert into campaign (id, state, from_release, to_release, request, plan, plan_version,"
                        + " created_at, updated_at) values (?1, ?2, ?3, ?4, cast(?5 as jsonb), cast(?6 as jsonb), ?7,"
                        + " ?8, ?8)")
                .setParameter(1, id).setParameter(2, state).setParameter(3, from).setParameter(4, to)
                .setParameter(5, write(settings)).setParameter(6, planJson).setParameter(7, planVersion)
                .setParameter(8, now).executeUpdate();
    }

    /** A campaign accepted and not planned yet: PLANNING, at plan version 0, with an empty plan. */
    void insertPlanning(String id, String from, String to, Settings settings, Instant now) {
        insertCampaign(id, "PLANNING", from, to, settings, "{}", 0, now);
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
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select id, state, from_release, to_release, cast(request as text),"
                        + " cast(plan as text), replan_reason, plan_version, lease_holder, lease_expires_at, failure,"
                        + " created_at from campaign where id = ?1"
                        + (forUpdate ? " for update" : ""))
                .setParameter(1, id).getResultList();
        return rows.stream().findFirst().map(r -> new CampaignRow((String) r[0], (String) r[1], (String) r[2],
                (String) r[3], read((String) r[4], Settings.class), (String) r[5], (String) r[6],
                ((Number) r[7]).intValue(), (String) r[8], Timestamps.toInstant(r[9]), (String) r[10],
                Timestamps.toInstant(r[11])));
    }

    /** Ids of campaigns in one of {@code states}, oldest first. */
    @SuppressWarnings("unchecked")
    List<String> idsIn(List<String> states) {
        return em.createNativeQuery("select id from campaign where state = any(?1) order by created_at, id")
                .setParameter(1, states.toArray(String[]::new)).getResultList();
    }

    /**
     * Ids of campaigns that hold their hosts, oldest first: RUNNING or PAUSED, or PLANNING to run
     * (not a dry run). A second such campaign may not be created meanwhile.
     */
    @SuppressWarnings("unchecked")
    List<String> idsHoldingHosts() {
        return em.createNativeQuery("select id from campaign where state in ('RUNNING', 'PAUSED') or (state ="
                + " 'PLANNING' and not coalesce((request ->> 'dryRun')::boolean, false)) order by created_at, id")
                .getResultList();
    }

    /**
     * Planning could not finish: a PLANNING campaign becomes FAILED, for good, with the reason.
     * Returns false, changing nothing, when the campaign is not PLANNING (any more).
     */
    boolean failPlanning(String id, String reason, Instant now) {
        Transitions.require("campaign " + id, CampaignState.PLANNING, CampaignState.FAILED);
        return em.createNativeQuery("update campaign set state = 'FAILED', failure = ?2, updated_at = ?3 where id = ?1"
                        + " and state = 'PLANNING'")
                .setParameter(1, id).setParameter(2, reason).setParameter(3, now).executeUpdate() == 1;
    }

    /**
     * Up to {@code limit} ids of campaigns in one of {@code states} last changed before {@code before}
     * (or, with {@code byCreation}, created before it), oldest first.
     */
    @SuppressWarnings("unchecked")
    List<String> idsOlderThan(List<String> states, Instant before, boolean byCreation, int limit) {
        String column = byCreation ? "created_at" : "updated_at";
        return em.createNativeQuery("select id from campaign where state = any(?1) and " + column + " < ?2 order by "
                        + column + ", id limit ?3")
                .setParameter(1, states.toArray(String[]::new)).setParameter(2, before).setParameter(3, limit)
                .getResultList();
    }

    /** Deletes up to {@code limit} of the campaign's migrations; returns how many. */
    int deleteMigrations(String campaign, int limit) {
        return em.createNativeQuery("delete from campaign_migration where id in (select id from campaign_migration"
                + " where campaign_id = ?1 limit ?2)").setParameter(1, campaign).setParameter(2, limit).executeUpdate();
    }

    /**
     * Deletes the campaign, its hosts and its history (and any migration left: see
     * {@link #deleteMigrations}) if it is still in one of {@code states}; returns whether it did.
     */
    boolean deleteCampaign(String campaign, List<String> states) {
        return em.createNativeQuery("delete from campaign where id = ?1 and state = any(?2)").setParameter(1, campaign)
                .setParameter(2, states.toArray(String[]::new)).executeUpdate() == 1;
    }

    /** Every campaign: id, state, releases, created, newest first. */
    @SuppressWarnings("unchecked")
    List<Object[]> all() {
        return em.createNativeQuery("select id, state, from_release, to_release, created_at from campaign"
                + " order by created_at desc, id").getResultList();
    }

    /** Moves the campaign from {@code from} to {@code to}, as {@link Transitions} allows. */
    void setState(String id, CampaignState from, CampaignState to, Instant now) {
        Transitions.require("campaign " + id, from, to);
        int changed = em.createNativeQuery("update campaign set state = ?2, updated_at = ?3 where id = ?1"
                        + " and state = ?4")
                .setParameter(1, id).setParameter(2, to.name()).setParameter(3, now).setParameter(4, from.name())
                .executeUpdate();
        if (changed != 1) {
            throw new IllegalStateException("campaign " + id + " was not " + from + " when moved to " + to);
        }
    }

    /** The orchestrator that holds the campaign's lease, until when. */
    void setLease(String id, String holder, Instant expiresAt) {
        em.createNativeQuery("update campaign set lease_holder = ?2, lease_expires_at = ?3 where id = ?1")
                .setParameter(1, id).setParameter(2, holder).setParameter(3, expiresAt).executeUpdate();
    }

    void setReplanReason(String id, String reason, Instant now) {
        em.createNativeQuery("update campaign set replan_reason = ?2, updated_at = ?3 where id = ?1")
                .setParameter(1, id).setParameter(2, reason).setParameter(3, now).executeUpdate();
    }

    void setPlan(String id, int version, String planJson, Instant now) {
        em.createNativeQuery("update campaign set plan = cast(?2 as jsonb), plan_version = ?3, replan_reason = null,"
                        + " updated_at = ?4 where id = ?1")
                .setParameter(1, id).setParameter(2, planJson).setParameter(3, version).setParameter(4, now)
                .executeUpdate();
    }

    List<HostRow> hosts(String id) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select host, batch, canary, state, note from campaign_host"
                + " where campaign_id = ?1 order by batch nulls last, host").setParameter(1, id).getResultList();
        return rows.stream().map(r -> new HostRow((String) r[0], r[1] == null ? null : ((Number) r[1]).intValue(),
                (Boolean) r[2], (String) r[3], (String) r[4])).toList();
    }

    void upsertHost(String id, HostRow h) {
        em.createNativeQuery("insert into campaign_host (campaign_id, host, batch, canary, state, note)"
                        + " values (?1, ?2, ?3, ?4, ?5, ?6) on conflict (campaign_id, host) do update set"
                        + " batch = excluded.batch, canary = excluded.canary, state = excluded.state, note = excluded.note")
                .setParameter(1, id).setParameter(2, h.host()).setParameter(3, h.batch()).setParameter(4, h.canary())
                .setParameter(5, h.state()).setParameter(6, h.note()).executeUpdate();
    }

    /** Moves a host of the campaign from its row's state to {@code to}, as {@link Transitions} allows. */
    void setHostState(String id, HostRow from, HostStep to, String note) {
        Transitions.require("host " + from.host() + " of campaign " + id, from.step(), to);
        em.createNativeQuery("update campaign_host set state = ?3, note = ?4 where campaign_id = ?1 and host = ?2")
                .setParameter(1, id).setParameter(2, from.host()).setParameter(3, to.name()).setParameter(4, note)
                .executeUpdate();
    }

    /** Migrations of the campaign; with {@code openOnly}, those not settled (planned, in flight, done but unseen). */
    List<MigrationRow> migrations(String id, boolean openOnly) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select id, plan_version, batch, wave, vm, vm_uuid, from_host,"
                        + " to_host, cast(parents as text), cast(types as text), state, basis, cast(reservations as text),"
                        + " error, settled, deadline_at, issued_to from campaign_migration where campaign_id = ?1"
                        + (openOnly ? " and not settled and state <> 'CANCELLED'" : "")
                        + " order by batch, wave, vm, vm_uuid, plan_version")
                .setParameter(1, id).getResultList();
        List<MigrationRow> out = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            out.add(new MigrationRow((String) r[0], ((Number) r[1]).intValue(), ((Number) r[2]).intValue(),
                    ((Number) r[3]).intValue(), (String) r[4], (String) r[5], (String) r[6], (String) r[7],
                    read((String) r[8], new TypeReference<List<String>>() {
                    }), read((String) r[9], new TypeReference<List<String>>() {
                    }), (String) r[10], (String) r[11], read((String) r[12], new TypeReference<List<Long>>() {
                    }), (String) r[13], (Boolean) r[14], Timestamps.toInstant(r[15]), (String) r[16]));
        }
        return out;
    }

    MigrationRow migration(String campaign, String migration) {
        return migrations(campaign, false).stream().filter(m -> m.id().equals(migration)).findFirst()
                .orElseThrow(() -> new UnknownObjectException("campaign " + campaign + " has no migration '"
                        + migration + "'"));
    }

    void insertMigration(String campaign, MigrationRow m) {
        em.createNativeQuery("insert into campaign_migration (id, campaign_id, plan_version, batch, wave, vm,"
                        + " vm_uuid, from_host, to_host, parents, types, state, basis) values (?1, ?2, ?3, ?4, ?5, ?6,"
                        + " ?7, ?8, ?9, cast(?10 as jsonb), cast(?11 as jsonb), ?12, ?13)")
                .setParameter(1, m.id()).setParameter(2, campaign).setParameter(3, m.planVersion())
                .setParameter(4, m.batch()).setParameter(5, m.wave()).setParameter(6, m.vm())
                .setParameter(7, m.vmUuid()).setParameter(8, m.from()).setParameter(9, m.to())
                .setParameter(10, write(m.parents())).setParameter(11, write(m.types()))
                .setParameter(12, m.state()).setParameter(13, m.basis()).executeUpdate();
    }

    /** A planned migration handed out to {@code orchestrator} with its claimed slots, due by {@code deadline}. */
    void issue(String migration, List<Long> reservations, String orchestrator, Instant now, Instant deadline) {
        int changed = em.createNativeQuery("update campaign_migration set state = 'ISSUED',"
                        + " reservations = cast(?2 as jsonb), issued_at = ?3, deadline_at = ?4, issued_to = ?5"
                        + " where id = ?1 and state = 'PLANNED'")
                .setParameter(1, migration).setParameter(2, write(reservations)).setParameter(3, now)
                .setParameter(4, deadline).setParameter(5, orchestrator).executeUpdate();
        if (changed != 1) {
            throw new IllegalStateException("migration " + migration + " was not PLANNED when issued");
        }
    }

    /**
     * Moves a migration from its row's state to {@code to}, as {@link Transitions} allows;
     * {@code deadline} is when the agents are asked about a DONE one not yet seen on its target.
     */
    void finish(MigrationRow m, MigrationState to, String error, boolean settled, Instant now, Instant deadline) {
        Transitions.require("migration " + m.id(), m.stateEnum(), to);
        int changed = em.createNativeQuery("update campaign_migration set state = ?2, error = ?3, settled = ?4,"
                        + " finished_at = ?5, deadline_at = ?6 where id = ?1 and state = ?7")
                .setParameter(1, m.id()).setParameter(2, to.name()).setParameter(3, error).setParameter(4, settled)
                .setParameter(5, now).setParameter(6, deadline).setParameter(7, m.state()).executeUpdate();
        if (changed != 1) {
            throw new IllegalStateException("migration " + m.id() + " was not " + m.state() + " when moved to " + to);
        }
    }

    /** The slots now claimed for a migration in flight (claimed again after a lapse). */
    void setReservations(String migration, List<Long> ids) {
        em.createNativeQuery("update campaign_migration set reservations = cast(?2 as jsonb) where id = ?1")
                .setParameter(1, migration).setParameter(2, write(ids)).executeUpdate();
    }

    /** When the agents are asked again about a migration whose last answer settled nothing. */
    void postpone(String migration, Instant deadline) {
        em.createNativeQuery("update campaign_migration set deadline_at = ?2 where id = ?1")
                .setParameter(1, migration).setParameter(2, deadline).executeUpdate();
    }

    void settle(String migration) {
        em.createNativeQuery("update campaign_migration set settled = true where id = ?1")
                .setParameter(1, migration).executeUpdate();
    }

    /**
     * The migrations of plans before {@code version} not yet issued are dropped (kept, as
     * CANCELLED, for the record): a new plan replaced them.
     */
    int cancelPlannedBefore(String campaign, int version, Instant now) {
        return em.createNativeQuery("update campaign_migration set state = 'CANCELLED', settled = true,"
                        + " finished_at = ?2 where campaign_id = ?1 and state = 'PLANNED' and plan_version < ?3")
                .setParameter(1, campaign).setParameter(2, now).setParameter(3, version).executeUpdate();
    }

    /** The current plan's migrations not yet issued are dropped (kept, as CANCELLED, for the record). */
    int cancelPlanned(String campaign, Instant now) {
        return em.createNativeQuery("update campaign_migration set state = 'CANCELLED', settled = true,"
                        + " finished_at = ?2 where campaign_id = ?1 and state = 'PLANNED'")
                .setParameter(1, campaign).setParameter(2, now).executeUpdate();
    }

    void event(String campaign, String kind, String message, Instant now) {
        em.createNativeQuery("insert into campaign_event (campaign_id, at, kind, message) values (?1, ?2, ?3, ?4)")
                .setParameter(1, campaign).setParameter(2, now).setParameter(3, kind).setParameter(4, message)
                .executeUpdate();
    }

    List<CampaignView.Event> events(String campaign) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select at, kind, message from campaign_event where campaign_id = ?1"
                + " order by id").setParameter(1, campaign).getResultList();
        return rows.stream().map(r -> new CampaignView.Event(Timestamps.toInstant(r[0]), (String) r[1],
                (String) r[2])).toList();
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
