package io.migplan.scheduler.snapshot;

import io.migplan.scheduler.inventory.VmReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.pcollections.TreePMap;

/**
 * An immutable picture of the fleet (hosts as the filters see them, and VMs) built from
 * PostgreSQL, so "where can it move" and the planners read memory, not the database. It is a
 * cache: PostgreSQL stays the only source of truth, and {@link ClusterSnapshotHolder} swaps in
 * a new picture when a report lands. It decides nothing about placement.
 *
 * <p>A snapshot derived from another shares with it everything the change did not touch: the hosts
 * are a persistent sorted map (a report replaces one host's entry in a number of steps that grows
 * with the logarithm of the fleet's size, not a copy of every host), and the VM index copies only
 * the shards the changed hosts' VMs fall in ({@link VmIndex}).
 */
public final class ClusterSnapshot {

    /**
     * One host with its VMs, and when its last report was applied (the newest report wins when
     * two hosts list the same VM).
     */
    public record HostEntry(HostView view, List<VmRecord> vms, Instant lastReportAt) {
    }

    /**
     * Where a snapshot stands in its line of descent ({@link #mark}): what an index kept beside
     * the snapshots remembers, instead of the snapshot itself, to ask later what changed since.
     */
    public record Mark(Object lineage, long version) {
    }

    public static final ClusterSnapshot EMPTY = new ClusterSnapshot(TreePMap.empty(), VmIndex.EMPTY,
            new SnapshotLineage(), 0);

    private final TreePMap<String, HostEntry> hosts;
    /** VMs by UUID (their identity: one record per VM, the one of the newest report) and by name. */
    private final VmIndex vms;
    /** Look-ups by id after which {@link #host} builds a hash index of the hosts, if it has no more hosts. */
    static final int HASH_INDEX_AFTER = 256;
    /** The hosts by id in a hash map, once {@link #host} was asked often enough; null until then. */
    private volatile Map<String, HostEntry> byId;
    /** Look-ups so far without the index; a racy count is enough to decide when to build it. */
    private int lookups;
    /** {@link #releases()}, once asked. */
    private volatile FleetReleases releases;
    /** The hosts each snapshot of this line changed, and this one's place in it. */
    private final SnapshotLineage lineage;
    private final long version;

    private ClusterSnapshot(TreePMap<String, HostEntry> hosts, VmIndex vms, SnapshotLineage lineage, long version) {
        this.hosts = hosts;
        this.vms = vms;
        this.lineage = lineage;
        this.version = version;
    }

    public static ClusterSnapshot of(Collection<HostEntry> entries) {
        TreeMap<String, HostEntry> m = new TreeMap<>();
        entries.forEach(e -> m.put(e.view().id(), e));
        return new ClusterSnapshot(TreePMap.fromSortedMap(m), VmIndex.of(m.values()), new SnapshotLineage(), 0);
    }

    /** A snapshot derived from this one with the entries of {@code changed} hosts replaced, added or dropped. */
    private ClusterSnapshot derived(TreePMap<String, HostEntry> m, VmIndex index, Collection<String> changed) {
        long next = lineage.next(version, changed);
        return next < 0 ? new ClusterSnapshot(m, index, new SnapshotLineage(), 0)
                : new ClusterSnapshot(m, index, lineage, next);
    }

    /** This snapshot's place in its line of descent, for {@link #changedSince}. */
    public Mark mark() {
        return new Mark(lineage, version);
    }

    /**
     * The hosts whose entries differ between the snapshot {@code earlier} marked and this one
     * (added, replaced or dropped; a host may be named whose entry came back the same), or empty
     * when that cannot be told from what is remembered: the two are of different lines, or too
     * far apart. Either may be the older.
     */
    public Optional<Set<String>> changedSince(Mark earlier) {
        return earlier.lineage() == lineage ? lineage.between(earlier.version(), version) : Optional.empty();
    }

    /** A copy with {@code entry} added or replacing the host of the same id. */
    public ClusterSnapshot with(HostEntry entry) {
        return with(List.of(entry), List.of());
    }

