package io.migplan.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.agent.TestTrees;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The launcher's command line runs the agent without picocli, and to the same outcome: the
 * direct path is taken for exactly that spelling, loads no picocli class, and a config that does
 * not start an agent ends with the exit status and message picocli's {@code run} gives. Parsing
 * any command line makes no HTTP client (picocli makes every command's object).
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

  @Test
  void theLaunchersRunLoadsNoPicocliClass() throws Exception {
    Path plaintext = dir.resolve("plaintext.yaml");
    TestTrees.write(plaintext, "hostId: host-01\nrelease: \"2025.1\"\n");

    // Refused before serving (plaintext not consented to): the command line's path is all it takes.
    List<String> loaded = classesLoadedBy("run", "--config", plaintext.toString());

    // Verifying AgentCommand loads the two exception classes it names; picocli itself is not used.
    assertThat(loaded).anyMatch(c -> c.equals("io.migplan.agent.cli.RunCommand"))
        .noneMatch(c -> c.equals("picocli.CommandLine") || c.startsWith("picocli.CommandLine$Model"));
  }

  @Test
  void parsingAnyCommandLineStartsNoHttpClient() throws Exception {
    List<String> loaded = classesLoadedBy("--version");

    // The client's implementation, loaded only when one is built (not the interface a field names).
    assertThat(loaded).anyMatch(c -> c.equals("io.migplan.agent.bench.BenchFleetCommand"))
        .noneMatch(c -> c.startsWith("jdk.internal.net.http."));
  }

  /** The classes a fresh JVM loads running the agent's main class with {@code args}. */
  private List<String> classesLoadedBy(String... args) throws Exception {
    Path log = dir.resolve("classes.log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"), AgentCommand.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    // "[0.010s][info][class,load] java.lang.Object source: jrt:/java.base": the class name is the second field.
    return Files.readAllLines(log).stream().map(l -> l.split(" ")).filter(f -> f.length > 1).map(f -> f[1]).toList();
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
