package io.migplan.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.grpc.GrpcTransport;
import io.migplan.proto.v1.AgentServiceGrpc;
import io.migplan.proto.v1.GetInventoryRequest;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeAnswer;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.proto.v1.Verdict;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostAgentTest {
  @TempDir Path root;

  private AgentConfig config() {
    return AgentConfig.builder().hostId("host-01").release("2025.1").failureDomain("rack-a")
        .label("pool", "gpu-t4").root(root).port(0).driverVersion("550.90.07")
        .cpus(64).memoryMib(524288L).build();
  }

  @Test
  void servesInventoryAndProbesOverLoopback() throws Exception {
    TestTrees.copyTree(TestTrees.fixture("derived/nvidia-2xT4-host"), root);
    // The tree's two active mdevs, each held by a running domain: a healthy host, no problem.
    SysfsTrees.domain(root, "vm-1", "5d3c8e10-0000-4000-8000-000000000001",
        SysfsTrees.mdevHostdev("0a3e1b6c-7d2f-4c1e-9b7a-5f0e2d3c4b01"));
    SysfsTrees.domain(root, "vm-2", "5d3c8e10-0000-4000-8000-000000000002",
        SysfsTrees.mdevHostdev("0a3e1b6c-7d2f-4c1e-9b7a-5f0e2d3c4b02"));
    Map<String, String> before = TestTrees.contents(root);
    try (HostAgent agent = HostAgent.start(config())) {
      assertThat(agent.port()).isPositive();
      // Bound to 0.0.0.0 without an advertise address: loopback is advertised.
      assertThat(agent.endpoint()).isEqualTo("127.0.0.1:" + agent.port());
      ManagedChannel channel = GrpcTransport.channel(agent.endpoint());
      try {
        var stub = AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        HostSnapshot snapshot = stub.getInventory(GetInventoryRequest.getDefaultInstance());
        assertThat(snapshot.getHost().getId()).isEqualTo("host-01");
        assertThat(snapshot.getHost().getFailureDomain()).isEqualTo("rack-a");
        assertThat(snapshot.getHost().getLabelsMap()).containsEntry("pool", "gpu-t4");
        assertThat(snapshot.getHost().getAgentEndpoint()).isEqualTo(agent.endpoint());
        assertThat(snapshot.getParentsList()).hasSize(2);
        assertThat(snapshot.getInstancesList()).hasSize(2);
        assertThat(snapshot.getProblemsList()).isEmpty();
        String signature = snapshot.getParents(0).getTypesList().stream()
            .filter(t -> t.getTypeId().equals("nvidia-231")).findFirst().orElseThrow().getSignature();
        assertThat(signature).isEqualTo("nvidia-231/T4/unknown-driver-550.90.07");

        HostSnapshot rescanned = stub.getInventory(GetInventoryRequest.newBuilder().setRescan(true).build());
        assertThat(rescanned.getGeneration()).isGreaterThan(snapshot.getGeneration());
        HostSnapshot asked = stub.getInventory(
            GetInventoryRequest.newBuilder().setRescan(true).setHostId("host-01").build());
        assertThat(asked.getGeneration()).isGreaterThan(rescanned.getGeneration());
        // A caller that means another host gets no evidence from this one.
        assertThatThrownBy(() -> stub.getInventory(
                GetInventoryRequest.newBuilder().setRescan(true).setHostId("host-02").build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription()).isEqualTo("this agent serves host host-01, not host-02");
            });

        var answers = stub.probeCompatibility(ProbeCompatibilityRequest.newBuilder()
            .addQuestions(ProbeQuestion.newBuilder().setId("q1").setTargetTypeId("nvidia-231")
                .setSourceTypeId("nvidia-231").setSourceSignature(signature))
            .addQuestions(ProbeQuestion.newBuilder().setId("q2").setTargetTypeId("nvidia-231")
                .setSourceSignature("nvidia-231/T4/unknown-driver-535.54.03"))
            .build()).getAnswersList();
        assertThat(answers).extracting(ProbeAnswer::getId, ProbeAnswer::getVerdict, ProbeAnswer::getBackend)
            .containsExactly(
                tuple("q1", Verdict.VERDICT_COMPATIBLE, "SameTypeSignatureProbe"),
                tuple("q2", Verdict.VERDICT_INCOMPATIBLE, "SameTypeSignatureProbe"));

        assertThatThrownBy(() -> stub.probeCompatibility(ProbeCompatibilityRequest.newBuilder()
                .addQuestions(ProbeQuestion.newBuilder().setId("q1").setSourceSignature("x")).build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("question 0", "target_type_id");
            });
        assertThatThrownBy(() -> stub.probeCompatibility(ProbeCompatibilityRequest.newBuilder()
                .addQuestions(ProbeQuestion.newBuilder().setId("a").setTargetTypeId("t").setSourceSignature("s"))
                .addQuestions(ProbeQuestion.newBuilder().setId("a").setTargetTypeId("t").setSourceSignature("s"))
                .build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
      } finally {
        GrpcTransport.close(channel);
      }
    }
    assertThat(TestTrees.contents(root)).isEqualTo(before);
  }

  @Test
  void advertiseAddressIsWhatTheEndpointSays() throws Exception {
    try (HostAgent agent = HostAgent.start(config().toBuilder().listenAddress("127.0.0.1")
        .advertiseAddress("gpu-node-01.example").build())) {
      assertThat(agent.endpoint()).isEqualTo("gpu-node-01.example:" + agent.port());
      assertThat(agent.scan().getHost().getAgentEndpoint()).isEqualTo(agent.endpoint());
    }
  }
}
