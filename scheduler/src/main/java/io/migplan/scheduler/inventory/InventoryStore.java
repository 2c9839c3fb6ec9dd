package io.migplan.scheduler.inventory;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.migplan.scheduler.error.Texts;
import io.migplan.scheduler.error.UnknownObjectException;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ReportInventoryRequest;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.hibernate.Session;
import org.jboss.logging.Logger;

/**
 * Writes what agents send: a report replaces the host's whole previous snapshot in one
 * transaction, a heartbeat refreshes liveness. It decides which report wins (a strictly
 * newer generation) and that a rejected report writes nothing; it does not decide when a
 * silent host becomes STALE or DOWN ({@link HeartbeatSweeper}).
 */
@ApplicationScoped
public class InventoryStore {

    private static final Logger LOG = Logger.getLogger(InventoryStore.class);

    /** Generation of the placeholder row a first report locks; every valid report is newer. */
    private static final long NO_GENERATION = -1;

    /** The outcome of one report, as the gRPC answer carries it. */
    public record ReportOutcome(boolean applied, long storedGeneration, String message) {
    }

    @Inject
    EntityManager em;
    @Inject
    Event<InventoryApplied> applied;
    @Inject
    Event<HostChanged> changed;
    @Inject
    ObjectMapper mapper;

    private ReportRows rows;

    @PostConstruct
    void init() {
        rows = new ReportRows(mapper);
    }

    /**
     * Validates the whole report, then, if its generation is newer than the stored one,
     * replaces the host's snapshot. A report counts as a heartbeat when applied.
     *
     * @throws InvalidReportException with every finding, before anything is written
     */
    @Transactional
    public ReportOutcome report(ReportInventoryRequest request, Instant now) {
        List<String> findings = SnapshotValidator.validate(request, now);
        if (!findings.isEmpty()) {
            throw new InvalidReportException(findings);
        }
        HostSnapshot s = request.getSnapshot();
        String hostId = s.getHost().getId();

        // Two first reports of one host may race: both insert-or-skip a placeholder, then the
        // row lock orders them, so the newer generation always ends up stored.
        em.createNativeQuery("insert into host (id, cpus, memory_mib, generation, state, last_report_at,"
                        + " last_heartbeat_at) values (?1, 0, 0, ?2, 'DOWN', ?3, ?3) on conflict (id) do nothing")
                .setParameter(1, hostId).setParameter(2, NO_GENERATION).setParameter(3, now)
                .executeUpdate();
        // For update, the one lock a slot claim's key-share lock waits for (SlotReservations): a
        // claim never reads the host's rows while this report replaces them.
        em.createNativeQuery("select id from host where id = ?1 for update").setParameter(1, hostId).getResultList();
        HostEntity host = em.find(HostEntity.class, hostId, LockModeType.PESSIMISTIC_WRITE);
        if (s.getGeneration() <= host.generation) {
            LOG.debugf("host %s: report of generation %d ignored, %d is stored", hostId, s.getGeneration(),
                    host.generation);
            return new ReportOutcome(false, host.generation, "generation " + s.getGeneration()
                    + " is not newer than the stored generation " + host.generation + "; nothing changed");
        }

        long previous = host.generation;
        var h = s.getHost();
        host.release = h.getRelease();
        host.cpus = h.getCpus();
        host.memoryMib = h.getMemoryMib();
        host.cpuAllocationRatio = h.hasCpuAllocationRatio() ? h.getCpuAllocationRatio() : null;
        host.memoryAllocationRatio = h.hasMemoryAllocationRatio() ? h.getMemoryAllocationRatio() : null;
        host.reservedCpus = h.getReservedCpus();
        host.reservedMemoryMib = h.getReservedMemoryMib();
        host.failureDomain = h.getFailureDomain();
        host.labels = new TreeMap<>(h.getLabelsMap());
        host.agentEndpoint = h.getAgentEndpoint();
        host.libvirtUri = h.getLibvirtUri().isEmpty() ? null : h.getLibvirtUri();
        host.generation = s.getGeneration();
        host.state = HostState.UP;
        host.lastReportAt = now;
        host.lastHeartbeatAt = now;
        host.scannedAt = s.getScannedAtUnixMs() > 0 ? Instant.ofEpochMilli(s.getScannedAtUnixMs()) : null;

        // The rows of the report replace the host's in batches (ReportRows); the host's own row is
        // this entity, written at commit.
        em.unwrap(Session.class).doWork(c -> rows.replace(c, hostId, s));
        applied.fire(new InventoryApplied(hostId, s.getGeneration(), previous, s, now, host.adminState,
                host.adminReason));
        LOG.debugf("host %s: generation %d stored (%d parents, %d instances, %d VMs)", hostId,
                s.getGeneration(), s.getParentsCount(), s.getInstancesCount(), s.getVmsCount());
        return new ReportOutcome(true, s.getGeneration(), "generation " + s.getGeneration() + " stored");
    }

