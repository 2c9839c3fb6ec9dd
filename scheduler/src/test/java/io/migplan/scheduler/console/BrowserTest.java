package io.migplan.scheduler.console;

import io.migplan.scheduler.testsupport.TestTokens;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The base of the console's browser tests: one headless Chromium per test class (Debian's chromium
 * through its chromedriver, {@link Chromium}), driving the real test server of a {@code @QuarkusTest}
 * subclass. Each test starts signed out with an empty page; {@link #signIn} pastes a token of a role
 * into the login page as a person would. Waits are explicit ({@link #waitFor}, {@link #waitUntil}),
 * never sleeps. Screenshots go to {@code target/screenshots/}.
 *
 * <p>Chromium is started with no network of its own ({@code --disable-background-networking} and
 * friends: the machines have no internet, and its background fetches would hang it) and a fresh
 * profile in a temporary folder, removed at the end.
 */
public abstract class BrowserTest {

    /** How long a page or an htmx answer may take before a wait fails; far above what they take. */
    protected static final Duration WAIT = Duration.ofSeconds(20);
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    protected static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void startBrowser() throws IOException {
        Chromium.require();
        profile = Files.createTempDirectory("migplan-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(Chromium.BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,1000", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Chromium.DRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
            browser = null;
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Every test starts signed out, on an empty page. */
    @BeforeEach
    void signedOut() {
        browser.get(url("/console/login"));
        browser.manage().deleteAllCookies();
        browser.get("about:blank");
    }

    /** The test server's address of {@code path}. */
    protected static String url(String path) {
        return "http://127.0.0.1:" + RestAssured.port + path;
    }

    /** Opens {@code path} of the test server and waits until the page has loaded. */
    protected static void open(String path) {
        browser.get(url(path));
    }

    /** Signs in on the login page with a token of {@code role} and waits for the fleet page. */
    protected static void signIn(String role) {
        signInWith(TestTokens.of(role));
        waitFor(By.id("who"));
    }

    /** Opens the login page, pastes {@code token} and submits it (the answer is not awaited). */
    protected static void signInWith(String token) {
        open("/console/login");
        paste(token);
    }

    /** Pastes {@code token} into the login page shown now and submits it (the answer is not awaited). */
    protected static void paste(String token) {
        WebElement field = waitFor(By.id("token"));
        // Pasted as a person would: one value, not typed key by key (a token is ~700 characters).
        js("arguments[0].value = arguments[1];", field, token);
        browser.findElement(By.id("sign-in")).click();
    }

    /** The element {@code by} finds once it is visible. */
    protected static WebElement waitFor(By by) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /**
     * Waits until {@code condition} holds; an element replaced while it is read (htmx swapping a part
     * of the page) is read again.
     */
    protected static void waitUntil(String what, java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(browser, WAIT).withMessage(what).ignoring(StaleElementReferenceException.class)
                .until(condition::apply);
    }

    /** Waits until the element {@code by} finds shows exactly {@code text}. */
    protected static void waitForText(By by, String text) {
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(by, text));
    }

    protected static List<WebElement> all(By by) {
        return browser.findElements(by);
    }

    protected static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    /**
     * Runs {@code fetch} in the page: {@code method} to {@code path} with {@code headers} (a JS object
     * literal) and {@code body}, answering "status text". What a script of a page could send.
     */
    protected static String fetch(String method, String path, String headers, String body) {
        Object answer = ((JavascriptExecutor) browser).executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "fetch(arguments[0], {method: arguments[1], headers: " + headers + ", body: arguments[2],"
                + " credentials: 'same-origin'}).then(r => r.text().then(t => done(r.status + ' ' + t)))"
                + ".catch(e => done('failed ' + e));", path, method, body);
        return String.valueOf(answer);
    }

    /** Saves what the browser shows as {@code target/screenshots/<name>.png}. */
    protected static Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
