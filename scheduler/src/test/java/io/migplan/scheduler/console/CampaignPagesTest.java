package io.migplan.scheduler.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.Campaigns;
import io.migplan.scheduler.testsupport.Orchestrator;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The campaigns pages in headless Chromium against the test server and six simulated hosts: an
 * operator creating a dry run from the page, a campaign followed to COMPLETED on its timeline
 * while the test orchestrator drives it (the page is never reloaded: the live updates draw it),
 * an operator pausing, resuming and aborting from the page, what a viewer sees, a forged action,
 * and an evacuation plan by wave.
 */
@QuarkusTest
class CampaignPagesTest extends BrowserTest {

    static final String FROM = FleetSpec.DEFAULT_RELEASE;
    static final String TO = "2025.2";
    /** A small campaign of six hosts runs to its end well within this, even on a loaded machine. */
    static final Duration RUN = Duration.ofMinutes(3);

    @Inject
    AgroalDataSource ds;

    @TempDir
    Path dir;

    RunningFleet fleet;

    @BeforeEach
    void startFleet() throws Exception {
        fleet = SixHostFleet.start(ds, dir);
    }

    @AfterEach
    void stopFleet() {
        SixHostFleet.stop(ds, fleet);
    }

    private static String running() {
        return Campaigns.create(Map.of("fromRelease", FROM, "toRelease", TO, "policy",
                Map.of("maxHostsInMaintenance", 2))).getString("id");
    }

    private static String dryRun() {
        return Campaigns.create(Map.of("fromRelease", FROM, "toRelease", TO, "dryRun", true, "policy",
                Map.of("maxHostsInMaintenance", 2))).getString("id");
    }

    private static String state(String id) {
        return given().get("/api/v1/campaigns/{id}", id).then().statusCode(200).extract().path("state");
    }

    private static String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    /** Marks the page, so a later check can tell it was updated in place rather than loaded again. */
    private static void markPage() {
        js("window.migplanTestMark = 'still-here';");
    }

    private static boolean samePage() {
        return "still-here".equals(js("return window.migplanTestMark;"));
    }

    /** Clicks the element {@code by} finds once it is there, again if the live updates redrew it meanwhile. */
    private static void click(By by) {
        waitUntil("clicked " + by, b -> {
            try {
                b.findElement(by).click();
                return true;
            } catch (org.openqa.selenium.NoSuchElementException e) {
                return false;
            }
        });
    }

    @Test
    void anOperatorCreatesADryRunFromThePageAndSeesItsPlan() {
        signIn(Roles.OPERATOR);
        open("/console/campaigns");
        waitFor(By.id("c-from")).sendKeys(FROM);
        browser.findElement(By.id("c-to")).sendKeys(TO);
        browser.findElement(By.id("c-maintenance")).sendKeys("2");
        browser.findElement(By.id("c-dry-run")).click();
        waitUntil("on the new campaign's page", b -> b.getCurrentUrl().matches(".*/console/campaigns/camp-[0-9a-f]{8}$"));
        String id = browser.getCurrentUrl().replaceAll(".*/", "");
        new WebDriverWait(browser, Campaigns.PLAN_WAIT).until(ExpectedConditions.textToBe(By.id("campaign-state"),
                "DRY_RUN"));
        assertThat(state(id)).isEqualTo("DRY_RUN");
        assertThat(given().get("/api/v1/campaigns/{id}", id).then().extract().jsonPath().getBoolean("dryRun")).isTrue();
        List<WebElement> batches = all(By.cssSelector("#timeline li.batch"));
        assertThat(batches).isNotEmpty();
        assertThat(batches.get(0).getText()).startsWith("Batch 1 · canary");
        assertThat(waitFor(By.id("figures")).getText()).contains("lower bound", "this plan", "naive order");
        waitUntil("the chart is drawn", b -> !all(By.cssSelector("#per-vm-chart canvas")).isEmpty());
        assertThat(all(By.id("start"))).as("a dry run can be started for real").hasSize(1);
        screenshot("campaign-dry-run");

        // A wrong field is refused with the API's sentence, and nothing is created.
        int before = given().get("/api/v1/campaigns").then().extract().jsonPath().getList("id").size();
        open("/console/campaigns");
        waitFor(By.id("c-from")).sendKeys(TO);
        browser.findElement(By.id("c-to")).sendKeys(FROM);
        browser.findElement(By.id("c-dry-run")).click();
        assertThat(waitFor(By.id("refusal")).getText()).contains("is older than fromRelease", "a rollback campaign needs");
        assertThat(given().get("/api/v1/campaigns").then().extract().jsonPath().getList("id")).hasSize(before);
    }

