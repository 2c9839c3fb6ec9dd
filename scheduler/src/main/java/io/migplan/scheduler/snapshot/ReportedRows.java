package io.migplan.scheduler.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.Vm;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.HostState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hosts' reports made into the rows the scheduler stores a report as ({@code InventoryStore}:
 * every field copied as is) and read back as {@link SnapshotLoader}'s queries read them (same
 * columns, joins and order), for {@link SnapshotRows#assemble}: a snapshot entry built from a
 * report in hand is the one the loader would read once it is stored. Used for a report just
 * stored ({@link SnapshotLoader#reported}) and for a fleet file's hosts ({@code offline.FleetRows}).
 *
 * <p>Decides how a report's fields map onto stored rows. Does not decide what they mean to
 * placement ({@link SnapshotRows}).
 */
public final class ReportedRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a host's row holds beside its report: liveness, generation, the operators' admin
     * state and when it last reported.
     */
    public record HostColumns(String id, HostState state, Instant lastHeartbeatAt, long generation,
            AdminState adminState, String adminReason, Instant lastReportAt) {
    }

    private final List<Object[]> used = new ArrayList<>();
    private final List<Object[]> types = new ArrayList<>();
    private final List<Object[]> parents = new ArrayList<>();
    private final List<Object[]> devices = new ArrayList<>();
    private final List<Object[]> vms = new ArrayList<>();
    private final List<Object[]> hosts = new ArrayList<>();
    /** The VMs' row ids, as the database would number them: they only join a VM to its devices. */
    private long vmId;

    /** Adds a host's rows; hosts must be added in the order of their ids, as the loader reads them. */
    public ReportedRows add(HostColumns host, HostSnapshot s) {
        var reported = s.getHost();
        String id = host.id();
        String release = reported.getRelease();
        long cpus = 0;
        long memory = 0;
        for (Vm v : s.getVmsList()) {
            cpus += v.getVcpus();
            memory += v.getMemoryMib();
        }
        if (s.getVmsCount() > 0) {
            used.add(new Object[] {id, cpus, memory});
        }
        Map<String, DeviceType> typeOf = new HashMap<>();
        List<ParentDevice> ps = new ArrayList<>(s.getParentsList());
        ps.sort(Comparator.comparing(ParentDevice::getAddress));
        for (ParentDevice p : ps) {
            parents.add(new Object[] {id, p.getAddress(), p.getBoard(), p.getDriver(), p.getDriverVersion(), release,
                    p.getCapacity()});
            List<DeviceType> ts = new ArrayList<>(p.getTypesList());
            ts.sort(Comparator.comparing(DeviceType::getTypeId));
            for (DeviceType t : ts) {
                types.add(new Object[] {id, p.getAddress(), t.getTypeId(), t.getName(), t.getAvailableInstances(),
                        t.getSignature()});
                typeOf.put(p.getAddress() + "\n" + t.getTypeId(), t);
            }
        }
        Map<String, DeviceInstance> instances = new HashMap<>();
        s.getInstancesList().forEach(d -> instances.put(d.getUuid(), d));
        List<Vm> hostVms = new ArrayList<>(s.getVmsList());
        hostVms.sort(Comparator.comparing(Vm::getName));
        for (Vm v : hostVms) {
            long vm = ++vmId;
            vms.add(new Object[] {vm, id, v.getName(), v.getUuid(), v.getVcpus(), v.getMemoryMib(), release,
                    v.getAntiAffinityGroup()});
            List<String> uuids = new ArrayList<>(v.getDeviceUuidsList());
            uuids.sort(Comparator.naturalOrder());
            for (String u : uuids) {
                DeviceInstance d = instances.get(u);
                DeviceType t = d == null ? null : typeOf.get(d.getParentAddress() + "\n" + d.getTypeId());
                devices.add(new Object[] {vm, u, d == null ? null : d.getTypeId(),
                        d == null ? null : d.getParentAddress(), t == null ? null : t.getSignature(), id,
                        v.getName(), release});
            }
        }
        hosts.add(new Object[] {id, host.state().name(), host.lastHeartbeatAt(), reported.getCpus(),
                reported.getMemoryMib(), reported.getAgentEndpoint(), host.generation(), release,
                reported.getFailureDomain(), host.adminState().name(), host.adminReason(), host.lastReportAt(),
                reported.hasCpuAllocationRatio() ? reported.getCpuAllocationRatio() : null,
                reported.hasMemoryAllocationRatio() ? reported.getMemoryAllocationRatio() : null,
                reported.getReservedCpus(), reported.getReservedMemoryMib(), labels(reported.getLabelsMap())});
        return this;
    }

    /** The rows of the hosts added, in {@link SnapshotRows}'s columns and order. */
    public SnapshotRows rows() {
        return new SnapshotRows(List.copyOf(used), List.copyOf(types), List.copyOf(parents), List.copyOf(devices),
                List.copyOf(vms), List.copyOf(hosts));
    }

    private static String labels(Map<String, String> labels) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(labels));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("labels cannot be written as JSON", e);
        }
    }
}
