package io.migplan.scheduler.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.capacity.ComputeAllocation;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.db.Timestamps;
import io.migplan.scheduler.inventory.AllocationPolicy;
import io.migplan.scheduler.inventory.AllocationPolicy.Reported;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.CapacityJson;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.snapshot.HostView.GroupMember;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.HostView.TypeView;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads hosts and their VMs from PostgreSQL into snapshot entries, all hosts at once or one
 * host, with six flat queries whatever the fleet size (no per-row round trips), in one
 * read-only transaction so an entry never mixes two reports.
 */
@ApplicationScoped
public class SnapshotLoader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
    };

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
        Map<String, long[]> used = new HashMap<>();
        for (Object[] r : rows("select v.host, coalesce(sum(v.vcpus), 0), coalesce(sum(v.memory_mib), 0) from vm v"
                + (only == null ? "" : " where v.host = :id") + " group by v.host", only)) {
            used.put((String) r[0], new long[] {num(r[1]), num(r[2])});
        }
        Map<String, List<TypeView>> types = new HashMap<>();
        for (Object[] r : rows("select t.host, t.parent, t.type_id, t.name, t.available_instances, t.signature"
                + " from device_type t" + (only == null ? "" : " where t.host = :id")
                + " order by t.host, t.parent, t.type_id", only)) {
            types.computeIfAbsent(r[0] + "\n" + r[1], k -> new ArrayList<>())
                    .add(new TypeView((String) r[2], (String) r[3], (int) num(r[4]), (String) r[5]));
        }
        Map<String, List<ParentView>> parents = new HashMap<>();
        Map<String, SourceFacts> facts = new HashMap<>();
        for (Object[] r : rows("select p.host, p.address, p.board, p.driver, p.driver_version, h.release,"
                + " cast(p.capacity as text) from parent_device p join host h on h.id = p.host" + hostFilter
                + " order by p.host, p.address", only)) {
            parents.computeIfAbsent((String) r[0], k -> new ArrayList<>()).add(new ParentView((String) r[1],
                    (String) r[2], (String) r[4], List.copyOf(types.getOrDefault(r[0] + "\n" + r[1], List.of())),
                    CapacityJson.read((String) r[6])));
            facts.put(r[0] + "\n" + r[1], new SourceFacts((String) r[2], (String) r[3], (String) r[4], (String) r[5]));
        }
        Map<Long, List<DeviceRequest>> devices = new HashMap<>();
        Map<Long, String> unresolved = new HashMap<>();
        for (Object[] r : rows("select vd.vm, vd.device_uuid, d.type_id, d.parent, t.signature, v.host, v.name,"
                + " h.release from vm_device vd join vm v on v.id = vd.vm join host h on h.id = v.host"
                + " left join device_instance d on d.host = v.host and d.uuid = vd.device_uuid"
                + " left join device_type t on t.host = d.host and t.parent = d.parent and t.type_id = d.type_id"
                + (only == null ? "" : " where v.host = :id") + " order by vd.vm, vd.device_uuid", only)) {
            long vm = num(r[0]);
            String uuid = (String) r[1];
            if (r[2] == null) {
                unresolved.putIfAbsent(vm, "VM " + r[6] + " holds mdev " + uuid + ", which host " + r[5]
                        + " did not report as an active device; its type is unknown, so no target can be judged"
                        + " until the host reports it");
                continue;
            }
            SourceFacts source = facts.getOrDefault(r[5] + "\n" + r[3], new SourceFacts("", "", "", (String) r[7]));
            devices.computeIfAbsent(vm, k -> new ArrayList<>()).add(new DeviceRequest(uuid, (String) r[2],
                    (String) r[3], r[4] == null ? "" : (String) r[4], source));
        }
        Map<String, List<VmRecord>> vms = new HashMap<>();
        Map<String, Map<String, GroupMember>> groups = new HashMap<>();
        for (Object[] r : rows("select v.id, v.host, v.name, v.uuid, v.vcpus, v.memory_mib, h.release,"
                + " v.anti_affinity_group from vm v join host h on h.id = v.host"
                + (only == null ? "" : " where v.host = :id") + " order by v.host, v.name", only)) {
            long id = num(r[0]);
            String group = (String) r[7];
            vms.computeIfAbsent((String) r[1], k -> new ArrayList<>()).add(new VmRecord((String) r[2], (String) r[3],
                    (String) r[1], (String) r[6], (int) num(r[4]), num(r[5]),
                    List.copyOf(devices.getOrDefault(id, List.of())), unresolved.get(id), group));
            if (!group.isEmpty()) {
                groups.computeIfAbsent((String) r[1], k -> new HashMap<>()).putIfAbsent(group,
                        new GroupMember((String) r[2], (String) r[3]));
            }
        }
        List<HostEntry> out = new ArrayList<>();
        AllocationPolicy policy = policy();
        for (Object[] r : rows("select h.id, h.state, h.last_heartbeat_at, h.cpus, h.memory_mib, h.agent_endpoint,"
                + " h.generation, h.release, h.failure_domain, h.admin_state, h.admin_reason, h.last_report_at,"
                + " h.cpu_allocation_ratio, h.memory_allocation_ratio, h.reserved_cpus, h.reserved_memory_mib"
                // Labels only matter to central rules; without one they are not read.
                + (policy.hasRules() ? ", cast(h.labels as text)" : "")
                + " from host h" + hostFilter + " order by h.id", only)) {
            String id = (String) r[0];
            long[] u = used.getOrDefault(id, new long[2]);
            ComputeAllocation allocation = policy.resolve(policy.hasRules() ? labels((String) r[16]) : Map.of(),
                    new Reported(r[12] == null ? null : ((Number) r[12]).doubleValue(),
                            r[13] == null ? null : ((Number) r[13]).doubleValue(), (int) num(r[14]), num(r[15])));
            HostView view = new HostView(id, HostState.valueOf((String) r[1]), Timestamps.toInstant(r[2]), (int) num(r[3]),
                    num(r[4]), (int) u[0], u[1], (String) r[5], List.copyOf(parents.getOrDefault(id, List.of())),
                    num(r[6]), (String) r[7], (String) r[8], AdminState.valueOf((String) r[9]), (String) r[10],
                    Map.copyOf(groups.getOrDefault(id, Map.of())), allocation);
            out.add(new HostEntry(view, List.copyOf(vms.getOrDefault(id, List.of())), Timestamps.toInstant(r[11])));
        }
        return out;
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

    private static Map<String, String> labels(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, LABELS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("host labels are not a JSON object of strings: " + json, e);
        }
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
