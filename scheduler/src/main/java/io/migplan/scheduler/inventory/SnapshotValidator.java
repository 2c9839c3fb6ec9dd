package io.migplan.scheduler.inventory;

import io.migplan.capacity.ComputeAllocation;
import io.migplan.proto.v1.Capacity;
import io.migplan.proto.v1.DeviceInstance;
import io.migplan.proto.v1.DeviceType;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ParentDevice;
import io.migplan.proto.v1.ReportInventoryRequest;
import io.migplan.proto.v1.TypeDemand;
import io.migplan.proto.v1.Vm;
import io.migplan.scheduler.error.Texts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a reported snapshot may be stored at all, before anything is written:
 * identities present and unique, every count and every text within its bound, the generation and
 * the scan time within reach of the scheduler's clock. Each finding names the field by its path in
 * the message ({@code snapshot.vms[2].uuid}), so an agent author can fix it.
 *
 * <p>The bounds are far above any real host (the largest servers have a few hundred CPUs and a few
 * dozen GPUs of at most 64 VFs) and low enough that every per-host sum the scheduler keeps in an
 * {@code int} (vCPUs of a host's VMs, free instances over its parents) cannot overflow: 10,000 VMs
 * of 4,096 vCPUs, 4,096 parents of 65,536 instances. A generation is the agent's clock in
 * milliseconds at least ({@code GenerationClock}), so one more than {@link #MAX_AHEAD} ahead of
 * the scheduler's clock is a broken clock or a forged report; stored, it would freeze the host.
 *
 * <p>It deliberately does not require cross-references to resolve: an instance whose
 * parent or type is not among the reported parents, or a VM device with no reported
 * instance, is stored as is. GVT-g hides types that read 0 and an unreadable parent becomes
 * a problem entry; rejecting the whole host for that would hide everything else it has.
 */
public final class SnapshotValidator {

    /** Enough findings to fix a broken agent, few enough to read in one status message. */
    static final int MAX_FINDINGS = 5;

    /** How far a generation or a scan time may be ahead of the scheduler's clock. */
    static final Duration MAX_AHEAD = Duration.ofDays(1);
    /** Scan times before this are a clock that was never set. */
    static final Instant EARLIEST_SCAN = Instant.parse("2000-01-01T00:00:00Z");

    static final int MAX_CPUS = 65_536;
    static final long MAX_MEMORY_MIB = 1L << 30; // 1 PiB
    static final int MAX_LABELS = 64;
    static final int MAX_PARENTS = 4_096;
    static final int MAX_TYPES_PER_PARENT = 1_024;
    static final int MAX_ATTRIBUTES = 256;
    static final int MAX_INSTANCES = 65_536;
    static final long MAX_RESOURCE = 1L << 40;
    static final int MAX_VMS = 10_000;
    static final int MAX_VCPUS = 4_096;
    static final int MAX_DEVICES_PER_VM = 64;
    static final int MAX_PROBLEMS = 1_024;
    /** A UUID is 36 characters; some tools brace or prefix them. */
    static final int MAX_UUID = 64;

    private SnapshotValidator() {
    }

    /** The findings, empty when the report may be stored; {@code now} is the scheduler's clock. */
    public static List<String> validate(ReportInventoryRequest request, Instant now) {
        Findings out = new Findings();
        if (!request.hasSnapshot()) {
            out.add("snapshot is missing");
            return out.list;
        }
        HostSnapshot s = request.getSnapshot();
        if (!s.hasHost()) {
            out.add("snapshot.host is missing");
        } else {
            var h = s.getHost();
            if (h.getId().isBlank()) {
                out.add("snapshot.host.id is empty");
            } else if (!h.getId().equals(h.getId().strip())) {
                out.add("snapshot.host.id '" + Texts.escaped(h.getId()) + "' has leading or trailing spaces");
            } else {
                out.text("snapshot.host.id", h.getId(), Texts.MAX_ID);
            }
            out.text("snapshot.host.release", h.getRelease(), Texts.MAX_NAME);
            out.text("snapshot.host.failure_domain", h.getFailureDomain(), Texts.MAX_NAME);
            out.text("snapshot.host.agent_endpoint", h.getAgentEndpoint(), Texts.MAX_NAME);
            libvirtUri(h.getLibvirtUri(), out);
            out.range("snapshot.host.cpus", h.getCpus(), 0, MAX_CPUS);
            out.range("snapshot.host.memory_mib", h.getMemoryMib(), 0, MAX_MEMORY_MIB);
            out.map("snapshot.host.labels", h.getLabelsMap(), MAX_LABELS, false);
            allocation(h, out);
        }
        long nowMillis = now.toEpochMilli();
        long ahead = nowMillis + MAX_AHEAD.toMillis();
        if (s.getGeneration() < 0) {
            out.add("snapshot.generation is negative (" + s.getGeneration() + ")");
        } else if (s.getGeneration() > ahead) {
            out.add("snapshot.generation " + s.getGeneration() + " is more than " + MAX_AHEAD.toHours()
                    + " h ahead of the scheduler's clock (" + nowMillis + " ms): generations follow the agent's"
                    + " clock, which is wrong");
        }
        long scanned = s.getScannedAtUnixMs();
        if (scanned != 0 && (scanned < EARLIEST_SCAN.toEpochMilli() || scanned > ahead)) {
            out.add("snapshot.scanned_at_unix_ms " + scanned + " is not between " + EARLIEST_SCAN + " and "
                    + MAX_AHEAD.toHours() + " h after the scheduler's clock");
        }
        parents(s, out);
        instances(s, out);
        vms(s, out);
        out.count("snapshot.problems", s.getProblemsCount(), MAX_PROBLEMS);
        for (int i = 0; i < s.getProblemsCount() && out.open(); i++) {
            String at = "snapshot.problems[" + i + "]";
            if (s.getProblems(i).getMessage().isBlank()) {
                out.add(at + ".message is empty");
            }
            out.text(at, ".message", s.getProblems(i).getMessage(), Texts.MAX_TEXT);
            out.text(at, ".path", s.getProblems(i).getPath(), Texts.MAX_TEXT);
        }
        return out.list;
    }

    private static void parents(HostSnapshot s, Findings out) {
        out.count("snapshot.parents", s.getParentsCount(), MAX_PARENTS);
        Map<String, Integer> parents = new HashMap<>();
        for (int i = 0; i < s.getParentsCount() && out.open(); i++) {
            ParentDevice p = s.getParents(i);
            String at = "snapshot.parents[" + i + "]";
            if (p.getAddress().isBlank()) {
                out.add(at + ".address is empty");
            } else if (out.text(at, ".address", p.getAddress(), Texts.MAX_NAME)) {
                out.duplicate(parents, p.getAddress(), i, at + ".address", "snapshot.parents[%d].address");
            }
            out.text(at, ".vendor_id", p.getVendorId(), Texts.MAX_NAME);
            out.text(at, ".device_id", p.getDeviceId(), Texts.MAX_NAME);
            out.text(at, ".board", p.getBoard(), Texts.MAX_NAME);
            out.text(at, ".driver", p.getDriver(), Texts.MAX_NAME);
            out.text(at, ".driver_version", p.getDriverVersion(), Texts.MAX_NAME);
            out.text(at, ".physical_function", p.getPhysicalFunction(), Texts.MAX_NAME);
            capacity(at + ".capacity", p.getCapacity(), out);
            out.count(at, ".types", p.getTypesCount(), MAX_TYPES_PER_PARENT);
            Map<String, Integer> types = new HashMap<>();
            for (int j = 0; j < p.getTypesCount() && out.open(); j++) {
                DeviceType t = p.getTypes(j);
                String tat = at + ".types[" + j + "]";
                if (t.getTypeId().isBlank()) {
                    out.add(tat + ".type_id is empty");
                } else if (out.text(tat, ".type_id", t.getTypeId(), Texts.MAX_NAME)) {
                    out.duplicate(types, t.getTypeId(), j, tat + ".type_id", at + ".types[%d].type_id");
                }
                if (t.getAvailableInstances() < 0) {
                    out.add(tat + ".available_instances is negative (" + t.getAvailableInstances() + ")");
                } else {
                    out.range(tat, ".available_instances", t.getAvailableInstances(), 0, MAX_INSTANCES);
                }
                out.text(tat, ".name", t.getName(), Texts.MAX_NAME);
                out.file(tat, ".description", t.getDescription());
                out.text(tat, ".device_api", t.getDeviceApi(), Texts.MAX_NAME);
                out.file(tat, ".signature", t.getSignature());
                out.map(tat, ".attributes", t.getAttributesMap(), MAX_ATTRIBUTES, false);
                out.map(tat, ".raw", t.getRawMap(), MAX_ATTRIBUTES, true);
            }
        }
    }

    /**
     * Ratios within {@link ComputeAllocation}'s bounds when sent (unset means 1.0), reservations
     * from 0 to the host's own CPUs and memory: more reserved than the host has is a wrong config.
     */
    private static void allocation(io.migplan.proto.v1.Host h, Findings out) {
        if (h.hasCpuAllocationRatio() && !ComputeAllocation.inBounds(h.getCpuAllocationRatio())) {
            out.add("snapshot.host.cpu_allocation_ratio " + h.getCpuAllocationRatio() + " "
                    + ComputeAllocation.RATIO_BOUNDS);
        }
        if (h.hasMemoryAllocationRatio() && !ComputeAllocation.inBounds(h.getMemoryAllocationRatio())) {
            out.add("snapshot.host.memory_allocation_ratio " + h.getMemoryAllocationRatio() + " "
                    + ComputeAllocation.RATIO_BOUNDS);
        }
        if (h.getReservedCpus() < 0 || h.getReservedCpus() > Math.max(h.getCpus(), 0)) {
            out.add("snapshot.host.reserved_cpus " + h.getReservedCpus() + " is not between 0 and the host's "
                    + h.getCpus() + " cpus");
        }
        if (h.getReservedMemoryMib() < 0 || h.getReservedMemoryMib() > Math.max(h.getMemoryMib(), 0)) {
            out.add("snapshot.host.reserved_memory_mib " + h.getReservedMemoryMib()
                    + " is not between 0 and the host's " + h.getMemoryMib() + " memory_mib");
        }
    }

    /**
     * Empty (an agent older than the field), or a URI with a scheme ({@code qemu+tls://h17/system})
     * within the bound of names: what a libvirt executor will be given to connect to.
     */
    private static void libvirtUri(String uri, Findings out) {
        if (uri.isEmpty() || !out.text("snapshot.host.libvirt_uri", uri, Texts.MAX_NAME)) {
            return;
        }
        String scheme;
        try {
            scheme = new java.net.URI(uri).getScheme();
        } catch (java.net.URISyntaxException e) {
            scheme = null;
        }
        if (scheme == null) {
            out.add("snapshot.host.libvirt_uri '" + uri + "' is not a URI with a scheme, such as qemu+tls://"
                    + "host/system");
        }
    }

    private static void capacity(String at, Capacity c, Findings out) {
        out.text(at, ".group", c.getGroup(), Texts.MAX_NAME);
        out.range(at, ".locked_framebuffer_mib", c.getLockedFramebufferMib(), 0, MAX_RESOURCE);
        out.range(at, ".used_instances", c.getUsedInstances(), 0, MAX_INSTANCES);
        amounts(at + ".pool_total", c.getPoolTotalMap(), MAX_RESOURCE, out);
        amounts(at + ".pool_free", c.getPoolFreeMap(), MAX_RESOURCE, out);
        amounts(at + ".used_by_type", c.getUsedByTypeMap(), MAX_INSTANCES, out);
        out.count(at, ".demand", c.getDemandCount(), MAX_TYPES_PER_PARENT);
        for (Map.Entry<String, TypeDemand> e : c.getDemandMap().entrySet()) {
            if (!out.open()) {
                return;
            }
            String dat = at + ".demand['" + Texts.escaped(e.getKey()) + "']";
            out.text(at, ".demand key", e.getKey(), Texts.MAX_NAME);
            out.range(dat, ".max_instances", e.getValue().getMaxInstances(), 0, MAX_INSTANCES);
            amounts(dat + ".resources", e.getValue().getResourcesMap(), MAX_RESOURCE, out);
        }
    }

    private static void amounts(String at, Map<String, ? extends Number> amounts, long max, Findings out) {
        out.count(at, amounts.size(), MAX_ATTRIBUTES);
        for (Map.Entry<String, ? extends Number> e : amounts.entrySet()) {
            if (!out.open()) {
                return;
            }
            if (out.text(at, " key", e.getKey(), Texts.MAX_NAME)) {
                out.entryRange(at, e.getKey(), e.getValue().longValue(), 0, max);
            }
        }
    }

    private static void instances(HostSnapshot s, Findings out) {
        out.count("snapshot.instances", s.getInstancesCount(), MAX_INSTANCES);
        Map<String, Integer> instances = new HashMap<>();
        for (int i = 0; i < s.getInstancesCount() && out.open(); i++) {
            DeviceInstance d = s.getInstances(i);
            String at = "snapshot.instances[" + i + "]";
            if (d.getUuid().isBlank()) {
                out.add(at + ".uuid is empty");
            } else if (out.text(at, ".uuid", d.getUuid(), MAX_UUID)) {
                out.duplicate(instances, d.getUuid(), i, at + ".uuid", "snapshot.instances[%d].uuid");
            }
            if (d.getTypeId().isBlank()) {
                out.add(at + ".type_id is empty");
            } else {
                out.text(at, ".type_id", d.getTypeId(), Texts.MAX_NAME);
            }
            if (d.getParentAddress().isBlank()) {
                out.add(at + ".parent_address is empty");
            } else {
                out.text(at, ".parent_address", d.getParentAddress(), Texts.MAX_NAME);
            }
        }
    }

    private static void vms(HostSnapshot s, Findings out) {
        out.count("snapshot.vms", s.getVmsCount(), MAX_VMS);
        Map<String, Integer> vmNames = new HashMap<>();
        Map<String, Integer> vmUuids = new HashMap<>();
        Map<String, Integer> heldBy = new HashMap<>();
        for (int i = 0; i < s.getVmsCount() && out.open(); i++) {
            Vm v = s.getVms(i);
            String at = "snapshot.vms[" + i + "]";
            if (v.getName().isBlank()) {
                out.add(at + ".name is empty");
            } else if (out.text(at, ".name", v.getName(), Texts.MAX_ID)) {
                out.duplicate(vmNames, v.getName(), i, at + ".name", "snapshot.vms[%d].name");
            }
            if (v.getUuid().isBlank()) {
                out.add(at + ".uuid is empty");
            } else if (out.text(at, ".uuid", v.getUuid(), MAX_UUID)) {
                out.duplicate(vmUuids, v.getUuid(), i, at + ".uuid", "snapshot.vms[%d].uuid");
            }
            if (v.getVcpus() < 0) {
                out.add(at + ".vcpus is negative (" + v.getVcpus() + ")");
            } else {
                out.range(at, ".vcpus", v.getVcpus(), 0, MAX_VCPUS);
            }
            if (v.getMemoryMib() < 0) {
                out.add(at + ".memory_mib is negative (" + v.getMemoryMib() + ")");
            } else {
                out.range(at, ".memory_mib", v.getMemoryMib(), 0, MAX_MEMORY_MIB);
            }
            out.text(at, ".anti_affinity_group", v.getAntiAffinityGroup(), Texts.MAX_NAME);
            out.count(at, ".device_uuids", v.getDeviceUuidsCount(), MAX_DEVICES_PER_VM);
            for (int j = 0; j < v.getDeviceUuidsCount() && out.open(); j++) {
                String u = v.getDeviceUuids(j);
                if (u.isBlank()) {
                    out.add(at + ".device_uuids[" + j + "] is empty");
                } else if (out.text(at + ".device_uuids[" + j + "]", u, MAX_UUID)) {
                    // One mdev can be attached to one running domain only.
                    out.duplicate(heldBy, u, i, at + ".device_uuids[" + j + "]", "the one of snapshot.vms[%d]");
                }
            }
        }
    }

    /** Findings so far; past {@link #MAX_FINDINGS} the walk stops, so a huge bad report costs little. */
    private static final class Findings {
        final List<String> list = new ArrayList<>();

        boolean open() {
            return list.size() < MAX_FINDINGS;
        }

        void add(String finding) {
            if (open()) {
                list.add(finding);
            }
        }

        /*
         * The overloads taking the field as {@code at} and {@code name} join the two only for a
         * finding: a report of a thousand types would otherwise build ten thousand paths to check
         * ten thousand values that are fine.
         */

        /** Whether the text may be taken; else a finding. */
        boolean text(String at, String name, String value, int max) {
            String why = Texts.problem(value, max);
            if (why != null) {
                add(at + name + " " + why);
            }
            return why == null;
        }

        void file(String at, String name, String value) {
            if (Texts.fileProblem("", value, Texts.MAX_TEXT) != null) {
                file(at + name, value);
            }
        }

        void range(String at, String name, long value, long min, long max) {
            if (value < min || value > max) {
                range(at + name, value, min, max);
            }
        }

        /** {@code at['key']} within {@code min..max}. */
        void entryRange(String at, String key, long value, long min, long max) {
            if (value < min || value > max) {
                range(at + "['" + key + "']", value, min, max);
            }
        }

        void count(String at, String name, int count, int max) {
            if (count > max) {
                count(at + name, count, max);
            }
        }

        void map(String at, String name, Map<String, String> entries, int maxEntries, boolean files) {
            map(at + name, entries, maxEntries, files);
        }

        /** Whether the text may be taken; else a finding. */
        boolean text(String field, String value, int max) {
            String why = Texts.problem(field, value, max);
            if (why != null) {
                add(why);
            }
            return why == null;
        }

        /** A file's contents as read: lines and tabs taken, other control characters not. */
        void file(String field, String value) {
            String why = Texts.fileProblem(field, value, Texts.MAX_TEXT);
            if (why != null) {
                add(why);
            }
        }

        void range(String field, long value, long min, long max) {
            if (value < min || value > max) {
                add(field + " is " + value + ", not between " + min + " and " + max);
            }
        }

        void count(String field, int count, int max) {
            if (count > max) {
                add(field + " has " + count + " entries, at most " + max);
            }
        }

        /** Keys are names; values are sentences, or a file's contents as read when {@code files}. */
        void map(String field, Map<String, String> entries, int maxEntries, boolean files) {
            count(field, entries.size(), maxEntries);
            for (Map.Entry<String, String> e : entries.entrySet()) {
                if (!open()) {
                    return;
                }
                if (text(field, " key", e.getKey(), Texts.MAX_NAME)) {
                    String entry = "['" + e.getKey() + "']";
                    if (files) {
                        file(field, entry, e.getValue());
                    } else {
                        text(field, entry, e.getValue(), Texts.MAX_TEXT);
                    }
                }
            }
        }

        /** Records {@code value} as first seen at {@code index}, or reports where it was seen before. */
        void duplicate(Map<String, Integer> seen, String value, int index, String at, String firstFormat) {
            Integer first = seen.putIfAbsent(value, index);
            if (first != null) {
                add(at + " '" + value + "' repeats " + String.format(firstFormat, first));
            }
        }
    }
}
