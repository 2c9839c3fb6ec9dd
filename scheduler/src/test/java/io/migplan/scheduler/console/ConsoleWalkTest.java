package io.migplan.scheduler.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * A walk through the console in headless Chromium against the test server and six simulated hosts
 * reporting and answering probes over gRPC: fleet, host, VM and where it can move, the compatibility
 * matrix; what a viewer may not do, an operator's admin-state change (audited), and forged requests.
 */
@QuarkusTest
class ConsoleWalkTest extends BrowserTest {

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

    static String adminState(String host) {
        return given().get("/api/v1/hosts/" + host).then().statusCode(200).extract().path("adminState");
    }

    @Test
    void aViewerWalksFromTheFleetToAHostToAVmAndWhereItCanMoveAndSeesNoButtonThatChangesState() {
        signIn(Roles.VIEWER);
        open("/console/fleet");
        waitFor(By.cssSelector("#fleet a.t[title^='host-02 ']")).click();
        waitForText(By.id("host-id"), "host-02");
        assertThat(browser.findElement(By.id("admin-state")).getText()).isEqualTo("ACTIVE");
        assertThat(all(By.cssSelector("h3.parent"))).hasSize(2);
        assertThat(all(By.cssSelector("table.types td.free"))).isNotEmpty();
        assertThat(all(By.cssSelector("#vms tr"))).hasSizeGreaterThan(1);
        assertThat(all(By.id("admin-form"))).as("a viewer gets no admin-state form").isEmpty();
        assertThat(all(By.cssSelector("[hx-post], [hx-put], [hx-delete], [hx-patch], form[method=post]")))
                .extracting(e -> e.getAttribute("id")).as("the only control that posts is signing out")
                .containsExactly("logout");
        screenshot("host");

        String vm = browser.findElement(By.cssSelector("#vms tr:nth-child(2) td")).getText();
        browser.findElement(By.cssSelector("#vms a.where")).click();
        waitForText(By.id("vm-name"), vm);
        String summary = browser.findElement(By.id("summary")).getText();
        assertThat(summary).matches("\\d+/5 hosts eligible.*");
        assertThat(browser.findElement(By.id("source-host")).getText()).isEqualTo("host-02");
        List<WebElement> groups = all(By.cssSelector("details.reason"));
        if (!groups.isEmpty()) {
            WebElement first = groups.get(0);
            assertThat(first.findElement(By.tagName("li")).isDisplayed()).as("closed at first").isFalse();
            first.findElement(By.tagName("summary")).click();
            waitUntil("the group opened", b -> first.findElement(By.tagName("li")).isDisplayed());
            assertThat(first.findElement(By.tagName("li")).getText()).matches("host-\\d\\d: [A-Z_]+ .+");
        }
        screenshot("where-can");
    }

    @Test
    void theWhereCanPageSaysWhatTheApiSays() {
        String uuid = given().get("/api/v1/hosts/host-01").then().extract().path("vms[0].uuid");
        // The first question probes the targets (on a loaded machine an agent may miss the deadline and be
        // asked again next time); the page and the API are then compared on the verdicts stored.
        given().get("/api/v1/vms/" + uuid + "/targets").then().statusCode(200);
        signIn(Roles.VIEWER);
        browser.findElement(By.id("vm-search")).sendKeys(uuid + "\n");
        waitFor(By.id("summary"));
        JsonPath full = given().get("/api/v1/vms/" + uuid + "/targets").then().statusCode(200).extract().jsonPath();
        assertThat(browser.findElement(By.id("summary")).getText()).isEqualTo(full.getString("summary"));
        List<String> candidates = full.getList("candidates.host");
        assertThat(all(By.cssSelector("#candidates tr td:first-child"))).extracting(WebElement::getText)
                .containsExactlyElementsOf(candidates.subList(0, Math.min(10, candidates.size())));
        int rejectedHosts = full.getList("rejected").size();
        assertThat(all(By.cssSelector("details.reason li")).stream().map(e -> e.getAttribute("textContent")
                .replaceAll(":.*", "").strip()).distinct().count()).isEqualTo(rejectedHosts);

        browser.findElement(By.id("vm-search")).sendKeys("no-such-vm\n");
        assertThat(waitFor(By.id("search-problem")).getText()).contains("no-such-vm");
    }

    @Test
    void theMatrixShowsWhatTheProbesAnsweredWithTheReasonOnHover() {
        String uuid = given().get("/api/v1/hosts/host-01").then().extract().path("vms[0].uuid");
        // Asking where a VM can move probes the targets and stores their verdicts.
        given().get("/api/v1/vms/" + uuid + "/targets").then().statusCode(200);
        signIn(Roles.VIEWER);
        browser.findElement(By.id("nav-compatibility")).click();
        waitFor(By.cssSelector("#matrix canvas"));
        long drawn = (Long) js("return echarts.getInstanceByDom(document.getElementById('matrix'))"
                + ".getOption().series[0].data.length");
        List<WebElement> cells = all(By.cssSelector("#matrix-table tr.cell"));
        assertThat(drawn).isEqualTo(cells.size()).isGreaterThan(0);
        List<String> states = cells.stream().map(e -> e.getAttribute("class").replace("cell ", "")).toList();
        assertThat(states).contains("compatible");
        int compatible = states.indexOf("compatible");
        js("echarts.getInstanceByDom(document.getElementById('matrix')).dispatchAction("
                + "{type: 'showTip', seriesIndex: 0, dataIndex: arguments[0]});", compatible);
        waitUntil("the cell's tooltip", b -> String.valueOf(js("return document.getElementById('matrix').innerText"))
                .contains(": compatible. "));
        assertThat(String.valueOf(js("return document.getElementById('matrix').innerText")))
                .contains("host(s) answered");
        screenshot("matrix");
    }

