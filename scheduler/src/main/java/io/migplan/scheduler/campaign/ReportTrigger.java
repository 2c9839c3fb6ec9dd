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
 * Acts on a running campaign as soon as a host it waits for has reported (its report is in the
 * snapshot), instead of at the next tick or the orchestrator's next call: a host of a migration
 * reported done settles what it shows ({@link CampaignRunner#settleReported}, a short
 * transaction over those migrations alone), an upgraded host showing its new release takes a step
 * ({@link CampaignRunner#advance}). Either writes what it did to the history, which wakes an
 * orchestrator following the campaign's events.
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

    /** Work waiting to run at most: a wave's worth of targets (a campaign's maxParallel is 64 by default) and more. */
    static final int QUEUE = 256;

    @Inject
    CampaignRunner runner;
    @Inject
    Clock clock;

    /** By campaign, the hosts whose report may settle a migration reported done. */
    private final Map<String, Set<String>> settling = new ConcurrentHashMap<>();
    /** By campaign, the hosts whose report may advance a host of it (an upgrade reported). */
    private final Map<String, Set<String>> stepping = new ConcurrentHashMap<>();
    /** Work waiting to run: "settle campaign host" or "step campaign". */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final BoundedExecutor executor = new BoundedExecutor("campaign-report-step", 1, QUEUE);

    /**
     * What campaign {@code id} waits for now, replacing what it waited for: reports of
     * {@code settle} (hosts of migrations reported done) and of {@code step} (hosts being
     * upgraded). Both empty: it waits for no report.
     */
    void awaiting(String id, Collection<String> settle, Collection<String> step) {
        put(settling, id, settle);
        put(stepping, id, step);
    }

    /** Adds hosts whose report may settle a migration of campaign {@code id} (both hosts of one reported done). */
    void alsoAwaiting(String id, String... hosts) {
        settling.compute(id, (k, held) -> {
            Set<String> out = held == null ? new HashSet<>() : new HashSet<>(held);
            out.addAll(Set.of(hosts));
            return Set.copyOf(out);
        });
    }

    /** Campaigns waiting for a report of {@code host}, of either kind. */
    Set<String> waitingFor(String host) {
        Set<String> out = new HashSet<>(with(settling, host));
        out.addAll(with(stepping, host));
        return out;
    }

    void onUpdated(@Observes SnapshotUpdated event) {
        String host = event.hostId();
        for (String id : with(settling, host)) {
            offer("settle " + id + " " + host, () -> runner.settleReported(id, host));
        }
        for (String id : with(stepping, host)) {
            offer("step " + id, () -> runner.advance(id, clock.instant()));
        }
    }

    /** Runs {@code work} unless the same work already waits to run (it will see this report too). */
    private void offer(String key, Runnable work) {
        if (queued.add(key) && !executor.offer(() -> run(key, work))) {
            queued.remove(key);
        }
    }

    private void run(String key, Runnable work) {
        queued.remove(key);
        try {
            work.run();
        } catch (RuntimeException e) {
            LOG.debugf(e, "%s after a report failed; the next step tries again", key);
        }
    }

    private static void put(Map<String, Set<String>> map, String id, Collection<String> hosts) {
        if (hosts.isEmpty()) {
            map.remove(id);
        } else {
            map.put(id, Set.copyOf(hosts));
        }
    }

    private static Set<String> with(Map<String, Set<String>> map, String host) {
        Set<String> out = new HashSet<>();
        map.forEach((id, hosts) -> {
            if (hosts.contains(host)) {
                out.add(id);
            }
        });
        return out;
    }

    @PreDestroy
    void stop() {
        executor.close();
    }
}
