package io.migplan.scheduler.inventory;

import io.migplan.capacity.ComputeAllocation;
import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.error.UnknownObjectException;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
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

    public List<HostSummary> hosts() {
        Map<String, Long> vms = countBy("select host, count(*) from VmEntity group by host");
        Map<String, Long> devices = countBy("select host, count(*) from DeviceInstanceEntity group by host");
        Map<String, Long> parents = countBy("select host, count(*) from ParentDeviceEntity group by host");
        return HostEntity.<HostEntity>listAll(Sort.by("id")).stream()
                .map(h -> new HostSummary(h.id, h.release, h.state, h.adminState, h.adminReason, h.failureDomain,
                        h.labels, h.cpus, h.memoryMib,
                        h.generation, h.lastHeartbeatAt, vms.getOrDefault(h.id, 0L), devices.getOrDefault(h.id, 0L),
                        parents.getOrDefault(h.id, 0L)))
                .toList();
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
        return vms(VmEntity.listAll(Sort.by("name").and("host")));
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

    private List<VmInfo> vms(List<VmEntity> vms) {
        if (vms.isEmpty()) {
            return List.of();
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

    private Map<String, Long> countBy(String hql) {
        return em.createQuery(hql, Object[].class).getResultStream()
                .collect(Collectors.toMap(r -> (String) r[0], r -> (Long) r[1]));
    }
}
