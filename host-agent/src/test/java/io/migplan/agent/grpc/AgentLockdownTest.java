package io.migplan.agent.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.migplan.agent.HostAgent;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.config.AgentLimits;
import io.migplan.agent.config.ProbeBackendChoice;
import io.migplan.agent.config.ProbeSettings;
import io.migplan.agent.probe.HeldTool;
import io.migplan.agent.probe.VendorTrees;
import io.migplan.proto.v1.AgentServiceGrpc;
import io.migplan.proto.v1.GetInventoryRequest;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import io.migplan.proto.v1.ProbeCompatibilityResponse;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's server under callers that ask too much, over real gRPC on loopback: every excess is
 * refused RESOURCE_EXHAUSTED with a sentence naming the limit, and the agent answers normally
 * afterwards.
 */
class AgentLockdownTest {
  static final int MIB = 1024 * 1024;

  @TempDir Path root;
  @TempDir Path tools;
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private AgentServiceGrpc.AgentServiceFutureStub start(AgentConfig.Builder config) throws Exception {
    VendorTrees.build(root);
    HostAgent agent = HostAgent.start(config.build());
    open.add(agent);
    ManagedChannel channel = GrpcTransport.channel(agent.endpoint());
    open.add(() -> GrpcTransport.close(channel));
    return AgentServiceGrpc.newFutureStub(channel);
  }

  private AgentConfig.Builder config() {
    return AgentConfig.builder().hostId("host-01").release("2025.1").root(root).listenAddress("127.0.0.1")
        .port(0).cpus(8).memoryMib(65536L);
  }

  private static ProbeQuestion t4(String id) {
    return ProbeQuestion.newBuilder().setId(id).setTargetTypeId("nvidia-231").setSourceSignature(VendorTrees.T231)
        .build();
  }

  private static ProbeCompatibilityRequest batch(ProbeQuestion... questions) {
    return ProbeCompatibilityRequest.newBuilder().addAllQuestions(List.of(questions)).build();
  }

  private static <T> T answer(ListenableFuture<T> call) throws Exception {
    return call.get(30, TimeUnit.SECONDS);
  }

  private static StatusRuntimeException refusal(ListenableFuture<?> call) {
    ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
    assertThat(e).as("the call was refused").isNotNull();
    assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
    return (StatusRuntimeException) e.getCause();
  }

  @Test
  void eightConcurrentSixteenMebibyteProbesAreRefusedAndTheAgentKeepsAnswering() throws Exception {
    var stub = start(config().probeBackend(ProbeBackendChoice.RULES));
    // Just under 16 MiB on the wire: what the agent took before it had limits of its own.
    String huge = "x".repeat(MIB - 64);
    ProbeCompatibilityRequest.Builder big = ProbeCompatibilityRequest.newBuilder();
    IntStream.range(0, 16).forEach(i -> big.addQuestions(t4("q" + i).toBuilder().setSourceSignature(huge)));
    ProbeCompatibilityRequest request = big.build();
    assertThat(request.getSerializedSize()).isBetween(16 * MIB - 64 * 1024, 16 * MIB - 1);

    List<ListenableFuture<ProbeCompatibilityResponse>> calls = IntStream.range(0, 8)
        .mapToObj(i -> stub.withDeadlineAfter(60, TimeUnit.SECONDS).probeCompatibility(request)).toList();

    // Each call is refused by the size of its request, or, while four others are still arriving,
    // by the calls at once: which of the two depends on how the 8 interleave.
    for (ListenableFuture<ProbeCompatibilityResponse> call : calls) {
      Status status = refusal(call).getStatus();
      assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(status.getDescription()).as("names the limit").containsAnyOf(
          "gRPC message exceeds maximum size " + AgentLimits.DEFAULT_INBOUND_MESSAGE_BYTES,
          "(limits.maxConcurrentCalls)");
    }
    ProbeAnswer normal = answer(stub.withDeadlineAfter(30, TimeUnit.SECONDS).probeCompatibility(batch(t4("n"))))
        .getAnswers(0);
    assertThat(normal.getVerdict()).as(normal.getMessage()).isEqualTo(Verdict.VERDICT_COMPATIBLE);
  }

