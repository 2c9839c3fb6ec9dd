package io.migplan.scheduler;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSimulator.SimulatedHost;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.scheduler.testsupport.Inventory;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.stream.Stream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole data path with nothing stood in: real host agents (the simulator's, each on its
 * own sysfs-shaped tree and loopback port) report over gRPC to the test scheduler, which
 * stores the snapshots in PostgreSQL, serves them over REST and asks the same agents'
 * probes when a VM's targets are requested.
 */
@QuarkusTest
class AgentRoundTripTest {

    /** Six hosts: the simulator alternates boards in pairs (T4, T4, V100, V100, T4, T4). */
    private static final int HOSTS = 6;
    /** Any seed works; one is fixed so a failure can be replayed. */
    private static final long SEED = 20190423L;

    @Inject
    AgroalDataSource ds;

    @TempDir
    Path dir;

    RunningFleet fleet;

    @BeforeEach
    void startFleet() throws Exception {
        Inventory.clear(ds);
        fleet = FleetSimulator.start(FleetSpec.of(HOSTS, SEED), dir, "127.0.0.1:" + RestAssured.port);
        // Agents report on their own threads; a bound so a hang fails the test.
        await("every simulated host reported").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> hostIds().size() == HOSTS);
    }

    @AfterEach
    void stopFleet() {
        if (fleet != null) {
            fleet.close();
        }
    }

    @Test
    void inventoryReportedByAgentsIsServedOverRest() {
        SimulatedHost first = fleet.hosts().get(0);
        JsonPath host = given().get("/api/v1/hosts/{id}", first.hostId()).then().statusCode(200).extract().jsonPath();

        assertThat(host.getString("state")).isEqualTo("UP");
        assertThat(host.getString("agentEndpoint")).isEqualTo(first.endpoint());
        // No libvirtUri in the simulated hosts' configs: the default, built from the host id.
        assertThat(host.getString("libvirtUri")).isEqualTo("qemu+tls://" + first.hostId() + "/system");
        assertThat(Inventory.count(ds, "host where libvirt_uri = 'qemu+tls://" + first.hostId() + "/system'"))
                .isEqualTo(1);
        assertThat(host.getLong("generation")).isPositive();
        assertThat(host.getList("parents.address", String.class)).isNotEmpty().allMatch(a -> a.startsWith("0000:"));
        assertThat(host.getList("parents.types.flatten().typeId", String.class)).allMatch(t -> t.startsWith("nvidia-"));
        assertThat(host.getList("parents.types.flatten().signature", String.class)).allMatch(s -> !s.isBlank());
        assertThat(host.getList("problems")).isEmpty();

        // Every VM of the fleet's domain XML is listed once, on the host whose tree holds it.
        List<String> vmHosts = given().get("/api/v1/vms").then().statusCode(200).extract().jsonPath()
                .getList("host", String.class);
        assertThat(vmHosts).isNotEmpty().allMatch(h -> hostIds().contains(h));
    }

    @Test
    void targetsCoverEveryOtherHostWithRealProbeVerdicts() throws Exception {
        String vm = firstVmOnT4Host();
        JsonPath targets = targets(vm);
        String source = targets.getString("sourceHost");

        List<String> answered = new ArrayList<>(targets.getList("candidates.host", String.class));
        answered.addAll(targets.getList("rejected.host", String.class));
        assertThat(answered).containsExactlyInAnyOrderElementsOf(
                hostIds().stream().filter(h -> !h.equals(source)).toList());

        // The V100 hosts have no T4 type at all.
        assertThat(reasonCodes(targets, "host-03")).contains("NO_DEVICE_TYPE");
        assertThat(reasonCodes(targets, "host-04")).contains("NO_DEVICE_TYPE");
        // Another T4 host with the same driver: the real agent's probe answers compatible.
        assertThat(targets.getList("candidates.host", String.class)).isNotEmpty()
                .allMatch(h -> List.of("host-01", "host-02", "host-05", "host-06").contains(h));

        // Upgrade one candidate's vendor driver on its tree: its signatures change, so its
        // agent now refuses the VM's state, and the scheduler says so with the agent's code.
        String upgraded = targets.getString("candidates[0].host");
        SimulatedHost target = fleet.host(upgraded);
        Files.writeString(target.root().resolve("sys/module/nvidia/version"), "570.124.06\n");
        target.agent().reportNow();

        JsonPath after = targets(vm);
        assertThat(after.getList("candidates.host", String.class)).doesNotContain(upgraded);
        List<Map<String, String>> reasons = after.getList("rejected.find { it.host == '" + upgraded + "' }.reasons");
        assertThat(reasons).singleElement().satisfies(r -> {
            assertThat(r.get("code")).isEqualTo("PROBE_INCOMPATIBLE");
            assertThat(r.get("message")).contains("SIGNATURE_MISMATCH").contains("570.124.06");
        });

        // Verdicts hold while what they depend on holds (compatibility.TargetFacts): a host that
        // reports a changed type attribute is asked again, and an agent that no longer answers
        // then gives UNKNOWN, never a candidate.
        String silent = after.getString("candidates[0].host");
        assertThat(silent).as("a second compatible T4 host in the seeded fleet").isNotNull();
        Path description;
        try (Stream<Path> files = Files.walk(fleet.host(silent).root().resolve("sys"))) {
            description = files.filter(f -> f.getFileName().toString().equals("description")
                    && f.getParent().getParent().getFileName().toString().equals("mdev_supported_types"))
                    .findFirst().orElseThrow();
        }
        Files.writeString(description, Files.readString(description).strip() + " (rev 2)\n");
        fleet.host(silent).agent().reportNow();
        fleet.host(silent).agent().close();
        JsonPath unknown = targets(vm);
        assertThat(unknown.getList("candidates.host", String.class)).doesNotContain(silent);
        assertThat(reasonCodes(unknown, silent)).containsExactly("PROBE_UNKNOWN");
    }

    @Test
    void aChangedReleaseFileReachesTheSchedulerWithoutAnyCallToTheAgent() throws Exception {
        SimulatedHost host = fleet.hosts().get(1);
        String before = given().get("/api/v1/hosts/{id}", host.hostId()).then().statusCode(200).extract()
                .path("release");
        assertThat(before).isEqualTo(FleetSpec.DEFAULT_RELEASE);

        // What a package upgrade does on a real host: the file the agent's releaseFile names changes.
        Files.writeString(host.root().resolve("etc/migplan-release"), "\n  2025.2  \n");

        // Reports come from the agent's own watch: the fleet's scans are 30 s apart.
        await("host " + host.hostId() + " shown at 2025.2").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/api/v1/hosts/{id}", host.hostId()).then().statusCode(200).extract()
                        .path("release"), "2025.2"::equals);
        assertThat(given().get("/api/v1/hosts/{id}", host.hostId()).then().extract().jsonPath().getList("problems"))
                .isEmpty();

        // A release file that cannot be read: the last release read is kept, with a problem saying so.
        Files.delete(host.root().resolve("etc/migplan-release"));
        await("a problem naming the release file").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> given().get("/api/v1/hosts/{id}", host.hostId()).then().extract().jsonPath()
                        .getList("problems.message", String.class), p -> !p.isEmpty());
        JsonPath after = given().get("/api/v1/hosts/{id}", host.hostId()).then().extract().jsonPath();
        assertThat(after.getString("release")).isEqualTo("2025.2");
        assertThat(after.getList("problems.message", String.class)).singleElement().asString()
                .contains("The release could not be read").contains("etc/migplan-release")
                .contains("still reporting 2025.2");
    }

    private static JsonPath targets(String vm) {
        return given().get("/api/v1/vms/{id}/targets", vm).then().statusCode(200).extract().jsonPath();
    }

    private static List<String> reasonCodes(JsonPath targets, String host) {
        return targets.getList("rejected.find { it.host == '" + host + "' }.reasons.code", String.class);
    }

    private static List<String> hostIds() {
        return given().get("/api/v1/hosts").then().statusCode(200).extract().jsonPath().getList("id", String.class);
    }

    private static String firstVmOnT4Host() {
        JsonPath vms = given().get("/api/v1/vms").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> all = vms.getList("$");
        return all.stream()
                .filter(v -> List.of("host-01", "host-02", "host-05", "host-06").contains(v.get("host")))
                .map(v -> (String) v.get("name"))
                .sorted()
                .findFirst()
                .orElseThrow(() -> new AssertionError("the seeded fleet has no VM on a T4 host: " + all));
    }
}
