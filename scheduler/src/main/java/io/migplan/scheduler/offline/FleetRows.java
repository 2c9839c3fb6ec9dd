package io.migplan.scheduler.offline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.Verdict;
import io.migplan.proto.v1.Vm;
import io.migplan.scheduler.compatibility.CompatibilityMatrix.StoredVerdict;
import io.migplan.scheduler.compatibility.MatrixKey;
import io.migplan.scheduler.inventory.AllocationPolicy;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.SnapshotRows;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A fleet file as the scheduler would hold it once its hosts had reported: each host's inventory
 * made into the rows the scheduler stores a report as ({@code InventoryStore}: every field copied
 * as is) and read back as {@code SnapshotLoader}'s queries read them (same columns, joins and
 * order), then assembled by {@link SnapshotRows}, so an offline snapshot is built by the one
 * assembly the loader uses. The file's verdicts are the stored verdicts, all valid (the file holds
 * only those valid at each host's generation). Every host is at generation 0 and last reported and
 * heartbeated when the export was taken.
 *
 * <p>Decides how a file's fields map onto stored rows. Does not decide what they mean to placement.
 */
public final class FleetRows {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FleetDocument doc;

    public FleetRows(FleetDocument doc) {
        this.doc = doc;
    }

    /** The cluster snapshot of the file's hosts, CPU and memory resolved under {@code policy}. */
    public ClusterSnapshot snapshot(AllocationPolicy policy) {
        return ClusterSnapshot.of(SnapshotRows.assemble(rows(), policy));
    }

    /** The rows, in {@link SnapshotRows}'s columns and order. */
    SnapshotRows rows() {
        List<Object[]> used = new ArrayList<>();
        List<Object[]> types = new ArrayList<>();
        List<Object[]> parents = new ArrayList<>();
        List<Object[]> devices = new ArrayList<>();
        List<Object[]> vms = new ArrayList<>();
        List<Object[]> hosts = new ArrayList<>();
        long vmId = 0;
        for (FleetDocument.Host h : byId()) {
            var s = h.inventory();
            var host = s.getHost();
            String id = h.id();
            String release = host.getRelease();
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
            hosts.add(new Object[] {id, h.state().name(), doc.takenAt(), host.getCpus(), host.getMemoryMib(),
                    host.getAgentEndpoint(), 0L, release, host.getFailureDomain(), h.adminState().name(),
                    h.adminReason(), doc.takenAt(),
                    host.hasCpuAllocationRatio() ? host.getCpuAllocationRatio() : null,
                    host.hasMemoryAllocationRatio() ? host.getMemoryAllocationRatio() : null,
                    host.getReservedCpus(), host.getReservedMemoryMib(), labels(host.getLabelsMap())});
        }
        return new SnapshotRows(used, types, parents, devices, vms, hosts);
    }

    /** The file's verdicts, as stored verdicts asked at generation 0 when the export was taken. */
    public Map<MatrixKey, StoredVerdict> verdicts() {
        Map<MatrixKey, StoredVerdict> out = new HashMap<>();
        for (FleetDocument.Host h : doc.hosts()) {
            for (FleetDocument.Verdict v : h.verdicts()) {
                out.put(new MatrixKey(h.id(), v.parent(), v.typeId(), v.sourceSignature()),
                        new StoredVerdict(Verdict.valueOf("VERDICT_" + v.verdict()), v.code(), v.message(), v.backend(),
                                0L, doc.takenAt()));
            }
        }
        return out;
    }

    /** The stored verdicts among {@code keys}, as {@code Verdicts#stored} answers. */
    public static Map<MatrixKey, StoredVerdict> among(Map<MatrixKey, StoredVerdict> verdicts,
            Collection<MatrixKey> keys) {
        Map<MatrixKey, StoredVerdict> out = new HashMap<>();
        for (MatrixKey k : keys) {
            StoredVerdict v = verdicts.get(k);
            if (v != null) {
                out.put(k, v);
            }
        }
        return out;
    }

    /** The hosts whose labels hold every entry of {@code selector}, by id: {@code labels @> selector}. */
    public List<String> matching(Map<String, String> selector) {
        List<String> out = new ArrayList<>();
        for (FleetDocument.Host h : byId()) {
            Map<String, String> labels = h.inventory().getHost().getLabelsMap();
            if (selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
                out.add(h.id());
            }
        }
        return out;
    }

    private List<FleetDocument.Host> byId() {
        List<FleetDocument.Host> out = new ArrayList<>(doc.hosts());
        out.sort(Comparator.comparing(FleetDocument.Host::id));
        return out;
    }

    private static String labels(Map<String, String> labels) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(labels));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("labels cannot be written as JSON", e);
        }
    }
}
