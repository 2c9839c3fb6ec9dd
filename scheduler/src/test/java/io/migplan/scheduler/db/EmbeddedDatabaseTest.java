package io.migplan.scheduler.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The path the packaged scheduler takes when no PostgreSQL URL is configured. */
class EmbeddedDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void startsMigratesAndKeepsItsDataAcrossRestarts() throws Exception {
        Path data = dir.resolve("pg");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(data)) {
            assertThat(db.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:");
            var result = Flyway.configure().dataSource(db.jdbcUrl(), db.username(), db.password())
                    .locations("classpath:db/migration").load().migrate();
            assertThat(result.migrationsExecuted).isPositive();
            assertThat(result.success).isTrue();
            sql(db, "insert into host (id, cpus, memory_mib, generation, state, last_report_at, last_heartbeat_at)"
                    + " values ('h1', 8, 1024, 1, 'UP', now(), now())");
        }
        assertThat(Files.exists(data.resolve("PG_VERSION"))).as("data folder kept").isTrue();

        try (EmbeddedDatabase again = EmbeddedDatabase.start(data)) {
            try (Connection c = DriverManager.getConnection(again.jdbcUrl(), again.username(), again.password());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select cpus from host where id = 'h1'")) {
                assertThat(rs.next()).as("row written before the restart").isTrue();
                assertThat(rs.getInt(1)).isEqualTo(8);
            }
        }
    }

    private static void sql(EmbeddedDatabase db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
