package io.migplan.scheduler.snapshot;

import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fleet's VMs by UUID (their identity) and by name, immutable, changed one host at a time: a
 * host's report replaces its VMs in a copy that shares everything else with the index before it,
 * so applying a report costs the shards that host's VMs fall in, not the fleet.
 *
 * <p>When two hosts list the same UUID (for a moment during a migration), the record of the host
 * whose report is newest wins, ties broken by host id: the order a rebuild over every host, oldest
 * report first, would give. By name there is one record per UUID (the winner), sorted by host (then
 * UUID, should a host list two VMs of one name).
 */
final class VmIndex {

    /**
     * Shards per index: at 50,000 VMs about 12 per shard, so a report of ten VMs copies about
     * ten maps of a dozen entries rather than one of 50,000 (at 512 shards, copying them was 7% of
     * a 1,000-host campaign's scheduler CPU); a power of two, for the mask.
     */
    static final int SHARDS = 4096;
    private static final int SHARD_BITS = Integer.numberOfTrailingZeros(SHARDS);

    static final VmIndex EMPTY = new VmIndex(emptyShards(), emptyShards(), 0);

    /** Who lists a UUID: one holding per host, ordered oldest report first; the last one wins. */
    private record Holding(VmRecord vm, Instant reportAt) {
    }

    private static final Comparator<Holding> AGE = Comparator.comparing(Holding::reportAt,
            Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(h -> h.vm().host());

    private final Map<String, Holding[]>[] byUuid;
    private final Map<String, VmRecord[]>[] byName;
    private final int size;

    private VmIndex(Map<String, Holding[]>[] byUuid, Map<String, VmRecord[]>[] byName, int size) {
        this.byUuid = byUuid;
        this.byName = byName;
        this.size = size;
    }

    /** An index of every VM of {@code hosts}. */
    static VmIndex of(Collection<HostEntry> hosts) {
        List<Change> all = new ArrayList<>();
        hosts.forEach(e -> all.add(new Change(null, e)));
        return EMPTY.with(all);
    }

    /** A host's VMs before and after a change; {@code before} null for a new host, {@code after} null for one gone. */
    record Change(HostEntry before, HostEntry after) {
    }

    /** The VM of {@code uuid}, as the newest report lists it; null when no host does. */
    VmRecord vm(String uuid) {
        Holding[] held = byUuid[shard(uuid)].get(uuid);
        return held == null ? null : held[held.length - 1].vm();
    }

    /** The VMs named {@code name}, one per UUID, by host. */
    List<VmRecord> named(String name) {
        VmRecord[] named = byName[shard(name)].get(name);
        return named == null ? List.of() : List.of(named);
    }

    int size() {
        return size;
    }

    /** A copy with the changes applied, in order; shards no change touches are shared. */
    VmIndex with(List<Change> changes) {
        Map<String, Holding[]>[] uuids = byUuid.clone();
        Map<String, VmRecord[]>[] names = byName.clone();
        boolean[] ownUuid = new boolean[SHARDS];
        boolean[] ownName = new boolean[SHARDS];
        int count = size;
        for (Change c : changes) {
            String host = c.before() != null ? c.before().view().id() : c.after().view().id();
            Map<String, VmRecord> after = new HashMap<>();
            if (c.after() != null) {
                c.after().vms().forEach(vm -> after.put(vm.uuid(), vm));
            }
            Set<String> touched = new LinkedHashSet<>();
            if (c.before() != null) {
                c.before().vms().forEach(vm -> touched.add(vm.uuid()));
            }
            touched.addAll(after.keySet());
            for (String uuid : touched) {
                int s = shard(uuid);
                if (!ownUuid[s]) {
                    uuids[s] = new HashMap<>(uuids[s]);
                    ownUuid[s] = true;
                }
                Holding[] old = uuids[s].get(uuid);
                VmRecord wasWinner = old == null ? null : old[old.length - 1].vm();
                List<Holding> held = new ArrayList<>(old == null ? 2 : old.length + 1);
                if (old != null) {
                    for (Holding h : old) {
                        if (!h.vm().host().equals(host)) {
                            held.add(h);
                        }
                    }
                }
                VmRecord now = after.get(uuid);
                if (now != null) {
                    held.add(new Holding(now, c.after().lastReportAt()));
                    held.sort(AGE);
                }
                VmRecord winner = held.isEmpty() ? null : held.get(held.size() - 1).vm();
                if (held.isEmpty()) {
                    uuids[s].remove(uuid);
                } else {
                    uuids[s].put(uuid, held.toArray(Holding[]::new));
                }
                count += (wasWinner == null ? 0 : -1) + (winner == null ? 0 : 1);
                if (wasWinner != winner) {
                    if (wasWinner != null) {
                        rename(names, ownName, wasWinner, false);
                    }
                    if (winner != null) {
                        rename(names, ownName, winner, true);
                    }
                }
            }
        }
        return new VmIndex(uuids, names, count);
    }

    /** Adds {@code vm} to (or takes it from) the records of its name, kept sorted by host. */
    private static void rename(Map<String, VmRecord[]>[] names, boolean[] own, VmRecord vm, boolean add) {
        int s = shard(vm.name());
        if (!own[s]) {
            names[s] = new HashMap<>(names[s]);
            own[s] = true;
        }
        VmRecord[] old = names[s].getOrDefault(vm.name(), new VmRecord[0]);
        List<VmRecord> named = new ArrayList<>(Arrays.asList(old));
        if (add) {
            named.add(vm);
            named.sort(Comparator.comparing(VmRecord::host).thenComparing(VmRecord::uuid));
        } else {
            named.remove(vm);
        }
        if (named.isEmpty()) {
            names[s].remove(vm.name());
        } else {
            names[s].put(vm.name(), named.toArray(VmRecord[]::new));
        }
    }

    /**
     * The shard of {@code key}: the top bits of its hash, mixed (Fibonacci hashing). Not its low
     * bits: a shard's {@link HashMap} picks buckets by those, so shards chosen by them put every
     * key of a shard in one bucket, and each look-up walked that bucket's chain comparing strings.
     */
    static int shard(String key) {
        return (key.hashCode() * 0x9E3779B9) >>> (Integer.SIZE - SHARD_BITS);
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V>[] emptyShards() {
        Map<String, V>[] shards = new Map[SHARDS];
        Arrays.fill(shards, Map.of());
        return shards;
    }
}
