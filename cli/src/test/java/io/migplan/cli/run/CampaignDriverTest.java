package io.migplan.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.cli.ExitCode;
import io.migplan.cli.client.ApiClient;
import io.migplan.cli.executor.ExecutionFailure;
import io.migplan.cli.executor.Executor;
import io.migplan.cli.testsupport.StandIn;
import io.migplan.cli.testsupport.StandIn.Answer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator loop against a stand-in scheduler that plays a tiny campaign: two migrations
 * issued (one the executor refuses), one migration in flight from before, then one host to upgrade.
 */
class CampaignDriverTest {

    /** Requests and executor calls in the order they happened. */
    final List<String> events = new CopyOnWriteArrayList<>();

    static final String ACTION = "{\"id\":\"%s\",\"vm\":\"%s\",\"vmUuid\":\"u-%s\",\"from\":\"h1\",\"to\":\"h2\","
            + "\"parents\":[\"0000:3b:00.0\"],\"types\":[\"nvidia-231\"],\"batch\":1,\"wave\":0,\"reservations\":[1],"
            + "\"deadline\":\"2999-01-01T00:00:00Z\"}";

    final class Recording implements Executor {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release;

        Recording(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void migrate(Migration m) throws ExecutionFailure, InterruptedException {
            entered.countDown();
            release.await();
            events.add("migrate " + m.id() + " " + m.vm() + " -> " + m.to() + " " + m.parents());
            if (m.vm().equals("b")) {
                throw new ExecutionFailure("the simulator refused: GPU full");
            }
        }

        @Override
        public void upgrade(Upgrade u) {
            events.add("upgrade " + u.host() + " " + u.toRelease());
        }
    }

    /** A scheduler from before the event stream: its events path is unknown (404), so the driver polls. */
    StandIn scheduler(AtomicBoolean completed) throws Exception {
        return new StandIn(r -> {
            if (r.path().endsWith("/events")) {
                return Answer.json(404, "{\"code\":\"NOT_FOUND\",\"message\":\"no such resource\"}");
            }
            if (!r.method().equals("GET")) {
                events.add(r.method() + " " + r.path() + " " + r.body());
            }
            if (r.method().equals("GET")) {
                return Answer.json(200, "{\"id\":\"c1\",\"state\":\"" + (completed.get() ? "COMPLETED" : "RUNNING")
                        + "\",\"toRelease\":\"2025.2\",\"progress\":{\"hosts\":2,\"hostsDone\":" + (completed.get() ? 2 : 0)
                        + ",\"migrationsDone\":1,\"migrationsFailed\":1,\"migrationsPerVm\":1.0}}");
            }
            if (r.path().endsWith("/next")) {
                long nexts = events.stream().filter(e -> e.contains("/next")).count();
                boolean reported = events.stream().anyMatch(e -> e.contains("/m1/done"))
                        && events.stream().anyMatch(e -> e.contains("/m2/failed"));
                boolean upgraded = events.stream().anyMatch(e -> e.contains("upgrade-started"));
                if (upgraded) {
                    completed.set(true);
                    return Answer.json(200, "{\"state\":\"COMPLETED\",\"start\":[],\"inFlight\":[],\"upgrade\":[],\"waiting\":[]}");
                }
                String start = nexts == 1 ? "[" + ACTION.formatted("m1", "a", "a") + "," + ACTION.formatted("m2", "b", "b")
                        + "]" : "[]";
                return Answer.json(200, "{\"state\":\"RUNNING\",\"start\":" + start + ",\"inFlight\":["
                        + ACTION.formatted("m0", "z", "z") + "],\"upgrade\":" + (reported ? "[\"h1\"]" : "[]")
                        + ",\"waiting\":[\"batch 1 waits for its migrations\"]}");
            }
            return Answer.json(200, "{}");
        });
    }

    static ProgressLine quiet() {
        return new ProgressLine(new PrintWriter(new StringWriter()), false, 0, System::nanoTime);
    }

    static final String NOTHING_TO_DO = "{\"state\":\"RUNNING\",\"start\":[],\"inFlight\":[],\"upgrade\":[],"
            + "\"waiting\":[\"batch 1 waits for its hosts' upgrades\"]}";

