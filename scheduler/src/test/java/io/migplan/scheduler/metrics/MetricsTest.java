package io.migplan.scheduler.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Orchestrator;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /q/metrics} as Prometheus reads it, on the six-host simulated fleet: reports, a "where can
 * it move" in both views, an evacuation plan and a one-host evacuation campaign (held with its
 * migrations in flight, then run to its end) each move the series that say so; no series names a
 * VM; and every series the Grafana dashboard queries is one the scheduler exports.
 */
@QuarkusTest
class MetricsTest {

    static final Duration WAIT = Duration.ofMinutes(2);
    static final Duration POLL = Duration.ofMillis(100);

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
    void aReportTargetsAPlanAndACampaignStepEachMoveTheirSeries() throws Exception {
        Scrape before = Scrape.now();
        fleet = SixHostFleet.start(ds, dir);

        Scrape reported = Scrape.now();
        assertThat(moved(before, reported, "migplan_reports_seconds_count", "outcome=\"applied\"")).isGreaterThanOrEqualTo(6);
        assertThat(moved(before, reported, "migplan_reports_seconds_sum", "outcome=\"applied\"")).isPositive();
        // Every gRPC call is timed from its arrival, in buckets from which Prometheus reads percentiles.
        String report = "method=\"migplan.v1.InventoryService/ReportInventory\"";
        double timed = moved(before, reported, "migplan_grpc_calls_seconds_count", report);
        assertThat(timed).isGreaterThanOrEqualTo(6);
        assertThat(reported.sum("migplan_grpc_calls_seconds_bucket", l -> l.contains(report) && l.contains("le=\"+Inf\""))
                - before.sum("migplan_grpc_calls_seconds_bucket", l -> l.contains(report) && l.contains("le=\"+Inf\"")))
                .isEqualTo(timed);
        assertThat(reported.samples().keySet()).as("a bucket at 50 ms")
                .anyMatch(k -> k.startsWith("migplan_grpc_calls_seconds_bucket") && k.contains(report)
                        && k.contains("le=\"0.05\"") && k.contains("status=\"OK\""));
        await("the hosts gauge counts the six hosts UP").atMost(WAIT).pollInterval(POLL)
                .until(() -> Scrape.now().value("migplan_hosts{state=\"UP\"}").orElse(0.0) >= 6);

        // Where can a VM of host-01 move: its agents are asked for the verdicts not stored yet.
        String vm = given().get("/api/v1/vms").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.host == 'host-01' }.uuid", String.class).get(0);
        given().get("/api/v1/vms/{id}/targets", vm).then().statusCode(200);
        given().queryParam("view", "summary").get("/api/v1/vms/{id}/targets", vm).then().statusCode(200);
        Scrape targets = Scrape.now();
        assertThat(moved(reported, targets, "migplan_targets_seconds_count", "view=\"full\"")).isEqualTo(1);
        assertThat(moved(reported, targets, "migplan_targets_seconds_count", "view=\"summary\"")).isEqualTo(1);
        assertThat(moved(reported, targets, "migplan_probes_seconds_count", "host=")).isPositive();
        // The probes these calls made are tagged with the probed hosts of this fleet (earlier tests'
        // hosts keep their series in the registry, unchanged).
        assertThat(targets.samples().keySet()).filteredOn(k -> k.startsWith("migplan_probes_seconds_count")
                && !targets.samples().get(k).equals(reported.samples().getOrDefault(k, 0.0)))
                .isNotEmpty().allMatch(k -> k.matches(".*host=\"host-0[1-6]\".*"));
        assertThat(moved(reported, targets, "migplan_verdicts_stored_total", "")).isPositive();

        // An evacuation plan of host-01, solved in the background.
        String plan = given().contentType(ContentType.JSON).body(Map.of("hosts", List.of("host-01")))
                .post("/api/v1/plans/evacuation").then().statusCode(202).extract().path("id");
        await("plan " + plan + " is solved").atMost(WAIT).pollInterval(POLL).until(() -> given()
                .get("/api/v1/plans/{id}", plan).then().statusCode(200).extract().path("status"), s -> !"SOLVING".equals(s));
        Scrape planned = Scrape.now();
        assertThat(moved(targets, planned, "migplan_plan_solve_seconds_count", "kind=\"evacuation\"")).isEqualTo(1);
        assertThat(planned.value("migplan_plans_running")).hasValue(0.0);
        assertThat(planned.value("migplan_plans_waiting")).hasValue(0.0);

