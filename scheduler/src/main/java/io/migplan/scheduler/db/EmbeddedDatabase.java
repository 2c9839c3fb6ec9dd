package io.migplan.scheduler.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A PostgreSQL server run from the binaries bundled in the zonky jars, keeping its data in
 * one folder, for machines that have no PostgreSQL of their own (a trial run, a developer's
 * laptop, the tests without {@code DB_URL}). It decides nothing about when it is used; see
 * {@link io.migplan.scheduler.SchedulerMain}. It is not for production: one process, no
 * backups, listening on loopback only.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** zonky's own default is 10 s; a cold first start on a busy 2-core CI machine needs more. */
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private final EmbeddedPostgres postgres;
    private final Path dataDir;

    private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    /**
     * Starts a server on a free loopback port with its data in {@code dataDir}, creating the
     * folder on first use and reusing the data on later starts.
     */
    public static EmbeddedDatabase start(Path dataDir) throws IOException {
        return start(dataDir, 0);
    }

    /** As {@link #start(Path)}, on {@code port} (0: a free one), e.g. to start a stopped server again where it was. */
    public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (port > 0) {
            builder.setPort(port);
        }
        EmbeddedPostgres postgres = builder
                .setDataDirectory(dir)
                // Keep the data between runs: this is the scheduler's database, not a fixture.
                .setCleanDataDirectory(false)
                .setPGStartupWait(STARTUP_WAIT)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
        return new EmbeddedDatabase(postgres, dir);
    }

    /** The JDBC URL of the {@code postgres} database on this server. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + database;
    }

    /** The superuser zonky's initdb creates; it trusts loopback connections, so no password. */
    public String username() {
        return "postgres";
    }

    public String password() {
        return "";
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
