package io.migplan.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.migplan.agent.config.ProbeBackendChoice;
import io.migplan.agent.config.ProbeSettings;
import io.migplan.agent.inventory.HostRoot;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vendor's probe tool never runs more often at once than configured. */
class CommandProbeConcurrencyTest {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final ProbeQuestion T4 = CommandProbeTest.T4;

  @TempDir Path dir;
  final HostSnapshot host = Inventories.mixedHost();
  final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    callers.shutdownNow();
  }

  @Test
  void aBatchFindingEveryRunTakenPastItsWaitIsRefusedWithoutStartingTheTool() throws Exception {
    HeldTool tool = HeldTool.in(dir);
    CommandProbe probe = new CommandProbe(List.of(tool.program().toString()), TIMEOUT, 2, Duration.ofMillis(50));
    Future<List<ProbeAnswer>> first = callers.submit(() -> probe.answer(List.of(T4), host));
    Future<List<ProbeAnswer>> second = callers.submit(() -> probe.answer(List.of(T4), host));
    tool.awaitRuns(2);

    assertThatThrownBy(() -> probe.answer(List.of(T4), host))
        .isInstanceOf(ProbeBusyException.class)
        .hasMessage("command " + tool.program() + " already runs 2 times at once (probes.command.maxConcurrent)"
            + " and none ended within 50ms (probes.command.maxWait); ask again shortly");
    assertThat(tool.runs()).as("runs started").isEqualTo(2);

    tool.release();
    assertThat(first.get(30, TimeUnit.SECONDS)).extracting(ProbeAnswer::getVerdict)
        .containsExactly(Verdict.VERDICT_COMPATIBLE);
    assertThat(second.get(30, TimeUnit.SECONDS)).extracting(ProbeAnswer::getVerdict)
        .containsExactly(Verdict.VERDICT_COMPATIBLE);
    // Each ended run gave its place back.
    assertThat(probe.answer(List.of(T4), host)).extracting(ProbeAnswer::getVerdict)
        .containsExactly(Verdict.VERDICT_COMPATIBLE);
    assertThat(tool.runs()).isEqualTo(3);
  }

  @Test
  void aBatchWaitsForARunToEndWithinItsWait() throws Exception {
    HeldTool tool = HeldTool.in(dir);
    CommandProbe probe = new CommandProbe(List.of(tool.program().toString()), TIMEOUT, 1, Duration.ofSeconds(30));
    Future<List<ProbeAnswer>> first = callers.submit(() -> probe.answer(List.of(T4), host));
    tool.awaitRuns(1);
    Future<List<ProbeAnswer>> waiting = callers.submit(() -> probe.answer(List.of(T4), host));

    assertThat(tool.runs()).as("the second batch waits; the tool runs once").isEqualTo(1);
    tool.release();

    assertThat(first.get(30, TimeUnit.SECONDS).get(0).getVerdict()).isEqualTo(Verdict.VERDICT_COMPATIBLE);
    assertThat(waiting.get(30, TimeUnit.SECONDS).get(0).getVerdict()).isEqualTo(Verdict.VERDICT_COMPATIBLE);
    assertThat(tool.runs()).isEqualTo(2);
  }

  @Test
  void aBusyToolRefusesTheWholeBatchThroughTheVendorRouting() throws Exception {
    HeldTool tool = HeldTool.in(dir);
    PerVendorProbe probe = PerVendorProbe.create(
        ProbeSettings.DEFAULTS
            .withDefaultBackend(ProbeBackendChoice.COMMAND)
            .withCommand(List.of(tool.program().toString()), TIMEOUT)
            .withCommandConcurrency(1, Duration.ZERO),
        HostRoot.of(dir));
    Future<List<ProbeAnswer>> first = callers.submit(() -> probe.answer(List.of(T4), host));
    tool.awaitRuns(1);

    // Not an UNKNOWN answer, which the scheduler would store until the inventory changes.
    assertThatThrownBy(() -> probe.answer(List.of(T4), host)).isInstanceOf(ProbeBusyException.class);

    tool.release();
    assertThat(first.get(30, TimeUnit.SECONDS).get(0).getVerdict()).isEqualTo(Verdict.VERDICT_COMPATIBLE);
  }
}
