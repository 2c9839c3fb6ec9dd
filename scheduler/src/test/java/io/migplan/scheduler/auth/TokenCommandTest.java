package io.migplan.scheduler.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream stdout;
    PrintStream stderr;

    @BeforeEach
    void capture() {
        stdout = System.out;
        stderr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(stdout);
        System.setErr(stderr);
    }

    @Test
    void tokenCreatePrintsATokenTheSchedulersKeyAccepts() {
        int status = TokenCommand.run(dir, Duration.ofDays(30), "create", "--role", "operator", "--ttl", "24h",
                "--subject", "alice");

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String token = out.toString(StandardCharsets.UTF_8).strip();
        assertThat(new LocalTokens(SigningKeys.loadOrCreate(dir), Duration.ofDays(30)).verify(token))
                .isEqualTo(new LocalTokens.Caller("alice", Set.of("operator")));
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("token for 'alice' with role operator");
    }

    @Test
    void aTtlAboveTheMaximumPrintsNoTokenAndSaysWhy() {
        int status = TokenCommand.run(dir, Duration.ofDays(30), "create", "--role", "viewer", "--ttl", "90d");

        assertThat(status).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--ttl must be at most");
    }
}
