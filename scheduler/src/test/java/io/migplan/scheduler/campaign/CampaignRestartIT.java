package io.migplan.scheduler.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.migplan.agent.sim.FleetSimulator;
import io.migplan.agent.sim.FleetSimulator.HostStatus;
import io.migplan.agent.sim.FleetSimulator.Options;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.agent.sim.FleetSpec.HostGroup;
import io.migplan.agent.sim.FleetSpec.VmShape;
import io.migplan.scheduler.db.TestDatabaseResource;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Orchestrator;
import io.migplan.scheduler.testsupport.Orchestrator.Performed;
import io.migplan.scheduler.testsupport.SchedulerProcess;
import io.migplan.scheduler.testsupport.Teardown;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged scheduler, run as a process of its own, is killed with SIGKILL in the middle of a
 * rolling upgrade while migrations are in flight, and started again on the same port and
 * database. The orchestrator goes on meanwhile (the VMs it was told to move do move), the agents
 * report again once the scheduler is back, and the campaign resumes from PostgreSQL: the
 * migrations in flight come back as in flight with their slots, none is issued twice, none is
 * lost, and the campaign completes. Checked against what the fleet did and against the database,
 * for a rolling upgrade and for a rollback.
 *
 * <p>Runs in the integration-test phase (failsafe), after {@code package} has built the jar.
 */
class CampaignRestartIT {

    private static final Logger LOG = Logger.getLogger(CampaignRestartIT.class);

    static final String FROM = FleetSpec.DEFAULT_RELEASE;
    static final String TO = "2025.2";
    /** 6 T4 and 6 V100 hosts plus one empty spare per board. */
    static final int HOSTS = 14;
    /** For what reports make true a moment later. */
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofMillis(100);

    @TempDir
    Path dir;

    TestDatabaseResource database;
    Map<String, String> datasource;
    SchedulerProcess scheduler;
    RunningFleet fleet;

    /** The end-to-end test's fleet, smaller: two boards, half-full GPUs, one spare host per board. */
    static FleetSpec spec() {
        List<VmShape> t4 = List.of(new VmShape("nvidia-222", 1, 4, 8192), new VmShape("nvidia-230", 1, 4, 8192),
                new VmShape("nvidia-231", 1, 8, 16384));
        List<VmShape> v100 = List.of(new VmShape("nvidia-105", 1, 4, 8192), new VmShape("nvidia-106", 1, 8, 16384));
        String driver = FleetSpec.DEFAULT_DRIVER_VERSION;
        return new FleetSpec(11L, List.of(
                new HostGroup("t4", "T4", 6, 2, FROM, driver, 64, 512 * 1024, 0.5, t4),
                new HostGroup("t4-spare", "T4", 1, 2, FROM, driver, 64, 512 * 1024, 0.0, t4),
                new HostGroup("v100", "V100", 6, 2, FROM, driver, 128, 768 * 1024, 0.5, v100),
                new HostGroup("v100-spare", "V100", 1, 2, FROM, driver, 128, 768 * 1024, 0.0, v100)),
                FleetSpec.DEFAULT_FAILURE_DOMAINS, 0);
    }

    @BeforeEach
    void start() throws Exception {
        // A fresh database on the DB_URL server, or an embedded PostgreSQL in this JVM: either
        // way it outlives the scheduler process and is there for the restart.
        database = new TestDatabaseResource();
        datasource = database.start();
        scheduler = SchedulerProcess.startForIntegrationTest(datasource, "campaign-restart-scheduler.log");
        int port = scheduler.port();
        // Heartbeats every second: the agents find the restarted scheduler within a second
        // (their retry schedule is their ticks), not within the default ten.
        fleet = FleetSimulator.start(spec(), dir, "127.0.0.1:" + port,
                Options.defaults().withIntervals(Duration.ofSeconds(5), Duration.ofSeconds(1)));
        await("every simulated host reported").atMost(WAIT).pollInterval(POLL).until(() -> given().get("/api/v1/hosts")
                .then().extract().jsonPath().getList("id").size() == HOSTS);
    }

    @AfterEach
    void stop() throws Exception {
        Teardown.inOrder(fleet == null ? null : fleet::close, scheduler == null ? null : scheduler::killIfAlive,
                RestAssured::reset, database::stop);
    }