        // A one-host evacuation campaign: its first migrations held in flight, then run to its end.
        String id = given().contentType(ContentType.JSON).body(Map.of("hosts", List.of("host-01")))
                .post("/api/v1/evacuations").then().statusCode(202).extract().path("id");
        assertThat(Campaigns.planned(id).getString("state")).isEqualTo("RUNNING");
        Orchestrator o = new Orchestrator(fleet, id, FleetSpec.DEFAULT_RELEASE).holdWhen(a -> true);
        await("a migration is issued").atMost(WAIT).pollInterval(o.pace()).until(() -> !o.step().getList("start").isEmpty());
        await("the gauges read from PostgreSQL show the migrations in flight").atMost(WAIT).pollInterval(POLL)
                .until(() -> {
                    Scrape s = Scrape.now();
                    return s.value("migplan_campaign_migrations_in_flight").orElse(0.0) >= 1
                            && s.value("migplan_reservations_held").orElse(0.0) >= 1
                            && s.value("migplan_campaign_leases_held").orElse(0.0) == 1;
                });
        o.holdWhen(a -> false);
        for (String migration : new ArrayList<>(o.held.keySet())) {
            o.move(o.held.remove(migration));
            o.reportDone(migration);
        }
        assertThat(o.runToEnd(Duration.ofMinutes(3))).as(o.history()).isEqualTo("COMPLETED");
        Scrape done = Scrape.now();
        assertThat(moved(planned, done, "migplan_plan_solve_seconds_count", "kind=\"campaign\"")).isPositive();
        assertThat(moved(planned, done, "migplan_campaign_hosts_done_total", "")).isEqualTo(1);
        assertThat(moved(planned, done, "migplan_campaign_migrations_total", "state=\"DONE\""))
                .isEqualTo(o.performed.size()).isPositive();
        await("nothing is in flight or held once the campaign is over").atMost(WAIT).pollInterval(POLL)
                .until(() -> {
                    Scrape s = Scrape.now();
                    return s.value("migplan_campaign_migrations_in_flight").orElse(-1.0) == 0
                            && s.value("migplan_reservations_held").orElse(-1.0) == 0
                            && s.value("migplan_campaign_leases_held").orElse(-1.0) == 0;
                });

        Scrape last = Scrape.now();
        assertThat(last.names()).as("every series of MetricNames is exported").containsAll(MetricNames.PROMETHEUS);
        assertNoSeriesNamesAVm(last);
        assertTheDashboardQueriesOnlyExportedSeries(last);
    }

    /** How much the samples of {@code name} whose labels contain {@code label} grew from {@code a} to {@code b}. */
    private static double moved(Scrape a, Scrape b, String name, String label) {
        return b.sum(name, l -> l.contains(label)) - a.sum(name, l -> l.contains(label));
    }

    private void assertNoSeriesNamesAVm(Scrape scrape) {
        JsonPath vms = given().get("/api/v1/vms").then().statusCode(200).extract().jsonPath();
        Set<String> names = new TreeSet<>(vms.getList("name", String.class));
        names.addAll(vms.getList("uuid", String.class));
        assertThat(names).isNotEmpty();
        for (String series : scrape.samples().keySet()) {
            assertThat(names).as(series).noneMatch(n -> series.contains("\"" + n + "\""));
        }
    }

    private static void assertTheDashboardQueriesOnlyExportedSeries(Scrape scrape) throws Exception {
        List<String> exprs = DashboardQueries.expressions(DashboardQueries.DASHBOARD);
        assertThat(exprs).as("the dashboard's queries").isNotEmpty();
        Set<String> queried = new TreeSet<>();
        for (String expr : exprs) {
            Set<String> metrics = DashboardQueries.metrics(expr);
            assertThat(metrics).as("metrics of " + expr).isNotEmpty();
            queried.addAll(metrics);
        }
        assertThat(scrape.names()).as("series the scheduler exports").containsAll(queried);
    }
}
