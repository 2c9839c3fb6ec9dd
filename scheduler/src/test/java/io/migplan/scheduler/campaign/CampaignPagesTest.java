package io.migplan.scheduler.campaign;

import static io.migplan.scheduler.testsupport.Campaigns.create;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.scheduler.testsupport.Inventory;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The campaigns and a campaign's migrations a page at a time, and a campaign's summary, on a
 * dry run planned over the six-host simulated fleet: pages cover every row once with rows written
 * between them, the filters narrow them, the summary counts what the full view lists, and bad
 * input is a 400 naming the parameter.
 */
@QuarkusTest
class CampaignPagesTest {

    @Inject
    AgroalDataSource ds;

    @TempDir
    Path dir;

    RunningFleet fleet;
    JsonPath full;
    String id;

    @BeforeEach
    void planADryRun() throws Exception {
        fleet = SixHostFleet.start(ds, dir);
        full = create(Map.of("fromRelease", FleetSpec.DEFAULT_RELEASE, "toRelease", "2025.2", "dryRun", true));
        id = full.getString("id");
        assertThat(full.getString("state")).isEqualTo("DRY_RUN");
    }

    @AfterEach
    void stopFleet() {
        SixHostFleet.stop(ds, fleet);
    }

    private static List<Map<String, Object>> walk(String path, int limit, IntConsumer between) {
        List<Map<String, Object>> all = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = given().queryParam("limit", limit);
            if (cursor != null) {
                request = request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get(path).then().statusCode(200).extract().jsonPath();
            all.addAll(page.getList("items"));
            cursor = page.getString("next");
            between.accept(++pages);
            assertThat(pages).as("the walk ends").isLessThan(200);
        } while (cursor != null);
        return all;
    }

    /** A campaign row written as another replica would, created {@code minutesAgo} before now. */
    private void storeCampaign(String campaign, String state, String kind, int minutesAgo) {
        Inventory.update(ds, "insert into campaign (id, state, from_release, to_release, request, plan, created_at,"
                + " updated_at, kind) values ('" + campaign + "', '" + state + "', '2025.1', '2025.2', '{}', '{}',"
                + " now() - interval '" + minutesAgo + " minutes', now(), '" + kind + "')");
    }

    @Test
    void aWalkOfCampaignsGivesEachOnceNewestFirstWithCampaignsCreatedBetweenPages() {
        for (int i = 0; i < 7; i++) {
            storeCampaign("camp-old-" + i, i % 2 == 0 ? "COMPLETED" : "ABORTED", i < 3 ? "EVACUATION" : "UPGRADE",
                    10 + i);
        }
        List<String> before = given().get("/api/v1/campaigns").then().statusCode(200).extract().jsonPath()
                .getList("id", String.class);
        assertThat(before).hasSize(8).startsWith(id);
        List<Map<String, Object>> items = walk("/api/v1/campaigns", 3, page -> {
            storeCampaign("camp-newer-" + page, "COMPLETED", "UPGRADE", 0);
            storeCampaign("camp-older-" + page, "COMPLETED", "UPGRADE", 100);
        });
        List<String> seen = items.stream().map(m -> (String) m.get("id")).toList();
        assertThat(new HashSet<>(seen)).as("no campaign twice").hasSameSizeAs(seen);
        assertThat(seen).containsAll(before).doesNotContain("camp-newer-1").contains("camp-older-1");
        assertThat(given().get("/api/v1/campaigns?state=aborted&kind=UPGRADE").then().statusCode(200).extract()
                .jsonPath().getList("id", String.class)).containsExactly("camp-old-3", "camp-old-5");
        given().get("/api/v1/campaigns?kind=EVACUATION&limit=2").then().statusCode(200)
                .body("items.id", equalTo(List.of("camp-old-0", "camp-old-1")))
                .body("items[0].fromRelease", nullValue()).body("next", org.hamcrest.Matchers.notNullValue());
        given().get("/api/v1/campaigns?state=LOST").then().statusCode(400)
                .body("message", containsString("state is not one of [PLANNING, DRY_RUN"));
        given().get("/api/v1/campaigns?kind=upgrade&limit=1001").then().statusCode(400)
                .body("message", containsString("limit must be"));
    }

