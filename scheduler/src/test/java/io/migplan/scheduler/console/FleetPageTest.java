package io.migplan.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.migplan.agent.sim.FleetSimulator.RunningFleet;
import io.migplan.agent.sim.FleetSpec;
import io.migplan.scheduler.auth.Roles;
import io.migplan.scheduler.testsupport.SixHostFleet;
import io.migplan.scheduler.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * Signing in and the fleet page, in headless Chromium against the test server and six simulated
 * hosts (T4, T4, V100, V100, T4, T4) reporting over gRPC.
 */
@QuarkusTest
class FleetPageTest extends BrowserTest {

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

    @Test
    void aPageWithoutASessionGoesToTheLoginPageAndComesBackAfterSigningIn() {
        open("/console/fleet?board=T4");
        waitFor(By.id("token"));
        assertThat(browser.getCurrentUrl()).contains("/console/login");
        paste(TestTokens.of(Roles.VIEWER));
        waitUntil("back on the fleet page", b -> b.getCurrentUrl().endsWith("/console/fleet?board=T4"));
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("test-viewer (viewer)");
    }

    @Test
    void aTokenTheSchedulerDidNotMakeIsRefusedWithASentenceAndNoSessionStarts() {
        signInWith("not-a-token");
        assertThat(waitFor(By.id("login-error")).getText()).contains("not a token this scheduler made");
        open("/console/fleet");
        waitFor(By.id("token"));
        assertThat(browser.manage().getCookieNamed(ConsoleSession.COOKIE)).isNull();
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteStrictForTheConsoleOnly() {
        signIn(Roles.VIEWER);
        var cookie = browser.manage().getCookieNamed(ConsoleSession.COOKIE);
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getPath()).isEqualTo("/console");
        assertThat(cookie.isSecure()).as("served over plain HTTP here").isFalse();
        assertThat(js("return document.cookie")).as("scripts cannot read it").isEqualTo("");
    }

    @Test
    void everyHostIsOneTileGroupedByBoardWithCountsAndTheFiltersNarrowThem() {
        signIn(Roles.VIEWER);
        open("/console/fleet");
        waitFor(By.id("shown"));
        assertThat(all(By.cssSelector("#fleet a.t"))).hasSize(6);
        assertThat(browser.findElement(By.id("shown")).getText()).isEqualTo("6 of 6 hosts");
        assertThat(all(By.cssSelector("section.board h2")).stream().map(e -> e.getText()).toList())
                .containsExactly("T4 (4)", "V100 (2)");
        assertThat(browser.findElement(By.id("counts")).getText()).contains(FleetSpec.DEFAULT_RELEASE + ": 6", "UP: 6",
                "ACTIVE: 6");
        screenshot("fleet");

        new Select(browser.findElement(By.id("f-board"))).selectByValue("V100");
        waitForText(By.id("shown"), "2 of 6 hosts");
        assertThat(all(By.cssSelector("#fleet a.t"))).hasSize(2);
        assertThat(browser.getCurrentUrl()).as("the filter is in the address").contains("board=V100");

        new Select(browser.findElement(By.id("f-board"))).selectByValue("");
        browser.findElement(By.id("f-label")).sendKeys("no-such-label=x\n");
        waitForText(By.id("shown"), "0 of 6 hosts");

        open("/console/fleet?label=broken");
        assertThat(waitFor(By.id("filter-problem")).getText()).startsWith("label must be key=value");
        assertThat(browser.findElement(By.id("shown")).getText()).isEqualTo("6 of 6 hosts");
    }

    @Test
    void signingOutEndsTheSession() {
        signIn(Roles.VIEWER);
        browser.findElement(By.id("logout")).click();
        waitFor(By.id("token"));
        assertThat(browser.manage().getCookieNamed(ConsoleSession.COOKIE)).isNull();
        open("/console/fleet");
        waitFor(By.id("token"));
        assertThat(browser.getCurrentUrl()).contains("/console/login");
    }
}
