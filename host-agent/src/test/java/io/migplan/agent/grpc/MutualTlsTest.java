package io.migplan.agent.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.migplan.agent.FakeScheduler;
import io.migplan.agent.HostAgent;
import io.migplan.agent.TestPki;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.config.InvalidConfigException;
import io.migplan.agent.config.TlsSettings;
import io.migplan.agent.pki.PkiDirectory;
import io.migplan.identity.CertificateAuthority;
import io.migplan.identity.PeerIdentity;
import io.migplan.proto.v1.AgentServiceGrpc;
import io.migplan.proto.v1.GetInventoryRequest;
import io.migplan.proto.v1.HostSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's side of mutual TLS, over real TLS on loopback with certificates of a real CA. */
class MutualTlsTest {
  @TempDir Path root;
  @TempDir Path pkiDir;

  private static final PeerIdentity HOST_01 = PeerIdentity.host("host-01");

  private AgentConfig.Builder config(TlsSettings tls) {
    return AgentConfig.builder().hostId("host-01").release("2025.1").root(root).listenAddress("127.0.0.1").port(0)
        .cpus(8).memoryMib(65536L).tls(tls);
  }

  private static HostSnapshot inventory(ManagedChannel channel) {
    return AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
        .getInventory(GetInventoryRequest.getDefaultInstance());
  }

  private static HostSnapshot inventory(String target, io.grpc.ChannelCredentials credentials) {
    ManagedChannel channel = TestPki.channel(target, credentials);
    try {
      return inventory(channel);
    } finally {
      GrpcTransport.close(channel);
    }
  }

  @Test
  void theSchedulerIsAnsweredOverMutualTls() throws Exception {
    TestPki pki = TestPki.create(pkiDir);
    try (HostAgent agent = HostAgent.start(config(pki.hostTls("host-01", Duration.ofMinutes(1))).build())) {
      HostSnapshot snapshot = inventory(agent.endpoint(), pki.client(PeerIdentity.scheduler(), HOST_01));
      assertThat(snapshot.getHost().getId()).isEqualTo("host-01");
    }
  }

  @Test
  void aCallerWithAHostsCertificateIsRefusedWithASentenceNamingIt() throws Exception {
    TestPki pki = TestPki.create(pkiDir);
    try (HostAgent agent = HostAgent.start(config(pki.hostTls("host-01", Duration.ofMinutes(1))).build())) {
      assertThatThrownBy(() -> inventory(agent.endpoint(), pki.client(PeerIdentity.host("host-02"), HOST_01)))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).isEqualTo(
                "host host-01's agent answers only the scheduler; the caller's certificate names host host-02");
          });
    }
  }

  @Test
  void aCallerWithoutACertificateOrWithoutTlsIsRefused() throws Exception {
    TestPki pki = TestPki.create(pkiDir);
    try (HostAgent agent = HostAgent.start(config(pki.hostTls("host-01", Duration.ofMinutes(1))).build())) {
      assertThatThrownBy(() -> inventory(agent.endpoint(), pki.anonymousClient(HOST_01)))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      ManagedChannel plain = GrpcTransport.channel(agent.endpoint());
      try {
        assertThatThrownBy(() -> inventory(plain)).isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      } finally {
        GrpcTransport.close(plain);
      }
    }
  }

  @Test
  void theSchedulerDiallingAnAgentOfAnotherHostIsRefusedByItsOwnTrustCheck() throws Exception {
    TestPki pki = TestPki.create(pkiDir);
    try (HostAgent agent = HostAgent.start(config(pki.hostTls("host-01", Duration.ofMinutes(1))).build())) {
      assertThatThrownBy(() -> inventory(agent.endpoint(), pki.client(PeerIdentity.scheduler(), PeerIdentity.host("host-07"))))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e).hasStackTraceContaining("the peer's certificate names host host-01, not host host-07"));
    }
  }

  @Test
  void anAgentWhoseCertificateNamesAnotherHostDoesNotStart() {
    TestPki pki = TestPki.create(pkiDir);
    TlsSettings other = pki.hostTls("host-02", Duration.ofMinutes(1));
    assertThatThrownBy(() -> HostAgent.start(config(other).build()))
        .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("tls.cert");
          assertThat(e.getMessage()).endsWith(" names host host-02, but hostId is host-01; issue it with:"
              + " host-agent pki issue --host host-01");
        });
  }

  @Test
  void reportsGoOnlyToAPeerWithTheSchedulersCertificate() throws Exception {
    TestPki pki = TestPki.create(pkiDir);
    TlsSettings tls = pki.hostTls("host-01", Duration.ofMinutes(1));
    try (FakeScheduler impostor = new FakeScheduler(pki, PeerIdentity.host("host-99"));
        HostAgent agent = HostAgent.start(config(tls).schedulerTarget(impostor.target())
            .callTimeout(Duration.ofSeconds(2)).build())) {
      agent.reportNow();
      assertThat(impostor.reports).isEmpty();
    }
    try (FakeScheduler scheduler = new FakeScheduler(pki, PeerIdentity.scheduler());
        HostAgent agent = HostAgent.start(config(tls).schedulerTarget(scheduler.target()).build())) {
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !scheduler.reportsFrom("host-01").isEmpty());
    }
  }

  @Test
  void replacedCertificateFilesAreServedWithoutARestart() throws Exception {
    TestPki first = TestPki.create(pkiDir);
    TlsSettings tls = first.hostTls("host-01", Duration.ofMillis(100));
    Path next = Files.createDirectories(pkiDir.resolve("next"));
    TestPki second = TestPki.create(next);
    try (HostAgent agent = HostAgent.start(config(tls).build())) {
      assertThat(inventory(agent.endpoint(), first.client(PeerIdentity.scheduler(), HOST_01)).getHost().getId())
          .isEqualTo("host-01");
      var secondsScheduler = second.client(PeerIdentity.scheduler(), HOST_01);
      assertThatThrownBy(() -> inventory(agent.endpoint(), secondsScheduler)).isInstanceOf(StatusRuntimeException.class);

      // Rotation to a new CA: the agent's CA, certificate and key files are replaced in place.
      second.issue(HOST_01);
      CertificateAuthority.readCertificates(new PkiDirectory(next).cert(HOST_01)); // written whole
      Files.copy(new PkiDirectory(next).key(HOST_01), tls.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(new PkiDirectory(next).cert(HOST_01), tls.cert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(second.caFile(), tls.ca(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

      Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .until(() -> inventory(agent.endpoint(), secondsScheduler).getHost().getId().equals("host-01"));
      var firstsScheduler = first.client(PeerIdentity.scheduler(), HOST_01);
      assertThatThrownBy(() -> inventory(agent.endpoint(), firstsScheduler)).isInstanceOf(StatusRuntimeException.class);
    }
  }
}