    /** A copy without host {@code id}. */
    public ClusterSnapshot without(String id) {
        return with(List.of(), List.of(id));
    }

    /**
     * A copy with host views changed (liveness, admin state), every host's VMs kept; hosts not in
     * the snapshot are ignored. Each changed host costs one path of the hosts' tree; the VM index is reused.
     */
    public ClusterSnapshot withViews(Map<String, UnaryOperator<HostView>> changes) {
        TreePMap<String, HostEntry> m = hosts;
        for (Map.Entry<String, UnaryOperator<HostView>> change : changes.entrySet()) {
            HostEntry e = m.get(change.getKey());
            if (e != null) {
                m = m.plus(change.getKey(), new HostEntry(change.getValue().apply(e.view()), e.vms(), e.lastReportAt()));
            }
        }
        return derived(m, vms, changes.keySet());
    }

    /** A copy with {@code entries} added or replacing their hosts and {@code removed} dropped. */
    public ClusterSnapshot with(Collection<HostEntry> entries, Collection<String> removed) {
        if (entries.isEmpty() && removed.stream().noneMatch(hosts::containsKey)) {
            return this;
        }
        TreePMap<String, HostEntry> m = hosts;
        List<VmIndex.Change> changes = new ArrayList<>();
        for (String id : removed) {
            HostEntry gone = m.get(id);
            if (gone != null) {
                m = m.minus(id);
                changes.add(new VmIndex.Change(gone, null));
            }
        }
        for (HostEntry e : entries) {
            changes.add(new VmIndex.Change(m.get(e.view().id()), e));
            m = m.plus(e.view().id(), e);
        }
        List<String> changed = new ArrayList<>(removed);
        entries.forEach(e -> changed.add(e.view().id()));
        return derived(m, vms.with(changes), changed);
    }

    /** The VM whose libvirt domain UUID is {@code uuid}: a VM's identity across the fleet. */
    public Optional<VmRecord> vm(String uuid) {
        return Optional.ofNullable(vms.vm(uuid));
    }

    /** The VMs named {@code name}, one per UUID, by host: a name is unique on one host only. */
    public List<VmRecord> vmsNamed(String name) {
        return vms.named(name);
    }

    /**
     * The VM a caller names by UUID or name, by {@link VmReference}'s rule.
     *
     * @throws io.migplan.scheduler.error.UnknownObjectException when no VM has that UUID or name
     * @throws io.migplan.scheduler.error.AmbiguousNameException when VMs on several hosts carry the name
     */
    public VmRecord resolve(String ref) {
        return VmReference.resolve(ref, vm(ref), vmsNamed(ref), vm -> new VmReference.Identity(vm.uuid(), vm.host()));
    }

    public Optional<HostEntry> host(String id) {
        Map<String, HostEntry> index = byId;
        if (index == null) {
            // A snapshot asked about a host or two (most, between reports) is not worth a hash
            // index; one asked about every host of a campaign, several times a step, is. Built once
            // it was asked as many times as it has hosts, so building it costs at most about what
            // those look-ups cost, whatever the fleet's size.
            if (lookups++ < Math.max(HASH_INDEX_AFTER, hosts.size())) {
                return Optional.ofNullable(hosts.get(id));
            }
            index = new HashMap<>(hosts);
            byId = index;
        }
        return Optional.ofNullable(index.get(id));
    }

    /** Every host, by id. */
    public Collection<HostEntry> hosts() {
        return Collections.unmodifiableCollection(hosts.values());
    }

    /**
     * The releases the hosts run, oldest first, with their ranks: the one release order of the
     * planners and the console. Read once per snapshot, on first use.
     */
    public FleetReleases releases() {
        FleetReleases r = releases;
        if (r == null) {
            r = FleetReleases.of(hosts.values());
            releases = r; // a race computes it twice, to the same value
        }
        return r;
    }

    public int hostCount() {
        return hosts.size();
    }

    public int vmCount() {
        return vms.size();
    }
}
