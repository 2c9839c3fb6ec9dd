package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.CampaignPlanning.StoredPlan;
import io.migplan.scheduler.campaign.CampaignRequest.CampaignPolicyRequest;
import io.migplan.scheduler.campaign.CampaignStore.CampaignRow;
import io.migplan.scheduler.campaign.CampaignStore.HostRow;
import io.migplan.scheduler.campaign.CampaignStore.Settings;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A campaign at a glance, for pages that show a campaign of any size at once: everything of
 * {@link CampaignView} but its migrations, which are counted in the database per batch and state
 * instead of read (a 1,000-host campaign has tens of thousands), and its most recent history
 * only. Reads; decides and changes nothing.
 */
@ApplicationScoped
public class CampaignOverview {

    /** How many of the latest events an overview carries; the whole history is the event stream's. */
    public static final int RECENT_EVENTS = 50;

    @Inject
    EntityManager em;
    @Inject
    CampaignStore store;
    @Inject
    CampaignPlanJobs jobs;

    /**
     * A batch: its hosts and state as {@link CampaignView.Batch} has them, its migrations (CANCELLED
     * left out, as the full view leaves them out) counted per state.
     */
    public record Batch(int index, List<String> hosts, boolean canary, String state, int planned, int issued,
            int done, int failed) {

        public int migrations() {
            return planned + issued + done + failed;
        }
    }

    /** An event of the history with its position in the stream. */
    public record Event(long position, java.time.Instant at, String kind, String message) {
    }

    /**
     * @param events      the latest {@link #RECENT_EVENTS} events, newest first
     * @param eventCount  how many events the history holds
     * @param lastPosition the stream position of the newest event (0 when none): a follower resumes after it
     */
    public record Overview(String id, String state, String kind, String fromRelease, String toRelease, boolean dryRun,
            int planVersion, String replanPending, String failure, String reason, List<Batch> batches,
            List<CampaignView.Unmovable> unmovable, List<CampaignView.HostNote> heldBack,
            List<CampaignView.HostNote> blocked, List<CampaignView.HostNote> waiting, CampaignView.Metrics metrics,
            CampaignView.Progress progress, List<Event> events, long eventCount, long lastPosition,
            CampaignView.Planning planning) {
    }

    /** Per campaign: hosts in it and hosts done, for a list of campaigns. */
    public record HostCount(int hosts, int done) {
    }

    /**
     * Campaign {@code id} at a glance.
     *
     * @throws io.migplan.scheduler.error.UnknownObjectException when there is no such campaign
     */
    public Overview of(String id) {
        return QuarkusTransaction.requiringNew().call(() -> overview(store.require(id, false)));
    }

