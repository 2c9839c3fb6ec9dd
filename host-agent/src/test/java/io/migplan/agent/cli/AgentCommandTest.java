package io.migplan.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.agent.TestTrees;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The launcher's command line runs the agent without picocli, and to the same outcome: the
 * direct path is taken for exactly that spelling, and a config that does not start an agent ends
 * with the exit status and message picocli's {@code run} gives.
 */
class AgentCommandTest {
  @TempDir Path dir;

  @Test
  void onlyTheLaunchersSpellingOfRunIsTakenWithoutPicocli() {
    assertThat(AgentCommand.launcherRun(new String[] {"run", "--config", "/etc/migplan/agent.yaml"}))
        .contains(Path.of("/etc/migplan/agent.yaml"));
    for (List<String> other : List.<List<String>>of(
        List.of("run", "--config=/etc/migplan/agent.yaml"),
        List.of("run", "-h"),
        List.of("run", "--config", "--help"),
        List.of("run", "--config", ""),
        List.of("run", "--config", "/etc/migplan/agent.yaml", "--help"),
        List.of("warmup", "--config", "/etc/migplan/agent.yaml"),
        List.of("scan", "--config", "/etc/migplan/agent.yaml"),
        List.of("run"),
        List.of())) {
      assertThat(AgentCommand.launcherRun(other.toArray(String[]::new))).as("%s", other).isEqualTo(Optional.empty());
    }
  }

  @Test
  void aConfigThatStartsNoAgentEndsAsUnderPicocli() {
    Path invalid = dir.resolve("invalid.yaml");
    TestTrees.write(invalid, "hostId: \" \"\nrelease: \"2025.1\"\ninsecure: true\n");
    Path plaintext = dir.resolve("plaintext.yaml");
    TestTrees.write(plaintext, "hostId: host-01\nrelease: \"2025.1\"\n");
    Path missing = dir.resolve("missing.yaml");

    for (Path config : List.of(invalid, plaintext, missing)) {
      Outcome direct = capture(() -> RunCommand.runDirectly(config));
      Outcome picocli = capture(() -> new CommandLine(new AgentCommand()).execute("run", "--config", config.toString()));

      assertThat(direct.status).as("%s", config).isNotZero().isEqualTo(picocli.status);
      assertThat(direct.firstLine()).as("%s", config).isNotBlank().isEqualTo(picocli.firstLine());
    }
  }

  private record Outcome(int status, String err) {
    String firstLine() {
      return err.lines().findFirst().orElse("");
    }
  }

  /** Runs {@code run} with System.err captured (picocli and RunCommand both write there). */
  private static Outcome capture(IntSupplier run) {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int status = run.getAsInt();
      return new Outcome(status, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(saved);
    }
  }
}