    @Test
    void aCampaignIsFollowedToCompletedOnItsTimelineWithoutReloadingThePage() {
        String id = running();
        signIn(Roles.VIEWER);
        open("/console/campaigns/" + id);
        assertThat(waitFor(By.id("campaign-state")).getText()).isEqualTo("RUNNING");
        assertThat(all(By.cssSelector("#timeline li.batch"))).isNotEmpty()
                .anySatisfy(b -> assertThat(b.getAttribute("data-state")).isEqualTo("PENDING"));
        markPage();

        assertThat(new Orchestrator(fleet, id, TO).runToEnd(RUN)).isEqualTo("COMPLETED");

        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(By.id("campaign-state"), "COMPLETED"));
        waitUntil("every batch DONE on the timeline", b -> all(By.cssSelector("#timeline li.batch")).stream()
                .allMatch(e -> "DONE".equals(e.getAttribute("data-state"))));
        assertThat(samePage()).as("drawn by the live updates, not a reload").isTrue();
        assertThat(text("progress")).startsWith("6 of 6 hosts done");
        assertThat(text("history")).contains("COMPLETED");
        screenshot("campaign");

        browser.findElement(By.cssSelector("#rollback summary")).click();
        assertThat(waitFor(By.id("rollback-total")).getText()).contains("VMs could go back");

