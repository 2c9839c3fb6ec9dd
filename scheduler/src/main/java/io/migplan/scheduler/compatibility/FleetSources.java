package io.migplan.scheduler.compatibility;

import io.migplan.scheduler.compatibility.MatrixRefresher.Source;
import io.migplan.scheduler.snapshot.ClusterSnapshot;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.PlacementRequest.DeviceRequest;
import io.migplan.scheduler.snapshot.VmRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The distinct source signatures of the fleet (type id and signature of every device a VM
 * holds), each with the facts of the first host by id that holds it, kept up to date one host at
 * a time: the snapshot says which hosts changed since the one last indexed ({@link
 * ClusterSnapshot#changedSince}), and only those are read again, and only when their VMs changed;
 * every host is compared once at first, or when the snapshot cannot tell. The fleet's VMs are
 * walked once, not at every report.
 */
final class FleetSources {

    /** The entry each host was last indexed from. */
    private final Map<String, HostEntry> seen = new HashMap<>();
    /**
     * Per source key (type id and signature), in key order, the hosts holding it and the facts each
     * holds it with.
     */
    private final TreeMap<String, TreeMap<String, Source>> byKey = new TreeMap<>();
    /**
     * Sources whose targets were all counted against the matrix since the source last appeared in
     * the fleet ({@link MatrixRefresher}); a source leaves the set when no host holds it any more.
     */
    private final Set<String> settled = new HashSet<>();
    /** Sources no host held for a moment during the update in progress ({@link #of}). */
    private final Set<String> emptied = new HashSet<>();
    /** The snapshot last indexed; null before the first. */
    private ClusterSnapshot.Mark indexed;
    private long walks;

    /** The fleet's distinct sources in {@code snapshot}, in key order: type id, then signature. */
    synchronized List<Source> of(ClusterSnapshot snapshot) {
        Optional<Set<String>> changed = indexed == null ? Optional.empty() : snapshot.changedSince(indexed);
        if (changed.isPresent()) {
            // Only the hosts changed since the snapshot last indexed: a report's refresh costs its host.
            for (String id : changed.get()) {
                update(id, snapshot.host(id).orElse(null));
            }
        } else {
            walk(snapshot);
        }
        indexed = snapshot.mark();
        // After every host: a VM that moved between two hosts of this update never left the fleet.
        for (String k : emptied) {
            if (!byKey.containsKey(k)) {
                settled.remove(k);
            }
        }
        emptied.clear();
        List<Source> out = new ArrayList<>(byKey.size());
        byKey.values().forEach(holders -> out.add(holders.firstEntry().getValue()));
        return out;
    }

    /** Brings every host in line with {@code snapshot}: the first time, or when it is of another line than the last. */
    private void walk(ClusterSnapshot snapshot) {
        walks++;
        int hosts = 0;
        for (HostEntry e : snapshot.hosts()) {
            hosts++;
            update(e.view().id(), e);
        }
        // Every host of the snapshot is seen now; more seen means some left it.
        if (seen.size() > hosts) {
            for (String gone : new ArrayList<>(seen.keySet())) {
                if (snapshot.host(gone).isEmpty()) {
                    update(gone, null);
                }
            }
        }
    }

    /**
     * Host {@code id} as {@code e} holds it (null: gone). Its sources are read again only when
     * its VMs changed: a liveness or admin state change keeps the host's list of VMs, and the
     * sources are read from the VMs alone.
     */
    private void update(String id, HostEntry e) {
        HostEntry was = seen.get(id);
        if (was == e) {
            return;
        }
        if (was != null && e != null && was.vms() == e.vms()) {
            seen.put(id, e);
            return;
        }
        if (was != null) {
            remove(id, was);
        }
        if (e == null) {
            seen.remove(id);
        } else {
            add(id, e);
            seen.put(id, e);
        }
    }

    /** Times every host was compared (the first index, or a snapshot of another line or too far behind). */
    synchronized long walks() {
        return walks;
    }

    /** Whether every target was counted against the matrix for {@code s} since it last appeared. */
    synchronized boolean settled(Source s) {
        return settled.contains(key(s.typeId(), s.signature()));
    }

    /** Marks {@code s} settled, if a host still holds it (the last indexed snapshot's). */
    synchronized void settle(Source s) {
        String k = key(s.typeId(), s.signature());
        if (byKey.containsKey(k)) {
            settled.add(k);
        }
    }

    /** The distinct sources of one host's VMs, in the order its VMs hold them. */
    static List<Source> of(HostEntry e) {
        Map<String, Source> distinct = new LinkedHashMap<>();
        for (VmRecord vm : e.vms()) {
            for (DeviceRequest d : vm.devices()) {
                if (!d.sourceSignature().isEmpty()) {
                    distinct.putIfAbsent(key(d.typeId(), d.sourceSignature()), new Source(d.typeId(),
                            d.sourceSignature(), d.source()));
                }
            }
        }
        return List.copyOf(distinct.values());
    }

    static String key(String typeId, String signature) {
        return typeId + "\n" + signature;
    }

    private void add(String host, HostEntry e) {
        for (Source s : of(e)) {
            byKey.computeIfAbsent(key(s.typeId(), s.signature()), k -> new TreeMap<>()).put(host, s);
        }
    }

    private void remove(String host, HostEntry e) {
        for (Source s : of(e)) {
            String k = key(s.typeId(), s.signature());
            TreeMap<String, Source> holders = byKey.get(k);
            if (holders != null) {
                holders.remove(host);
                if (holders.isEmpty()) {
                    byKey.remove(k);
                    emptied.add(k);
                }
            }
        }
    }
}
