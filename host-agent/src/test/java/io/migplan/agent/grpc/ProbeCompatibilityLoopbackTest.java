package io.migplan.agent.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.grpc.ManagedChannel;
import io.migplan.agent.HostAgent;
import io.migplan.agent.TestTrees;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.config.ProbeBackendChoice;
import io.migplan.agent.config.ProbeSettings;
import io.migplan.agent.probe.ProbeCodes;
import io.migplan.agent.probe.VendorTrees;
import io.migplan.proto.v1.AgentServiceGrpc;
import io.migplan.proto.v1.GetInventoryRequest;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbeCompatibilityLoopbackTest {
  @TempDir Path root;
  @TempDir Path tools;

  private AgentConfig config(Duration inventoryMaxAge) {
    ProbeSettings probes = ProbeSettings.DEFAULTS
        .withDefaultBackend(ProbeBackendChoice.SAME_SIGNATURE)
        .withByVendor(Map.of("nvidia", ProbeBackendChoice.RULES, "mtty", ProbeBackendChoice.COMMAND))
        .withCommand(List.of(VendorTrees.compatibleTool(tools).toString()), Duration.ofSeconds(5))
        .withInventoryMaxAge(inventoryMaxAge);
    return AgentConfig.builder().hostId("host-01").release("2025.1").root(root).listenAddress("127.0.0.1")
        .port(0).cpus(8).memoryMib(65536L).probes(probes).build();
  }

  private static ProbeQuestion q(String id, String type, String signature) {
    return ProbeQuestion.newBuilder().setId(id).setTargetTypeId(type).setSourceSignature(signature).build();
  }

  private static List<ProbeAnswer> ask(AgentServiceGrpc.AgentServiceBlockingStub stub, ProbeQuestion... qs) {
    return stub.probeCompatibility(ProbeCompatibilityRequest.newBuilder().addAllQuestions(List.of(qs)).build())
        .getAnswersList();
  }

  @Test
  void eachVendorsConfiguredBackendAnswersOverLoopbackFromTheLastScan() throws Exception {
    VendorTrees.build(root);
    Map<String, String> before = TestTrees.contents(root);
    try (HostAgent agent = HostAgent.start(config(Duration.ofMinutes(10)))) {
      ManagedChannel channel = GrpcTransport.channel(agent.endpoint());
      try {
        var stub = AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        long generation = stub.getInventory(GetInventoryRequest.getDefaultInstance()).getGeneration();

        List<ProbeAnswer> answers = ask(stub,
            q("t4", "nvidia-231", VendorTrees.T231),
            q("t4-board", "nvidia-231", "nvidia-231/A10/nvidia-550.90.07"),
            q("mtty", "mtty-2", "mtty-2/unknown-board/unknown-driver-unknown"),
            q("igpu", "i915-GVTg_V5_4", "00028086-193b-i915-GVTg_V5_4"));
        assertThat(answers).extracting(ProbeAnswer::getId, ProbeAnswer::getBackend, ProbeAnswer::getVerdict,
                ProbeAnswer::getCode)
            .containsExactly(
                tuple("t4", "RulesProbe", Verdict.VERDICT_COMPATIBLE, ""),
                tuple("t4-board", "RulesProbe", Verdict.VERDICT_INCOMPATIBLE, ProbeCodes.BOARD_MISMATCH),
                tuple("mtty", "CommandProbe", Verdict.VERDICT_COMPATIBLE, ""),
                tuple("igpu", "SameTypeSignatureProbe", Verdict.VERDICT_COMPATIBLE, ""));
        assertThat(TestTrees.contents(root)).isEqualTo(before);

        // A type that appears after the scan is not seen until the next one: probes read the scan
        // the scheduler was told about, not a new one per batch.
        VendorTrees.addT4Type(root, "nvidia-233", "GRID T4-8Q");
        before = TestTrees.contents(root);
        ProbeAnswer late = ask(stub, q("late", "nvidia-233", "nvidia-233/T4/nvidia-550.90.07")).get(0);
        assertThat(late.getCode()).isEqualTo(ProbeCodes.NO_SUCH_TYPE);
        assertThat(stub.getInventory(GetInventoryRequest.getDefaultInstance()).getGeneration()).isEqualTo(generation);
      } finally {
        GrpcTransport.close(channel);
      }
    }
    assertThat(TestTrees.contents(root)).isEqualTo(before);
  }

  @Test
  void aScanOlderThanTheMaximumAgeIsReplacedBeforeAnswering() throws Exception {
    VendorTrees.build(root);
    try (HostAgent agent = HostAgent.start(config(Duration.ofMillis(100)))) {
      ManagedChannel channel = GrpcTransport.channel(agent.endpoint());
      try {
        var stub = AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        long generation = stub.getInventory(GetInventoryRequest.getDefaultInstance()).getGeneration();
        VendorTrees.addT4Type(root, "nvidia-233", "GRID T4-8Q");
        // Not a wait for a condition: the scan must age past its 100 ms maximum, which is what is tested.
        Thread.sleep(150);

        ProbeAnswer a = ask(stub, q("late", "nvidia-233", "nvidia-233/T4/nvidia-550.90.07")).get(0);

        assertThat(a.getVerdict()).as(a.getMessage()).isEqualTo(Verdict.VERDICT_COMPATIBLE);
        assertThat(a.getBackend()).isEqualTo("RulesProbe");
        assertThat(stub.getInventory(GetInventoryRequest.getDefaultInstance()).getGeneration()).isGreaterThan(generation);
      } finally {
        GrpcTransport.close(channel);
      }
    }
  }
}
