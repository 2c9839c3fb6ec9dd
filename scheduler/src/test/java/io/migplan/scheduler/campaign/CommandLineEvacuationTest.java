package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.testsupport.MigplanCli.migplan;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.HostStatus;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.MigplanCli.Run;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hosts of the six-host simulated fleet drained by the {@code migplan} command line,
 * in-process, as an operator would: {@code migplan host drain host-01 host-02 --executor simulator}
 * creates the evacuation and drives it to its end. Checked against what the fleet did: both hosts
 * empty and in MAINTENANCE, every VM still running, each moved once, nothing upgraded.
 */
@QuarkusTest
class CommandLineEvacuationTest {

    @Inject
    AgroalDataSource ds;

    @TempDir
    Path dir;

    RunningFleet fleet;

    @AfterEach
    void stopFleet() {
        SixHostFleet.stop(ds, fleet);
    }

    @Test
    void migplanHostDrainEmptiesTwoHostsAndLeavesThemInMaintenance() throws Exception {
        fleet = SixHostFleet.start(ds, dir);
        int control = fleet.startControlServer("127.0.0.1", 0);
        int vms = fleet.listHosts().stream().mapToInt(HostStatus::vms).sum();
        int onScope = fleet.status("host-01").vms() + fleet.status("host-02").vms();
        assertThat(onScope).isPositive();

        // Creating needs an operator, driving an orchestrator: one token made for both roles does it all.
        Run run = migplan(TestTokens.of(Roles.OPERATOR + "," + Roles.ORCHESTRATOR), "host",
                "drain", "host-01", "host-02",
                "--reason", "BIOS update", "--executor", "simulator", "--simulator", "127.0.0.1:" + control,
                "--name", "drain-test");

        assertThat(run.exit()).as(run.err() + run.out()).isZero();
        Matcher m = Pattern.compile("evacuation (evacuation-[0-9a-f]{8}) COMPLETED").matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        String id = m.group(1);
        assertThat(run.out()).contains("hosts emptied and in maintenance: 2/2", "VMs moved by this run: " + onScope
                + (onScope == 1 ? " VM once" : " VMs once"));
        for (String h : List.of("host-01", "host-02")) {
            assertThat(fleet.status(h).vms()).as(h).isZero();
            given().get("/api/v1/hosts/{h}", h).then().statusCode(200).body("adminState", equalTo("MAINTENANCE"))
                    .body("adminReason", containsString("evacuation " + id))
                    .body("adminReason", containsString("BIOS update"));
        }
        assertThat(fleet.listHosts().stream().mapToInt(HostStatus::vms).sum()).isEqualTo(vms);
        assertThat(fleet.listHosts()).extracting(HostStatus::release).containsOnly(FleetSpec.DEFAULT_RELEASE);
        JsonPath view = given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
        assertThat(view.getString("kind")).isEqualTo("EVACUATION");
        assertThat(view.getInt("progress.migrationsDone")).isEqualTo(onScope);
        assertThat(Inventory.count(ds, "slot_reservation where not released")).isZero();

        Run listed = migplan(TestTokens.of(Roles.VIEWER), "evacuation", "list");
        assertThat(listed.out()).contains(id, "COMPLETED", "1 evacuation");
        Run shown = migplan(TestTokens.of(Roles.VIEWER), "evacuation", "get", id);
        assertThat(shown.out()).startsWith("evacuation " + id + " COMPLETED: to maintenance (BIOS update)");
    }

    @Test
    void drainingAnUnknownHostIsRefusedAndStoresNothing() {
        Run run = migplan(TestTokens.admin(), "host", "drain", "no-such-host",
                "--executor", "simulator");
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("'no-such-host', which is not a known host");
        assertThat(Inventory.count(ds, "campaign")).isZero();
    }
}
