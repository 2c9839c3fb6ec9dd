package io.migplan.scheduler.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.capacity.ComputeAllocation;
import io.migplan.proto.v1.Capacity;
import io.migplan.scheduler.db.Timestamps;
import io.migplan.scheduler.inventory.AdminState;
import io.migplan.scheduler.inventory.AllocationPolicy;
import io.migplan.scheduler.inventory.AllocationPolicy.Reported;
import io.migplan.scheduler.inventory.CapacityJson;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.HostView.GroupMember;
import io.migplan.scheduler.snapshot.HostView.ParentView;
import io.migplan.scheduler.snapshot.HostView.TypeView;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.PlacementRequest.SourceFacts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stored inventory as flat rows, and how they become snapshot entries: the one place that
 * decides what a host looks like to the filters and planners (what its VMs use, which parents and
 * types it offers, its CPU and memory rule, which device a VM holds and what is known of its
 * source). {@link SnapshotLoader} reads the rows from PostgreSQL; an offline plan makes the same
 * rows from a fleet file ({@code offline.FleetRows}). Each list holds the columns, in order, of
 * the loader's query:
 *
 * @param used    host, sum of its VMs' vCPUs, sum of their memory (MiB)
 * @param types   host, parent, type id, name, available instances, signature; by host, parent, type
 * @param parents host, address, board, driver, driver version, host's release, capacity (protobuf
 *                JSON as stored, or the {@link Capacity} message itself); by host, address
 * @param devices VM row id, device UUID, then (null when the host did not report the device as an
 *                instance) its type id, parent, type's signature; VM's host, VM's name, host's
 *                release; by VM row id, device UUID
 * @param vms     VM row id, host, name, UUID, vCPUs, memory (MiB), host's release, anti-affinity
 *                group; by host, name
 * @param hosts   id, state, last heartbeat, CPUs, memory, agent endpoint, generation, release,
 *                failure domain, admin state, admin reason, last report, CPU and memory allocation
 *                ratio (null: not reported), reserved CPUs and memory, and labels (a JSON object,
 *                read only when the allocation policy has rules); by id
 */
public record SnapshotRows(List<Object[]> used, List<Object[]> types, List<Object[]> parents, List<Object[]> devices,
        List<Object[]> vms, List<Object[]> hosts) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> LABELS = new TypeReference<>() {
    };

    /** The entries the rows describe, by host id, CPU and memory resolved under {@code policy}. */
    public static List<HostEntry> assemble(SnapshotRows rows, AllocationPolicy policy) {
        Map<String, long[]> used = new HashMap<>();
        for (Object[] r : rows.used()) {
            used.put((String) r[0], new long[] {num(r[1]), num(r[2])});
        }
        Map<String, List<TypeView>> types = new HashMap<>();
        for (Object[] r : rows.types()) {
            types.computeIfAbsent(r[0] + "\n" + r[1], k -> new ArrayList<>())
                    .add(Canonical.type((String) r[2], (String) r[3], (int) num(r[4]), (String) r[5]));
        }
        Map<String, List<ParentView>> parents = new HashMap<>();
        Map<String, SourceFacts> facts = new HashMap<>();
        for (Object[] r : rows.parents()) {
            parents.computeIfAbsent((String) r[0], k -> new ArrayList<>()).add(new ParentView(
                    Canonical.text((String) r[1]), Canonical.text((String) r[2]), Canonical.text((String) r[4]),
                    List.copyOf(types.getOrDefault(r[0] + "\n" + r[1], List.of())),
                    Canonical.capacity(r[6] instanceof Capacity c ? c : CapacityJson.read((String) r[6]))));
            facts.put(r[0] + "\n" + r[1], Canonical.facts((String) r[2], (String) r[3], (String) r[4], (String) r[5]));
        }
        Map<Long, List<DeviceRequest>> devices = new HashMap<>();
        Map<Long, String> unresolved = new HashMap<>();
        for (Object[] r : rows.devices()) {
            long vm = num(r[0]);
            String uuid = (String) r[1];
            if (r[2] == null) {
                unresolved.putIfAbsent(vm, "VM " + r[6] + " holds mdev " + uuid + ", which host " + r[5]
                        + " did not report as an active device; its type is unknown, so no target can be judged"
                        + " until the host reports it");
                continue;
            }
            SourceFacts source = facts.getOrDefault(r[5] + "\n" + r[3], Canonical.facts("", "", "", (String) r[7]));
            devices.computeIfAbsent(vm, k -> new ArrayList<>()).add(new DeviceRequest(uuid,
                    Canonical.text((String) r[2]), Canonical.text((String) r[3]),
                    r[4] == null ? "" : Canonical.text((String) r[4]), source));
        }
        Map<String, List<VmRecord>> vms = new HashMap<>();
        Map<String, Map<String, GroupMember>> groups = new HashMap<>();
        for (Object[] r : rows.vms()) {
            long id = num(r[0]);
            String group = Canonical.text((String) r[7]);
            vms.computeIfAbsent((String) r[1], k -> new ArrayList<>()).add(new VmRecord((String) r[2], (String) r[3],
                    Canonical.text((String) r[1]), Canonical.text((String) r[6]), (int) num(r[4]), num(r[5]),
                    List.copyOf(devices.getOrDefault(id, List.of())), unresolved.get(id), group));
            if (!group.isEmpty()) {
                groups.computeIfAbsent((String) r[1], k -> new HashMap<>()).putIfAbsent(group,
                        new GroupMember((String) r[2], (String) r[3]));
            }
        }
        List<HostEntry> out = new ArrayList<>();
        for (Object[] r : rows.hosts()) {
            String id = Canonical.text((String) r[0]);
            long[] u = used.getOrDefault(id, new long[2]);
            ComputeAllocation allocation = policy.resolve(policy.hasRules() ? labels((String) r[16]) : Map.of(),
                    new Reported(r[12] == null ? null : ((Number) r[12]).doubleValue(),
                            r[13] == null ? null : ((Number) r[13]).doubleValue(), (int) num(r[14]), num(r[15])));
            HostView view = new HostView(id, HostState.valueOf((String) r[1]), Timestamps.toInstant(r[2]), (int) num(r[3]),
                    num(r[4]), (int) u[0], u[1], (String) r[5], List.copyOf(parents.getOrDefault(id, List.of())),
                    num(r[6]), Canonical.text((String) r[7]), Canonical.text((String) r[8]), AdminState.valueOf((String) r[9]), (String) r[10],
                    Map.copyOf(groups.getOrDefault(id, Map.of())), allocation);
            out.add(new HostEntry(view, List.copyOf(vms.getOrDefault(id, List.of())), Timestamps.toInstant(r[11])));
        }
        return out;
    }

    private static Map<String, String> labels(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, LABELS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("host labels are not a JSON object of strings: " + json, e);
        }
    }

    private static long num(Object o) {
        return ((Number) o).longValue();
    }
}