    static String event(long position, String kind) {
        return "id:" + position + "\nevent:" + kind + "\ndata:{\"campaign\":\"c1\",\"position\":" + position
                + ",\"kind\":\"" + kind + "\",\"state\":\"RUNNING\",\"message\":\"m\"}\n\n";
    }

    @Test
    void readsItsProgressFromTheSummaryAndTheWholeCampaignOnlyOnceAtTheEnd() throws Exception {
        try (StandIn s = new StandIn(r -> {
            if (r.method().equals("GET")) {
                return Answer.json(200, "{\"id\":\"c1\",\"state\":\"RUNNING\",\"toRelease\":\"2025.2\","
                        + "\"history\":[]}");
            }
            if (r.path().endsWith("/next")) {
                return Answer.json(200, "{\"state\":\"COMPLETED\",\"start\":[],\"inFlight\":[],\"upgrade\":[],"
                        + "\"waiting\":[]}");
            }
            return Answer.json(200, "{}");
        })) {
            CampaignDriver driver = new CampaignDriver(new ApiClient(URI.create(s.url()), "t", null),
                    new Recording(new CountDownLatch(0)), new CampaignDriver.Settings("c1", "orch-1", 2, 3600, 0,
                    Duration.ofSeconds(5), false), quiet());
            assertThat(driver.run().end()).isEqualTo(CampaignDriver.End.CAMPAIGN_ENDED);
            assertThat(s.requests).filteredOn(r -> r.method().equals("GET")).extracting(StandIn.Request::path)
                    .containsExactly("/api/v1/campaigns/c1?view=summary", "/api/v1/campaigns/c1");
        }
    }

    @Test
    void theProgressLineOfARollbackCountsTheHostsRolledBack() throws Exception {
        AtomicBoolean asked = new AtomicBoolean();
        try (StandIn s = new StandIn(r -> {
            if (r.method().equals("GET")) {
                return Answer.json(200, "{\"id\":\"c1\",\"kind\":\"ROLLBACK\",\"state\":\"RUNNING\","
                        + "\"toRelease\":\"2025.1\",\"progress\":{\"hosts\":3,\"hostsDone\":1},\"history\":[]}");
            }
            if (r.path().endsWith("/next") && !asked.getAndSet(true)) {
                return Answer.json(200, NOTHING_TO_DO);
            }
            if (r.path().endsWith("/next")) {
                return Answer.json(200, "{\"state\":\"COMPLETED\",\"start\":[],\"inFlight\":[],\"upgrade\":[],"
                        + "\"waiting\":[]}");
            }
            return Answer.json(200, "{}");
        })) {
            StringWriter log = new StringWriter();
            CampaignDriver driver = new CampaignDriver(new ApiClient(URI.create(s.url()), "t", null),
                    new Recording(new CountDownLatch(0)), new CampaignDriver.Settings("c1", "orch-1", 2, 3600, 0,
                    Duration.ofSeconds(5), false), new ProgressLine(new PrintWriter(log), false, 0, System::nanoTime));
            assertThat(driver.run().end()).isEqualTo(CampaignDriver.End.CAMPAIGN_ENDED);
            assertThat(log.toString()).contains(" | hosts 1/3 rolled back | ")
                    .doesNotContain("upgraded");
        }
    }

