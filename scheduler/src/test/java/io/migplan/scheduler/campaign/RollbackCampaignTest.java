package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.testsupport.MigplanCli.migplan;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.HostStatus;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.agent.sim.FleetSpec.HostGroup;
import io.migplan.agent.sim.FleetSpec.VmShape;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.MigplanCli.Run;
import io.migplan.scheduler.testsupport.Orchestrator;
import io.migplan.scheduler.testsupport.SimulatedFleet;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollback campaigns on simulated fleets over real gRPC: a campaign from the new release back to
 * the old one is asked for explicitly, plans only on backward verdicts the old hosts' agents
 * answered (asking the cells nobody answered first), blocks the hosts whose VMs cannot go back
 * with a reason per VM, places what the forward campaign's rollback view counted possible, and
 * is carried out to the end by {@code migplan campaign run --executor simulator}.
 *
 * <p>The simulator's agents answer with the vendor rule (same type, board and driver version, any
 * release), so a host at the old release with the same driver accepts a VM back and one with
 * another driver refuses it: that is how the fleets here say which backward pairs are compatible.
 */
@QuarkusTest
class RollbackCampaignTest {

    static final String OLD = FleetSpec.DEFAULT_RELEASE;
    static final String NEW = "2025.2";
    /** A driver of another branch: its agents' signatures differ, so they refuse every VM of the fleet. */
    static final String OTHER_DRIVER = "535.54.03";
    static final String DRIVER = FleetSpec.DEFAULT_DRIVER_VERSION;
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofMillis(100);
    static final List<VmShape> T4 = List.of(new VmShape("nvidia-231", 1, 4, 8192));
    static final List<VmShape> V100 = List.of(new VmShape("nvidia-105", 1, 4, 8192));

    @Inject
    AgroalDataSource ds;

    @TempDir
    Path dir;

    RunningFleet fleet;

    @AfterEach
    void stopFleet() {
        SimulatedFleet.stop(ds, fleet);
    }

    @Test
    void aRollbackIsAskedForExplicitlyAndEachRefusalChangesNothing() throws Exception {
        start(new FleetSpec(3L, List.of(group("t4-new", "T4", 2, NEW, DRIVER, 0.25, T4),
                group("t4-old", "T4", 1, OLD, DRIVER, 0.0, T4)), FleetSpec.DEFAULT_FAILURE_DOMAINS, 0));
        long campaigns = Inventory.count(ds, "campaign");
        long events = Inventory.count(ds, "campaign_event");

        rejected(Map.of("fromRelease", NEW, "toRelease", OLD),
                "toRelease " + OLD + " is older than fromRelease " + NEW + ": a rollback campaign needs \"rollback\": true");
        rejected(Map.of("fromRelease", NEW, "toRelease", OLD, "rollback", false), "a rollback campaign needs");
        rejected(Map.of("fromRelease", OLD, "toRelease", NEW, "rollback", true),
                "toRelease " + NEW + " is newer than fromRelease " + OLD + ": \"rollback\": true asks for a campaign"
                        + " back to an older release");
        rejected(Map.of("fromRelease", NEW, "toRelease", NEW, "rollback", true), "toRelease must be newer");
        assertThat(Inventory.count(ds, "campaign")).as("no refusal stores a campaign").isEqualTo(campaigns);
        assertThat(Inventory.count(ds, "campaign_event")).isEqualTo(events);

        // The command line says the same, and refuses before anything is stored.
        Run cli = migplan(TestTokens.of(Roles.OPERATOR), "campaign", "create", "--from", NEW,
                "--to", OLD, "--dry-run");
        assertThat(cli.exit()).isNotZero();
        assertThat(cli.err()).contains("a rollback campaign needs");
        assertThat(Inventory.count(ds, "campaign")).isEqualTo(campaigns);
    }

