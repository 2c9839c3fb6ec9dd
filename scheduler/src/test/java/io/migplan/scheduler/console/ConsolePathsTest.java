package io.migplan.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsolePathsTest {

    @Test
    void theConsoleIsItsRootAndWhatIsBelowIt() {
        assertThat(ConsolePaths.isConsole("/console")).isTrue();
        assertThat(ConsolePaths.isConsole("/console/fleet")).isTrue();
        assertThat(ConsolePaths.isConsole("/consoleX")).isFalse();
        assertThat(ConsolePaths.isConsole("/api/v1/hosts")).isFalse();
        assertThat(ConsolePaths.isConsole(null)).isFalse();
    }

    @Test
    void afterSigningInTheBrowserGoesOnlyToAConsolePageOfThisServer() {
        assertThat(ConsolePaths.afterLogin("/console/hosts/h1?x=1")).isEqualTo("/console/hosts/h1?x=1");
        for (String elsewhere : new String[] {null, "", "https://evil.example/console", "//evil.example/console",
                "/console//evil.example", "/console/\\evil", "/console/../api/v1/hosts", "/console/%2E%2E/api",
                "/api/v1/hosts", "/console/login", "/console/logout", "/console/a b", "/console/\u00e9"}) {
            assertThat(ConsolePaths.afterLogin(elsewhere)).as(String.valueOf(elsewhere)).isEqualTo(ConsolePaths.FLEET);
        }
    }
}
