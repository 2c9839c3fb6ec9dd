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

    private volatile ClusterSnapshot current;
    /** The database's pulse mark when {@link #reconcile} last read every host; null before the first. */
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
    public synchronized void reload(String hostId) {
        ClusterSnapshot s = current();
        List<HostEntry> fresh = loader.one(hostId);
        current = fresh.isEmpty() ? s.without(hostId) : s.with(fresh.get(0));
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

    /** Holds {@code reported}, a report's entry, unless the entry held is as new; see {@link #onApplied}. */
    synchronized void apply(HostEntry reported) {
        ClusterSnapshot s = current();
        String id = reported.view().id();
        HostEntry held = s.host(id).orElse(null);
        if (held == null) {
            reload(id);
        } else if (held.view().generation() < reported.view().generation()) {
            current = s.with(reported);
        }
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
    public synchronized void reconcile() {
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
        current = apply(s, pulses, removed);
        reconciled = mark;
    }

    /** Brings the hosts named in line with the database, as {@link #reconcile} does for all, in one new picture. */
    public synchronized void refresh(Collection<String> hostIds) {
        ClusterSnapshot s = current();
        Map<String, HostPulse> pulses = loader.pulses(hostIds);
        Set<String> removed = new HashSet<>();
        for (String id : hostIds) {
            if (!pulses.containsKey(id)) {
                removed.add(id);
            }
        }
        current = apply(s, pulses, removed);
    }

    /** Times {@link #reconcile} read every host: it does not while no host changes. */
    public synchronized long fullReads() {
        return fullReads;
    }

    private ClusterSnapshot apply(ClusterSnapshot s, Map<String, HostPulse> pulses, Set<String> removed) {
        List<HostEntry> reread = new ArrayList<>();
        Map<String, UnaryOperator<HostView>> changed = new HashMap<>();
        for (var e : pulses.entrySet()) {
            HostPulse p = e.getValue();
            HostEntry held = s.host(e.getKey()).orElse(null);
            if (held == null || held.view().generation() != p.generation()) {
                List<HostEntry> fresh = loader.one(e.getKey());
                if (fresh.isEmpty()) {
                    removed.add(e.getKey());
                } else {
                    reread.add(fresh.get(0));
                }
            } else if (held.view().state() != p.state() || held.view().adminState() != p.adminState()
                    || !Objects.equals(held.view().adminReason(), p.adminReason())) {
                changed.put(e.getKey(), v -> pulse(v, p));
            }
        }
        if (!changed.isEmpty()) {
            s = s.withViews(changed);
        }
        return s.with(reread, removed);
    }

    private static HostView pulse(HostView v, HostPulse p) {
        return new HostView(v.id(), p.state(), p.lastHeartbeatAt(), v.cpus(), v.memoryMib(), v.usedCpus(),
                v.usedMemoryMib(), v.agentEndpoint(), v.parents(), v.generation(), v.release(), v.failureDomain(),
                p.adminState(), p.adminReason(), v.antiAffinityGroups(), v.allocation());
    }
}