    /**
     * After a forward campaign moved T4 and V100 VMs to the new release, the old release keeps one
     * T4 host with the same driver (whose verdicts are deleted: never asked), one T4 and the only
     * V100 host with another driver (they refuse once asked). The rollback's plan asks the unasked
     * cells first, sends every T4 VM to the one host that answered COMPATIBLE, blocks the V100 host with
     * INCOMPATIBLE for each VM, and places exactly what the forward campaign's view counts possible.
     */
    @Test
    void aRollbackPlansOnlyOnAnsweredCompatibleVerdictsAsksTheUnaskedFirstAndMatchesTheView() throws Exception {
        start(new FleetSpec(5L, List.of(
                group("t4", "T4", 2, OLD, DRIVER, 0.25, T4),
                group("t4-new", "T4", 2, NEW, DRIVER, 0.0, T4),
                group("t4-old", "T4", 1, OLD, DRIVER, 0.0, T4),
                group("t4-odd", "T4", 1, OLD, OTHER_DRIVER, 0.0, T4),
                group("v100", "V100", 1, OLD, DRIVER, 0.25, V100),
                group("v100-new", "V100", 1, NEW, DRIVER, 0.0, V100),
                group("v100-odd", "V100", 1, OLD, OTHER_DRIVER, 0.0, V100)), FleetSpec.DEFAULT_FAILURE_DOMAINS, 0));
        List<String> scope = fleet.listHosts().stream().filter(h -> h.vms() > 0).map(HostStatus::host).sorted().toList();
        String t4Old = only(h -> h.board().equals("T4") && h.release().equals(OLD) && h.vms() == 0
                && h.driverVersion().equals(DRIVER));
        String v100Odd = only(h -> h.board().equals("V100") && h.driverVersion().equals(OTHER_DRIVER));

        // Forward: the hosts with VMs to the new release, their VMs onto the hosts already there.
        String forward = Campaigns.create(Map.of("fromRelease", OLD, "toRelease", NEW, "hosts", scope))
                .getString("id");
        assertThat(new Orchestrator(fleet, forward, NEW).runToEnd(Duration.ofMinutes(3))).isEqualTo("COMPLETED");
        Map<String, String> hostOf = awaitVmsAtNewRelease();
        Set<String> t4Vms = new HashSet<>();
        Set<String> v100Vms = new HashSet<>();
        hostOf.forEach((uuid, host) -> (fleet.status(host).board().equals("T4") ? t4Vms : v100Vms).add(uuid));
        assertThat(t4Vms).isNotEmpty();
        assertThat(v100Vms).isNotEmpty();

        // Nothing asked of the T4 old host yet: the view cannot count its VMs possible.
        Inventory.update(ds, "delete from compatibility_verdict where target_host = '" + t4Old + "'");
        JsonPath before = rollbackView(forward);
        assertThat(before.getInt("total.possible")).as("unasked is never possible").isZero();
        assertThat(before.getInt("total.unknown")).as("the T4 VMs, and the V100 ones unless asked already")
                .isGreaterThanOrEqualTo(t4Vms.size());
        assertThat(before.getInt("total.unknown") + before.getInt("total.incompatible")).isEqualTo(hostOf.size());

        JsonPath back = Campaigns.create(Map.of("fromRelease", NEW, "toRelease", OLD, "rollback", true, "dryRun", true));
        assertThat(back.getString("state")).as(back.prettify()).isEqualTo("DRY_RUN");
        assertThat(back.getString("kind")).isEqualTo("ROLLBACK");
        List<Map<String, Object>> moves = back.getList("batches.migrations.flatten()");
        Set<String> moved = new HashSet<>();
        for (Map<String, Object> m : moves) {
            moved.add((String) m.get("vmUuid"));
            assertThat(m.get("to")).as("only the host whose agent answered COMPATIBLE takes VMs back").isEqualTo(t4Old);
            assertThat(m.get("basis")).isEqualTo("PROBED");
        }
        assertThat(moved).as("every T4 VM goes back, no V100 VM does").isEqualTo(t4Vms);
        assertThat(Inventory.count(ds, "compatibility_verdict where target_host = '" + t4Old + "'"))
                .as("the plan asked the T4 old host's agent first").isPositive();
        Set<String> v100Hosts = new HashSet<>();
        v100Vms.forEach(uuid -> v100Hosts.add(hostOf.get(uuid)));
        List<String> blocked = back.getList("blocked.host", String.class);
        assertThat(blocked).containsExactlyInAnyOrderElementsOf(v100Hosts);
        String why = back.getString("blocked[0].reasons[0].message");
        assertThat(why).contains("INCOMPATIBLE: VM ", v100Odd, "refuses nvidia-105 state");
        assertThat(why.split("INCOMPATIBLE: VM ", -1)).as("one reason per VM of the host").hasSize(v100Vms.size() + 1);

        // The replay: what the forward campaign's view now counts possible is what the rollback places.
        JsonPath after = rollbackView(forward);
        assertThat(after.getInt("total.possible")).isEqualTo(moves.size());
        assertThat(after.getInt("total.incompatible")).isEqualTo(v100Vms.size());
        assertThat(after.getInt("total.unknown")).isZero();
    }