    @Test
    void withNothingToDoItWaitsForTheCampaignsNextEventFromAfterTheHistoryItRead() throws Exception {
        BlockingQueue<String> stream = new LinkedBlockingQueue<>();
        AtomicBoolean hostDone = new AtomicBoolean();
        CountDownLatch idle = new CountDownLatch(1);
        try (StandIn s = new StandIn(r -> {
            if (r.path().startsWith("/api/v1/campaigns/c1/events")) {
                return Answer.stream(stream);
            }
            if (r.method().equals("GET")) {
                return Answer.json(200, "{\"id\":\"c1\",\"state\":\"" + (hostDone.get() ? "COMPLETED" : "RUNNING")
                        + "\",\"toRelease\":\"2025.2\",\"history\":[{\"kind\":\"PLANNED\"},{\"kind\":\"RESUMED\"}]}");
            }
            if (r.path().endsWith("/next")) {
                if (hostDone.get()) {
                    return Answer.json(200, "{\"state\":\"COMPLETED\",\"start\":[],\"inFlight\":[],\"upgrade\":[],"
                            + "\"waiting\":[]}");
                }
                idle.countDown();
                return Answer.json(200, NOTHING_TO_DO);
            }
            return Answer.json(200, "{}");
        })) {
            StringWriter log = new StringWriter();
            // Waits for an event far longer than the test may take: only the event can end the run.
            CampaignDriver driver = new CampaignDriver(new ApiClient(URI.create(s.url()), "t", null),
                    new Recording(new CountDownLatch(0)), new CampaignDriver.Settings("c1", "orch-1", 2, 3600, 0,
                    Duration.ofSeconds(5), true, Duration.ofHours(1)),
                    new ProgressLine(new PrintWriter(log), false, 0, System::nanoTime));
            CompletableFuture<CampaignDriver.Outcome> run = CompletableFuture.supplyAsync(driver::run);
            assertThat(idle.await(10, TimeUnit.SECONDS)).isTrue();
            hostDone.set(true);
            stream.add(event(3, "HOST_DONE"));
            CampaignDriver.Outcome o = run.get(30, TimeUnit.SECONDS);

            assertThat(o.state()).isEqualTo("COMPLETED");
            assertThat(o.followed()).isTrue();
            assertThat(s.requests).filteredOn(r -> r.path().contains("/events")).first()
                    .satisfies(r -> assertThat(r.path()).endsWith("/events?after=2"));
            assertThat(log.toString()).doesNotContain("cannot follow");
        }
    }

    @Test
    void aSchedulerWithoutTheEventStreamIsPolledAndTheRunSaysSoOnce() throws Exception {
        AtomicBoolean completed = new AtomicBoolean();
        try (StandIn s = scheduler(completed)) {
            StringWriter log = new StringWriter();
            CampaignDriver driver = new CampaignDriver(new ApiClient(URI.create(s.url()), "t", null),
                    new Recording(new CountDownLatch(0)), new CampaignDriver.Settings("c1", "orch-1", 2, 60, 0,
                    Duration.ofSeconds(5), true, Duration.ofHours(1)),
                    new ProgressLine(new PrintWriter(log), false, 0, System::nanoTime));
            CampaignDriver.Outcome o = driver.run();

            assertThat(o.state()).isEqualTo("COMPLETED");
            assertThat(o.followed()).isFalse();
            assertThat(o.nextCalls()).isGreaterThan(2);
            assertThat(log.toString().lines().filter(l -> l.startsWith("cannot follow the campaign's events")))
                    .containsExactly("cannot follow the campaign's events (NOT_FOUND (HTTP 404): no such resource):"
                            + " asking for work every 100 ms to 1 s while they cannot be followed");
        }
    }

    @Test
    void eventsOfItsOwnAskingAndNotesOfNothingSettledDoNotWakeTheLoop() {
        assertThat(List.of("MIGRATION_ISSUED", "UPGRADE_STARTED", "MIGRATION_UNSETTLED", "HOST_NOT_PROVEN_EMPTY"))
                .noneMatch(CampaignDriver::wakes);
        assertThat(List.of("MIGRATION_DONE", "MIGRATION_FAILED", "MIGRATION_SETTLED", "HOST_EMPTY", "HOST_DONE",
                "UPGRADE_REPORTED", "REPLANNED", "RESUMED", "COMPLETED", "ABORTED", "A_KIND_ADDED_LATER"))
                .allMatch(CampaignDriver::wakes);
    }

    @Test
    void theWaitForAnEventEndsJustPastTheNearestDeadlineOfAMigrationInFlightOrAThirdOfTheLease() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String soon = java.time.Instant.now().plusSeconds(2).toString();
        var next = json.readTree("{\"inFlight\":[{\"deadline\":\"2999-01-01T00:00:00Z\"},{\"deadline\":\"" + soon
                + "\"}]}");
        assertThat(CampaignDriver.idleLimit(next, Duration.ofSeconds(5), 120))
                .isBetween(Duration.ofMillis(500), Duration.ofMillis(2500));
        assertThat(CampaignDriver.idleLimit(json.readTree("{\"inFlight\":[]}"), Duration.ofSeconds(5), 120))
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(CampaignDriver.idleLimit(json.readTree("{}"), Duration.ofMinutes(5), 30))
                .isEqualTo(Duration.ofSeconds(10));
        var overdue = json.readTree("{\"inFlight\":[{\"deadline\":\"2000-01-01T00:00:00Z\"}]}");
        assertThat(CampaignDriver.idleLimit(overdue, Duration.ofSeconds(5), 120)).isEqualTo(CampaignDriver.MIN_WAIT);
    }