  @Test
  void aBatchOfMoreQuestionsThanTheLimitIsRefusedUnanswered() throws Exception {
    var stub = start(config().probeBackend(ProbeBackendChoice.RULES)
        .limits(AgentLimits.DEFAULTS.withMaxQuestionsPerBatch(2)));

    Status status = refusal(stub.probeCompatibility(batch(t4("a"), t4("b"), t4("c")))).getStatus();

    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription())
        .isEqualTo("too many questions: 3 in one batch, at most 2 (limits.maxQuestionsPerBatch); split the batch");
    assertThat(answer(stub.probeCompatibility(batch(t4("a"), t4("b")))).getAnswersList())
        .extracting(ProbeAnswer::getVerdict).containsOnly(Verdict.VERDICT_COMPATIBLE);
  }

  @Test
  void aCallBeyondTheCallsAtOnceIsRefusedUntilOneEnds() throws Exception {
    HeldTool tool = HeldTool.in(tools);
    var stub = start(config()
        .probes(ProbeSettings.DEFAULTS.withDefaultBackend(ProbeBackendChoice.COMMAND)
            .withCommand(List.of(tool.program().toString()), Duration.ofSeconds(30))
            .withCommandConcurrency(2, Duration.ZERO))
        .limits(AgentLimits.DEFAULTS.withMaxConcurrentCalls(2)));
    var held = List.of(stub.probeCompatibility(batch(t4("a"))), stub.probeCompatibility(batch(t4("b"))));
    tool.awaitRuns(2);

    Status status = refusal(stub.getInventory(GetInventoryRequest.getDefaultInstance())).getStatus();

    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription())
        .isEqualTo("the agent already answers 2 calls at once (limits.maxConcurrentCalls); ask again shortly");
    tool.release();
    for (var call : held) {
      assertThat(answer(call).getAnswers(0).getVerdict()).isEqualTo(Verdict.VERDICT_COMPATIBLE);
    }
    assertThat(answer(stub.getInventory(GetInventoryRequest.getDefaultInstance())).getHost().getId())
        .isEqualTo("host-01");
  }

  @Test
  void aProbeFindingTheVendorToolBusyIsRefusedSoTheSchedulerAsksAgain() throws Exception {
    HeldTool tool = HeldTool.in(tools);
    var stub = start(config()
        .probes(ProbeSettings.DEFAULTS.withDefaultBackend(ProbeBackendChoice.COMMAND)
            .withCommand(List.of(tool.program().toString()), Duration.ofSeconds(30))
            .withCommandConcurrency(1, Duration.ZERO)));
    var held = stub.probeCompatibility(batch(t4("a")));
    tool.awaitRuns(1);

    Status status = refusal(stub.probeCompatibility(batch(t4("b")))).getStatus();

    assertThat(status.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(status.getDescription()).contains("already runs 1 times at once (probes.command.maxConcurrent)");
    assertThat(tool.runs()).isEqualTo(1);
    tool.release();
    assertThat(answer(held).getAnswers(0).getVerdict()).isEqualTo(Verdict.VERDICT_COMPATIBLE);
  }

  @Test
  void aCallHoldsItsPlaceUntilItsWorkEndsEvenWhenItsCallerGaveUp() throws Exception {
    HeldTool tool = HeldTool.in(tools);
    var stub = start(config()
        .probes(ProbeSettings.DEFAULTS.withDefaultBackend(ProbeBackendChoice.COMMAND)
            .withCommand(List.of(tool.program().toString()), Duration.ofSeconds(30)))
        .limits(AgentLimits.DEFAULTS.withMaxConcurrentCalls(1)));
    var held = stub.probeCompatibility(batch(t4("a")));
    tool.awaitRuns(1);

    held.cancel(true);

    // Cancelling does not stop the tool: the place stays taken, so callers that give up cannot
    // pile up work beyond the limit.
    assertThat(refusal(stub.getInventory(GetInventoryRequest.getDefaultInstance())).getStatus().getCode())
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    tool.release();
    org.awaitility.Awaitility.await("the place given back once the run ended").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50)).ignoreExceptions()
        .until(() -> answer(stub.getInventory(GetInventoryRequest.getDefaultInstance())).hasHost());
  }
}
