package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.testsupport.MigplanCli.migplan;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.HostStatus;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.MigplanCli.Run;
import io.migplan.scheduler.testsupport.SimulatedFleet;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling upgrade of a simulated 40-host fleet carried out by the {@code migplan} command line,
 * in-process, as an operator would: {@code migplan campaign create} with an operator's token, then
 * {@code migplan campaign run --executor simulator} with an orchestrator's token against the
 * simulator's control port, while {@code migplan campaign watch} follows the campaign's events beside
 * it. Checked against what the fleet did: every host at the new release, every VM still running
 * somewhere, none moved twice; the run followed the events (it says how often it asked for work,
 * the figure of docs/benchmarks.md); the watch printed every event of the history once, in order.
 *
 * <p>{@code -Dbench.campaign.poll=true} runs the campaign with {@code --poll} instead, for the
 * figure to compare with.
 */
@QuarkusTest
class CommandLineCampaignTest {

    static final String FROM = CampaignEndToEndTest.FROM;
    static final String TO = CampaignEndToEndTest.TO;
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofMillis(100);
    /** Run with {@code --poll}: the figure before the run followed events. */
    static final boolean POLLING = Boolean.getBoolean("bench.campaign.poll");

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
    void migplanCreatesAndRunsACampaignToCompletionOnASimulatedFleet() throws Exception {
        fleet = SimulatedFleet.start(ds, CampaignEndToEndTest.spec(18, 2), dir);
        assertThat(fleet.listHosts()).hasSize(40);
        int control = fleet.startControlServer("127.0.0.1", 0);
        Map<String, String> hostOfVmBefore = hostOfVm();
        assertThat(hostOfVmBefore).isNotEmpty();

        Run created = migplan(TestTokens.of(Roles.OPERATOR), "-o", "json", "campaign", "create", "--from", FROM,
                "--to", TO, "--max-hosts-in-maintenance", "25%", "--max-parallel", "16", "--max-outbound-per-host", "4",
                "--max-inbound-per-host", "4", "--wait");
        assertThat(created.exit()).as(created.err()).isZero();
        JsonNode campaign = new ObjectMapper().readTree(created.out());
        String id = campaign.path("id").asText();
        assertThat(campaign.path("state").asText()).as(created.out()).isEqualTo("RUNNING");

        CompletableFuture<Run> watch = CompletableFuture.supplyAsync(() -> migplan(TestTokens.of(Roles.VIEWER),
                "-o", "json", "campaign", "watch", id));
        List<String> args = new ArrayList<>(List.of("campaign", "run", id, "--executor", "simulator",
                "--simulator", "127.0.0.1:" + control, "--parallel", "16", "--name", "cli-test"));
        if (POLLING) {
            args.add("--poll");
        }
        Run run = migplan(TestTokens.of(Roles.ORCHESTRATOR), args.toArray(String[]::new));

        assertThat(run.exit()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).contains("campaign " + id + " COMPLETED", "hosts upgraded: 40/40")
                .containsPattern("VMs moved by this run: \\d+ VMs once\n")
                .contains(POLLING ? "(polling)" : "(following the campaign's events)");
        Matcher asked = Pattern.compile("after (\\S+)\n[\\s\\S]*asked for work (\\d+) times").matcher(run.out());
        assertThat(asked.find()).as(run.out()).isTrue();

        Run watched = watch.get(2, TimeUnit.MINUTES);
        assertThat(watched.exit()).as(watched.err()).isZero();
        List<JsonNode> events = new ArrayList<>();
        for (String line : watched.out().lines().toList()) {
            events.add(new ObjectMapper().readTree(line));
        }
        List<Map<String, Object>> history = given().get("/api/v1/campaigns/{id}", id).then().statusCode(200)
                .extract().jsonPath().getList("history");
        assertThat(events).as("every event of the history once, in order").hasSize(history.size());
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).path("position").asLong()).isEqualTo(i + 1);
            assertThat(events.get(i).path("kind").asText()).isEqualTo(history.get(i).get("kind"));
        }
        assertThat(events.get(events.size() - 1).path("state").asText()).isEqualTo("COMPLETED");
        JsonPath view = given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().jsonPath();
        assertThat(view.getString("state")).isEqualTo("COMPLETED");
        System.out.printf("campaign run of 40 hosts (%s): %s next calls in %s for %d migrations%n",
                POLLING ? "polling" : "events", asked.group(2), asked.group(1), view.getInt("progress.migrationsDone"));
        assertThat(view.getInt("progress.migrationsFailed")).isZero();
        assertThat(fleet.listHosts()).extracting(HostStatus::release).containsOnly(TO);
        // Every VM still runs, on exactly one host; none moved twice (the campaign's own count and the fleet's).
        assertThat(fleet.listHosts().stream().mapToInt(HostStatus::vms).sum()).isEqualTo(hostOfVmBefore.size());
        hostOfVmBefore.keySet().forEach(vm -> assertThat(fleet.hostOf(vm)).as("VM " + vm + " runs").isPresent());
        assertThat(view.getInt("metrics.movedTwice")).isZero();
        Map<String, Integer> movesPerVm = new HashMap<>();
        for (Map<String, Object> m : view.<Map<String, Object>>getList("batches.migrations.flatten()")) {
            if ("DONE".equals(m.get("state"))) {
                movesPerVm.merge((String) m.get("vmUuid"), 1, Integer::sum);
            }
        }
        assertThat(movesPerVm).isNotEmpty();
        assertThat(movesPerVm.values()).as("migrations per VM").containsOnly(1);
        assertThat(view.getInt("progress.migrationsDone")).isEqualTo(movesPerVm.size());
        await("the scheduler sees every VM once").atMost(WAIT).pollInterval(POLL)
                .until(() -> hostOfVm().size() == hostOfVmBefore.size());

        // The way back once every host is upgraded: migplan shows the scheduler's figures.
        Run back = migplan(TestTokens.of(Roles.OPERATOR), "campaign", "rollback", id, "--probe");
        assertThat(back.exit()).as(back.err()).isZero();
        JsonPath rollback = given().get("/api/v1/campaigns/{id}/rollback", id).then().statusCode(200).extract().jsonPath();
        assertThat(rollback.getInt("total.vms")).isPositive();
        assertThat(back.out()).contains("campaign " + id + " COMPLETED: back from " + TO + " to " + FROM + ", "
                + rollback.getInt("oldHosts") + " hosts at the old release take VMs")
                .containsPattern("total\\s+" + rollback.getInt("total.vms") + "\\s+" + rollback.getInt("total.possible")
                        + "\\s+" + rollback.getInt("total.cannot") + "\\s+" + rollback.getInt("total.incompatible")
                        + "\\s+" + rollback.getInt("total.noRoom") + "\\s+" + rollback.getInt("total.unknown") + "\n");
    }

    @Test
    void runningAnUnknownCampaignIsRefusedBeforeAnyExecutorStarts() {
        Run run = migplan(TestTokens.of(Roles.ORCHESTRATOR), "campaign", "run", "camp-none", "--executor", "teleport");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("NOT_FOUND");
    }

    /** Each VM's host as the scheduler has it, by VM name. */
    private static Map<String, String> hostOfVm() {
        JsonPath vms = given().get("/api/v1/vms").then().statusCode(200).extract().jsonPath();
        Map<String, String> out = new HashMap<>();
        List<String> names = vms.getList("name", String.class);
        List<String> hostList = vms.getList("host", String.class);
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), hostList.get(i));
        }
        return out;
    }
}
