package io.migplan.scheduler.inventory.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.Host;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ParentKind;
import io.migplan.proto.v1.SignatureSource;
import io.migplan.proto.v1.Vm;
import io.migplan.scheduler.inventory.CapacityJson;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads one page of hosts (a few hundred at most) from the inventory tables into the exported
 * form: per host, its inventory as its agent reported it ({@link HostSnapshot}, without what
 * belongs to one scan or one network: generation, scan time, agent endpoint, read problems), its
 * liveness and admin state, and the compatibility verdicts valid at its current generation. Seven
 * flat queries per page whatever its size; it decides nothing and reads on the caller's
 * connection, inside the caller's transaction.
 */
final class HostPage {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> STRINGS = new TypeReference<>() {
    };

    /** One host as exported. */
    record ExportedHost(String id, String state, String adminState, String adminReason, HostSnapshot inventory,
            List<ExportedVerdict> verdicts) {
    }

    /** A stored verdict about a source signature landing in one type on one parent of the host. */
    record ExportedVerdict(String parent, String typeId, String sourceSignature, String verdict, String code,
            String message, String backend) {
    }

    private HostPage() {
    }

    /** The hosts {@code ids} (sorted) as exported, in id order; hosts deleted meanwhile are left out. */
    static List<ExportedHost> read(Connection c, List<String> ids) throws SQLException {
        Array page = c.createArrayOf("text", ids.toArray(String[]::new));
        Map<String, Map<String, List<DeviceType>>> types = new HashMap<>();
        query(c, "select host, parent, type_id, name, description, device_api, available_instances, signature,"
                + " signature_source, cast(attributes as text), cast(raw as text) from device_type"
                + " where host = any(?) order by host, parent, type_id, id", page, r -> types
                .computeIfAbsent(r.getString(1), k -> new HashMap<>())
                .computeIfAbsent(r.getString(2), k -> new ArrayList<>())
                .add(DeviceType.newBuilder().setTypeId(r.getString(3)).setName(text(r, 4)).setDescription(text(r, 5))
                        .setDeviceApi(text(r, 6)).setAvailableInstances(r.getInt(7)).setSignature(text(r, 8))
                        .setSignatureSource(signatureSource(r.getString(9))).putAllAttributes(strings(r.getString(10)))
                        .putAllRaw(strings(r.getString(11))).build()));
        Map<String, List<ParentDevice>> parents = new HashMap<>();
        query(c, "select host, address, vendor_id, device_id, board, driver, driver_version, physical_function, kind,"
                + " cast(capacity as text) from parent_device where host = any(?) order by host, address, id", page,
                r -> parents.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(ParentDevice.newBuilder()
                        .setAddress(r.getString(2)).setVendorId(text(r, 3)).setDeviceId(text(r, 4))
                        .setBoard(text(r, 5)).setDriver(text(r, 6)).setDriverVersion(text(r, 7))
                        .setPhysicalFunction(text(r, 8)).setKind(parentKind(r.getString(9)))
                        .setCapacity(CapacityJson.read(r.getString(10)))
                        .addAllTypes(types.getOrDefault(r.getString(1), Map.of())
                                .getOrDefault(r.getString(2), List.of()))
                        .build()));
        Map<String, List<DeviceInstance>> instances = new HashMap<>();
        query(c, "select host, uuid, type_id, parent from device_instance where host = any(?)"
                + " order by host, uuid, parent", page, r -> instances.computeIfAbsent(r.getString(1),
                        k -> new ArrayList<>()).add(DeviceInstance.newBuilder().setUuid(r.getString(2))
                                .setTypeId(text(r, 3)).setParentAddress(text(r, 4)).build()));
        Map<Long, List<String>> devices = new HashMap<>();
        query(c, "select vd.vm, vd.device_uuid from vm_device vd join vm v on v.id = vd.vm where v.host = any(?)"
                + " order by vd.vm, vd.device_uuid", page,
                r -> devices.computeIfAbsent(r.getLong(1), k -> new ArrayList<>()).add(r.getString(2)));
        Map<String, List<Vm>> vms = new HashMap<>();
        query(c, "select id, host, name, uuid, vcpus, memory_mib, anti_affinity_group from vm where host = any(?)"
                + " order by host, name, uuid, id", page, r -> vms.computeIfAbsent(r.getString(2),
                        k -> new ArrayList<>()).add(Vm.newBuilder().setName(text(r, 3)).setUuid(r.getString(4))
                                .setVcpus(r.getInt(5)).setMemoryMib(r.getLong(6)).setAntiAffinityGroup(text(r, 7))
                                .addAllDeviceUuids(devices.getOrDefault(r.getLong(1), List.of())).build()));
        // Valid verdicts only: asked at the host's current generation, the matrix's own rule for rows.
        Map<String, List<ExportedVerdict>> verdicts = new HashMap<>();
        query(c, "select v.target_host, v.target_parent, v.target_type_id, v.source_signature, v.verdict, v.code,"
                + " v.message, v.backend from compatibility_verdict v join host h on h.id = v.target_host"
                + " and h.generation = v.target_generation where v.target_host = any(?)"
                + " order by v.target_host, v.target_parent, v.target_type_id, v.source_signature", page,
                r -> verdicts.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(new ExportedVerdict(
                        r.getString(2), r.getString(3), r.getString(4), r.getString(5), text(r, 6), text(r, 7),
                        text(r, 8))));
        List<ExportedHost> out = new ArrayList<>();
        query(c, "select id, release, cpus, memory_mib, failure_domain, cast(labels as text), cpu_allocation_ratio,"
                + " memory_allocation_ratio, reserved_cpus, reserved_memory_mib, state, admin_state, admin_reason"
                + " from host where id = any(?) order by id collate \"C\"", page, r -> {
                    String id = r.getString(1);
                    Host.Builder host = Host.newBuilder().setId(id).setRelease(text(r, 2)).setCpus(r.getInt(3))
                            .setMemoryMib(r.getLong(4)).setFailureDomain(text(r, 5))
                            .putAllLabels(strings(r.getString(6)))
                            .setReservedCpus(r.getInt(9)).setReservedMemoryMib(r.getLong(10));
                    double cpuRatio = r.getDouble(7);
                    if (!r.wasNull()) {
                        host.setCpuAllocationRatio(cpuRatio);
                    }
                    double memoryRatio = r.getDouble(8);
                    if (!r.wasNull()) {
                        host.setMemoryAllocationRatio(memoryRatio);
                    }
                    HostSnapshot inventory = HostSnapshot.newBuilder().setHost(host)
                            .addAllParents(parents.getOrDefault(id, List.of()))
                            .addAllInstances(instances.getOrDefault(id, List.of()))
                            .addAllVms(vms.getOrDefault(id, List.of())).build();
                    out.add(new ExportedHost(id, r.getString(11), r.getString(12), text(r, 13), inventory,
                            verdicts.getOrDefault(id, List.of())));
                });
        return out;
    }