        open("/console/campaigns");
        WebElement row = waitFor(By.linkText(id)).findElement(By.xpath("./ancestor::tr"));
        assertThat(row.getText()).contains("COMPLETED", "UPGRADE", FROM + " → " + TO, "6 of 6 hosts");
    }

    @Test
    void anOperatorPausesResumesAndAbortsFromThePage() {
        String id = running();
        signIn(Roles.OPERATOR);
        open("/console/campaigns/" + id);
        markPage();
        click(By.id("pause"));
        waitForText(By.id("campaign-state"), "PAUSED");
        assertThat(state(id)).isEqualTo("PAUSED");
        click(By.id("resume"));
        waitForText(By.id("campaign-state"), "RUNNING");
        click(By.id("abort"));
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.alertIsPresent()).accept();
        waitForText(By.id("campaign-state"), "ABORTED");
        assertThat(state(id)).isEqualTo("ABORTED");
        assertThat(all(By.cssSelector("#actions button"))).as("an ended campaign offers no action").isEmpty();
        assertThat(samePage()).isTrue();
    }

    @Test
    void aViewerSeesNoStateChangingControls() {
        String id = dryRun();
        signIn(Roles.VIEWER);
        open("/console/campaigns");
        waitFor(By.id("campaigns"));
        assertThat(all(By.id("campaign-form"))).isEmpty();
        open("/console/campaigns/" + id);
        waitForText(By.id("campaign-state"), "DRY_RUN");
        assertThat(all(By.cssSelector("main button"))).isEmpty();
        assertThat(all(By.cssSelector("[hx-post]"))).extracting(e -> e.getAttribute("id")).containsExactly("logout");

        // What a viewer's page could still send is refused by the role check.
        String csrf = (String) js("return document.querySelector('meta[name=migplan-csrf]').content;");
        assertThat(fetch("POST", "/console/campaigns/" + id + "/start", "{'Content-Type': 'application/json',"
                + " 'X-Migplan-Csrf': '" + csrf + "'}", "{}")).startsWith("403 ");
        assertThat(given().get("/api/v1/campaigns").then().extract().jsonPath().getList("id")).containsExactly(id);
    }

    @Test
    void aForgedActionWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
        String id = running();
        signIn(Roles.OPERATOR);
        open("/console/campaigns/" + id);
        waitFor(By.id("pause"));
        String answer = fetch("POST", "/console/campaigns/" + id + "/pause", "{'Content-Type': 'application/json'}",
                "{}");
        assertThat(answer).startsWith("403 ").contains(ConsoleSession.CSRF_HEADER);
        assertThat(fetch("POST", "/console/campaigns/" + id + "/abort", "{'Content-Type': 'application/json',"
                + " 'X-Migplan-Csrf': 'forged'}", "{}")).startsWith("403 ");
        assertThat(state(id)).isEqualTo("RUNNING");
        given().contentType(ContentType.JSON).body("{}").post("/api/v1/campaigns/{id}/abort", id).then().statusCode(200);
    }

    @Test
    void theListShowsTheNewestCampaignsAPageAtATimeAndLinksToTheOlderOnes() throws Exception {
        int older = 3;
        try (var c = ds.getConnection(); var st = c.createStatement()) {
            // Ended campaigns, one a minute apart: camp-list-001 the newest.
            st.executeUpdate("insert into campaign (id, state, from_release, to_release, request, plan, created_at,"
                    + " updated_at) select 'camp-list-' || lpad(g::text, 3, '0'), 'COMPLETED', '" + FROM + "', '" + TO
                    + "', '{}', '{}', now() - g * interval '1 minute', now() from generate_series(1, "
                    + (ConsoleCampaigns.LISTED + older) + ") g");
        }
        signIn(Roles.VIEWER);
        open("/console/campaigns");
        assertThat(waitFor(By.id("listed")).getText()).isEqualTo("the newest " + ConsoleCampaigns.LISTED
                + " campaigns shown");
        List<WebElement> rows = all(By.cssSelector("#campaigns tbody tr"));
        assertThat(rows).hasSize(ConsoleCampaigns.LISTED);
        assertThat(rows.get(0).getText()).startsWith("camp-list-001 COMPLETED UPGRADE " + FROM + " → " + TO);

        browser.findElement(By.id("older")).click();
        waitForText(By.id("listed"), older + " older campaigns · newest campaigns");
        assertThat(all(By.cssSelector("#campaigns tbody tr a"))).extracting(WebElement::getText)
                .containsExactly("camp-list-201", "camp-list-202", "camp-list-203");
        assertThat(all(By.id("older"))).as("the last page").isEmpty();
        browser.findElement(By.id("newest")).click();
        waitForText(By.id("listed"), "the newest " + ConsoleCampaigns.LISTED + " campaigns shown");

        // The API's cursor walks the same list.
        String next = given().queryParam("limit", ConsoleCampaigns.LISTED).get("/api/v1/campaigns").then()
                .statusCode(200).extract().path("next");
        open("/console/campaigns?cursor=" + next);
        waitForText(By.id("listed"), older + " older campaigns · newest campaigns");

        open("/console/campaigns?cursor=not-a-cursor");
        assertThat(waitFor(By.id("refusal")).getText()).contains("cursor is not one this scheduler gave");
    }

    @Test
    void anEvacuationPlanShowsItsMigrationsByWave() {
        String plan = given().contentType(ContentType.JSON).body(Map.of("hosts", List.of("host-01")))
                .post("/api/v1/plans/evacuation").then().statusCode(202).extract().path("id");
        await("plan " + plan + " solved").atMost(Campaigns.PLAN_WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/api/v1/plans/{id}", plan).then().extract().path("status"),
                        s -> !"SOLVING".equals(s));
        var solved = given().get("/api/v1/plans/{id}", plan).then().extract().jsonPath();
        List<Map<String, Object>> migrations = solved.getList("migrations");
        assertThat(migrations).as("host-01's VMs move").isNotEmpty();
        signIn(Roles.VIEWER);
        open("/console/plans/" + plan);
        assertThat(waitFor(By.id("plan-status")).getText()).isEqualTo(solved.getString("status"));
        assertThat(all(By.cssSelector("table.wave tbody tr"))).hasSize(migrations.size());
        assertThat(all(By.cssSelector("h2[id^=wave-]"))).isNotEmpty().first()
                .satisfies(h -> assertThat(h.getText()).startsWith("Wave "));
        assertThat(text("plan-metrics")).contains(migrations.size() + " migrations");
        screenshot("plan");
    }
}