    @Test
    void performsWhatIsIssuedReportsEachAndUpgradesAfterReportingTheStart() throws Exception {
        AtomicBoolean completed = new AtomicBoolean();
        try (StandIn s = scheduler(completed)) {
            CampaignDriver driver = new CampaignDriver(new ApiClient(URI.create(s.url()), "t", null),
                    new Recording(new CountDownLatch(0)), new CampaignDriver.Settings("c1", "orch-1", 2, 60, 0,
                    Duration.ofSeconds(5), true), quiet());
            CampaignDriver.Outcome o = driver.run();

            assertThat(o.end()).isEqualTo(CampaignDriver.End.CAMPAIGN_ENDED);
            assertThat(o.state()).isEqualTo("COMPLETED");
            assertThat(io.migplan.cli.commands.CampaignRunCommandAccess.exitCode(o)).isEqualTo(ExitCode.OK);
            assertThat(o.done()).isEqualTo(1);
            assertThat(o.failed()).isEqualTo(1);
            assertThat(o.movesPerVm()).containsExactly(java.util.Map.entry("u-a", 1));
            assertThat(events).contains("migrate m1 a -> h2 [0000:3b:00.0]", "migrate m2 b -> h2 [0000:3b:00.0]",
                    "POST /api/v1/campaigns/c1/migrations/m1/done {\"orchestrator\":\"orch-1\"}")
                    .anyMatch(e -> e.startsWith("POST /api/v1/campaigns/c1/migrations/m2/failed")
                            && e.contains("\"reason\":\"the simulator refused: GPU full\""))
                    .noneMatch(e -> e.contains("m0"));
            assertThat(events.indexOf("POST /api/v1/campaigns/c1/hosts/h1/upgrade-started {\"orchestrator\":\"orch-1\"}"))
                    .as("upgrade-started is reported before the upgrade").isNotNegative()
                    .isLessThan(events.indexOf("upgrade h1 2025.2"));
            assertThat(events.stream().filter(e -> e.startsWith("upgrade ")).count()).isEqualTo(1);
            assertThat(events).filteredOn(e -> e.contains("/next"))
                    .allMatch(e -> e.contains("\"orchestrator\":\"orch-1\"") && e.contains("\"leaseSeconds\":60"));
        }
    }

    @Test
    void afterStopNothingNewIsAskedForAndWhatRunsFinishesAndIsReported() throws Exception {
        AtomicBoolean completed = new AtomicBoolean();
        try (StandIn s = scheduler(completed)) {
            CountDownLatch release = new CountDownLatch(1);
            Recording executor = new Recording(release);
            CampaignDriver driver = new CampaignDriver(new ApiClient(URI.create(s.url()), "t", null), executor,
                    new CampaignDriver.Settings("c1", "orch-1", 2, 60, 0, Duration.ofSeconds(30), true), quiet());
            CompletableFuture<CampaignDriver.Outcome> run = CompletableFuture.supplyAsync(driver::run);
            assertThat(executor.entered.await(10, TimeUnit.SECONDS)).isTrue();
            driver.stop();
            long nextsAtStop = events.stream().filter(e -> e.contains("/next")).count();
            release.countDown();
            CampaignDriver.Outcome o = run.get(30, TimeUnit.SECONDS);

            assertThat(o.end()).isEqualTo(CampaignDriver.End.STOPPED);
            assertThat(io.migplan.cli.commands.CampaignRunCommandAccess.exitCode(o)).isEqualTo(ExitCode.INTERRUPTED);
            assertThat(events.stream().filter(e -> e.contains("/next")).count()).isLessThanOrEqualTo(nextsAtStop + 1);
            assertThat(events).contains("POST /api/v1/campaigns/c1/migrations/m1/done {\"orchestrator\":\"orch-1\"}")
                    .noneMatch(e -> e.contains("upgrade"));
        }
    }
}
