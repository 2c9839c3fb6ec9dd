package io.migplan.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.agent.TestPki;
import io.migplan.agent.TestTrees;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WarmupCommandTest {
  @TempDir Path dir;

  @Test
  void warmupServesScansAndProbesOnceOnLoopbackThenExits() throws Exception {
    Path config = dir.resolve("agent.yaml");
    Files.writeString(
        config,
        "hostId: warm-1\nrelease: \"2025.1\"\nmemoryMib: 4096\nport: 9400\nroot: "
            + TestTrees.fixture("derived/nvidia-2xT4-host")
            + "\n");

    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new AgentCommand());
    cli.setOut(new PrintWriter(out));

    assertThat(cli.execute("warmup", "--config", config.toString())).isZero();
    assertThat(out.toString()).contains("warm-1: warmed up (2 parents)");
  }

  @Test
  void warmupOfATlsAgentTakesTheTlsPathAndStillWarmsTheServiceCalls() throws Exception {
    var tls = TestPki.create(Files.createDirectories(dir.resolve("pki"))).hostTls("warm-2", java.time.Duration.ofMinutes(1));
    Path config = dir.resolve("agent-tls.yaml");
    Files.writeString(
        config,
        "hostId: warm-2\nrelease: \"2025.1\"\nmemoryMib: 4096\nport: 9400\nroot: "
            + TestTrees.fixture("derived/nvidia-2xT4-host")
            + "\ntls: {ca: " + tls.ca() + ", cert: " + tls.cert() + ", key: " + tls.key() + "}\n");

    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new AgentCommand());
    cli.setOut(new PrintWriter(out));

    assertThat(cli.execute("warmup", "--config", config.toString())).isZero();
    assertThat(out.toString()).contains("warm-2: warmed up (2 parents)");
  }

  @Test
  void aBadConfigNamesTheFieldAndFails() throws Exception {
    Path config = dir.resolve("agent.yaml");
    Files.writeString(config, "release: \"2025.1\"\n");

    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new AgentCommand());
    cli.setErr(new PrintWriter(err));

    assertThat(cli.execute("warmup", "--config", config.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("hostId");
  }
}
