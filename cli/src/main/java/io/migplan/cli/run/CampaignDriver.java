package io.migplan.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.client.ApiException;
import io.migplan.cli.client.CampaignEvents;
import io.migplan.cli.client.EventStream;
import io.migplan.cli.client.SseParser;
import io.migplan.cli.executor.ExecutionFailure;
import io.migplan.cli.executor.Executor;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Drives one campaign to its end as its orchestrator, over the scheduler's REST API: asks
 * {@code POST …/next} under the lease named {@link Settings#orchestrator}, performs each migration
 * it issues through the {@link Executor} on a pool of {@link Settings#parallel} threads and reports
 * it done or failed (with the executor's sentence), reports each host it hands out
 * {@code upgrade-started} and then upgrades it, and asks again, until the campaign is neither
 * RUNNING nor PAUSED.
 *
 * <p>With nothing to do it waits for the campaign's next event ({@code GET …/events}, followed on a
 * thread of its own with {@link EventStream}): an event that may open work (a migration done or
 * failed, a host emptied or upgraded, a re-plan, a resume) wakes it, and the events that come with
 * it are let arrive before it asks ({@link #BURST_QUIET}); events of its own asking (a migration
 * issued, an upgrade started) do not wake it. As deadlines pass without events, it
 * asks again at the nearest deadline of a migration in flight, and after {@link #IDLE_LIMIT} at
 * most. While the stream is not open (a scheduler without it, every follower place taken, a
 * connection being resumed), it polls as before: waits longer each time up to {@link #MAX_WAIT},
 * and wakes at once when a migration or upgrade of its own finishes.
 *
 * <p>It decides nothing: where VMs go and which host may be upgraded is the scheduler's. Migrations
 * issued before this run (another orchestrator's, or this one's before a restart) are listed in
 * {@code inFlight} and not performed again: the scheduler settles them at their deadline from what
 * the agents see. {@link #stop()} (Ctrl-C) stops asking for work; what runs is let finish for
 * {@link Settings#grace}, then interrupted (the executor aborts it) and left to the scheduler to
 * settle at its deadline.
 */
public final class CampaignDriver {

    /** The first wait when there is nothing to do. */
    static final Duration MIN_WAIT = Duration.ofMillis(100);
    /**
     * The longest wait between two {@code next} calls: the campaign moves on as agents report
     * (about a second after a change), and a call a second is well inside any lease (10 s at least).
     */
    static final Duration MAX_WAIT = Duration.ofSeconds(1);
    /**
     * The longest wait for an event while the stream is open: as long as polling's longest wait, so
     * following events never makes a campaign slower, only wakes the loop sooner. Some progress
     * writes no event yet (a host's fresh scan proving it empty, an upgraded host reporting its new
     * release: the scheduler takes those on its 2-second tick), so a longer wait delayed a 40-host
     * campaign on a quiet machine from 1m34s polling to 2m19s (docs/benchmarks.md). A call now and
     * then also renews the lease (a third of it at most; see {@link #idleLimit}).
     */
    static final Duration IDLE_LIMIT = MAX_WAIT;
    /** After an event woke the loop: how long without another before it asks (a burst's events come within it). */
    static final Duration BURST_QUIET = Duration.ofMillis(50);
    /** After an event woke the loop: the longest it waits for the rest of a burst. */
    static final Duration BURST_LIMIT = Duration.ofMillis(250);
    /** After a migration's deadline, before asking: the scheduler settles it once the deadline passed by its clock. */
    static final Duration PAST_DEADLINE = Duration.ofMillis(500);
    /**
     * Kinds of events that open no work: those this run's own calls write (a migration issued, an
     * upgrade started) and the scheduler's notes that it settled or proved nothing yet. Every
     * other kind wakes the loop, kinds added later too.
     */
    static final Set<String> NO_WORK = Set.of("MIGRATION_ISSUED", "UPGRADE_STARTED", "MIGRATION_UNSETTLED",
            "HOST_NOT_PROVEN_EMPTY");
    /** How long the scheduler may be unreachable (or failing, 5xx) before the run gives up. */
    static final Duration OUTAGE_LIMIT = Duration.ofSeconds(60);
    /**
     * Between two reads of the campaign for its progress (hosts finished, planned migrations). A
     * read is the whole campaign (every migration and event), which cost the scheduler about a
     * tenth of its CPU in a 40-host run when read every 3 s (docs/benchmarks.md); the progress
     * line needs no more than this.
     */
    static final Duration VIEW_EVERY = Duration.ofSeconds(10);
    /** Issued migrations waiting for a free worker; the scheduler's maxParallel keeps it far lower. */
    static final int QUEUE_BOUND = 1024;
    /** How often a report that met no answer is tried again. */
    static final int REPORT_TRIES = 3;

    /**
     * @param campaign     the campaign's id
     * @param orchestrator the name the lease is held under
     * @param parallel     migrations and upgrades performed at once
     * @param leaseSeconds how long the lease lasts without another call (10..3600)
     * @param maxFailures  stop asking for work after this many failed migrations in this run; 0: never
     * @param grace        after {@link #stop()}, how long running migrations may take before they are interrupted
     * @param followEvents  wait for the campaign's events when there is nothing to do; false: poll only
     * @param idleLimit     the longest wait for an event ({@link #IDLE_LIMIT})
     */
    public record Settings(String campaign, String orchestrator, int parallel, int leaseSeconds, int maxFailures,
            Duration grace, boolean followEvents, Duration idleLimit) {

        /** Settings with the usual wait for events. */
        public Settings(String campaign, String orchestrator, int parallel, int leaseSeconds, int maxFailures,
                Duration grace, boolean followEvents) {
            this(campaign, orchestrator, parallel, leaseSeconds, maxFailures, grace, followEvents, IDLE_LIMIT);
        }
    }

    /** How a run ended. */
    public enum End {
        /** The campaign is no longer RUNNING (or PAUSED): see {@link Outcome#state}. */
        CAMPAIGN_ENDED,
        /** {@link #stop()} was called. */
        STOPPED,
        /** {@link Settings#maxFailures} migrations failed. */
        FAILURE_LIMIT,
        /** The scheduler refused a call or stayed unreachable: see {@link Outcome#error}. */
        ERROR
    }

    /**
     * @param state       the campaign's state at the end
     * @param view        the campaign as {@code GET /api/v1/campaigns/{id}} showed it at the end; null if unreadable
     * @param movesPerVm  migrations this run performed, by VM UUID
     * @param error       the refusal or outage that ended the run; null otherwise
     * @param nextCalls   how often this run asked {@code POST …/next}
     * @param followed    whether the campaign's events were followed (for part of the run at least)
     */
    public record Outcome(End end, String state, int done, int failed, int upgradesStarted, int upgradesFailed,
            int interrupted, Map<String, Integer> movesPerVm, ApiClient.Answer view, ApiException error,
            Duration elapsed, int nextCalls, boolean followed) {
    }

    private final ApiClient api;
    private final Executor executor;
    private final Settings settings;
    private final ProgressLine progress;

    private final AtomicBoolean stop = new AtomicBoolean();
    private final BlockingQueue<Boolean> wake = new ArrayBlockingQueue<>(1);
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final Set<String> upgrading = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> movesPerVm = new ConcurrentHashMap<>();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger migrating = new AtomicInteger();
    private final AtomicInteger interrupted = new AtomicInteger();
    private final AtomicInteger upgradesStarted = new AtomicInteger();
    private final AtomicInteger upgradesFailed = new AtomicInteger();
    private final AtomicInteger nextCalls = new AtomicInteger();
    /** The event stream is open: waits are for events, not a poll's backoff. */
    private volatile boolean live;
    private volatile boolean followed;
    private final AtomicBoolean fallbackSaid = new AtomicBoolean();

    private volatile String toRelease;
    private long started;
    private int batch;
    private CampaignKind kind = CampaignKind.UPGRADE;
    private int hostsDone;
    private int hosts;
    private int migrationsDoneInCampaign;
    private int migrationsPlanned;
    private long lastView = Long.MIN_VALUE;

    public CampaignDriver(ApiClient api, Executor executor, Settings settings, ProgressLine progress) {
        this.api = api;
        this.executor = executor;
        this.settings = settings;
        this.progress = progress;
    }

    /** Stops asking for work; {@link #run()} lets what runs finish (for the grace period) and returns. */
    public void stop() {
        stop.set(true);
        wake.offer(Boolean.TRUE);
    }

    /**
     * Runs the loop until the campaign ends, {@link #stop()}, the failure limit, or a refusal.
     *
     * @throws ApiException when the campaign cannot be read at the start (unknown id, no token)
     */
    public Outcome run() {
        started = System.nanoTime();
        String path = ApiClient.path("/api/v1/campaigns/{}", settings.campaign());
        // Progress reads take the summary (migrations counted, not listed); the end reads the whole campaign once.
        String summary = path + "?view=summary";
        JsonNode view = api.get(summary).json();
        toRelease = view.path("toRelease").asText();
        readProgress(view);
        EventStream events = settings.followEvents() ? follow(view) : null;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(settings.parallel(), settings.parallel(), 0,
                TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_BOUND), daemonThreads());
        End end = End.CAMPAIGN_ENDED;
        String state = view.path("state").asText();
        ApiException error = null;
        Duration wait = MIN_WAIT;
        long unreachableSince = 0;
        try {
            while (!stop.get()) {
                JsonNode next;
                try {
                    nextCalls.incrementAndGet();
                    next = api.post(ApiClient.path("/api/v1/campaigns/{}/next", settings.campaign()),
                            Map.of("orchestrator", settings.orchestrator(), "leaseSeconds", settings.leaseSeconds()))
                            .json();
                    unreachableSince = 0;
                } catch (ApiException e) {
                    if (!transient_(e)) {
                        throw e;
                    }
                    long now = System.nanoTime();
                    unreachableSince = unreachableSince == 0 ? now : unreachableSince;
                    if (now - unreachableSince > OUTAGE_LIMIT.toNanos()) {
                        throw e;
                    }
                    progress.event("scheduler unavailable, trying again: " + e.describe());
                    pause(wait = longer(wait));
                    continue;
                }
                state = next.path("state").asText();
                if (!state.equals("RUNNING") && !state.equals("PAUSED")) {
                    break;
                }
                int work = 0;
                for (JsonNode a : items(next.get("start"))) {
                    if (issued.add(a.path("id").asText())) {
                        batch = Math.max(batch, a.path("batch").asInt());
                        migrating.incrementAndGet();
                        submit(pool, () -> {
                            try {
                                migrate(a);
                            } finally {
                                migrating.decrementAndGet();
                            }
                        }, a);
                        work++;
                    }
                }
                for (JsonNode h : items(next.get("upgrade"))) {
                    String host = h.asText();
                    if (upgrading.add(host)) {
                        submit(pool, () -> upgrade(host), null);
                        work++;
                    }
                }
                int settling = 0;
                for (JsonNode a : items(next.get("inFlight"))) {
                    settling += issued.contains(a.path("id").asText()) ? 0 : 1;
                }
                List<String> waiting = new ArrayList<>();
                items(next.get("waiting")).forEach(w -> waiting.add(w.asText()));
                refreshView(summary, false);
                progress.show(status(settling, waiting), work > 0);
                if (settings.maxFailures() > 0 && failed.get() >= settings.maxFailures()) {
                    end = End.FAILURE_LIMIT;
                    progress.event("stopping: " + failed.get() + " migrations failed in this run (--max-failures "
                            + settings.maxFailures() + ")");
                    break;
                }
                if (work > 0) {
                    wait = MIN_WAIT;
                    pause(Duration.ZERO);
                } else if (live) {
                    wait = MIN_WAIT;
                    if (pause(idleLimit(next, settings.idleLimit(), settings.leaseSeconds())) && live) {
                        letBurstArrive();
                    }
                } else {
                    pause(wait = longer(wait));
                }
            }
            if (stop.get()) {
                end = End.STOPPED;
            }
        } catch (ApiException e) {
            end = End.ERROR;
            error = e;
        }
        if (events != null) {
            events.close();
        }
        drain(pool);
        progress.finish();
        ApiClient.Answer last = null;
        try {
            last = api.get(path);
            state = last.json().path("state").asText(state);
        } catch (ApiException e) {
            error = error == null ? e : error;
        }
        return new Outcome(end, state, done.get(), failed.get(), upgradesStarted.get(), upgradesFailed.get(),
                interrupted.get(), new TreeMap<>(movesPerVm), last, error, elapsed(), nextCalls.get(), followed);
    }

    /**
     * Follows the campaign's events after the history {@code view} shows, on a daemon thread; an
     * event that may open work wakes the loop. When the stream cannot be opened or is given up, the
     * loop polls, and says so once.
     */
    private EventStream follow(JsonNode view) {
        EventStream stream = new EventStream(api, CampaignEvents.path(settings.campaign()),
                view.path("history").size(), CampaignEvents::ends, EventStream.Settings.DEFAULT);
        Thread t = new Thread(() -> {
            try {
                stream.follow(new EventStream.Listener() {
                    @Override
                    public void connected(String lastEventId) {
                        live = true;
                        followed = true;
                        wake.offer(Boolean.TRUE); // what happened while it was not open is asked for now
                    }

                    @Override
                    public void event(SseParser.Event e) {
                        if (wakes(e.kind())) {
                            wake.offer(Boolean.TRUE);
                        }
                    }

                    @Override
                    public void lost(String why, Duration retryIn, int attempt) {
                        live = false;
                        if (!followed) {
                            fallBack(why);
                        }
                    }
                });
            } catch (ApiException e) {
                fallBack(e.describe());
            } finally {
                live = false;
            }
        }, "migplan-events");
        t.setDaemon(true);
        t.start();
        return stream;
    }

    private void fallBack(String why) {
        live = false;
        if (fallbackSaid.compareAndSet(false, true)) {
            progress.event("cannot follow the campaign's events (" + why + "): asking for work every "
                    + MIN_WAIT.toMillis() + " ms to " + MAX_WAIT.toSeconds() + " s while they cannot be followed");
        }
    }

    /** Whether an event of this kind may open work, so the loop asks at once. */
    static boolean wakes(String kind) {
        return !NO_WORK.contains(kind);
    }

    /**
     * How long to wait for an event with nothing to do: {@code idle}, a third of the lease, or
     * until just past the nearest deadline of a migration in flight, whichever comes first.
     */
    static Duration idleLimit(JsonNode next, Duration idle, int leaseSeconds) {
        Duration limit = idle;
        Duration lease = Duration.ofSeconds(leaseSeconds).dividedBy(3);
        limit = lease.compareTo(limit) < 0 ? lease : limit;
        for (JsonNode a : items(next.get("inFlight"))) {
            Duration left = untilDeadline(a.get("deadline"));
            if (left != null) {
                left = left.plus(PAST_DEADLINE);
                limit = left.compareTo(limit) < 0 ? left : limit;
            }
        }
        return limit.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : limit;
    }

    private static boolean transient_(ApiException e) {
        return e.status() == 0 && ApiException.UNREACHABLE.equals(e.code()) || e.status() >= 500;
    }

    private static Duration longer(Duration wait) {
        Duration twice = wait.multipliedBy(2);
        return twice.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : twice;
    }

    /** Waits until woken or {@code d} passed; true when woken. */
    private boolean pause(Duration d) {
        try {
            return (d.isZero() ? wake.poll() : wake.poll(d.toMillis(), TimeUnit.MILLISECONDS)) != null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.set(true);
            return false;
        }
    }

    /**
     * After an event woke the loop, lets the events that come with it arrive first (the reports
     * of migrations that ran together, a host's upgrade and probe), so one call answers them all:
     * until {@link #BURST_QUIET} passes without another, {@link #BURST_LIMIT} at most.
     */
    private void letBurstArrive() {
        long until = System.nanoTime() + BURST_LIMIT.toNanos();
        while (!stop.get() && System.nanoTime() < until && pause(BURST_QUIET)) {
            // another event of the burst
        }
    }

    private void submit(ThreadPoolExecutor pool, Runnable task, JsonNode migration) {
        running.incrementAndGet();
        try {
            pool.execute(() -> {
                try {
                    task.run();
                } finally {
                    running.decrementAndGet();
                    if (!live) {
                        wake.offer(Boolean.TRUE); // while following, the report's own event wakes the loop
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            running.decrementAndGet();
            if (migration != null) {
                migrating.decrementAndGet();
                reportFailed(migration, "the orchestrator " + settings.orchestrator() + " already has " + QUEUE_BOUND
                        + " migrations waiting for a worker");
            }
        }
    }

    private void migrate(JsonNode a) {
        String id = a.path("id").asText();
        Executor.Migration m = new Executor.Migration(id, a.path("vm").asText(), a.path("vmUuid").asText(),
                a.path("from").asText(), a.path("to").asText(), texts(a.get("parents")), texts(a.get("types")),
                timeout(a.get("deadline")));
        try {
            executor.migrate(m);
        } catch (ExecutionFailure e) {
            failed.incrementAndGet();
            progress.event("migration " + id + " of VM " + m.vm() + " " + m.from() + " -> " + m.to() + " failed: "
                    + e.getMessage());
            reportFailed(a, e.getMessage());
            return;
        } catch (InterruptedException e) {
            interrupted.incrementAndGet();
            progress.event("migration " + id + " of VM " + m.vm() + " interrupted; the scheduler settles it at its"
                    + " deadline");
            return;
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            reportFailed(a, "the " + executor.name() + " executor failed: " + e);
            return;
        }
        done.incrementAndGet();
        movesPerVm.merge(m.vmUuid(), 1, Integer::sum);
        report(ApiClient.path("/api/v1/campaigns/{}/migrations/{}/done", settings.campaign(), id),
                Map.of("orchestrator", settings.orchestrator()), "migration " + id + " done");
    }

    private void reportFailed(JsonNode a, String reason) {
        String id = a.path("id").asText();
        report(ApiClient.path("/api/v1/campaigns/{}/migrations/{}/failed", settings.campaign(), id),
                Map.of("orchestrator", settings.orchestrator(), "reason", reason), "migration " + id + " failed");
    }

    private void upgrade(String host) {
        if (!report(ApiClient.path("/api/v1/campaigns/{}/hosts/{}/upgrade-started", settings.campaign(), host),
                Map.of("orchestrator", settings.orchestrator()), "upgrade of " + host + " started")) {
            upgrading.remove(host); // not taken: the scheduler hands it out again if it still may be upgraded
            return;
        }
        upgradesStarted.incrementAndGet();
        try {
            executor.upgrade(new Executor.Upgrade(host, toRelease));
        } catch (ExecutionFailure e) {
            upgradesFailed.incrementAndGet();
            progress.event("upgrade of host " + host + " to " + toRelease + " failed: " + e.getMessage()
                    + "; the campaign completes the host once its agent reports " + toRelease);
        } catch (InterruptedException e) {
            progress.event("upgrade of host " + host + " interrupted");
        }
    }

    /** Posts a report, trying again while the scheduler does not answer; false when it was not taken. */
    private boolean report(String path, Map<String, String> body, String what) {
        for (int attempt = 1; ; attempt++) {
            try {
                api.post(path, body);
                return true;
            } catch (ApiException e) {
                if (!transient_(e) || attempt >= REPORT_TRIES) {
                    progress.event("report '" + what + "' not taken: " + e.describe());
                    return false;
                }
                try {
                    Thread.sleep(MIN_WAIT.toMillis() << attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    private void drain(ThreadPoolExecutor pool) {
        pool.shutdown();
        try {
            if (running.get() > 0) {
                progress.event("waiting for " + running.get() + " migrations and upgrades in flight to finish"
                        + (stop.get() ? " (at most " + settings.grace().toSeconds() + " s)" : ""));
            }
            if (!pool.awaitTermination(stop.get() ? settings.grace().toMillis() : Long.MAX_VALUE,
                    TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
                pool.awaitTermination(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void refreshView(String path, boolean force) {
        long now = System.nanoTime();
        if (!force && lastView != Long.MIN_VALUE && now - lastView < VIEW_EVERY.toNanos()) {
            return;
        }
        lastView = now;
        try {
            readProgress(api.get(path).json());
        } catch (ApiException e) {
            // Progress only: the next call of the loop meets the same outage and handles it.
        }
    }

    private void readProgress(JsonNode view) {
        JsonNode p = view.path("progress");
        kind = CampaignKind.of(view);
        hostsDone = p.path("hostsDone").asInt();
        hosts = p.path("hosts").asInt();
        migrationsDoneInCampaign = p.path("migrationsDone").asInt();
        migrationsPlanned = view.path("metrics").path("migrations").asInt();
    }

    private RunStatus status(int settling, List<String> waiting) {
        Duration elapsed = elapsed();
        int migrations = migrating.get();
        return new RunStatus(elapsed, done.get(), failed.get(), issued.size(), migrations,
                Math.max(0, running.get() - migrations), settling, waiting, batch,
                hostsDone, hosts, kind, RunStatus.estimate(elapsed, hostsDone, hosts, migrationsDoneInCampaign,
                        migrationsPlanned));
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** Until the migration's deadline (the scheduler settles it then), at least a second. */
    static Duration timeout(JsonNode deadline) {
        Duration left = untilDeadline(deadline);
        if (left == null) {
            return Duration.ofMinutes(30);
        }
        return left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left;
    }

    /** The time left until a deadline as the scheduler sends it (ISO-8601, or epoch seconds); null if none or unreadable. */
    private static Duration untilDeadline(JsonNode deadline) {
        if (deadline == null || deadline.isNull()) {
            return null;
        }
        try {
            Instant at = deadline.isNumber() ? Instant.ofEpochMilli((long) (deadline.asDouble() * 1000))
                    : Instant.parse(deadline.asText());
            return Duration.between(Instant.now(), at);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Iterable<JsonNode> items(JsonNode array) {
        return array != null && array.isArray() ? array : List.of();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        items(array).forEach(n -> out.add(n.asText()));
        return out;
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "migplan-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