    /** Stored kind names (ParentKinds): MDEV, NVIDIA_VGPU. */
    private static ParentKind parentKind(String stored) {
        return "NVIDIA_VGPU".equals(stored) ? ParentKind.PARENT_KIND_NVIDIA_VGPU : ParentKind.PARENT_KIND_MDEV;
    }

    /** Stored without the enum's prefix (InventoryStore): VERSION_ATTRIBUTE, DERIVED, UNSPECIFIED. */
    private static SignatureSource signatureSource(String stored) {
        try {
            return stored == null ? SignatureSource.SIGNATURE_SOURCE_UNSPECIFIED
                    : SignatureSource.valueOf("SIGNATURE_SOURCE_" + stored);
        } catch (IllegalArgumentException e) {
            return SignatureSource.SIGNATURE_SOURCE_UNSPECIFIED;
        }
    }

    /** A JSON object of strings as stored (labels, attributes, raw), keys sorted; empty for null. */
    private static Map<String, String> strings(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            Map<String, String> m = JSON.readValue(json, STRINGS);
            return m == null ? Map.of() : new LinkedHashMap<>(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored map is not a JSON object of strings: " + e.getOriginalMessage(),
                    e);
        }
    }

    private static String text(ResultSet r, int column) throws SQLException {
        String s = r.getString(column);
        return s == null ? "" : s;
    }

    private interface Row {
        void accept(ResultSet r) throws SQLException;
    }

    private static void query(Connection c, String sql, Array page, Row row) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setArray(1, page);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    row.accept(r);
                }
            }
        }
    }
}
