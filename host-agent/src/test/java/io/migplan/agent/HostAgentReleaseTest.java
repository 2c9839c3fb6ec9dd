package io.migplan.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.config.InvalidConfigException;
import io.migplan.agent.config.ReleaseCommand;
import io.migplan.proto.v1.HostSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release as a real agent observes it: real files and programs, a real agent, real gRPC to a
 * stand-in scheduler; and a changed config taken without a restart, by a method call and by a
 * real SIGHUP to an agent running as a process of its own.
 */
class HostAgentReleaseTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Duration POLL = Duration.ofMillis(50);

  @TempDir Path dir;
  FakeScheduler scheduler;
  Path releaseFile;

  @BeforeEach
  void start() throws Exception {
    scheduler = new FakeScheduler(0);
    releaseFile = dir.resolve("etc/migplan-release");
    TestTrees.write(releaseFile, "2025.1\n");
  }

  @AfterEach
  void stop() {
    scheduler.close();
  }

  /** Scans an hour apart: what reaches the scheduler sooner came from the release watch. */
  private AgentConfig.Builder config() {
    return AgentConfig.builder().hostId("host-01").root(dir).listenAddress("127.0.0.1").port(0).cpus(8)
        .memoryMib(16384L).schedulerTarget(scheduler.target()).scanInterval(Duration.ofHours(1))
        .heartbeatInterval(Duration.ofHours(1)).releaseFile(releaseFile);
  }

  private Optional<HostSnapshot> last() {
    List<HostSnapshot> reports = scheduler.reportsFrom("host-01");
    return reports.isEmpty() ? Optional.empty() : Optional.of(reports.get(reports.size() - 1));
  }

  private void awaitReport(String what, java.util.function.Predicate<HostSnapshot> test) {
    await(what).atMost(WAIT).pollInterval(POLL).until(() -> last().filter(test).isPresent());
  }

  @Test
  void aChangedReleaseFileIsReportedPromptlyWithoutARestart() throws Exception {
    try (HostAgent agent = HostAgent.start(config().build())) {
      awaitReport("the first report", s -> s.getHost().getRelease().equals("2025.1"));
      assertThat(last().orElseThrow().getHost().getLibvirtUri()).isEqualTo("qemu+tls://host-01/system");
      int before = scheduler.reportsFrom("host-01").size();

      TestTrees.write(releaseFile, "2025.2\n");

      awaitReport("a report at 2025.2", s -> s.getHost().getRelease().equals("2025.2"));
      assertThat(last().orElseThrow().getProblemsList()).noneMatch(p -> p.getMessage().contains("release"));
      assertThat(scheduler.reportsFrom("host-01").size()).isGreaterThan(before);
      assertThat(agent.release()).isEqualTo("2025.2");

      // Unreadable: the last release read stays, with a problem saying why; never an empty release.
      TestTrees.write(releaseFile, "\n\n");
      awaitReport("a report with the release problem", s -> s.getProblemsList().stream()
          .anyMatch(p -> p.getMessage().startsWith("The release could not be read")));
      assertThat(last().orElseThrow().getHost().getRelease()).isEqualTo("2025.2");
    }
  }

  @Test
  void anAgentWhoseReleaseCannotBeReadDoesNotStartNorReport() {
    Path missing = dir.resolve("etc/no-such-release");
    assertThatThrownBy(() -> HostAgent.start(config().releaseFile(missing).build()))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("releaseFile");
          assertThat(e.getMessage()).contains("no release could be read: release file " + missing);
        });
    assertThat(scheduler.reports).isEmpty();
  }

  @Test
  void aReleaseCommandIsRunAtEveryScan() throws Exception {
    Path tool = dir.resolve("release-tool");
    TestTrees.write(tool, "#!/bin/sh\nhead -n 1 '" + releaseFile + "'\n");
    assertThat(tool.toFile().setExecutable(true, true)).isTrue();
    try (HostAgent agent = HostAgent.start(
        config().releaseCommand(new ReleaseCommand(List.of(tool.toString()))).build())) {
      assertThat(agent.scan().getHost().getRelease()).isEqualTo("2025.1");
      TestTrees.write(releaseFile, "2026.1\n");
      assertThat(agent.scan().getHost().getRelease()).isEqualTo("2026.1");
      agent.reportNow();
      assertThat(last().orElseThrow().getHost().getRelease()).isEqualTo("2026.1");
    }
  }

  @Test
  void reloadTakesHostFactsAndRefusesABadFileOrAKeyThatNeedsARestart() throws Exception {
    Path file = dir.resolve("agent.yaml");
    String base = "hostId: host-01\nroot: .\nlistenAddress: 127.0.0.1\nport: 0\ncpus: 8\nmemoryMib: 16384\n"
        + "schedulerTarget: " + scheduler.target() + "\nscanInterval: 1h\nheartbeatInterval: 1h\n";
    TestTrees.write(file, base + "release: \"2025.1\"\nlabels: {pool: a}\n");
    try (HostAgent agent = HostAgent.start(AgentConfig.load(file))) {
      awaitReport("the first report", s -> s.getHost().getLabelsMap().equals(java.util.Map.of("pool", "a")));

      TestTrees.write(file, base + "releaseFile: etc/migplan-release\nlabels: {pool: b}\n"
          + "libvirtUri: qemu+ssh://root@host-01.example.net/system\n");
      assertThat(agent.reloadFrom(file)).isTrue();
      awaitReport("a report with the reloaded facts", s -> s.getHost().getLabelsMap().equals(java.util.Map.of("pool", "b")));
      assertThat(last().orElseThrow().getHost().getRelease()).isEqualTo("2025.1");
      assertThat(last().orElseThrow().getHost().getLibvirtUri()).isEqualTo("qemu+ssh://root@host-01.example.net/system");
      AgentConfig taken = agent.config();

      for (String bad : List.of(
          base + "releaseFile: etc/migplan-release\nlabels: {pool: c}\nport: ninety\n",
          base.replace("port: 0", "port: 9401") + "releaseFile: etc/migplan-release\nlabels: {pool: c}\n",
          base + "releaseFile: etc/none\nlabels: {pool: c}\n",
          base + "release: \"2025.1\"\nreleaseFile: etc/migplan-release\n",
          base + "releaseFile: etc/migplan-release\nlibvirtUri: not a uri\n")) {
        TestTrees.write(file, bad);
        assertThat(agent.reloadFrom(file)).as(bad).isFalse();
        assertThat(agent.config()).as(bad).isEqualTo(taken);
      }
      Files.delete(file);
      assertThat(agent.reloadFrom(file)).isFalse();
      assertThat(agent.scan().getHost().getLabelsMap()).containsEntry("pool", "b");
    }
  }

  @Test
  void aRunningAgentProcessRereadsItsConfigOnSighupAndKeepsRunningOnABadOne() throws Exception {
    Path file = dir.resolve("agent.yaml");
    String base = "hostId: host-01\nroot: .\nlistenAddress: 127.0.0.1\nport: 0\ncpus: 8\nmemoryMib: 16384\n"
        + "schedulerTarget: " + scheduler.target() + "\nscanInterval: 1h\nheartbeatInterval: 1h\ninsecure: true\n"
        + "releaseFile: etc/migplan-release\n";
    TestTrees.write(file, base + "labels: {pool: a}\n");
    Path log = dir.resolve("agent.log");
    Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-cp", System.getProperty("java.class.path"), "io.migplan.agent.cli.AgentCommand",
        "run", "--config", file.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      awaitReport("the first report", s -> s.getHost().getLabelsMap().equals(java.util.Map.of("pool", "a")));

      TestTrees.write(file, base + "labels: {pool: b}\n");
      hup(agent);
      awaitReport("a report after SIGHUP", s -> s.getHost().getLabelsMap().equals(java.util.Map.of("pool", "b")));

      TestTrees.write(file, base + "labels: {pool: c}\nport: ninety\n");
      hup(agent);
      await("the refusal in the log").atMost(WAIT).pollInterval(POLL)
          .until(() -> Files.readString(log).contains("config not reloaded (port)"));
      assertThat(agent.isAlive()).isTrue();
      // Still reporting on the config it had.
      TestTrees.write(releaseFile, "2025.2\n");
      awaitReport("a report at 2025.2", s -> s.getHost().getRelease().equals("2025.2"));
      assertThat(last().orElseThrow().getHost().getLabelsMap()).containsEntry("pool", "b");
    } finally {
      agent.destroy();
      if (!agent.waitFor(10, TimeUnit.SECONDS)) {
        agent.destroyForcibly();
      }
    }
  }

  private static void hup(Process p) throws Exception {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  @Test
  void everyKeyAReloadCannotTakeIsNamedAndHostFactsAreNot() {
    AgentConfig a = config().build();
    java.util.Map<String, AgentConfig> restartOnly = new java.util.LinkedHashMap<>();
    restartOnly.put("hostId", a.toBuilder().hostId("host-02").build());
    restartOnly.put("root", a.toBuilder().root(dir.resolve("other")).build());
    restartOnly.put("listenAddress", a.toBuilder().listenAddress("0.0.0.0").build());
    restartOnly.put("port", a.toBuilder().port(9401).build());
    restartOnly.put("advertiseAddress", a.toBuilder().advertiseAddress("h1.example.net").build());
    restartOnly.put("schedulerTarget", a.toBuilder().schedulerTarget("elsewhere:8443").build());
    restartOnly.put("insecure", a.toBuilder().insecure(true).build());
    restartOnly.put("scanInterval", a.toBuilder().scanInterval(Duration.ofSeconds(5)).build());
    restartOnly.put("heartbeatInterval", a.toBuilder().heartbeatInterval(Duration.ofSeconds(5)).build());
    restartOnly.put("callTimeout", a.toBuilder().callTimeout(Duration.ofSeconds(1)).build());
    restartOnly.put("probes", a.toBuilder().probeBackend(io.migplan.agent.config.ProbeBackendChoice.RULES).build());
    restartOnly.put("limits", a.toBuilder().limits(new io.migplan.agent.config.AgentLimits(2, null, null)).build());
    restartOnly.forEach((key, b) -> assertThat(HostAgent.restartOnlyChange(a, b)).as(key).isEqualTo(key));

    AgentConfig facts = a.toBuilder().release("2026.1").failureDomain("rack-z").label("pool", "b").cpus(16)
        .memoryMib(32768L).cpuAllocationRatio(2.0).reservedCpus(1).driverVersion("570.124.06")
        .nvidiaMixedSizeParents(java.util.Set.of("*")).libvirtUri("qemu+ssh://h1/system").build();
    assertThat(HostAgent.restartOnlyChange(a, facts)).isNull();
  }
}
