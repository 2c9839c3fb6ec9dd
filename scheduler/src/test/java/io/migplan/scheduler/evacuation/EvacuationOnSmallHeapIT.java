package io.migplan.scheduler.evacuation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.migplan.scheduler.bench.Fleet;
import io.migplan.scheduler.bench.FleetGenerator;
import io.migplan.scheduler.bench.ReportedFleet;
import io.migplan.scheduler.db.TestDatabaseResource;
import io.migplan.scheduler.testsupport.SchedulerProcess;
import io.migplan.scheduler.testsupport.TestTokens;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged scheduler, run as a process of its own with a heap of {@value #HEAP}, holds the
 * evacuation benchmark's 1,000-host fleet (reported over gRPC, probes answered by {@link
 * ReportedFleet}) and plans the evacuation of 5% of its hosts through the API: the plan is READY,
 * every VM of those hosts moves once, to a host outside the evacuation with its vCPUs and memory
 * free. A plan that kept an object per rejected (VM, host) pair, or built every VM's eligible list
 * on its own, ran out of that heap; the shipped unit gives four times as much.
 *
 * <p>Runs in the integration-test phase (failsafe), after {@code package} has built the jar.
 */
class EvacuationOnSmallHeapIT {

    static final String HEAP = "-Xmx256m";
    static final int HOSTS = 1_000;
    static final long SEED = 42;

    TestDatabaseResource database;
    SchedulerProcess scheduler;
    ReportedFleet agents;
    Fleet fleet;

    @BeforeEach
    void start() throws Exception {
        database = new TestDatabaseResource();
        Map<String, String> datasource = database.start();
        Path jar = Path.of(System.getProperty("migplan.it.scheduler-jar", "target/quarkus-app/quarkus-run.jar"));
        Path logs = Path.of(System.getProperty("migplan.it.work-dir", "target/it"));
        int port = SchedulerProcess.freePort();
        scheduler = SchedulerProcess.start(jar, HEAP, port, datasource, logs.resolve("small-heap-scheduler.log"));
        RestAssured.baseURI = "http://127.0.0.1";
        RestAssured.port = port;
        TestTokens.useForRestAssured(scheduler.adminToken());
        fleet = FleetGenerator.generate(HOSTS, SEED);
        agents = ReportedFleet.of(fleet, "127.0.0.1:" + port);
        agents.report();
        agents.heartbeats();
    }

    @AfterEach
    void stop() {
        try {
            if (agents != null) {
                agents.close();
            }
        } finally {
            try {
                if (scheduler != null && scheduler.isAlive()) {
                    scheduler.kill();
                }
            } finally {
                RestAssured.reset();
                database.stop();
            }
        }
    }

    @Test
    void fivePercentOfAThousandHostsIsPlannedThroughTheApiWithinAQuarterGigabyteOfHeap() {
        Set<String> evacuating = FleetGenerator.pickEvacuation(fleet, HOSTS / 20, SEED);
        String id = given().contentType(ContentType.JSON).body(Map.of("hosts", List.copyOf(evacuating)))
                .post("/api/v1/plans/evacuation").then().statusCode(202).extract().path("id");
        JsonPath plan = await("the plan solved").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/api/v1/plans/" + id).then().statusCode(200).extract().jsonPath(),
                        p -> !"SOLVING".equals(p.getString("status")));

        assertThat(plan.getString("status")).as("plan %s: %s", id, plan.getString("error")).isEqualTo("READY");
        assertThat(scheduler.isAlive()).isTrue();
        List<Map<String, Object>> migrations = plan.getList("migrations");
        List<Fleet.Vm> moving = evacuating.stream().flatMap(h -> fleet.vmsOn(h).stream()).toList();
        assertThat(migrations).extracting(m -> m.get("vm")).as("every VM of the hosts, once")
                .containsExactlyInAnyOrderElementsOf(moving.stream().map(Fleet.Vm::name).toList());
        Map<String, Fleet.Vm> byName = new HashMap<>();
        moving.forEach(v -> byName.put(v.name(), v));
        Map<String, int[]> cpusIn = new HashMap<>();
        Map<String, long[]> memoryIn = new HashMap<>();
        for (Map<String, Object> m : migrations) {
            String to = (String) m.get("to");
            assertThat(evacuating).as("a target of %s", m.get("vm")).doesNotContain(to);
            Fleet.Vm vm = byName.get((String) m.get("vm"));
            cpusIn.computeIfAbsent(to, k -> new int[1])[0] += vm.vcpus();
            memoryIn.computeIfAbsent(to, k -> new long[1])[0] += vm.memoryMib();
        }
        cpusIn.forEach((host, in) -> {
            Fleet.Host h = fleet.host(host);
            assertThat(fleet.usedCpus(h) + in[0]).as("vCPUs on %s", host).isLessThanOrEqualTo(h.cpus());
            assertThat(fleet.usedMemoryMib(h) + memoryIn.get(host)[0]).as("memory on %s", host)
                    .isLessThanOrEqualTo(h.memoryMib());
        });
    }
}
