package io.migplan.scheduler.snapshot;

import io.migplan.proto.v1.HostSnapshot;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.db.Timestamps;
import io.migplan.scheduler.inventory.AllocationPolicy;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads hosts and their VMs from PostgreSQL into snapshot entries, all hosts at once or one
 * host, with six flat queries whatever the fleet size (no per-row round trips), in one
 * read-only transaction so an entry never mixes two reports; or builds a host's entry from a
 * report just stored, as the queries would read it ({@link #reported}). The rows become entries in {@link
 * SnapshotRows}, which an offline plan feeds from a fleet file instead.
 */
@ApplicationScoped
public class SnapshotLoader {

    @Inject
    EntityManager em;
    @Inject
    MigplanConfig config;

    private volatile AllocationPolicy policy;

    /** Every host. Its own transaction: callers may run after another one completed. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<HostEntry> all() {
        return load(null);
    }

    /** One host, or an empty list when it no longer exists. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<HostEntry> one(String hostId) {
        return load(hostId);
    }

    private List<HostEntry> load(String only) {
        String hostFilter = only == null ? "" : " where h.id = :id";
        AllocationPolicy policy = policy();
        List<Object[]> used = rows("select v.host, coalesce(sum(v.vcpus), 0), coalesce(sum(v.memory_mib), 0) from vm v"
                + (only == null ? "" : " where v.host = :id") + " group by v.host", only);
        List<Object[]> types = rows("select t.host, t.parent, t.type_id, t.name, t.available_instances, t.signature"
                + " from device_type t" + (only == null ? "" : " where t.host = :id")
                + " order by t.host, t.parent, t.type_id", only);
        List<Object[]> parents = rows("select p.host, p.address, p.board, p.driver, p.driver_version, h.release,"
                + " cast(p.capacity as text) from parent_device p join host h on h.id = p.host" + hostFilter
                + " order by p.host, p.address", only);
        List<Object[]> devices = rows("select vd.vm, vd.device_uuid, d.type_id, d.parent, t.signature, v.host, v.name,"
                + " h.release from vm_device vd join vm v on v.id = vd.vm join host h on h.id = v.host"
                + " left join device_instance d on d.host = v.host and d.uuid = vd.device_uuid"
                + " left join device_type t on t.host = d.host and t.parent = d.parent and t.type_id = d.type_id"
                + (only == null ? "" : " where v.host = :id") + " order by vd.vm, vd.device_uuid", only);
        List<Object[]> vms = rows("select v.id, v.host, v.name, v.uuid, v.vcpus, v.memory_mib, h.release,"
                + " v.anti_affinity_group from vm v join host h on h.id = v.host"
                + (only == null ? "" : " where v.host = :id") + " order by v.host, v.name", only);
        List<Object[]> hosts = rows("select h.id, h.state, h.last_heartbeat_at, h.cpus, h.memory_mib, h.agent_endpoint,"
                + " h.generation, h.release, h.failure_domain, h.admin_state, h.admin_reason, h.last_report_at,"
                + " h.cpu_allocation_ratio, h.memory_allocation_ratio, h.reserved_cpus, h.reserved_memory_mib"
                // Labels only matter to central rules; without one they are not read.
                + (policy.hasRules() ? ", cast(h.labels as text)" : "")
                + " from host h" + hostFilter + " order by h.id", only);
        return SnapshotRows.assemble(new SnapshotRows(used, types, parents, devices, vms, hosts), policy);
    }

    /**
     * The entry of a report the database now holds, built from the report in hand and the host's
     * other columns, without reading it back: {@link ReportedRows} makes the rows {@link #load}
     * would read, and the same assembly turns them into the entry.
     */
    public HostEntry reported(ReportedRows.HostColumns host, HostSnapshot report) {
        return SnapshotRows.assemble(new ReportedRows().add(host, report).rows(), policy()).get(0);
    }

    /** The central allocation rules, read from the config once. */
    private AllocationPolicy policy() {
        AllocationPolicy p = policy;
        if (p == null) {
            p = AllocationPolicy.of(config.allocation());
            policy = p;
        }
        return p;
    }

    /** Liveness and admin state of every host, for the periodic reconcile. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Map<String, HostPulse> pulses() {
        return pulses(rows(PULSES, null));
    }

    /** {@link #pulses()} of the hosts named that still exist. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Map<String, HostPulse> pulses(Collection<String> hostIds) {
        var q = em.createNativeQuery(PULSES + " where id = any(cast(:ids as text[]))");
        q.setParameter("ids", hostIds.toArray(String[]::new));
        @SuppressWarnings("unchecked")
        List<Object[]> rows = q.getResultList();
        return pulses(rows);
    }

    private static final String PULSES = "select id, generation, state, last_heartbeat_at, admin_state, admin_reason"
            + " from host";

    private static Map<String, HostPulse> pulses(List<Object[]> rows) {
        Map<String, HostPulse> out = new LinkedHashMap<>();
        for (Object[] r : rows) {
            out.put((String) r[0], new HostPulse(num(r[1]), HostState.valueOf((String) r[2]), Timestamps.toInstant(r[3]),
                    AdminState.valueOf((String) r[4]), (String) r[5]));
        }
        return out;
    }

    /**
     * What changes whenever a host appears, disappears, or its generation, liveness or admin state
     * changes, and not otherwise (a heartbeat does not change it): the number of hosts, the sum of
     * the hashes of their change stamps (migration V13) and the last stamp taken. The last stamp
     * also moves when hosts changed and were then deleted, which puts the other two back as they
     * were while a snapshot may have seen the change. One scan of the host table in PostgreSQL, one
     * row here.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public PulseMark pulseMark() {
        Object[] r = (Object[]) em.createNativeQuery("select count(*), cast(coalesce(sum(hashint8extended(pulse, 0)), 0)"
                + " as text), (select last_value from host_pulse_seq) from host").getSingleResult();
        return new PulseMark(num(r[0]), (String) r[1], num(r[2]));
    }

    /** {@link #pulseMark()}: equal marks, read at two times, mean no host changed in between. */
    public record PulseMark(long hosts, String stampHashes, long lastStamp) {
    }

    /** What can change about a host without a new report. */
    public record HostPulse(long generation, HostState state, Instant lastHeartbeatAt, AdminState adminState,
            String adminReason) {
    }

    @SuppressWarnings("unchecked")
    private List<Object[]> rows(String sql, String id) {
        var q = em.createNativeQuery(sql);
        if (id != null) {
            q.setParameter("id", id);
        }
        return q.getResultList();
    }

    private static long num(Object o) {
        return ((Number) o).longValue();
    }
}
