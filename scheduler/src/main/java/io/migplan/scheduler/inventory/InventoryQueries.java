package io.migplan.scheduler.inventory;

import io.migplan.capacity.ComputeAllocation;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.db.Timestamps;
import io.migplan.scheduler.error.UnknownObjectException;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads the stored inventory into the shapes the API returns (hosts, VMs), sorted so the
 * output is deterministic. Read-only; it decides nothing (a VM reference is resolved by
 * {@link VmReference}'s rule).
 */
@ApplicationScoped
public class InventoryQueries {

    @Inject
    EntityManager em;
    @Inject
    MigplanConfig config;

    /** A host in the list: facts, liveness and how much it holds. */
    public record HostSummary(String id, String release, HostState state, AdminState adminState, String adminReason,
            String failureDomain, Map<String, String> labels, int cpus, long memoryMib, long generation,
            Instant lastHeartbeatAt, long vmCount, long deviceCount, long parentCount) {
    }

    /**
     * One host in full; {@code cpus} and {@code memoryMib} as reported, what VMs may have in {@code
     * allocation}; {@code libvirtUri} how a libvirt client reaches it (null: its agent did not say).
     */
    public record HostDetail(String id, String release, HostState state, AdminState adminState, String adminReason,
            String failureDomain,
            Map<String, String> labels, int cpus, long memoryMib, Allocation allocation, long generation,
            String agentEndpoint, String libvirtUri,
            Instant lastReportAt, Instant lastHeartbeatAt, Instant scannedAt, List<Parent> parents,
            List<Instance> instances, List<VmInfo> vms, List<Problem> problems) {
    }

    /**
     * The CPU and memory rule in force for a host ({@link AllocationPolicy}) and what it gives:
     * allocatable = floor((cpus - reservedCpus) x cpuRatio), free = allocatable - used, likewise
     * memory. {@code from} says where each value came from ("rule gpu-board=T4", "agent",
     * "default"); {@code reported} is what the agent sent (null ratios: not sent).
     */
    public record Allocation(double cpuRatio, double memoryRatio, int reservedCpus, long reservedMemoryMib,
            int allocatableCpus, long allocatableMemoryMib, long usedCpus, long usedMemoryMib, long freeCpus,
            long freeMemoryMib, Map<String, String> from, AllocationPolicy.Reported reported) {
    }

    public record Parent(String address, String vendorId, String deviceId, String board, String driver,
            String driverVersion, String physicalFunction, String kind,
            @JsonRawValue String capacity, List<Type> types) {
    }

    public record Type(String typeId, String name, String description, String deviceApi, int availableInstances,
            String signature, String signatureSource, Map<String, String> attributes, Map<String, String> raw) {
    }

    public record Instance(String uuid, String typeId, String parent) {
    }

    /** A VM with its host and its mdevs (type and parent as its host reported the instance). */
    public record VmInfo(String name, String uuid, String host, int vcpus, long memoryMib, String antiAffinityGroup,
            List<Instance> devices) {
    }

    public record Problem(String path, String message) {
    }

    /**
     * Which hosts a list holds; a null field (an empty map) matches every host.
     *
     * @param board  a host with at least one parent device of this board
     * @param labels pairs every one of which the host's labels hold
     */
    public record HostFilter(String release, HostState state, String board, Map<String, String> labels,
            AdminState adminState) {
        public static final HostFilter ALL = new HostFilter(null, null, null, Map.of(), null);
    }

    /**
     * Which VMs a list holds; a null field matches every VM.
     *
     * @param state the liveness of the host the VM runs on (a VM has none of its own in the inventory)
     * @param board a VM with at least one mdev on a parent device of this board
     * @param type  a VM with at least one mdev of this device type
     */
    public record VmFilter(String host, HostState state, String board, String type) {
        public static final VmFilter ALL = new VmFilter(null, null, null, null);
    }

    /** Every host, by id. */
    public List<HostSummary> hosts() {
        return hosts(HostFilter.ALL, null, 0);
    }

    /**
     * The hosts {@code filter} matches in id order: those after {@code afterId} (all when null), at
     * most {@code limit} (all when 0). The order is the key of keyset pagination: each id once.
     */
    public List<HostSummary> hosts(HostFilter filter, String afterId, int limit) {
        Where w = new Where();
        w.add(afterId, "h.id > ?");
        w.add(filter.release(), "h.release = ?");
        w.add(filter.state() == null ? null : filter.state().name(), "h.state = ?");
        w.add(filter.adminState() == null ? null : filter.adminState().name(), "h.admin_state = ?");
        if (filter.labels() != null && !filter.labels().isEmpty()) {
            w.add(labelsJson(filter.labels()), "h.labels @> cast(? as jsonb)");
        }
        w.add(filter.board(), "exists (select 1 from parent_device p where p.host = h.id and p.board = ?)");
        // One query a page: each host's counts by the host's own index entries (index-only scans, a few
        // per host), whatever the planner's statistics; grouping whole tables would read the fleet.
        List<Object[]> rows = w.run(em, "select h.id, h.release, h.state, h.admin_state, h.admin_reason,"
                + " h.failure_domain, cast(h.labels as text), h.cpus, h.memory_mib, h.generation, h.last_heartbeat_at,"
                + " (select count(*) from vm v where v.host = h.id),"
                + " (select count(*) from device_instance d where d.host = h.id),"
                + " (select count(*) from parent_device p where p.host = h.id) from host h", "order by h.id", limit,
                null);
        return rows.stream().map(r -> new HostSummary((String) r[0], (String) r[1], HostState.valueOf((String) r[2]),
                AdminState.valueOf((String) r[3]), (String) r[4], (String) r[5], labels((String) r[6]),
                ((Number) r[7]).intValue(), ((Number) r[8]).longValue(), ((Number) r[9]).longValue(),
                Timestamps.toInstant(r[10]), ((Number) r[11]).longValue(), ((Number) r[12]).longValue(),
                ((Number) r[13]).longValue())).toList();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final TypeReference<LinkedHashMap<String, String>> LABELS = new TypeReference<>() {
    };

    /** A host's labels as stored (a JSON object of strings). */
    private static Map<String, String> labels(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, LABELS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a host's stored labels are not a JSON object of strings", e);
        }
    }

    private static String labelsJson(Map<String, String> labels) {
        try {
            return JSON.writeValueAsString(labels);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("labels of strings cannot be written as JSON", e);
        }
    }

    /** The ids of the hosts whose label {@code key} is {@code value}, sorted. */
    public java.util.Set<String> hostsLabelled(String key, String value) {
        @SuppressWarnings("unchecked")
        List<String> ids = em.createNativeQuery("select id from host where labels ->> ?1 = ?2 order by id")
                .setParameter(1, key).setParameter(2, value).getResultList();
        return new java.util.TreeSet<>(ids);
    }

    public HostDetail host(String id) {
        HostEntity h = HostEntity.findById(id);
        if (h == null) {
            throw new UnknownObjectException("no host named '" + id + "'");
        }
        Map<String, List<Type>> typesByParent = DeviceTypeEntity.<DeviceTypeEntity>list("host", Sort.by("typeId"), id)
                .stream().collect(Collectors.groupingBy(t -> t.parent, Collectors.mapping(
                        t -> new Type(t.typeId, t.name, t.description, t.deviceApi, t.availableInstances, t.signature,
                                t.signatureSource, t.attributes, t.raw), Collectors.toList())));
        List<Parent> parents = ParentDeviceEntity.<ParentDeviceEntity>list("host", Sort.by("address"), id).stream()
                .map(p -> new Parent(p.address, p.vendorId, p.deviceId, p.board, p.driver, p.driverVersion,
                        p.physicalFunction, p.kind, p.capacity, typesByParent.getOrDefault(p.address, List.of())))
                .toList();
        List<Instance> instances = DeviceInstanceEntity.<DeviceInstanceEntity>list("host", Sort.by("uuid"), id).stream()
                .map(d -> new Instance(d.uuid, d.typeId, d.parent)).toList();
        List<Problem> problems = InventoryProblemEntity.<InventoryProblemEntity>list("host", Sort.by("path").and("id"), id)
                .stream().map(p -> new Problem(p.path, p.message)).toList();
        List<VmInfo> vms = vms(VmEntity.list("host", Sort.by("name"), id));
        return new HostDetail(h.id, h.release, h.state, h.adminState, h.adminReason, h.failureDomain, h.labels,
                h.cpus, h.memoryMib, allocation(h, vms), h.generation,
                h.agentEndpoint, h.libvirtUri, h.lastReportAt, h.lastHeartbeatAt, h.scannedAt, parents, instances, vms, problems);
    }

    /** The rule in force for {@code h}, by the same policy and arithmetic the snapshot's views use. */
    private Allocation allocation(HostEntity h, List<VmInfo> vms) {
        AllocationPolicy.Reported reported = new AllocationPolicy.Reported(h.cpuAllocationRatio,
                h.memoryAllocationRatio, h.reservedCpus, h.reservedMemoryMib);
        AllocationPolicy.Resolved r = AllocationPolicy.of(config.allocation())
                .explain(h.labels == null ? Map.of() : h.labels, reported);
        ComputeAllocation a = r.allocation();
        long usedCpus = vms.stream().mapToLong(VmInfo::vcpus).sum();
        long usedMemory = vms.stream().mapToLong(VmInfo::memoryMib).sum();
        int cpus = a.allocatableCpus(h.cpus);
        long memory = a.allocatableMemoryMib(h.memoryMib);
        Map<String, String> from = new LinkedHashMap<>();
        from.put("cpuRatio", r.cpuRatioFrom());
        from.put("memoryRatio", r.memoryRatioFrom());
        from.put("reservedCpus", r.reservedCpusFrom());
        from.put("reservedMemoryMib", r.reservedMemoryFrom());
        return new Allocation(a.cpuRatio(), a.memoryRatio(), a.reservedCpus(), a.reservedMemoryMib(), cpus, memory,
                usedCpus, usedMemory, cpus - usedCpus, memory - usedMemory, from, reported);
    }

    /** Every VM, by name then host. */
    public List<VmInfo> vms() {
        return vms(VmFilter.ALL, null, 0);
    }

    /**
     * The VMs {@code filter} matches, by name then host (unique: a host runs one VM of a name):
     * those after {@code after} ({@code [name, host]}; all when null), at most {@code limit} (all
     * when 0).
     */
    public List<VmInfo> vms(VmFilter filter, List<String> after, int limit) {
        Where w = new Where();
        if (after != null) {
            w.add(after.get(0), "(v.name, v.host) > (?, ?)");
            w.params.add(after.get(1));
        }
        w.add(filter.host(), "v.host = ?");
        w.add(filter.state() == null ? null : filter.state().name(),
                "exists (select 1 from host h where h.id = v.host and h.state = ?)");
        w.add(filter.type(), "exists (select 1 from vm_device vd join device_instance di on di.host = v.host"
                + " and di.uuid = vd.device_uuid where vd.vm = v.id and di.type_id = ?)");
        w.add(filter.board(), "exists (select 1 from vm_device vd join device_instance di on di.host = v.host"
                + " and di.uuid = vd.device_uuid join parent_device p on p.host = di.host and p.address = di.parent"
                + " where vd.vm = v.id and p.board = ?)");
        return vms(w.run(em, "select v.* from vm v", "order by v.name, v.host", limit, VmEntity.class));
    }

    public VmInfo vm(String ref) {
        return vms(List.of(findVm(ref))).get(0);
    }

    /**
     * The VM a caller means, by UUID or name ({@link VmReference}'s rule). A VM being migrated is
     * reported by both hosts for a moment; then the row written last (the newest report) wins.
     *
     * @throws UnknownObjectException when no VM has that UUID or name
     * @throws io.migplan.scheduler.error.AmbiguousNameException when VMs on several hosts carry the name
     */
    public VmEntity findVm(String ref) {
        Optional<VmEntity> byUuid = VmEntity.<VmEntity>list("uuid", Sort.descending("id"), ref).stream().findFirst();
        List<VmEntity> named = byUuid.isPresent() ? List.of() : VmEntity.list("name", Sort.descending("id"), ref);
        return VmReference.resolve(ref, byUuid, named, v -> new VmReference.Identity(v.uuid, v.host));
    }

    /** The mdevs of {@code vm}, with type and parent from its host's instances, in UUID order. */
    public List<Instance> devicesOf(VmEntity vm) {
        return vms(List.of(vm)).get(0).devices();
    }

    /**
     * VMs looked up per query at most: each is a bind parameter, and PostgreSQL's protocol (pgjdbc)
     * refuses a statement with more than 32,767 of them, fewer than a large fleet's VMs.
     */
    static final int VMS_PER_QUERY = 10_000;

    private List<VmInfo> vms(List<VmEntity> vms) {
        if (vms.isEmpty()) {
            return List.of();
        }
        if (vms.size() > VMS_PER_QUERY) {
            List<VmInfo> out = new ArrayList<>(vms.size());
            for (int from = 0; from < vms.size(); from += VMS_PER_QUERY) {
                out.addAll(vms(vms.subList(from, Math.min(vms.size(), from + VMS_PER_QUERY))));
            }
            return out;
        }
        List<Long> ids = vms.stream().map(v -> v.id).toList();
        Map<Long, List<String>> uuids = VmDeviceEntity.<VmDeviceEntity>list("vm in ?1", Sort.by("deviceUuid"), ids)
                .stream().collect(Collectors.groupingBy(d -> d.vm,
                        Collectors.mapping(d -> d.deviceUuid, Collectors.toList())));
        List<String> hosts = vms.stream().map(v -> v.host).distinct().toList();
        Map<String, DeviceInstanceEntity> instances = new HashMap<>();
        DeviceInstanceEntity.<DeviceInstanceEntity>list("host in ?1", hosts)
                .forEach(d -> instances.put(d.host + "\n" + d.uuid, d));
        return vms.stream().map(v -> new VmInfo(v.name, v.uuid, v.host, v.vcpus, v.memoryMib, v.antiAffinityGroup,
                uuids.getOrDefault(v.id, List.of()).stream().map(u -> {
                    DeviceInstanceEntity d = instances.get(v.host + "\n" + u);
                    return new Instance(u, d == null ? null : d.typeId, d == null ? null : d.parent);
                }).sorted(Comparator.comparing(Instance::uuid)).toList()))
                .toList();
    }

    /** The conditions of a listing's native query, with their parameters in order. */
    private static final class Where {
        final List<String> clauses = new ArrayList<>();
        final List<Object> params = new ArrayList<>();

        /** Adds {@code clause} (one {@code ?}, for {@code value}) unless the value is null. */
        void add(Object value, String clause) {
            if (value != null) {
                clauses.add(clause);
                params.add(value);
            }
        }

        /** The rows of {@code select} with these conditions, in {@code order}, at most {@code limit} (all when 0). */
        @SuppressWarnings("unchecked")
        <T> List<T> run(EntityManager em, String select, String order, int limit, Class<T> type) {
            StringBuilder sql = new StringBuilder(select);
            int n = 0;
            for (int i = 0; i < clauses.size(); i++) {
                sql.append(i == 0 ? " where " : " and ");
                String c = clauses.get(i);
                StringBuilder numbered = new StringBuilder();
                for (char ch : c.toCharArray()) {
                    numbered.append(ch == '?' ? "?" + (++n) : String.valueOf(ch));
                }
                sql.append(numbered);
            }
            sql.append(' ').append(order);
            if (limit > 0) {
                sql.append(" limit ").append(limit);
            }
            // No type: rows of columns (Object[]).
            var q = type == null ? em.createNativeQuery(sql.toString()) : em.createNativeQuery(sql.toString(), type);
            for (int i = 0; i < params.size(); i++) {
                q.setParameter(i + 1, params.get(i));
            }
            return q.getResultList();
        }
    }
}