    @Test
    void aWalkOfMigrationsGivesThoseTheFullViewListsOnceEachWithItsBatch() {
        List<String> listed = new ArrayList<>();
        full.getList("batches", Map.class).forEach(b -> ((List<?>) b.get("migrations"))
                .forEach(m -> listed.add((String) ((Map<?, ?>) m).get("id"))));
        assertThat(listed).isNotEmpty();
        List<Map<String, Object>> items = walk("/api/v1/campaigns/" + id + "/migrations", 2, page -> {
            // A migration of a later batch written meanwhile (a re-plan does so) comes after the walk's position.
            Inventory.update(ds, "insert into campaign_migration (id, campaign_id, plan_version, batch, wave, vm,"
                    + " vm_uuid, from_host, to_host, parents, types, state, basis) values ('" + id + "-x" + page
                    + "', '" + id + "', 2, 999, 0, 'late-" + page + "', 'u-" + page + "', 'host-01', 'host-02',"
                    + " '[]', '[]', 'PLANNED', 'NOT_NEEDED')");
        });
        List<String> seen = items.stream().map(m -> (String) m.get("id")).toList();
        assertThat(new HashSet<>(seen)).as("no migration twice").hasSameSizeAs(seen);
        assertThat(seen.subList(0, listed.size())).as("the full view's order").isEqualTo(listed);
        assertThat(seen).contains(id + "-x1");
        assertThat(items.get(0)).containsKeys("batch", "wave", "vm", "vmUuid", "from", "to", "state", "basis");
    }

    @Test
    void migrationFiltersNarrowThePage() {
        Map<?, ?> first = (Map<?, ?>) ((List<?>) full.getList("batches", Map.class).get(0).get("migrations")).get(0);
        int batch = full.getInt("batches[0].index");
        String from = (String) first.get("from");
        List<Map<String, Object>> ofBatch = walk("/api/v1/campaigns/" + id + "/migrations?batch=" + batch, 1000,
                p -> { });
        assertThat(ofBatch).hasSize(full.getList("batches[0].migrations").size())
                .allMatch(m -> ((Integer) m.get("batch")) == batch);
        assertThat(walk("/api/v1/campaigns/" + id + "/migrations?host=" + from, 1000, p -> { }))
                .isNotEmpty().allMatch(m -> from.equals(m.get("from")) || from.equals(m.get("to")));
        assertThat(walk("/api/v1/campaigns/" + id + "/migrations?state=DONE", 10, p -> { })).isEmpty();
        given().get("/api/v1/campaigns/{id}/migrations?batch=first", id).then().statusCode(400)
                .body("message", equalTo("batch must be a whole number, 0 or more, got 'first'"));
        given().get("/api/v1/campaigns/{id}/migrations?state=moving", id).then().statusCode(400)
                .body("message", containsString("state is not one of [PLANNED, ISSUED, DONE, FAILED, CANCELLED]"));
        given().get("/api/v1/campaigns/camp-none/migrations").then().statusCode(404);
    }

    @Test
    void theSummaryCountsWhatTheFullViewListsAndListsNone() {
        JsonPath summary = given().get("/api/v1/campaigns/{id}?view=summary", id).then().statusCode(200).extract()
                .jsonPath();
        int migrations = full.getList("batches.migrations").stream().mapToInt(l -> ((List<?>) l).size()).sum();
        assertThat(summary.getInt("migrations.PLANNED")).isEqualTo(migrations);
        assertThat(summary.getList("batches.index")).isEqualTo(full.getList("batches.index"));
        assertThat(summary.getList("batches.hosts")).isEqualTo(full.getList("batches.hosts"));
        assertThat(summary.getInt("batches[0].migrationCount")).isEqualTo(full.getList("batches[0].migrations").size());
        assertThat(summary.getString("batches[0].migrations")).doesNotContain("vmUuid");
        assertThat(summary.getMap("metrics")).isEqualTo(full.getMap("metrics"));
        assertThat(summary.getMap("progress")).isEqualTo(full.getMap("progress"));
        Map<String, Object> fullFields = new java.util.HashMap<>(full.getMap(""));
        Map<String, Object> summaryFields = new java.util.HashMap<>(summary.getMap(""));
        fullFields.remove("batches");
        summaryFields.remove("batches");
        summaryFields.remove("migrations");
        assertThat(summaryFields).as("every field but the migrations as the full view has it").isEqualTo(fullFields);
        given().get("/api/v1/campaigns/{id}?view=full", id).then().statusCode(200)
                .body("batches[0].migrations[0].id", equalTo(full.getString("batches[0].migrations[0].id")));
        given().get("/api/v1/campaigns/{id}?view=brief", id).then().statusCode(400)
                .body("message", containsString("is not one of [full, summary]"));
    }
}
