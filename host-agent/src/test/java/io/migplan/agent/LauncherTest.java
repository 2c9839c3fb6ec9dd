package io.migplan.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped launcher (deploy/bin/migplan-agent) and systemd unit: the JVM exits on running out
 * of memory, and systemd starts it again, hardened as before, and reloads it with SIGHUP (the
 * launcher execs the JVM, so it is the unit's main process). The launcher runs for real, with a
 * stand-in for {@code java} that records how it was called.
 */
class LauncherTest {
  static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void everyJvmTheLauncherStartsExitsOnRunningOutOfMemory() throws Exception {
    Path jar = dir.resolve("host-agent-0.1.0.jar");
    List<String> started = launch(jar);

    assertThat(started).as("the class-data warm-up, then the agent").hasSize(2);
    assertThat(started).allSatisfy(args -> assertThat(args).contains("-XX:+ExitOnOutOfMemoryError", "-Xmx64m"));
    assertThat(started.get(1)).endsWith("-jar " + jar + " run --config /etc/migplan/agent.yaml");
  }

  @Test
  void everyJvmTheLauncherStartsHasOneNettyArenaOfSmallChunks() throws Exception {
    List<String> started = launch(dir.resolve("host-agent-0.1.0.jar"));

    // The resident memory measured in docs/benchmarks.md assumes them: 64 KiB chunks, not 4 MiB.
    assertThat(started).hasSize(2).allSatisfy(args -> assertThat(args).contains(
        "-Dio.grpc.netty.shaded.io.netty.allocator.numDirectArenas=1",
        "-Dio.grpc.netty.shaded.io.netty.allocator.numHeapArenas=1",
        "-Dio.grpc.netty.shaded.io.netty.allocator.maxOrder=3"));
  }

  @Test
  void everyJvmTheLauncherStartsHasASmallYoungGeneration() throws Exception {
    List<String> started = launch(dir.resolve("host-agent-0.1.0.jar"));

    // Resident memory (docs/benchmarks.md): every eden page is resident once allocation has swept it.
    assertThat(started).hasSize(2).allSatisfy(args -> assertThat(args.split(" ")).contains("-Xmn2m", "-Xms8m", "-Xmx64m"));
  }

  @Test
  void thisJvmAcceptsEveryFlagTheLauncherGives() throws Exception {
    String agentLine = launch(dir.resolve("host-agent-0.1.0.jar")).get(1);
    List<String> flags = new ArrayList<>(List.of(agentLine.substring(0, agentLine.indexOf(" -jar ")).split(" ")));
    flags.removeIf(f -> f.startsWith("-XX:SharedArchiveFile="));

    // A flag this JVM does not know stops it before main: the agent would never start.
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(flags);
    command.add("-version");
    Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(java.getInputStream().readAllBytes());
    assertThat(java.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(java.exitValue()).as(flags + ": " + out).isZero();
  }

  /** Runs the launcher with a stand-in for {@code java}; the argument lines it was called with. */
  private List<String> launch(Path jar) throws Exception {
    Path calls = dir.resolve("calls");
    Path java = dir.resolve("java");
    TestTrees.write(java, "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
    assertThat(java.toFile().setExecutable(true)).isTrue();
    TestTrees.write(jar, "not a jar: the stand-in never opens it\n");

    ProcessBuilder pb = new ProcessBuilder(DEPLOY.resolve("bin/migplan-agent").toString(), "/etc/migplan/agent.yaml")
        .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile());
    pb.environment().put("JAVA", java.toString());
    pb.environment().put("MIGPLAN_AGENT_JAR", jar.toString());
    pb.environment().put("MIGPLAN_CACHE_DIR", dir.resolve("cache").toString());
    Process launcher = pb.start();
    assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(launcher.exitValue()).as(Files.readString(dir.resolve("out"))).isZero();
    return Files.readAllLines(calls);
  }

  @Test
  void systemdRestartsAndReloadsTheAgentAndKeepsItsHardening() throws Exception {
    List<String> unit = Files.readAllLines(DEPLOY.resolve("systemd/migplan-agent.service"));

    assertThat(unit).contains("ExecStart=/opt/migplan/host-agent/bin/migplan-agent /etc/migplan/agent.yaml",
        "Restart=on-failure", "ExecReload=/bin/kill -HUP $MAINPID", "ProtectSystem=strict", "ProtectHome=true", "PrivateTmp=true",
        "NoNewPrivileges=true");
  }
}
