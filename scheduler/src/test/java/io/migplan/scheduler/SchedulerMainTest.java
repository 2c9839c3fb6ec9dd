package io.migplan.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.SchedulerMain.Start;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The decision taken before boot: which database, and where embedded data goes. */
class SchedulerMainTest {

    static final Path DIR = Path.of(".data/pg");
    static final Optional<String> URL = Optional.of("jdbc:postgresql://db.example.net:5432/migplan");
    static final Optional<String> NONE = Optional.empty();

    @AfterEach
    void clear() {
        System.clearProperty(SchedulerMain.URL_KEY);
        System.clearProperty(SchedulerMain.DIR_KEY);
    }

    static Stream<Arguments> choices() {
        return Stream.of(
                Arguments.of("a URL alone is used as is", URL, NONE, true,
                        new Start.External(URL.get())),
                Arguments.of("a URL with migplan.db=external is used as is", URL, Optional.of("external"), false,
                        new Start.External(URL.get())),
                Arguments.of("migplan.db=embedded alone starts the embedded server", NONE, Optional.of("embedded"),
                        true, new Start.Embedded(DIR)),
                Arguments.of("the mode is read whatever its case", NONE, Optional.of(" Embedded "), true,
                        new Start.Embedded(DIR)),
                Arguments.of("neither is refused, saying what to set", NONE, NONE, true,
                        new Start.Refused("no database is configured: set DB_URL (or quarkus.datasource.jdbc.url) to"
                                + " the JDBC URL of your PostgreSQL, e.g. jdbc:postgresql://db.example.net:5432/migplan,"
                                + " with DB_USER and DB_PASSWORD; for a trial run without one, set migplan.db=embedded")),
                Arguments.of("external without a URL is refused the same way", NONE, Optional.of("external"), true,
                        new Start.Refused("no database is configured: set DB_URL (or quarkus.datasource.jdbc.url) to"
                                + " the JDBC URL of your PostgreSQL, e.g. jdbc:postgresql://db.example.net:5432/migplan,"
                                + " with DB_USER and DB_PASSWORD; for a trial run without one, set migplan.db=embedded")),
                Arguments.of("both a URL and embedded are refused", URL, Optional.of("embedded"), true,
                        new Start.Refused("migplan.db=embedded asks for an embedded PostgreSQL, but a database URL is"
                                + " set too (DB_URL or quarkus.datasource.jdbc.url); keep only one of them")),
                Arguments.of("an unknown mode is refused naming the key", NONE, Optional.of("sqlite"), true,
                        new Start.Refused("migplan.db must be embedded or external, got 'sqlite'")),
                Arguments.of("embedded on a build without it is refused", NONE, Optional.of("embedded"), false,
                        new Start.Refused("migplan.db=embedded, but this scheduler was built without the embedded"
                                + " PostgreSQL (build it with ./mvnw -Pembedded-db, as bin/demo does), or set DB_URL"
                                + " to your PostgreSQL")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("choices")
    void theDatabaseIsTheOneAskedFor(String sentence, Optional<String> url, Optional<String> mode, boolean builtIn,
            Start expected) {
        assertThat(SchedulerMain.decide(url, mode, DIR, builtIn)).isEqualTo(expected);
    }

    @Test
    void theTestsClassPathCarriesTheEmbeddedServer() {
        assertThat(SchedulerMain.embeddedBuiltIn()).isTrue();
    }

    @Test
    void aConfiguredUrlIsReadAsQuarkusWillSeeIt() {
        System.setProperty(SchedulerMain.URL_KEY, "jdbc:postgresql://db.example.net:5432/migplan");

        assertThat(SchedulerMain.configuredUrl(SchedulerMain.preBootConfig()))
                .contains("jdbc:postgresql://db.example.net:5432/migplan");
    }

    @Test
    void embeddedDataGoesToDotDataPgUnlessConfigured() {
        assertThat(SchedulerMain.embeddedDir(SchedulerMain.preBootConfig())).isEqualTo(Path.of(".data/pg"));
        System.setProperty(SchedulerMain.DIR_KEY, "/var/lib/migplan/pg");
        assertThat(SchedulerMain.embeddedDir(SchedulerMain.preBootConfig())).isEqualTo(Path.of("/var/lib/migplan/pg"));
    }
}
