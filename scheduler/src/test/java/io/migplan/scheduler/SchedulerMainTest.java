package io.migplan.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The decision taken before boot: which database, and where embedded data goes. */
class SchedulerMainTest {

    @AfterEach
    void clear() {
        System.clearProperty(SchedulerMain.URL_KEY);
        System.clearProperty(SchedulerMain.DIR_KEY);
    }

    @Test
    void aConfiguredUrlIsUsedAsIs() {
        System.setProperty(SchedulerMain.URL_KEY, "jdbc:postgresql://db.example.net:5432/migplan");

        assertThat(SchedulerMain.configuredUrl(SchedulerMain.preBootConfig()))
                .contains("jdbc:postgresql://db.example.net:5432/migplan");
    }

    @Test
    void withoutAnyUrlTheEmbeddedServerIsChosen() {
        // DB_URL is mapped onto the URL in application.properties; CI may set it for this JVM.
        String dbUrl = System.getenv("DB_URL");
        var expected = dbUrl == null || dbUrl.isBlank() ? java.util.Optional.<String>empty()
                : java.util.Optional.of(dbUrl);

        assertThat(SchedulerMain.configuredUrl(SchedulerMain.preBootConfig())).isEqualTo(expected);
    }

    @Test
    void embeddedDataGoesToDotDataPgUnlessConfigured() {
        assertThat(SchedulerMain.embeddedDir(SchedulerMain.preBootConfig())).isEqualTo(Path.of(".data/pg"));
        System.setProperty(SchedulerMain.DIR_KEY, "/var/lib/migplan/pg");
        assertThat(SchedulerMain.embeddedDir(SchedulerMain.preBootConfig())).isEqualTo(Path.of("/var/lib/migplan/pg"));
    }
}
