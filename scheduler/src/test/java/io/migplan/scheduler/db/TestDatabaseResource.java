package io.migplan.scheduler.db;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The database of every {@code @QuarkusTest} in this module (registered once, globally, by
 * {@link TestDatabase}). With env {@code DB_URL} (plus {@code DB_USER}, default postgres, and
 * {@code DB_PASSWORD}, default empty) it creates a fresh, uniquely named database on that
 * server for this run and drops it afterwards, so runs never see each other's rows. Without
 * it, an embedded PostgreSQL in a temporary folder.
 */
public class TestDatabaseResource implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(TestDatabaseResource.class);

    private EmbeddedDatabase embedded;
    private Path embeddedDir;
    private String serverUrl;
    private String createdDb;
    private String user;
    private String password;

    @Override
    public Map<String, String> start() {
        String dbUrl = System.getenv("DB_URL");
        user = envOr("DB_USER", "postgres");
        password = envOr("DB_PASSWORD", "");
        if (dbUrl != null && !dbUrl.isBlank()) {
            serverUrl = dbUrl;
            createdDb = "migplan_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            execute(serverUrl, "create database " + createdDb);
            String url = withDatabase(dbUrl, createdDb);
            LOG.infof("tests use the fresh database %s", url);
            return Map.of("quarkus.datasource.jdbc.url", url, "quarkus.datasource.username", user,
                    "quarkus.datasource.password", password);
        }
        try {
            embeddedDir = Files.createTempDirectory("migplan-test-pg");
            embedded = EmbeddedDatabase.start(embeddedDir);
        } catch (IOException e) {
            throw new IllegalStateException("the embedded PostgreSQL for the tests did not start", e);
        }
        LOG.infof("no DB_URL: tests use an embedded PostgreSQL at %s", embedded.jdbcUrl());
        return Map.of("quarkus.datasource.jdbc.url", embedded.jdbcUrl(), "quarkus.datasource.username",
                embedded.username(), "quarkus.datasource.password", embedded.password());
    }

    @Override
    public void stop() {
        if (createdDb != null) {
            // WITH (FORCE) (PostgreSQL 13+) ends the pool's connections that may still linger.
            execute(serverUrl, "drop database if exists " + createdDb + " with (force)");
        }
        if (embedded != null) {
            try {
                embedded.close();
                deleteTree(embeddedDir);
            } catch (IOException e) {
                LOG.warnf(e, "the embedded test PostgreSQL in %s was not cleaned up", embeddedDir);
            }
        }
    }

    /** {@code jdbc:postgresql://h:p/db?x=y} with {@code db} replaced. */
    static String withDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        int hostStart = base.indexOf("//") + 2;
        int slash = base.indexOf('/', hostStart);
        return (slash < 0 ? base : base.substring(0, slash)) + "/" + database + params;
    }

    private void execute(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed on " + url + ": " + e.getMessage(), e);
        }
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
