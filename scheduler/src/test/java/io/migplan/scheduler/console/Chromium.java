package io.migplan.scheduler.console;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether Debian's headless browser is here for the console's browser tests: {@code /usr/bin/chromium}
 * and {@code /usr/bin/chromedriver} (packages chromium and chromium-driver). Without them a browser
 * test is skipped with a message, except in CI ({@code CI=true}), where their absence is a failure:
 * {@code .ci/run} installs them, so a missing browser there means the console went untested.
 */
final class Chromium {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    static void require() {
        require(Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER), System.getenv("CI"));
    }

    /** {@link #require()} for whether the browser was found and a given CI variable. */
    static void require(boolean found, String ci) {
        if (!found && "true".equals(ci)) {
            fail(BROWSER + " or " + DRIVER + " is missing but CI=true: install them (apt-get install chromium"
                    + " chromium-driver) so the console's browser tests run");
        }
        assumeTrue(found, BROWSER + " or " + DRIVER + " is missing: the console's browser tests are skipped"
                + " (apt-get install chromium chromium-driver to run them)");
    }
}
