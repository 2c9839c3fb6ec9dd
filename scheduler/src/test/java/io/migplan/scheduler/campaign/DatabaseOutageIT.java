package io.migplan.scheduler.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.migplan.agent.sim.FleetSimulator;
import io.migplan.agent.sim.FleetSimulator.Options;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.scheduler.db.EmbeddedDatabase;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Orchestrator;
import io.migplan.scheduler.testsupport.SchedulerProcess;
import io.migplan.scheduler.testsupport.TestTokens;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged scheduler loses its PostgreSQL for 60 s, twice the heartbeat's stale-after, in the
 * middle of a rolling upgrade, and gets it back. No host may turn STALE for the heartbeats it could
 * not store meanwhile, the campaign must not re-plan, and nothing it had is lost: it completes.
 * The database is always an embedded PostgreSQL of this test (it is stopped and started again on
 * the same port and data), whatever {@code DB_URL} says.
 *
 * <p>Runs in the integration-test phase (failsafe), after {@code package} has built the jar.
 */
class DatabaseOutageIT {

    private static final Logger LOG = Logger.getLogger(DatabaseOutageIT.class);

    static final String TO = "2025.2";
    static final Duration OUTAGE = Duration.ofSeconds(60);
    /** The scheduler's default stale-after (30 s) and a sweep period (5 s) past it, and some margin. */
    static final Duration WATCH_AFTER = Duration.ofSeconds(45);
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofMillis(250);

    @TempDir
    Path dir;

    EmbeddedDatabase database;
    SchedulerProcess scheduler;
    RunningFleet fleet;

    @BeforeEach
    void start() throws Exception {
        database = EmbeddedDatabase.start(dir.resolve("pg"));
        Map<String, String> datasource = Map.of("quarkus.datasource.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.username", database.username(), "quarkus.datasource.password",
                database.password());
        Path jar = Path.of(System.getProperty("migplan.it.scheduler-jar", "target/quarkus-app/quarkus-run.jar"));
        Path logs = Path.of(System.getProperty("migplan.it.work-dir", "target/it"));
        int port = SchedulerProcess.freePort();
        scheduler = SchedulerProcess.start(jar, port, datasource, logs.resolve("database-outage-scheduler.log"));
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = port;
        TestTokens.useForRestAssured(scheduler.adminToken());
        fleet = FleetSimulator.start(CampaignRestartIT.spec(), dir.resolve("fleet"), "127.0.0.1:" + port,
                Options.defaults().withIntervals(Duration.ofSeconds(5), Duration.ofSeconds(1)));
        await("every simulated host reported").atMost(WAIT).pollInterval(POLL).until(() -> given().get("/api/v1/hosts")
                .then().extract().jsonPath().getList("id").size() == CampaignRestartIT.HOSTS);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (fleet != null) {
                fleet.close();
            }
        } finally {
            try {
                if (scheduler != null && scheduler.isAlive()) {
                    scheduler.kill();
                }
            } finally {
                RestAssured.reset();
                database.close();
            }
        }
    }

    @Test
    void aSixtySecondDatabaseOutageMidCampaignMarksNoHostStaleReplansNothingAndLosesNothing() throws Exception {
        String id = Campaigns.create(Map.of("fromRelease", CampaignRestartIT.FROM, "toRelease", TO,
                "policy", Map.of("maxHostsInMaintenance", "25%", "maxParallel", 8), "dryRun", false)).getString("id");
        Orchestrator o = new Orchestrator(fleet, id, TO);
        await("two migrations are done").atMost(Duration.ofMinutes(3)).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(o.pace()).until(() -> {
                    o.step();
                    return o.performed.size() >= 2;
                });
        JsonPath before = view(id);
        int planVersion = before.getInt("planVersion");
        int done = before.getInt("progress.migrationsDone");
        int events = before.getList("history").size();

        database.close();
        LOG.infof("PostgreSQL stopped with %d migrations done; back in %s", done, OUTAGE);
        // The outage itself: the scheduler stays up through it.
        await("the scheduler survives the outage").during(OUTAGE).atMost(OUTAGE.plusSeconds(10))
                .pollInterval(Duration.ofSeconds(1)).until(scheduler::isAlive);
        database = EmbeddedDatabase.start(dir.resolve("pg"), database.port());
        LOG.info("PostgreSQL started again");

        // Past the grace and a sweep: no host was ever anything but UP.
        await("every host stays UP").during(WATCH_AFTER).atMost(WATCH_AFTER.plusSeconds(15)).pollInterval(POLL)
                .untilAsserted(() -> assertThat(given().get("/api/v1/hosts").then().statusCode(200).extract()
                        .jsonPath().getList("state", String.class)).as("host states after the outage")
                        .hasSize(CampaignRestartIT.HOSTS).containsOnly("UP"));
        JsonPath after = view(id);
        assertThat(after.getInt("planVersion")).as("no re-plan").isEqualTo(planVersion);
        assertThat(after.getInt("progress.migrationsDone")).as("nothing lost").isEqualTo(done);
        List<String> kinds = after.getList("history.kind", String.class);
        assertThat(kinds.subList(events, kinds.size())).as("events since the outage")
                .doesNotContain("REPLAN_NEEDED", "REPLANNED");

        assertThat(o.runToEnd(Duration.ofMinutes(4))).as(o.history()).isEqualTo("COMPLETED");
        assertThat(view(id).getInt("progress.migrationsFailed")).isZero();
        assertThat(o.movesPerVm().values()).containsOnly(1);
    }

    private static JsonPath view(String id) {
        return given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
    }
}
