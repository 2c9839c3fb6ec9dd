package io.migplan.scheduler.snapshot;

import io.migplan.scheduler.db.Timestamps;
import io.migplan.scheduler.inventory.HostChanged;
import io.migplan.scheduler.inventory.HostState;
import io.migplan.scheduler.inventory.InventoryApplied;
import io.migplan.scheduler.snapshot.ClusterSnapshot.HostEntry;
import io.migplan.scheduler.snapshot.SnapshotLoader.HostPulse;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import io.quarkus.runtime.StartupEvent;
import org.jboss.logging.Logger;

/**
 * Holds the current {@link ClusterSnapshot} and keeps it in step with PostgreSQL: a host's entry
 * is built from its report right after the report commits (before the report call returns, so a
 * caller that asks next sees it), a host is re-read after its admin state or liveness changes, and a periodic reconcile
 * compares every host's generation and state with the database to catch what another
 * scheduler replica wrote. Readers get an immutable picture without locks.
 */
@ApplicationScoped
public class ClusterSnapshotHolder {

    private static final Logger LOG = Logger.getLogger(ClusterSnapshotHolder.class);

    @Inject
    SnapshotLoader loader;
    @Inject
    Event<SnapshotUpdated> updated;

    /** Guarded by this object's monitor, which is held only to merge, never while the database is read. */
    private volatile ClusterSnapshot current;
    /**
     * Held while the database is read to bring hosts in line (reload, refresh, reconcile): one read
     * at a time, each merged before the next begins, so a later read always lands after an earlier
     * one. A report's entry is applied without it.
     */
    private final Object reading = new Object();
    /** The database's pulse mark when {@link #reconcile} last read every host; null before the first; guarded by {@link #reading}. */
    private SnapshotLoader.PulseMark reconciled;
    private long fullReads;

    /** The fleet as last read; the first call reads it all. */
    public ClusterSnapshot current() {
        ClusterSnapshot s = current;
        if (s == null) {
            synchronized (this) {
                if (current == null) {
                    List<HostEntry> all = loader.all();
                    current = ClusterSnapshot.of(all);
                    LOG.infof("cluster snapshot loaded: %d hosts, %d VMs", current.hostCount(), current.vmCount());
                }
                s = current;
            }
        }
        return s;
    }

    /**
     * Reads the fleet at start, in the background: the start does not wait for it (seconds at
     * thousands of hosts), readiness does ({@link SnapshotReadiness}). A read that fails (the
     * database not up yet) is left to the periodic {@link #reconcile}, which reads it then.
     */
    void onStart(@Observes StartupEvent event) {
        Thread load = new Thread(() -> {
            try {
                current();
            } catch (RuntimeException e) {
                LOG.warnf("the cluster snapshot could not be read at start (%s); the reconcile reads it later",
                        e.getMessage());
            }
        }, "snapshot-load");
        load.setDaemon(true);
        load.start();
    }

    /** Whether the fleet has been read once: until then {@link #current} reads it all, and readiness waits. */
    public boolean loaded() {
        return current != null;
    }

    /** Re-reads one host (or drops it when it is gone). */
    public void reload(String hostId) {
        synchronized (reading) {
            current();
            List<HostEntry> fresh = loader.one(hostId);
            merge(s -> fresh.isEmpty() ? s.without(hostId) : newer(s, List.of(fresh.get(0)), Set.of()));
        }
    }

    /**
     * A report committed: the host's entry is built from the report in hand ({@link
     * SnapshotLoader#reported}) instead of read back. It replaces the held entry only when that is
     * of an older generation: whatever holds this generation or a newer one was read from the
     * database after the report committed (a newer report, an admin state or liveness change, a
     * reconcile), so it is at least as new. A host not held yet (its first report, or one dropped
     * meanwhile) is read from the database, which also says whether it still exists.
     */
    void onApplied(@Observes(during = TransactionPhase.AFTER_SUCCESS) InventoryApplied event) {
        Instant at = Timestamps.asStored(event.at());
        HostEntry entry = loader.reported(new ReportedRows.HostColumns(event.hostId(), HostState.UP, at,
                event.generation(), event.adminState(), event.adminReason(), at), event.snapshot());
        apply(entry);
        updated.fire(new SnapshotUpdated(event.hostId()));
    }

    /**
     * Holds {@code reported}, a report's entry, unless the entry held is as new; see {@link
     * #onApplied}. Never waits for a read of the database in progress: only the host's own re-read,
     * when it is not held, does.
     */
    void apply(HostEntry reported) {
        String id = reported.view().id();
        ClusterSnapshot s = current();
        synchronized (this) {
            s = current;
            HostEntry held = s.host(id).orElse(null);
            if (held != null) {
                if (held.view().generation() < reported.view().generation()) {
                    current = s.with(reported);
                }
                return;
            }
        }
        reload(id);
    }