    /**
     * Campaign {@code id} as {@code GET /api/v1/campaigns/{id}?view=summary} shows it: its overview
     * with the whole history, read in one transaction.
     *
     * @throws io.migplan.scheduler.error.UnknownObjectException when there is no such campaign
     */
    public CampaignSummary summary(String id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            CampaignRow c = store.require(id, false);
            return CampaignSummary.of(overview(c), store.events(id));
        });
    }

    private Overview overview(CampaignRow c) {
        String id = c.id();
        StoredPlan stored = store.read(store.plan(id), StoredPlan.class);
        StoredPlan plan = stored.metrics() == null ? new StoredPlan(List.of(), List.of(), List.of(), null) : stored;
        List<HostRow> hosts = store.hosts(id);
        Map<Integer, Map<MigrationState, Integer>> counts = migrationCounts(id);
        List<Batch> batches = batches(hosts, counts);
        Map<MigrationState, Integer> total = new HashMap<>();
        counts.values().forEach(m -> m.forEach((s, n) -> total.merge(s, n, Integer::sum)));
        List<CampaignView.HostNote> heldBack = CampaignService.notes(hosts, "HELD_BACK", "HELD_BACK");
        List<CampaignView.HostNote> blocked = CampaignService.notes(hosts, "BLOCKED", "BLOCKED");
        List<CampaignView.HostNote> waiting = CampaignService.notes(hosts, "WAITING", "HOST_NOT_UP");
        int vms = c.settings().vmsInScope();
        int done = total.getOrDefault(MigrationState.DONE, 0);
        CampaignView.Progress progress = new CampaignView.Progress(hosts.size(),
                (int) hosts.stream().filter(h -> h.state().equals("DONE")).count(), done,
                total.getOrDefault(MigrationState.FAILED, 0), total.getOrDefault(MigrationState.ISSUED, 0),
                vms == 0 ? 0 : done / (double) vms);
        Object[] last = em.createQuery("select count(e), coalesce(max(e.position), 0) from CampaignEventEntity e"
                + " where e.campaignId = ?1", Object[].class).setParameter(1, id).getSingleResult();
        List<Event> events = em.createQuery("from CampaignEventEntity e where e.campaignId = ?1"
                        + " order by e.position desc", CampaignEventEntity.class).setParameter(1, id)
                .setMaxResults(RECENT_EVENTS).getResultList().stream()
                .map(e -> new Event(e.position, e.at, e.kind, e.message)).toList();
        return new Overview(c.id(), c.state(), c.kind().name(), c.evacuation() ? null : c.from(),
                c.evacuation() ? null : c.to(), c.settings().dryRun(), c.planVersion(), c.replanReason(),
                c.failure(), c.reason(), batches, plan.unmovable(),
                heldBack.isEmpty() ? plan.heldBack() : heldBack, blocked.isEmpty() ? plan.blocked() : blocked,
                waiting, plan.metrics(), progress, events, ((Number) last[0]).longValue(),
                ((Number) last[1]).longValue(), c.state().equals("PLANNING") ? jobs.progress(c) : null);
    }

    /** Hosts in and hosts done of each of campaigns {@code ids} that has hosts, by campaign id. */
    public Map<String, HostCount> hostCounts(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<String, HostCount> out = new HashMap<>();
            em.createQuery("select h.campaignId, count(h), sum(case when h.state = ?1 then 1 else 0 end)"
                            + " from CampaignHostEntity h where h.campaignId in ?2 group by h.campaignId",
                            Object[].class)
                    .setParameter(1, Transitions.HostStep.DONE).setParameter(2, List.copyOf(ids)).getResultList()
                    .forEach(r -> out.put((String) r[0], new HostCount(((Number) r[1]).intValue(),
                            r[2] == null ? 0 : ((Number) r[2]).intValue())));
            return out;
        });
    }

    /**
     * A campaign that runs campaign {@code id}'s dry run for real: the same releases, the hosts it
     * planned for, and its policy as creation resolved it. Refused unless {@code id} is a DRY_RUN.
     */
    public CampaignRequest runFor(String id) {
        CampaignRow c = QuarkusTransaction.requiringNew().call(() -> store.require(id, false));
        if (!c.state().equals("DRY_RUN")) {
            throw new CampaignConflictException("CAMPAIGN_STATE", "campaign " + id + " is " + c.state()
                    + "; only a DRY_RUN campaign can be started as a running one");
        }
        Settings s = c.settings();
        return new CampaignRequest(c.from(), c.to(), s.scope(), null, new CampaignPolicyRequest(
                Integer.toString(s.maxHostsInMaintenance()), s.maxPerFailureDomain(), s.maxOutboundPerHost(),
                s.maxInboundPerHost(), s.maxParallel(), s.headroomPercent(), s.allowBackward(), s.timeLimitSeconds(),
                s.migrationTimeoutSeconds()), false, c.rollback() ? Boolean.TRUE : null);
    }

    /** Migrations of the campaign per batch and state, CANCELLED left out, counted by the database. */
    Map<Integer, Map<MigrationState, Integer>> migrationCounts(String id) {
        Map<Integer, Map<MigrationState, Integer>> out = new TreeMap<>();
        em.createQuery("select m.batch, m.state, count(m) from CampaignMigrationEntity m where m.campaignId = ?1"
                        + " and m.state <> ?2 group by m.batch, m.state", Object[].class)
                .setParameter(1, id).setParameter(2, MigrationState.CANCELLED).getResultList()
                .forEach(r -> out.computeIfAbsent((Integer) r[0], b -> new HashMap<>())
                        .put((MigrationState) r[1], ((Number) r[2]).intValue()));
        return out;
    }

    /** The batches in order, each with its state as the full view decides it and its migrations counted. */
    static List<Batch> batches(List<HostRow> hosts, Map<Integer, Map<MigrationState, Integer>> counts) {
        Map<Integer, List<HostRow>> byBatch = new TreeMap<>();
        hosts.stream().filter(h -> h.batch() != null).forEach(h -> byBatch.computeIfAbsent(h.batch(),
                b -> new ArrayList<>()).add(h));
        List<Batch> out = new ArrayList<>();
        byBatch.forEach((index, rows) -> {
            Map<MigrationState, Integer> n = counts.getOrDefault(index, Map.of());
            out.add(new Batch(index, rows.stream().map(HostRow::host).toList(),
                    rows.stream().anyMatch(HostRow::canary), CampaignService.batchState(rows),
                    n.getOrDefault(MigrationState.PLANNED, 0), n.getOrDefault(MigrationState.ISSUED, 0),
                    n.getOrDefault(MigrationState.DONE, 0), n.getOrDefault(MigrationState.FAILED, 0)));
        });
        return out;
    }
}