    @Test
    void anOperatorChangesAHostsAdminStateAndTheChangeIsAudited() {
        signIn(Roles.OPERATOR);
        open("/console/hosts/host-03");
        new Select(waitFor(By.id("admin-new-state"))).selectByValue("DRAINING");
        browser.findElement(By.id("admin-new-reason")).clear();
        browser.findElement(By.id("admin-new-reason")).sendKeys("disk swap");
        screenshot("host-operator");
        browser.findElement(By.id("admin-submit")).click();
        waitForText(By.id("admin-state"), "DRAINING");
        assertThat(browser.findElement(By.id("admin-reason")).getText()).isEqualTo("(disk swap)");
        assertThat(adminState("host-03")).isEqualTo("DRAINING");

        List<Map<String, Object>> audit = given().get("/api/v1/audit").then().statusCode(200).extract().jsonPath()
                .getList("entries");
        assertThat(audit).anySatisfy(e -> {
            assertThat(e.get("operation")).isEqualTo("POST /console/hosts/{id}/admin-state");
            assertThat(e.get("target")).isEqualTo("id=host-03");
            assertThat(e.get("subject")).isEqualTo("test-operator");
            assertThat(e.get("result")).isEqualTo("OK");
        });

        new Select(browser.findElement(By.id("admin-new-state"))).selectByValue("ACTIVE");
        browser.findElement(By.id("admin-submit")).click();
        waitForText(By.id("admin-state"), "ACTIVE");
    }

    @Test
    void aForgedPostIsRefusedAndChangesNothing() {
        signIn(Roles.OPERATOR);
        open("/console/hosts/host-04");
        waitFor(By.id("admin-form"));
        String body = "{\"state\": \"MAINTENANCE\", \"reason\": \"forged\"}";
        // A script without the page's CSRF token, and one with another session's.
        assertThat(fetch("POST", "/console/hosts/host-04/admin-state", "{'Content-Type': 'application/json'}", body))
                .startsWith("403 refused: a console action needs the X-Migplan-Csrf header");
        assertThat(fetch("POST", "/console/hosts/host-04/admin-state",
                "{'Content-Type': 'application/json', 'X-Migplan-Csrf': 'AAAA'}", body)).startsWith("403 ");
        // A plain HTML form, as another site's page would send it (here even from the console's own origin).
        js("var f = document.createElement('form'); f.method = 'post'; f.action = arguments[0];"
                + "var i = document.createElement('input'); i.name = 'state'; i.value = 'MAINTENANCE'; f.appendChild(i);"
                + "document.body.appendChild(f); f.submit();", "/console/hosts/host-04/admin-state");
        waitUntil("the form's answer", b -> b.getCurrentUrl().endsWith("/console/hosts/host-04/admin-state"));
        assertThat(browser.findElement(By.tagName("body")).getText()).containsAnyOf(
                "UNSUPPORTED_MEDIA_TYPE", "needs the X-Migplan-Csrf header");
        assertThat(adminState("host-04")).isEqualTo("ACTIVE");
    }

    @Test
    void aViewersRequestWithAValidCsrfTokenIsStillRefusedByItsRole() {
        signIn(Roles.VIEWER);
        open("/console/hosts/host-05");
        waitFor(By.id("host-id"));
        String answer = fetch("POST", "/console/hosts/host-05/admin-state",
                "{'Content-Type': 'application/json', 'X-Migplan-Csrf':"
                        + " document.querySelector('meta[name=migplan-csrf]').content}",
                "{\"state\": \"MAINTENANCE\"}");
        assertThat(answer).startsWith("403 ").contains("may not change a host&#39;s admin state");
        assertThat(adminState("host-05")).isEqualTo("ACTIVE");
    }

    @Test
    void aWrongFieldIsRefusedWhereTheAnswerGoesAndChangesNothing() {
        signIn(Roles.OPERATOR);
        open("/console/hosts/host-06");
        waitFor(By.id("admin-form"));
        js("document.getElementById('admin-new-state').options[0].value = 'SLEEPING';"
                + "document.getElementById('admin-new-state').selectedIndex = 0;");
        browser.findElement(By.id("admin-submit")).click();
        assertThat(waitFor(By.cssSelector("#admin-answer .error")).getText())
                .startsWith("state must be one of [ACTIVE, DRAINING, MAINTENANCE], got 'SLEEPING'");
        assertThat(adminState("host-06")).isEqualTo("ACTIVE");
    }
}