    void onChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) HostChanged event) {
        if (event.hostIds() == null) {
            reconcile();
        } else if (event.hostIds().size() == 1) {
            reload(event.hostIds().iterator().next());
        } else {
            refresh(event.hostIds());
        }
    }

    /**
     * Brings every host in line with the database: new or re-reported hosts are re-read, hosts
     * whose liveness or admin state changed get those fields, deleted hosts are dropped, all in
     * one new picture. A heartbeat alone changes nothing placement reads (the time of the last
     * one only matters once a host is STALE or DOWN, and then it no longer moves), so routine
     * beats cost no copy, and while no host changed at all (the database's {@link
     * SnapshotLoader#pulseMark} is the one of the last reconcile) no host is read. Runs every
     * {@link io.migplan.scheduler.config.MigplanConfig.Snapshot#reconcileEvery()}.
     */
    @Scheduled(every = "${migplan.snapshot.reconcile-every}", skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public void reconcile() {
        synchronized (reading) {
            ClusterSnapshot s = current();
            // Read before the hosts: a change committed between the two reads is then in the hosts
            // read, and the next reconcile, seeing another mark, reads them again.
            SnapshotLoader.PulseMark mark = loader.pulseMark();
            if (mark.equals(reconciled)) {
                return;
            }
            Map<String, HostPulse> pulses = loader.pulses();
            fullReads++;
            Set<String> removed = new HashSet<>();
            for (HostEntry e : s.hosts()) {
                if (!pulses.containsKey(e.view().id())) {
                    removed.add(e.view().id());
                }
            }
            bringInLine(s, pulses, removed);
            reconciled = mark;
        }
    }

    /** Brings the hosts named in line with the database, as {@link #reconcile} does for all, in one new picture. */
    public void refresh(Collection<String> hostIds) {
        synchronized (reading) {
            ClusterSnapshot s = current();
            Map<String, HostPulse> pulses = loader.pulses(hostIds);
            Set<String> removed = new HashSet<>();
            for (String id : hostIds) {
                if (!pulses.containsKey(id)) {
                    removed.add(id);
                }
            }
            bringInLine(s, pulses, removed);
        }
    }

    /** Times {@link #reconcile} read every host: it does not while no host changes. */
    public long fullReads() {
        synchronized (reading) {
            return fullReads;
        }
    }

    /**
     * Re-reads the hosts whose generation in {@code pulses} is not the one {@code s} holds, then
     * merges what was read into the snapshot current by then. The reads happen outside the
     * snapshot's lock, so reports' entries go on being applied meanwhile; the merge therefore takes
     * an entry read only where the held one is not newer, and a pulse's state only where the held
     * entry still has the pulse's generation (a report applied during the reads is newer than both).
     */
    private void bringInLine(ClusterSnapshot s, Map<String, HostPulse> pulses, Set<String> removed) {
        List<HostEntry> reread = new ArrayList<>();
        for (var e : pulses.entrySet()) {
            HostEntry held = s.host(e.getKey()).orElse(null);
            if (held == null || held.view().generation() != e.getValue().generation()) {
                List<HostEntry> fresh = loader.one(e.getKey());
                if (fresh.isEmpty()) {
                    removed.add(e.getKey());
                } else {
                    reread.add(fresh.get(0));
                }
            }
        }
        merge(now -> {
            Map<String, UnaryOperator<HostView>> changed = new HashMap<>();
            for (var e : pulses.entrySet()) {
                HostPulse p = e.getValue();
                HostEntry held = now.host(e.getKey()).orElse(null);
                if (held != null && held.view().generation() == p.generation()
                        && (held.view().state() != p.state() || held.view().adminState() != p.adminState()
                                || !Objects.equals(held.view().adminReason(), p.adminReason()))) {
                    changed.put(e.getKey(), v -> pulse(v, p));
                }
            }
            ClusterSnapshot next = changed.isEmpty() ? now : now.withViews(changed);
            return newer(next, reread, removed);
        });
    }

    /** {@code s} with the entries of {@code read} that are not older than those held, and without {@code removed}. */
    private static ClusterSnapshot newer(ClusterSnapshot s, List<HostEntry> read, Set<String> removed) {
        List<HostEntry> taken = new ArrayList<>(read.size());
        for (HostEntry e : read) {
            HostEntry held = s.host(e.view().id()).orElse(null);
            if (held == null || held.view().generation() <= e.view().generation()) {
                taken.add(e);
            }
        }
        return taken.isEmpty() && removed.isEmpty() ? s : s.with(taken, removed);
    }

    /** Replaces the snapshot with {@code change} of the current one; no database access inside. */
    private synchronized void merge(UnaryOperator<ClusterSnapshot> change) {
        current = change.apply(current);
    }

    private static HostView pulse(HostView v, HostPulse p) {
        return new HostView(v.id(), p.state(), p.lastHeartbeatAt(), v.cpus(), v.memoryMib(), v.usedCpus(),
                v.usedMemoryMib(), v.agentEndpoint(), v.parents(), v.generation(), v.release(), v.failureDomain(),
                p.adminState(), p.adminReason(), v.antiAffinityGroups(), v.allocation());
    }
}
