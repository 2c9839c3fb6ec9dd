package io.migplan.scheduler.campaign;

import io.migplan.scheduler.snapshot.SnapshotUpdated;
import io.migplan.scheduler.work.BoundedExecutor;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Takes a step of a running campaign as soon as a host it waits for has reported (its report is in
 * the snapshot), instead of at the next tick or the orchestrator's next call: the targets of the
 * last wave showing their VMs, a host being emptied showing none, an upgraded host showing its
 * new release. The step ({@link CampaignRunner#advance}) settles, proves and advances what the
 * report allows and writes it to the history, which wakes an orchestrator following the
 * campaign's events.
 *
 * <p>Which hosts a campaign waits for is what its last step, or a migration reported done, left
 * here ({@link #awaiting}); it is a hint kept in memory, never a decision: a step decides from the
 * campaign's rows and the snapshot as always, and the periodic tick still steps every running
 * campaign. Bounds: one thread; at most one step per campaign waiting to run (reports that come
 * while it waits are taken by it); {@link #QUEUE} campaigns waiting at most, the rest left to the
 * tick.
 */
@ApplicationScoped
public class ReportTrigger {

    private static final Logger LOG = Logger.getLogger(ReportTrigger.class);

    /** Campaigns whose step may wait to run; far more than campaigns that run at once. */
    static final int QUEUE = 64;

    @Inject
    CampaignRunner runner;
    @Inject
    Clock clock;

    /** By campaign, the hosts whose report may let it move on. */
    private final Map<String, Set<String>> awaited = new ConcurrentHashMap<>();
    /** Campaigns whose step waits to run. */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final BoundedExecutor executor = new BoundedExecutor("campaign-report-step", 1, QUEUE);

    /** The hosts campaign {@code id} waits for now, replacing those it waited for (none: it waits for no report). */
    void awaiting(String id, Collection<String> hosts) {
        if (hosts.isEmpty()) {
            awaited.remove(id);
        } else {
            awaited.put(id, Set.copyOf(hosts));
        }
    }

    /** Adds hosts campaign {@code id} waits for (both hosts of a migration reported done). */
    void alsoAwaiting(String id, String... hosts) {
        awaited.compute(id, (k, held) -> {
            Set<String> out = held == null ? new HashSet<>() : new HashSet<>(held);
            out.addAll(Set.of(hosts));
            return Set.copyOf(out);
        });
    }

    /** Campaigns waiting for host {@code host} (for the tests and the logs). */
    Set<String> waitingFor(String host) {
        Set<String> out = new HashSet<>();
        awaited.forEach((id, hosts) -> {
            if (hosts.contains(host)) {
                out.add(id);
            }
        });
        return out;
    }

    void onUpdated(@Observes SnapshotUpdated event) {
        for (String id : waitingFor(event.hostId())) {
            if (queued.add(id) && !executor.offer(() -> step(id))) {
                queued.remove(id);
            }
        }
    }

    private void step(String id) {
        queued.remove(id);
        try {
            runner.advance(id, clock.instant());
        } catch (RuntimeException e) {
            LOG.debugf(e, "campaign %s: step after a report failed; the next one tries again", id);
        }
    }

    @PreDestroy
    void stop() {
        executor.close();
    }
}
