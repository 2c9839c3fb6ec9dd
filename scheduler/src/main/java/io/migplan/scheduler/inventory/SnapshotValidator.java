package io.migplan.scheduler.inventory;

import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ReportInventoryRequest;
import io.migplan.proto.v1.Vm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a reported snapshot may be stored at all, before anything is written:
 * identities present and unique, counts not negative. Each finding names the field by its
 * path in the message ({@code snapshot.vms[2].uuid}), so an agent author can fix it.
 *
 * <p>It deliberately does not require cross-references to resolve: an instance whose
 * parent or type is not among the reported parents, or a VM device with no reported
 * instance, is stored as is. GVT-g hides types that read 0 and an unreadable parent becomes
 * a problem entry; rejecting the whole host for that would hide everything else it has.
 */
public final class SnapshotValidator {

    /** Enough findings to fix a broken agent, few enough to read in one status message. */
    static final int MAX_FINDINGS = 5;

    private SnapshotValidator() {
    }

    /** The findings, empty when the report may be stored. */
    public static List<String> validate(ReportInventoryRequest request) {
        List<String> out = new ArrayList<>();
        if (!request.hasSnapshot()) {
            out.add("snapshot is missing");
            return out;
        }
        HostSnapshot s = request.getSnapshot();
        if (!s.hasHost()) {
            out.add("snapshot.host is missing");
        } else {
            var h = s.getHost();
            if (h.getId().isBlank()) {
                out.add("snapshot.host.id is empty");
            } else if (!h.getId().equals(h.getId().strip())) {
                out.add("snapshot.host.id '" + h.getId() + "' has leading or trailing spaces");
            }
            if (h.getCpus() < 0) {
                out.add("snapshot.host.cpus is negative (" + h.getCpus() + ")");
            }
            if (h.getMemoryMib() < 0) {
                out.add("snapshot.host.memory_mib is negative (" + h.getMemoryMib() + ")");
            }
        }
        if (s.getGeneration() < 0) {
            out.add("snapshot.generation is negative (" + s.getGeneration() + ")");
        }
        Map<String, Integer> parents = new HashMap<>();
        for (int i = 0; i < s.getParentsCount(); i++) {
            ParentDevice p = s.getParents(i);
            String at = "snapshot.parents[" + i + "]";
            if (p.getAddress().isBlank()) {
                out.add(at + ".address is empty");
            } else {
                duplicate(out, parents, p.getAddress(), i, at + ".address", "snapshot.parents[%d].address");
            }
            Map<String, Integer> types = new HashMap<>();
            for (int j = 0; j < p.getTypesCount(); j++) {
                DeviceType t = p.getTypes(j);
                String tat = at + ".types[" + j + "]";
                if (t.getTypeId().isBlank()) {
                    out.add(tat + ".type_id is empty");
                } else {
                    duplicate(out, types, t.getTypeId(), j, tat + ".type_id", at + ".types[%d].type_id");
                }
                if (t.getAvailableInstances() < 0) {
                    out.add(tat + ".available_instances is negative (" + t.getAvailableInstances() + ")");
                }
            }
        }
        Map<String, Integer> instances = new HashMap<>();
        for (int i = 0; i < s.getInstancesCount(); i++) {
            DeviceInstance d = s.getInstances(i);
            String at = "snapshot.instances[" + i + "]";
            if (d.getUuid().isBlank()) {
                out.add(at + ".uuid is empty");
            } else {
                duplicate(out, instances, d.getUuid(), i, at + ".uuid", "snapshot.instances[%d].uuid");
            }
            if (d.getTypeId().isBlank()) {
                out.add(at + ".type_id is empty");
            }
            if (d.getParentAddress().isBlank()) {
                out.add(at + ".parent_address is empty");
            }
        }
        Map<String, Integer> vmNames = new HashMap<>();
        Map<String, Integer> vmUuids = new HashMap<>();
        Map<String, Integer> heldBy = new HashMap<>();
        for (int i = 0; i < s.getVmsCount(); i++) {
            Vm v = s.getVms(i);
            String at = "snapshot.vms[" + i + "]";
            if (v.getName().isBlank()) {
                out.add(at + ".name is empty");
            } else {
                duplicate(out, vmNames, v.getName(), i, at + ".name", "snapshot.vms[%d].name");
            }
            if (v.getUuid().isBlank()) {
                out.add(at + ".uuid is empty");
            } else {
                duplicate(out, vmUuids, v.getUuid(), i, at + ".uuid", "snapshot.vms[%d].uuid");
            }
            if (v.getVcpus() < 0) {
                out.add(at + ".vcpus is negative (" + v.getVcpus() + ")");
            }
            if (v.getMemoryMib() < 0) {
                out.add(at + ".memory_mib is negative (" + v.getMemoryMib() + ")");
            }
            for (int j = 0; j < v.getDeviceUuidsCount(); j++) {
                String u = v.getDeviceUuids(j);
                if (u.isBlank()) {
                    out.add(at + ".device_uuids[" + j + "] is empty");
                } else {
                    // One mdev can be attached to one running domain only.
                    duplicate(out, heldBy, u, i, at + ".device_uuids[" + j + "]", "the one of snapshot.vms[%d]");
                }
            }
        }
        for (int i = 0; i < s.getProblemsCount(); i++) {
            if (s.getProblems(i).getMessage().isBlank()) {
                out.add("snapshot.problems[" + i + "].message is empty");
            }
        }
        return out.size() > MAX_FINDINGS ? out.subList(0, MAX_FINDINGS) : out;
    }

    /** Records {@code value} as first seen at {@code index}, or reports where it was seen before. */
    private static void duplicate(List<String> out, Map<String, Integer> seen, String value, int index,
            String at, String firstFormat) {
        Integer first = seen.putIfAbsent(value, index);
        if (first != null) {
            out.add(at + " '" + value + "' repeats " + String.format(firstFormat, first));
        }
    }
}
