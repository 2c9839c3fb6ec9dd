package io.migplan.scheduler.campaign;

import io.migplan.scheduler.campaign.Transitions.CampaignState;
import io.migplan.scheduler.campaign.Transitions.MigrationState;
import io.migplan.scheduler.db.Timestamps;
import io.migplan.scheduler.evacuation.PlanView;
import io.migplan.scheduler.paging.Page;
import io.migplan.scheduler.paging.PageRequest;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The campaigns and a campaign's migrations a page at a time, in a stable order on a unique key
 * (keyset pagination, never an offset): campaigns newest first (creation time, then id),
 * migrations as the full view lists them (batch, wave, VM name and UUID, plan version, then id).
 * Each read takes the rows after a key and at most a limit; it decides and changes nothing.
 */
@ApplicationScoped
public class CampaignPages {

    /** What the list of campaigns is called in its cursors. */
    public static final String CAMPAIGNS = "campaigns";
    /** Columns of the campaigns' sort key: creation time, id. */
    public static final int CAMPAIGN_KEY = 2;

    @Inject
    EntityManager em;
    @Inject
    CampaignStore store;

    /** Which campaigns a list holds; a null field matches every one. */
    public record CampaignFilter(CampaignState state, CampaignKind kind) {
    }

    /** Where a list of campaigns resumes: after the campaign created at {@code createdAt} with id {@code id}. */
    public record CampaignKey(Instant createdAt, String id) {
    }

    /**
     * Which migrations a list holds; a null field matches every one. Without a state, CANCELLED
     * migrations are left out, as the full view leaves them out.
     *
     * @param host a migration from or to this host
     */
    public record MigrationFilter(Integer batch, String host, MigrationState state) {
    }

    /** Where a list of migrations resumes: after the migration with these sort columns. */
    public record MigrationKey(int batch, int wave, String vm, String vmUuid, int planVersion, String id) {
    }

    /**
     * A migration of a campaign as its list shows it: the full view's migration with its batch.
     *
     * @param vm the VM's name, for display; {@code vmUuid} identifies it
     */
    public record Migration(String id, int batch, int wave, String vm, String vmUuid, String from, String to,
            String device, String type, String state, String basis, String error, int planVersion) {

        public MigrationKey key() {
            return new MigrationKey(batch, wave, vm, vmUuid, planVersion, id);
        }
    }

    /**
     * The campaigns {@code filter} matches, newest first: those after {@code after} (all when null),
     * at most {@code limit} (all when 0).
     */
    public List<CampaignService.Listed> campaigns(CampaignFilter filter, CampaignKey after, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            StringBuilder where = new StringBuilder(" where 1 = 1");
            List<Object> params = new ArrayList<>();
            if (filter.state() != null) {
                params.add(filter.state());
                where.append(" and c.state = ?").append(params.size());
            }
            if (filter.kind() != null) {
                params.add(filter.kind());
                where.append(" and c.kind = ?").append(params.size());
            }
            if (after != null) {
                params.add(after.createdAt());
                int t = params.size();
                params.add(after.id());
                where.append(" and (c.createdAt < ?").append(t).append(" or (c.createdAt = ?").append(t)
                        .append(" and c.id > ?").append(params.size()).append("))");
            }
            TypedQuery<Object[]> q = em.createQuery("select c.id, c.state, c.fromRelease, c.toRelease, c.createdAt,"
                    + " c.kind from CampaignEntity c" + where + " order by c.createdAt desc, c.id", Object[].class);
            for (int i = 0; i < params.size(); i++) {
                q.setParameter(i + 1, params.get(i));
            }
            if (limit > 0) {
                q.setMaxResults(limit);
            }
            return q.getResultList().stream().map(r -> {
                CampaignKind kind = r[5] == null ? CampaignKind.UPGRADE : (CampaignKind) r[5];
                boolean evacuation = kind == CampaignKind.EVACUATION;
                return new CampaignService.Listed((String) r[0], ((CampaignState) r[1]).name(),
                        evacuation ? null : (String) r[2], evacuation ? null : (String) r[3],
                        Timestamps.toInstant(r[4]), kind.name());
            }).toList();
        });
    }

    /**
     * The page {@code page} asks of the campaigns {@code filter} matches, newest first, read with at
     * most one row more than it holds; its cursor names the last campaign's creation time and id.
     *
     * @throws io.migplan.scheduler.error.InvalidRequestException when the cursor holds no such key
     */
    public Page<CampaignService.Listed> campaigns(CampaignFilter filter, PageRequest page) {
        return page.page(campaigns(filter, page.first() ? null
                : new CampaignKey(page.afterInstant(0), page.after(1)), page.limit() + 1),
                c -> List.of(c.createdAt().toString(), c.id()));
    }

    /**
     * The migrations of campaign {@code id} that {@code filter} matches, in the full view's order:
     * those after {@code after} (all when null), at most {@code limit}.
     *
     * @throws io.migplan.scheduler.error.UnknownObjectException when there is no such campaign
     */
    public List<Migration> migrations(String id, MigrationFilter filter, MigrationKey after, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> {
            store.require(id, false);
            StringBuilder where = new StringBuilder(" where m.campaignId = ?1");
            List<Object> params = new ArrayList<>(List.of(id));
            if (filter.state() != null) {
                params.add(filter.state());
                where.append(" and m.state = ?").append(params.size());
            } else {
                params.add(MigrationState.CANCELLED);
                where.append(" and m.state <> ?").append(params.size());
            }
            if (filter.batch() != null) {
                params.add(filter.batch());
                where.append(" and m.batch = ?").append(params.size());
            }
            if (filter.host() != null) {
                params.add(filter.host());
                where.append(" and (m.fromHost = ?").append(params.size()).append(" or m.toHost = ?")
                        .append(params.size()).append(")");
            }
            if (after != null) {
                int first = params.size() + 1;
                params.addAll(List.of(after.batch(), after.wave(), after.vm(), after.vmUuid(), after.planVersion(),
                        after.id()));
                where.append(" and (m.batch, m.wave, m.vm, m.vmUuid, m.planVersion, m.id) > (");
                for (int i = 0; i < 6; i++) {
                    where.append(i == 0 ? "" : ", ").append('?').append(first + i);
                }
                where.append(')');
            }
            TypedQuery<CampaignMigrationEntity> q = em.createQuery("from CampaignMigrationEntity m" + where
                    + " order by m.batch, m.wave, m.vm, m.vmUuid, m.planVersion, m.id", CampaignMigrationEntity.class);
            for (int i = 0; i < params.size(); i++) {
                q.setParameter(i + 1, params.get(i));
            }
            return q.setMaxResults(limit).getResultList().stream().map(m -> new Migration(m.id, m.batch, m.wave,
                    m.vm, m.vmUuid, m.fromHost, m.toHost, PlanView.Migration.perDevice(m.parents),
                    PlanView.Migration.perDevice(m.types), m.state.name(), m.basis, m.error, m.planVersion)).toList();
        });
    }
}