    @Test
    void aSchedulerKilledMidCampaignResumesWithoutLosingOrRepeatingAMigration() {
        JsonPath created = Campaigns.create(Map.of("fromRelease", FROM, "toRelease", TO,
                "policy", Map.of("maxHostsInMaintenance", "25%", "maxParallel", 8), "dryRun", false));
        assertThat(created.getList("unmovable")).isEmpty();
        assertThat(created.getDouble("metrics.migrationsPerVm")).as("each VM moves once when every board has a spare")
                .isEqualTo(1.0);

        Orchestrator o = killMidwayAndResume(created.getString("id"), TO);

        assertThat(o.backward()).isEmpty();
    }

    /**
     * The same kill in the middle of a rollback: after most of the fleet was upgraded, a campaign
     * from the new release back to the old one resumes from PostgreSQL as a forward one does, and
     * each of its moves lands on a host already back at the old release. One loaded host per board
     * stays at the old release: a rollback moves a VM back only where a host of the old release
     * answered that it takes it, never on an assumption.
     */
    @Test
    void aSchedulerKilledMidRollbackResumesWithoutLosingOrRepeatingAMigration() {
        Map<String, String> keptOld = new HashMap<>();
        fleet.listHosts().stream().filter(h -> h.vms() > 0).forEach(h -> keptOld.putIfAbsent(h.board(), h.host()));
        List<String> scope = fleet.listHosts().stream().map(HostStatus::host).filter(h -> !keptOld.containsValue(h))
                .sorted().toList();
        String forward = Campaigns.create(Map.of("fromRelease", FROM, "toRelease", TO, "hosts", scope,
                "policy", Map.of("maxHostsInMaintenance", "25%", "maxParallel", 8), "dryRun", false)).getString("id");
        assertThat(new Orchestrator(fleet, forward, TO).runToEnd(Duration.ofMinutes(3))).isEqualTo("COMPLETED");
        await("the upgraded hosts reported the new release").atMost(WAIT).pollInterval(POLL).until(() -> given()
                .get("/api/v1/hosts").then().extract().jsonPath().getList("release", String.class).stream()
                .filter(TO::equals).count() == scope.size());

        JsonPath created = Campaigns.create(Map.of("fromRelease", TO, "toRelease", FROM, "rollback", true,
                "policy", Map.of("maxHostsInMaintenance", "25%", "maxParallel", 8), "dryRun", false));
        assertThat(created.getList("unmovable")).isEmpty();

        Orchestrator o = killMidwayAndResume(created.getString("id"), FROM);

        assertThat(o.performed).allSatisfy(p -> assertThat(p.toRelease()).as("release of %s's target", p.vm())
                .isEqualTo(FROM));
    }

