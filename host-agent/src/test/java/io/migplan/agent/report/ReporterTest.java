package io.migplan.agent.report;

import static io.migplan.agent.TestTrees.populateParentDevice;
import static io.migplan.agent.TestTrees.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.migplan.agent.FakeScheduler;
import io.migplan.agent.HostAgent;
import io.migplan.agent.SharedResources;
import io.migplan.agent.config.AgentConfig;
import io.migplan.proto.v1.HostSnapshot;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReporterTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration TICK = Duration.ofMillis(100);
  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir Path root;

  private AgentConfig config(String schedulerTarget) {
    return AgentConfig.builder().hostId("host-07").release("2025.1").root(root)
        .listenAddress("127.0.0.1").port(0).schedulerTarget(schedulerTarget)
        .scanInterval(TICK).heartbeatInterval(TICK).callTimeout(Duration.ofSeconds(1))
        .cpus(32).memoryMib(65536L).build();
  }

  @Test
  void reportsAtStartReReportsOnChangeHeartbeatsAndResendsWhenAsked() throws Exception {
    Path type = populateParentDevice(root, "0000:3b:00.0", "nvidia-231", 8, "vfio-pci", "GRID T4-2Q", null);
    try (FakeScheduler scheduler = new FakeScheduler(0);
        HostAgent agent = HostAgent.start(config(scheduler.target()))) {
      await("the first report").atMost(WAIT).pollInterval(POLL).until(() -> scheduler.reports.size() >= 1);
      HostSnapshot first = scheduler.reports.get(0);
      assertThat(first.getHost().getId()).isEqualTo("host-07");
      assertThat(first.getHost().getAgentEndpoint()).isEqualTo(agent.endpoint()).startsWith("127.0.0.1:");
      assertThat(first.getParents(0).getTypes(0).getAvailableInstances()).isEqualTo(8);

      await("heartbeats").atMost(WAIT).pollInterval(POLL).until(() -> scheduler.heartbeats.size() >= 3);
      assertThat(scheduler.heartbeats).allSatisfy(h -> {
        assertThat(h.getHostId()).isEqualTo("host-07");
        assertThat(h.getGeneration()).isEqualTo(first.getGeneration());
      });
      // Many scan ticks have passed with nothing changed: still only the first report.
      assertThat(scheduler.reports).hasSize(1);

      write(type.resolve("available_instances"), "7\n");
      await("a report after the change").atMost(WAIT).pollInterval(POLL)
          .until(() -> scheduler.reports.size() >= 2);
      HostSnapshot second = scheduler.reports.get(1);
      assertThat(second.getParents(0).getTypes(0).getAvailableInstances()).isEqualTo(7);
      assertThat(second.getGeneration()).isGreaterThan(first.getGeneration());

      scheduler.resendOnce.set(true);
      await("a report after resend_inventory").atMost(WAIT).pollInterval(POLL)
          .until(() -> scheduler.reports.size() >= 3);
      HostSnapshot third = scheduler.reports.get(2);
      assertThat(third.getGeneration()).isGreaterThan(second.getGeneration());
      assertThat(third.getParentsList()).isEqualTo(second.getParentsList());

      int before = scheduler.reports.size();
      agent.reportNow();
      assertThat(scheduler.reports.size()).isGreaterThan(before);
    }
  }

  @Test
  void theListenerHearsEachAnsweredHeartbeatWithItsHostAndWhetherItWasVouched() throws Exception {
    List<String> heard = new CopyOnWriteArrayList<>();
    Reporter.Listener listener = new Reporter.Listener() {
      @Override
      public void acknowledged(String hostId, long generation, boolean applied) {}

      @Override
      public void heartbeatAnswered(String hostId, boolean vouched) {
        heard.add(hostId + (vouched ? " vouched" : " asked to resend"));
      }
    };
    try (FakeScheduler scheduler = new FakeScheduler(0);
        SharedResources shared = SharedResources.create(1, id -> Duration.ZERO, listener);
        HostAgent agent = HostAgent.start(config(scheduler.target()), shared)) {
      await("a vouched heartbeat").atMost(WAIT).pollInterval(POLL).until(() -> heard.contains("host-07 vouched"));
      scheduler.resendOnce.set(true);
      await("a heartbeat answered with resend_inventory").atMost(WAIT).pollInterval(POLL)
          .until(() -> heard.contains("host-07 asked to resend"));
    }
  }

  /**
   * Agents sharing one thread: a heartbeat waiting for a slow answer must not hold it, or a
   * simulator's thousands of agents fall behind their beat schedule whenever the scheduler
   * slows down (each blocking beat held a thread for its whole round trip).
   */
  @Test
  void aHeartbeatWaitingForItsAnswerHoldsNoThreadOfTheSharedOnes() throws Exception {
    try (FakeScheduler scheduler = new FakeScheduler(0);
        SharedResources shared = SharedResources.create(1, id -> Duration.ZERO, Reporter.Listener.NONE);
        HostAgent first = HostAgent.start(config(scheduler.target()), shared);
        HostAgent second = HostAgent.start(config(scheduler.target()).toBuilder().hostId("host-08").build(), shared)) {
      await("both hosts reported").atMost(WAIT).pollInterval(POLL)
          .until(() -> !scheduler.reportsFrom("host-07").isEmpty() && !scheduler.reportsFrom("host-08").isEmpty());
      // Answers take five beat intervals, within the call's deadline: with the one thread held by a
      // waiting beat, no second beat could be sent before the first is answered.
      scheduler.heartbeatDelayMs.set(TICK.toMillis() * 5);
      await("two heartbeats waiting for their answers at once").atMost(WAIT).pollInterval(POLL)
          .until(() -> scheduler.mostHeartbeatsInFlight.get() >= 2);
    }
  }

  @Test
  void theListenerHearsACallThatGotNoAnswerWithItsStatusCode() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    List<String> failed = new CopyOnWriteArrayList<>();
    Reporter.Listener listener = new Reporter.Listener() {
      @Override
      public void acknowledged(String hostId, long generation, boolean applied) {}

      @Override
      public void failed(String call, String code) {
        failed.add(call + " " + code);
      }
    };
    try (SharedResources shared = SharedResources.create(1, id -> Duration.ZERO, listener);
        HostAgent agent = HostAgent.start(config("127.0.0.1:" + port), shared)) {
      await("a failed report heard").atMost(WAIT).pollInterval(POLL).until(() -> failed.contains("report UNAVAILABLE"));
    }
  }

  @Test
  void anUnreachableSchedulerIsRetriedAndTheAgentKeepsServing() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    try (HostAgent agent = HostAgent.start(config("127.0.0.1:" + port))) {
      // Several ticks against nothing: the agent must answer all along.
      await("the agent answering through several ticks against nothing").atMost(WAIT).pollInterval(POLL)
          .during(TICK.multipliedBy(3))
          .untilAsserted(() -> assertThat(agent.scan().getHost().getId()).isEqualTo("host-07"));
      try (FakeScheduler scheduler = new FakeScheduler(port)) {
        await("a report once the scheduler is up").atMost(WAIT).pollInterval(POLL)
            .until(() -> !scheduler.reports.isEmpty());
        assertThat(scheduler.reports.get(0).getHost().getId()).isEqualTo("host-07");
      }
    }
  }
}
