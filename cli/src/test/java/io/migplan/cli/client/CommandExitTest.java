package io.migplan.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.cli.Migplan;
import io.migplan.cli.testsupport.StandIn;
import io.migplan.cli.testsupport.StandIn.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command that makes plain calls ends as soon as it has printed: it makes no JDK
 * {@code HttpClient}, whose selector thread waits in native code and so holds the JVM's exit up to
 * 300 ms on JDK 17. Run in a JVM of its own, as a user runs it.
 */
class CommandExitTest {

    @TempDir
    Path dir;

    @Test
    void whereCanAnswersWithoutTheJdksHttpClient() throws Exception {
        try (StandIn s = new StandIn(r -> Answer.json(200, "{\"summary\":\"1/2 hosts eligible\",\"candidates\":[],"
                + "\"rejected\":[],\"rejectedByCode\":[]}"))) {
            Path log = dir.resolve("classes.log");
            Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"),
                    Migplan.class.getName(), "--server", s.url(), "--token", "t", "where-can", "vm-1"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("out"))).isZero();
            assertThat(Files.readString(dir.resolve("out"))).contains("1/2 hosts eligible");
            assertThat(s.requests).extracting(StandIn.Request::path).containsExactly("/api/v1/vms/vm-1/targets?view=summary");
            assertThat(Files.readAllLines(log)).noneMatch(l -> l.contains(" jdk.internal.net.http.HttpClientImpl "));
        }
    }
}