    /**
     * Sets what operators decided about a host. Reports never change it.
     *
     * @throws UnknownObjectException when no host has that id
     */
    @Transactional
    public void setAdminState(String hostId, AdminState state, String reason) {
        int updated = em.createQuery("update HostEntity set adminState = ?1, adminReason = ?2 where id = ?3")
                .setParameter(1, state).setParameter(2, reason == null ? "" : reason).setParameter(3, hostId)
                .executeUpdate();
        if (updated == 0) {
            throw new UnknownObjectException("no host named '" + hostId + "'");
        }
        changed.fire(HostChanged.of(hostId));
        LOG.infof("host %s: admin state %s (%s)", hostId, state, Texts.escaped(reason));
    }

    /**
     * Marks the host alive, if the agent vouches for the inventory stored here: a heartbeat
     * carries the generation of the agent's last applied report, and counts only when that is
     * the generation the scheduler holds. An agent whose reports keep failing (or a caller
     * beating for a host it does not report) therefore keeps nothing alive: the host goes STALE
     * as if silent. Answers whether the agent should report again: the host is unknown here, or
     * the stored generation is not the one the agent sent.
     */
    @Transactional
    public boolean heartbeat(String hostId, long generation, Instant now) {
        return !heartbeats(List.of(new BeatQueue.Beat(hostId, generation)), now, true).vouched().contains(
                new BeatQueue.Beat(hostId, generation));
    }

    /**
     * {@link #heartbeat} for many beats in one transaction, a few statements whatever their
     * number (what {@link Heartbeats} writes together): returns the beats that refreshed their
     * host and, unless {@code waitForLocks}, those skipped because another transaction held their
     * host's row (they were not written; the caller tries them again). A host coming back is UP
     * again and announced; plain beats change no state.
     */
    @Transactional
    public BeatQueue.Written heartbeats(List<BeatQueue.Beat> beats, Instant now, boolean waitForLocks) {
        if (beats.isEmpty()) {
            return new BeatQueue.Written(Set.of(), Set.of());
        }
        String[] ids = new String[beats.size()];
        Long[] generations = new Long[beats.size()];
        for (int i = 0; i < beats.size(); i++) {
            ids[i] = beats.get(i).host();
            generations[i] = beats.get(i).generation();
        }
        // Targeted updates, not a read-modify-write of entities: a report committing meanwhile
        // must not have its new columns overwritten with what was read before, and the
        // generation condition is checked in the same statement that refreshes liveness. Rows are
        // locked in id order, so two writers of several host rows that both keep to it never
        // deadlock; a row another transaction holds (a report in progress) is skipped unless the
        // caller waits for it, and its beat is said to be busy. The statement's commit does not wait
        // for the log's flush (ResentWrites): every row it updates is joined with the setting.
        return em.unwrap(Session.class).doReturningWork(c -> {
            Set<BeatQueue.Beat> vouched = new HashSet<>();
            List<String> back = new ArrayList<>();
            try (PreparedStatement beat = c.prepareStatement("update host h set last_heartbeat_at = ? from"
                    + " (select " + ResentWrites.SETTING + ") s,"
                    + " (select o.id from host o join unnest(?, ?) as v(id, generation) on o.id = v.id"
                    + " and o.generation = v.generation order by o.id for no key update of o"
                    + (waitForLocks ? "" : " skip locked") + ") l where h.id = l.id"
                    + " returning h.id, h.generation, h.state")) {
                beat.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                beat.setArray(2, c.createArrayOf("text", ids));
                beat.setArray(3, c.createArrayOf("bigint", generations));
                try (ResultSet r = beat.executeQuery()) {
                    while (r.next()) {
                        vouched.add(new BeatQueue.Beat(r.getString(1), r.getLong(2)));
                        if (!HostState.UP.name().equals(r.getString(3))) {
                            back.add(r.getString(1));
                        }
                    }
                }
            }
            Set<BeatQueue.Beat> busy = new HashSet<>();
            if (!waitForLocks && vouched.size() < beats.size()) {
                // A beat not written whose host holds its generation was skipped for the lock.
                try (PreparedStatement held = c.prepareStatement("select id, generation from host where id = any(?)")) {
                    held.setArray(1, c.createArrayOf("text", beats.stream().filter(b -> !vouched.contains(b))
                            .map(BeatQueue.Beat::host).distinct().toArray(String[]::new)));
                    try (ResultSet r = held.executeQuery()) {
                        while (r.next()) {
                            busy.add(new BeatQueue.Beat(r.getString(1), r.getLong(2)));
                        }
                    }
                }
                busy.retainAll(Set.copyOf(beats));
                busy.removeAll(vouched);
            }
            if (!back.isEmpty()) {
                // Only a host coming back changes what placement sees: the hosts of a batch that came
                // back are brought in line together, so a batch costs one snapshot copy and no other
                // host is read.
                List<String> up = new ArrayList<>();
                try (PreparedStatement mark = c.prepareStatement("update host set state = ? where id = any(?)"
                        + " and state <> ? returning id")) {
                    mark.setString(1, HostState.UP.name());
                    mark.setArray(2, c.createArrayOf("text", back.toArray(String[]::new)));
                    mark.setString(3, HostState.UP.name());
                    try (ResultSet r = mark.executeQuery()) {
                        while (r.next()) {
                            up.add(r.getString(1));
                        }
                    }
                }
                if (!up.isEmpty()) {
                    changed.fire(new HostChanged(Set.copyOf(up)));
                }
            }
            return new BeatQueue.Written(vouched, busy);
        });
    }
}
