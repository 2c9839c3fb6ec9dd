package io.migplan.agent.cli;

import io.grpc.ManagedChannel;
import io.migplan.agent.HostAgent;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.config.InvalidConfigException;
import io.grpc.StatusRuntimeException;
import io.migplan.agent.grpc.AgentTls;
import io.migplan.agent.grpc.GrpcTransport;
import io.migplan.proto.v1.AgentServiceGrpc;
import io.migplan.proto.v1.GetInventoryRequest;
import io.migplan.proto.v1.HostSnapshot;
import io.migplan.proto.v1.ProbeCompatibilityRequest;
import io.migplan.proto.v1.ProbeQuestion;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs every path a serving agent takes once — config, scan, gRPC server, a client call of
 * each AgentService method, a report attempt — on loopback, then exits. Run under
 * {@code -XX:ArchiveClassesAtExit=FILE} it records the classes an agent loads, so later starts
 * with {@code -XX:SharedArchiveFile=FILE} skip most class loading (see deploy/bin/migplan-agent).
 * It changes nothing on the host and reports to no scheduler.
 */
@Command(
    name = "warmup",
    description = "Exercise the agent once on loopback and exit (to build a class-data archive).",
    mixinStandardHelpOptions = true)
final class WarmupCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, description = "agent YAML config file")
  Path config;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    AgentConfig cfg;
    try {
      cfg = AgentConfig.load(config);
    } catch (InvalidConfigException e) {
      spec.commandLine().getErr().println("invalid config (" + e.field() + "): " + e.getMessage());
      return 2;
    }
    // Port 1 on loopback is closed: the reporter's channel classes load and its call fails fast.
    AgentConfig local =
        cfg.toBuilder().listenAddress("127.0.0.1").port(0).schedulerTarget("127.0.0.1:1").build();
    if (cfg.tls().isPresent()) {
      warmTls(local);
    }
    // The service calls in plaintext: only the scheduler's certificate, which a host does not hold,
    // gets past a TLS agent's gate.
    try (HostAgent agent = HostAgent.start(local.toBuilder().tls(null).insecure(true).build())) {
      ManagedChannel channel = GrpcTransport.channel(agent.endpoint());
      try {
        var stub = AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
        HostSnapshot snapshot = stub.getInventory(GetInventoryRequest.getDefaultInstance());
        var probe = ProbeCompatibilityRequest.newBuilder();
        snapshot.getParentsList().stream()
            .flatMap(p -> p.getTypesList().stream())
            .findFirst()
            .ifPresent(
                t ->
                    probe.addQuestions(
                        ProbeQuestion.newBuilder()
                            .setId("warmup")
                            .setTargetTypeId(t.getTypeId())
                            .setSourceTypeId(t.getTypeId())
                            .setSourceSignature(t.getSignature())));
        if (probe.getQuestionsCount() > 0) {
          stub.probeCompatibility(probe.build());
        }
        agent.reportNow();
        spec.commandLine()
            .getOut()
            .println(cfg.hostId() + ": warmed up (" + snapshot.getParentsCount() + " parents)");
        spec.commandLine().getOut().flush();
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
    return 0;
  }

  /**
   * The TLS path a serving agent takes: its files read, a server with client authentication, a
   * handshake from a channel that expects the scheduler (and so refuses this host's certificate).
   */
  private static void warmTls(AgentConfig local) throws Exception {
    try (HostAgent agent = HostAgent.start(local);
        AgentTls tls = AgentTls.load(local.tls().get(), local.hostId())) {
      ManagedChannel channel = GrpcTransport.channel(agent.endpoint(), tls);
      try {
        AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .getInventory(GetInventoryRequest.getDefaultInstance());
      } catch (StatusRuntimeException expected) {
        // The agent's certificate is not the scheduler's: refused, as it should be.
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      agent.reportNow();
    }
  }
}