    /**
     * Drives campaign {@code id} towards {@code to} until two migrations are done and more are in
     * flight, kills the scheduler, performs the moves in flight while it is down, restarts it, and
     * drives the campaign to the end: checks that the migrations in flight came back as they were,
     * none was issued twice or lost, and what the database holds at the end.
     */
    private Orchestrator killMidwayAndResume(String id, String to) {
        int vmsBefore = fleetVms();
        // Once two migrations are done, every migration issued is kept in flight; the scheduler
        // dies with them issued and not reported.
        Orchestrator o = new Orchestrator(fleet, id, to);
        o.holdWhen(a -> o.performed.size() >= 2);
        await("two migrations are done and another is issued").atMost(Duration.ofMinutes(3)).pollInSameThread()
                .pollDelay(Duration.ZERO).pollInterval(o.pace()).until(() -> {
                    assertThat(o.step().getString("state")).as("the campaign is still running").isEqualTo("RUNNING");
                    return !o.held.isEmpty();
                });
        List<Map<String, Object>> inFlight = List.copyOf(o.held.values());
        int doneBeforeKill = o.performed.size();
        assertThat(doneBeforeKill).as("migrations done before the kill").isPositive();
        assertThat(view(id).getInt("progress.migrationsDone")).isEqualTo(doneBeforeKill);
        assertThat(view(id).getInt("progress.inFlight")).isEqualTo(inFlight.size());

        // When several are in flight, the first is performed while the scheduler still runs (its
        // agents report the move), the rest while it is down.
        if (inFlight.size() > 1) {
            Performed p = o.move(inFlight.get(0));
            await("the scheduler sees VM " + p.vm() + " on " + p.to()).atMost(WAIT).pollInterval(POLL)
                    .until(() -> p.to().equals(
                            given().get("/api/v1/vms/{vm}", p.vm()).then().extract().jsonPath().getString("host")));
        }
        long pid = scheduler.pid();
        scheduler.kill();
        assertThat(ProcessHandle.of(pid)).as("the scheduler process is gone").isEmpty();
        assertThat(scheduler.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
        for (Map<String, Object> a : inFlight.subList(inFlight.size() > 1 ? 1 : 0, inFlight.size())) {
            o.move(a);
        }
        for (Map<String, Object> a : inFlight) {
            assertThat(fleet.hostOf((String) a.get("vm"))).contains((String) a.get("to"));
        }

        LOG.infof("killed scheduler %d after %d migrations done, %d in flight: %s", pid, doneBeforeKill,
                inFlight.size(), o.held.keySet());
        long down = System.nanoTime();
        scheduler = scheduler.restart();
        LOG.infof("scheduler %d ready again after %d ms", scheduler.pid(), (System.nanoTime() - down) / 1_000_000);

        // The first question after the restart, before the agents have necessarily reported.
        o.holdWhen(a -> false);
        JsonPath first = o.step();
        Map<String, Map<String, Object>> resumed = new HashMap<>();
        first.<Map<String, Object>>getList("inFlight").forEach(a -> resumed.put((String) a.get("id"), a));
        for (Map<String, Object> a : inFlight) {
            String mid = (String) a.get("id");
            assertThat(resumed).as("migration %s is still in flight after the restart", mid).containsKey(mid);
            Map<String, Object> again = resumed.get(mid);
            for (String field : List.of("vm", "from", "to", "parents", "types", "batch", "wave", "reservations")) {
                assertThat(again.get(field)).as("%s of migration %s", field, mid).isEqualTo(a.get(field));
            }
        }
        assertThat(first.getList("start.id", String.class)).as("nothing in flight is issued again")
                .doesNotContainAnyElementsOf(o.held.keySet());
        o.held.keySet().forEach(o::reportDone);

        assertThat(o.runToEnd(Duration.ofMinutes(3))).as(o.history()).isEqualTo("COMPLETED");
        LOG.infof("campaign %s completed: %d migrations, %d hosts upgraded; history:%s", id, o.performed.size(),
                o.upgraded.size(), o.history());

        // None lost: every migration the orchestrator performed is DONE, and nothing else was done.
        JsonPath view = view(id);
        Map<String, String> stateById = new HashMap<>();
        List<String> ids = view.getList("batches.migrations.flatten().id", String.class);
        List<String> states = view.getList("batches.migrations.flatten().state", String.class);
        for (int i = 0; i < ids.size(); i++) {
            stateById.put(ids.get(i), states.get(i));
        }
        for (Performed p : o.performed) {
            assertThat(stateById.get(p.id())).as("migration %s of VM %s", p.id(), p.vm()).isEqualTo("DONE");
        }
        assertThat(o.performed).extracting(Performed::id).containsExactlyInAnyOrderElementsOf(o.issued);
        assertThat(view.getInt("progress.migrationsDone")).isEqualTo(o.performed.size());
        assertThat(view.getInt("progress.migrationsFailed")).isZero();
        assertThat(view.getInt("progress.inFlight")).isZero();
        // None twice: the plan moves each VM once, and so did the orchestrator.
        assertThat(o.movesPerVm().values()).containsOnly(1);
        assertThat(fleet.listHosts()).extracting(HostStatus::release).containsOnly(to);
        assertThat(fleetVms()).isEqualTo(vmsBefore);
        await("the scheduler sees every VM once").atMost(WAIT).pollInterval(POLL).until(() -> given().get("/api/v1/vms")
                .then().statusCode(200).extract().jsonPath().getList("name").size() == vmsBefore);
        assertThat(count("slot_reservation where not released")).as("slots still claimed").isZero();
        assertThat(count("campaign_migration where state = 'ISSUED'")).as("migrations still in flight").isZero();
        return o;
    }

    private int fleetVms() {
        return fleet.listHosts().stream().mapToInt(HostStatus::vms).sum();
    }

    private static JsonPath view(String id) {
        return given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
    }

    /** Rows of the scheduler's database, read directly: what it persisted, not what it says. */
    private long count(String from) {
        try (Connection c = DriverManager.getConnection(datasource.get("quarkus.datasource.jdbc.url"),
                datasource.get("quarkus.datasource.username"), datasource.get("quarkus.datasource.password"));
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select count(*) from " + from)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
