package io.migplan.scheduler.placement;

import io.migplan.scheduler.inventory.DeviceTypeEntity;
import io.migplan.scheduler.inventory.HostEntity;
import io.migplan.scheduler.inventory.InventoryQueries;
import io.migplan.scheduler.inventory.ParentDeviceEntity;
import io.migplan.scheduler.inventory.VmEntity;
import io.migplan.scheduler.placement.HostView.ParentView;
import io.migplan.scheduler.placement.HostView.TypeView;
import io.migplan.scheduler.placement.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.placement.PlacementRequest.SourceFacts;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the in-memory views the filters judge: the VM as a {@link PlacementRequest} and
 * every host as a {@link HostView}, from PostgreSQL, once per question. It decides nothing
 * about placement. Loading the whole fleet per question is fine for hundreds of hosts; the
 * shared in-memory cluster snapshot of the design replaces it when fleets grow.
 */
@ApplicationScoped
public class ClusterViewLoader {

    @Inject
    EntityManager em;
    @Inject
    InventoryQueries queries;

    /** The VM named (or with UUID) {@code ref}, with what each of its mdevs needs. */
    public PlacementRequest request(String ref, Instant now) {
        VmEntity vm = queries.findVm(ref);
        Map<String, String> signatures = DeviceTypeEntity.<DeviceTypeEntity>list("host", vm.host).stream()
                .collect(Collectors.toMap(t -> t.parent + "\n" + t.typeId, t -> t.signature, (a, b) -> a));
        String release = HostEntity.<HostEntity>findByIdOptional(vm.host).map(h -> h.release).orElse("");
        Map<String, SourceFacts> facts = ParentDeviceEntity.<ParentDeviceEntity>list("host", vm.host).stream()
                .collect(Collectors.toMap(p -> p.address,
                        p -> new SourceFacts(p.board, p.driver, p.driverVersion, release), (a, b) -> a));
        List<DeviceRequest> devices = queries.devicesOf(vm).stream().map(d -> {
            if (d.typeId() == null) {
                throw new IncompleteInventoryException("VM " + vm.name + " holds mdev " + d.uuid() + ", which host "
                        + vm.host + " did not report as an active device; its type is unknown, so no target can"
                        + " be judged until the host reports it");
            }
            return new DeviceRequest(d.uuid(), d.typeId(), d.parent(),
                    signatures.getOrDefault(d.parent() + "\n" + d.typeId(), ""),
                    facts.getOrDefault(d.parent(), new SourceFacts("", "", "", release)));
        }).toList();
        return new PlacementRequest(vm.name, vm.uuid, vm.host, release, vm.vcpus, vm.memoryMib, devices, now);
    }

    /** Every host except {@code exclude}, by id. */
    public List<HostView> hostsExcept(String exclude) {
        Map<String, long[]> used = em.createQuery(
                        "select host, coalesce(sum(vcpus), 0), coalesce(sum(memoryMib), 0) from VmEntity group by host",
                        Object[].class)
                .getResultStream()
                .collect(Collectors.toMap(r -> (String) r[0],
                        r -> new long[] {((Number) r[1]).longValue(), ((Number) r[2]).longValue()}));
        Map<String, List<TypeView>> types = DeviceTypeEntity.<DeviceTypeEntity>listAll(Sort.by("typeId")).stream()
                .collect(Collectors.groupingBy(t -> t.host + "\n" + t.parent, Collectors.mapping(
                        t -> new TypeView(t.typeId, t.name, t.availableInstances, t.signature), Collectors.toList())));
        Map<String, List<ParentView>> parents = ParentDeviceEntity.<ParentDeviceEntity>listAll(Sort.by("address"))
                .stream().collect(Collectors.groupingBy(p -> p.host, Collectors.mapping(
                        p -> new ParentView(p.address, p.board, p.driverVersion,
                                types.getOrDefault(p.host + "\n" + p.address, List.of())), Collectors.toList())));
        return HostEntity.<HostEntity>list("id <> ?1", Sort.by("id"), exclude).stream().map(h -> {
            long[] u = used.getOrDefault(h.id, new long[2]);
            return new HostView(h.id, h.state, h.lastHeartbeatAt, h.cpus, h.memoryMib, (int) u[0], u[1],
                    h.agentEndpoint, parents.getOrDefault(h.id, List.of()), h.generation, h.release, h.failureDomain,
                    h.adminState, h.adminReason);
        }).toList();
    }

    /** Every host's stored generation, by id: the generation compatibility verdicts are valid at. */
    public Map<String, Long> generations() {
        return em.createQuery("select id, generation from HostEntity", Object[].class).getResultStream()
                .collect(Collectors.toMap(r -> (String) r[0], r -> ((Number) r[1]).longValue()));
    }
}
