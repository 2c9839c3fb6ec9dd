package io.migplan.scheduler.campaign;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.HostStatus;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.agent.sim.FleetSpec.HostGroup;
import io.migplan.agent.sim.FleetSpec.VmShape;
import io.migplan.scheduler.inventory.HeartbeatSweeper;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.Orchestrator;
import io.migplan.scheduler.testsupport.SimulatedFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling upgrade of a simulated fleet of 40 hosts, end to end: real host agents report to the
 * scheduler over gRPC and answer its probes; a test orchestrator asks {@code next}, performs each
 * migration and upgrade on the simulated fleet (which refuses a migration into a full GPU) and
 * reports it. Checked against what the fleet did, not what the scheduler says.
 */
@QuarkusTest
class CampaignEndToEndTest {

    static final String FROM = FleetSpec.DEFAULT_RELEASE;
    static final String TO = "2025.2";
    /** For what reports make true a moment later. */
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofMillis(100);

    @Inject
    AgroalDataSource ds;
    @Inject
    HeartbeatSweeper sweeper;

    @TempDir
    Path dir;

    RunningFleet fleet;

    /**
     * Two boards, mixed vGPU types, half-full GPUs, and empty spare hosts on each board:
     * {@code perBoard} T4 and V100 hosts each, plus {@code spares} of each.
     */
    static FleetSpec spec(int perBoard, int spares) {
        List<VmShape> t4 = List.of(new VmShape("nvidia-222", 1, 4, 8192), new VmShape("nvidia-230", 1, 4, 8192),
                new VmShape("nvidia-231", 1, 8, 16384));
        List<VmShape> v100 = List.of(new VmShape("nvidia-105", 1, 4, 8192), new VmShape("nvidia-106", 1, 8, 16384));
        String driver = FleetSpec.DEFAULT_DRIVER_VERSION;
        return new FleetSpec(7L, List.of(
                new HostGroup("t4", "T4", perBoard, 2, FROM, driver, 64, 512 * 1024, 0.5, t4),
                new HostGroup("t4-spare", "T4", spares, 2, FROM, driver, 64, 512 * 1024, 0.0, t4),
                new HostGroup("v100", "V100", perBoard, 2, FROM, driver, 128, 768 * 1024, 0.5, v100),
                new HostGroup("v100-spare", "V100", spares, 2, FROM, driver, 128, 768 * 1024, 0.0, v100)),
                FleetSpec.DEFAULT_FAILURE_DOMAINS, 0);
    }

    @BeforeEach
    void clear() {
        Inventory.clear(ds);
    }

    /** 18 T4 and 18 V100 hosts and 2 spares of each: the fleet of at least 40 hosts. */
    void startFleet(int perBoard, int spares) throws Exception {
        fleet = SimulatedFleet.start(ds, spec(perBoard, spares), dir);
    }

    @AfterEach
    void stopFleet() {
        SimulatedFleet.stop(ds, fleet);
    }

    @Test
    void upgradesEveryHostMovingEachVmOnceForwardWithoutDoubleBooking() throws Exception {
        startFleet(18, 2);
        int vmsBefore = vmCount();
        JsonPath created = create("10%");
        String id = created.getString("id");
        double planned = created.getDouble("metrics.migrationsPerVm");
        assertThat(created.getList("unmovable")).isEmpty();
        assertThat(created.getList("batches.canary")).contains(true);
        assertThat(planned).as("each VM moves once when every board has a spare").isEqualTo(1.0);

        Orchestrator o = new Orchestrator(fleet, id, TO);
        assertThat(o.runToEnd(Duration.ofMinutes(10))).isEqualTo("COMPLETED");

        assertThat(fleet.listHosts()).extracting(HostStatus::release).containsOnly(TO);
        assertThat(fleet.listHosts().stream().mapToInt(HostStatus::vms).sum()).isEqualTo(vmsBefore);
        await("the scheduler sees every VM once").atMost(WAIT).pollInterval(POLL).until(() -> vmCount() == vmsBefore);
        assertThat(o.backward()).isEmpty();
        assertThat(o.movesPerVm().values()).containsOnly(1);
        JsonPath view = view(id);
        assertThat(view.getDouble("progress.migrationsPerVm")).isEqualTo(planned);
        assertThat(view.getInt("progress.migrationsDone")).isEqualTo(o.performed.size());
        assertThat(view.getInt("progress.migrationsFailed")).isZero();
        // Each migration had its own slots; every claim was given back once its VM was seen.
        Set<Long> slots = new HashSet<>();
        o.performed.forEach(p -> assertThat(p.reservations()).isNotEmpty().allMatch(slots::add));
        assertThat(Inventory.count(ds, "slot_reservation where not released")).isZero();
        // Every host the campaign took out of placement is back in it.
        await("every host back in placement").atMost(WAIT).pollInterval(POLL).until(() -> given().get("/api/v1/hosts")
                .then().extract().jsonPath().getList("adminState", String.class).stream().allMatch("ACTIVE"::equals));
        assertThat(view.getList("history.kind", String.class)).as(o.history())
                .contains("PLANNED", "HOST_DONE", "COMPLETED")
                .doesNotContain("REPLANNED");
    }

