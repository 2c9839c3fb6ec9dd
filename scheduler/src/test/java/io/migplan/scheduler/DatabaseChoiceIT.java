package io.migplan.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.scheduler.testsupport.SchedulerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged scheduler never starts on a database nobody asked for: without a URL and without
 * {@code migplan.db=embedded} it exits non-zero saying what to set, and the production build
 * carries no embedded PostgreSQL at all.
 */
class DatabaseChoiceIT {

    static final Path JAR = Path.of(System.getProperty("migplan.it.scheduler-jar",
            "target/quarkus-app/quarkus-run.jar"));
    static final Path LOGS = Path.of(System.getProperty("migplan.it.work-dir", "target/it"));
    /** How this build packaged the embedded PostgreSQL: provided (left out) unless built with -Pembedded-db. */
    static final boolean EMBEDDED_BUILT_IN = "compile".equals(System.getProperty("migplan.it.embedded-db.scope",
            "provided"));
    static final Duration EXIT_WITHIN = Duration.ofMinutes(2);

    @Test
    void aStartWithoutADatabaseUrlAndWithoutEmbeddedFailsSayingWhatToSet() throws IOException {
        Path log = fresh("no-database-scheduler.log");

        int status = SchedulerProcess.runUntilExit(JAR, Map.of(), log, EXIT_WITHIN);

        assertThat(status).as("exit status; log:\n%s", SchedulerProcess.tail(log)).isNotZero();
        assertThat(Files.readString(log)).contains("no database is configured: set DB_URL (or"
                + " quarkus.datasource.jdbc.url) to the JDBC URL of your PostgreSQL, e.g."
                + " jdbc:postgresql://db.example.net:5432/migplan, with DB_USER and DB_PASSWORD; for a trial run"
                + " without one, set migplan.db=embedded");
    }

    @Test
    void theProductionBuildCarriesNoEmbeddedPostgresqlAndSaysSoWhenAskedForOne() throws IOException {
        Path lib = JAR.toAbsolutePath().getParent().resolve("lib");
        boolean packaged;
        try (Stream<Path> jars = Files.walk(lib)) {
            packaged = jars.anyMatch(p -> p.getFileName().toString().startsWith("io.zonky.test"));
        }
        assertThat(packaged).as("zonky jars under %s", lib).isEqualTo(EMBEDDED_BUILT_IN);
        if (EMBEDDED_BUILT_IN) {
            return;
        }
        Path log = fresh("embedded-not-built-in-scheduler.log");

        int status = SchedulerProcess.runUntilExit(JAR, Map.of("migplan.db", "embedded"), log, EXIT_WITHIN);

        assertThat(status).as("exit status; log:\n%s", SchedulerProcess.tail(log)).isNotZero();
        assertThat(Files.readString(log)).contains("migplan.db=embedded, but this scheduler was built without the"
                + " embedded PostgreSQL (build it with ./mvnw -Pembedded-db, as bin/demo does), or set DB_URL");
    }

    private static Path fresh(String name) throws IOException {
        Path log = LOGS.resolve(name);
        Files.deleteIfExists(log);
        return log;
    }
}