    /**
     * Three hosts at the new release, two empty ones at the old release: {@code migplan campaign
     * create --rollback} and {@code migplan campaign run --executor simulator} bring every host back
     * to the old release; the simulator refuses to downgrade a host that still runs a VM, so a run
     * that ends with no failure and every VM running downgraded none with a VM on it.
     */
    @Test
    void migplanRollsASmallFleetBackToTheOldReleaseWithTheSimulator() throws Exception {
        start(new FleetSpec(9L, List.of(group("t4-new", "T4", 3, NEW, DRIVER, 0.25, T4),
                group("t4-old", "T4", 2, OLD, DRIVER, 0.0, T4)), FleetSpec.DEFAULT_FAILURE_DOMAINS, 0));
        int control = fleet.startControlServer("127.0.0.1", 0);
        List<String> before = given().get("/api/v1/vms").then().statusCode(200).extract().jsonPath()
                .getList("name", String.class);
        assertThat(before).isNotEmpty();

        Run created = migplan(TestTokens.of(Roles.OPERATOR), "campaign", "create", "--from",
                NEW, "--to", OLD, "--rollback", "--wait");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains(NEW + " -> " + OLD + " (rollback)");
        String id = created.out().split(" ", 3)[1];
        Run run = migplan(TestTokens.of(Roles.ORCHESTRATOR), "campaign", "run", id,
                "--executor", "simulator", "--simulator", "127.0.0.1:" + control, "--name", "rollback-test");

        assertThat(run.exit()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("campaign " + id + " COMPLETED", "hosts rolled back: 3/3");
        JsonPath view = given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
        assertThat(view.getInt("progress.migrationsFailed")).isZero();
        assertThat(view.getInt("progress.migrationsDone")).isEqualTo(before.size());
        assertThat(fleet.listHosts()).extracting(HostStatus::release).containsOnly(OLD);
        before.forEach(vm -> assertThat(fleet.hostOf(vm)).as("VM " + vm + " runs").isPresent());
        assertThat(view.getList("history.kind", String.class)).doesNotContain("MIGRATION_FAILED", "HOST_TAKEN_BACK");
    }

    /**
     * One old host with room for one new host's VMs: the first plan empties one host and blocks the
     * others (NO_ROOM); once that host is back at the old release and its agent answered, the rest
     * is planned again onto it too, and the run goes on to the end.
     */
    @Test
    void aRollbackWithRoomForOneHostAtATimeGoesOnOntoTheHostsItRolledBack() throws Exception {
        start(new FleetSpec(4L, List.of(group("t4-new", "T4", 3, NEW, DRIVER, 0.5, T4),
                new HostGroup("t4-old", "T4", 1, 1, OLD, DRIVER, 64, 512 * 1024, 0.0, T4)),
                FleetSpec.DEFAULT_FAILURE_DOMAINS, 0));
        int control = fleet.startControlServer("127.0.0.1", 0);
        int vms = given().get("/api/v1/vms").then().statusCode(200).extract().jsonPath().getList("name").size();

        String id = Campaigns.create(Map.of("fromRelease", NEW, "toRelease", OLD, "rollback", true))
                .getString("id");
        JsonPath first = given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("blocked.host")).as(first.prettify()).hasSize(2);
        assertThat(first.getString("blocked[0].reasons[0].message")).startsWith("NO_ROOM: VM ");

        Run run = migplan(TestTokens.of(Roles.ORCHESTRATOR), "campaign", "run", id,
                "--executor", "simulator", "--simulator", "127.0.0.1:" + control, "--name", "rollback-test");
        assertThat(run.exit()).as(run.err() + run.out()).isZero();
        JsonPath view = given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
        assertThat(view.getString("state")).isEqualTo("COMPLETED");
        assertThat(view.getList("history.kind", String.class)).contains("REPLANNED");
        assertThat(view.getList("history.message", String.class)).anyMatch(m -> m.contains("is back at " + OLD
                + " and answered its probes"));
        assertThat(fleet.listHosts()).extracting(HostStatus::release).containsOnly(OLD);
        assertThat(view.getInt("progress.migrationsDone")).isEqualTo(vms);
        assertThat(view.getInt("progress.migrationsFailed")).isZero();
    }

    private void start(FleetSpec spec) throws Exception {
        fleet = SimulatedFleet.start(ds, spec, dir);
    }

    private static HostGroup group(String name, String board, int hosts, String release, String driver, double fill,
            List<VmShape> mix) {
        return new HostGroup(name, board, hosts, 2, release, driver, 64, 512 * 1024, fill, mix);
    }

    private String only(java.util.function.Predicate<HostStatus> which) {
        List<String> out = fleet.listHosts().stream().filter(which).map(HostStatus::host).toList();
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    /** Each VM's host once the scheduler sees every VM on a host at the new release, by UUID. */
    private Map<String, String> awaitVmsAtNewRelease() {
        return await("the scheduler sees every VM at the new release").atMost(WAIT).pollInterval(POLL).until(() -> {
            JsonPath vms = given().get("/api/v1/vms").then().statusCode(200).extract().jsonPath();
            Map<String, String> out = new HashMap<>();
            List<String> uuids = vms.getList("uuid", String.class);
            List<String> hosts = vms.getList("host", String.class);
            for (int i = 0; i < uuids.size(); i++) {
                out.put(uuids.get(i), hosts.get(i));
            }
            return out;
        }, m -> !m.isEmpty() && m.values().stream().allMatch(h -> fleet.status(h).release().equals(NEW)));
    }

    private static JsonPath rollbackView(String campaign) {
        return given().get("/api/v1/campaigns/{id}/rollback", campaign).then().statusCode(200).extract().jsonPath();
    }

    private static void rejected(Map<String, Object> body, String message) {
        given().contentType(ContentType.JSON).body(body).post("/api/v1/campaigns").then().statusCode(400)
                .body("code", equalTo("INVALID_ARGUMENT")).body("message", containsString(message));
    }
}