    @Test
    void aFailedMigrationAndAHostGoingDownAreReplannedAndTheCampaignCompletes() throws Exception {
        startFleet(7, 1);
        int vmsBefore = vmCount();
        String id = create("25%").getString("id");
        // A host of a late batch, not a canary: it goes down once the second batch is under way.
        JsonPath plan = view(id);
        List<String> lastBatch = plan.getList("batches[-1].hosts", String.class);
        String victim = lastBatch.get(0);
        boolean[] failed = {false};
        boolean[] recovered = {false};
        Orchestrator o = new Orchestrator(fleet, id, TO)
                .failOnce(a -> ((Number) a.get("batch")).intValue() >= 2);
        o.afterEachStep(() -> {
            int done = view(id).getInt("progress.hostsDone");
            if (!failed[0] && !o.failedOnPurpose.isEmpty()) {
                failed[0] = true;
                fleet.failHost(victim);
                // Its heartbeats stop; time passes for it alone, and the sweeper finds it down.
                Inventory.update(ds, "update host set last_heartbeat_at = now() - interval '1 hour' where id = '"
                        + victim + "'");
                sweeper.sweep(Instant.now());
            } else if (failed[0] && !recovered[0] && done >= 8) {
                recovered[0] = true;
                fleet.recoverHost(victim);
                fleet.host(victim).agent().reportNow();
            }
        });
        assertThat(o.runToEnd(Duration.ofMinutes(10))).isEqualTo("COMPLETED");

        assertThat(o.failedOnPurpose).hasSize(1);
        assertThat(recovered[0]).as("the victim came back while the campaign ran").isTrue();
        List<String> history = view(id).getList("history.message", String.class);
        assertThat(view(id).getList("history.kind", String.class)).contains("MIGRATION_FAILED", "REPLANNED");
        assertThat(history).anySatisfy(m -> assertThat(m).contains("failed: test: the hypervisor refused"));
        assertThat(history).anySatisfy(m -> assertThat(m).contains("host " + victim + " is not up"));
        assertThat(fleet.listHosts()).extracting(HostStatus::release).containsOnly(TO);
        assertThat(fleet.listHosts().stream().mapToInt(HostStatus::vms).sum()).isEqualTo(vmsBefore);
        assertThat(o.backward()).isEmpty();
        assertThat(Inventory.count(ds, "slot_reservation where not released")).isZero();
    }

    private static JsonPath create(String maxHostsInMaintenance) {
        return Campaigns.create(Map.of("fromRelease", FROM, "toRelease", TO, "policy", Map.of("maxHostsInMaintenance",
                maxHostsInMaintenance, "maxParallel", 16, "maxOutboundPerHost", 4, "maxInboundPerHost", 4),
                "dryRun", false));
    }

    private static JsonPath view(String id) {
        return given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
    }

    private static int vmCount() {
        return given().get("/api/v1/vms").then().statusCode(200).extract().jsonPath().getList("name").size();
    }
}
