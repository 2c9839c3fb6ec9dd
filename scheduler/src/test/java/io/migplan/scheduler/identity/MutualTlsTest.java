package io.migplan.scheduler.identity;

import static io.migplan.scheduler.testsupport.Snapshots.host;
import static io.migplan.scheduler.testsupport.Snapshots.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agroal.api.AgroalDataSource;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.migplan.scheduler.api.rest.RequestPathWarmUp;
import io.migplan.agent.HostAgent;
import io.migplan.agent.config.AgentConfig;
import io.migplan.agent.config.TlsSettings;
import io.migplan.identity.CertificateAuthority;
import io.migplan.identity.ExpectedPeerTrustManager;
import io.migplan.identity.PeerIdentity;
import io.migplan.proto.v1.HeartbeatRequest;
import io.migplan.proto.v1.InventoryServiceGrpc;
import io.migplan.proto.v1.ProbeQuestion;
import io.migplan.scheduler.compatibility.CompatibilityProber;
import io.migplan.scheduler.compatibility.ProbeOutcome;
import io.migplan.scheduler.config.MigplanConfig;
import io.netty.handler.ssl.OpenSsl;
import io.migplan.scheduler.testsupport.Inventory;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.Readiness;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's side of mutual TLS over real TLS on loopback, with certificates of a real CA:
 * reports and heartbeats only for the host the certificate names, agents dialled only when their
 * certificate names the host meant, the scheduler's certificate reloaded when its files change.
 */
@QuarkusTest
@TestProfile(MutualTlsTest.WithTls.class)
class MutualTlsTest {

    public static class WithTls implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(TestCertificates.class));
        }
    }

    private static final long DEADLINE_SECONDS = 20;

    @Inject
    AgroalDataSource ds;
    @Inject
    CompatibilityProber prober;
    @Inject
    SchedulerTls tls;
    @Inject
    @Readiness // a health check: its qualifier, not @Default
    RequestPathWarmUp warmUp;
    @Inject
    CertificateRotation rotation;
    @Inject
    CertificateUpdates updates;
    @Inject
    TlsEngine engine;
    @Inject
    TlsConfigurationRegistry registry;
    @ConfigProperty(name = TestCertificates.DIR_KEY)
    Path dir;
    @TestHTTPResource(value = "/", tls = true)
    URL https;

    TestCertificates.Pki pki;

    @BeforeEach
    void setUp() {
        Inventory.clear(ds);
        pki = new TestCertificates.Pki(dir);
    }

    private InventoryServiceGrpc.InventoryServiceBlockingStub inventory(ManagedChannel channel) {
        return InventoryServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    private static void close(ManagedChannel channel) throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void tlsIsOnWithTheSchedulersCertificate() {
        assertThat(tls.enabled()).isTrue();
    }

    /** Over TLS the warm-up trusts the scheduler's certificate from the CA, whatever the name it dialled. */
    @Test
    void theRequestPathWarmUpReachesTheApiOverTls() {
        Map<Integer, Integer> answers = CompletableFuture.supplyAsync(warmUp::warmUp,
                task -> new Thread(task, "request-path-warm-up").start()).join();

        assertThat(answers.values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(4 * RequestPathWarmUp.ROUNDS);
        assertThat(answers).containsOnlyKeys(404, 400);
    }

    @Test
    void aHostReportsAndBeatsForItselfWithItsCertificate() throws Exception {
        ManagedChannel channel = pki.schedulerChannel(https.getPort(), PeerIdentity.host("host-a"));
        try {
            var answer = inventory(channel).reportInventory(report(host("host-a", 1, "127.0.0.1:9400")));
            assertThat(answer.getApplied()).isTrue();
            inventory(channel).heartbeat(HeartbeatRequest.newBuilder().setHostId("host-a").setGeneration(1).build());
            assertThat(Inventory.count(ds, "host")).isEqualTo(1);
        } finally {
            close(channel);
        }
    }

    @Test
    void hostAsCertificateReportingOrBeatingAsHostBIsRefusedAndNothingIsWritten() throws Exception {
        ManagedChannel channel = pki.schedulerChannel(https.getPort(), PeerIdentity.host("host-a"));
        try {
            inventory(channel).reportInventory(report(host("host-b", 1, "127.0.0.1:9400")))
                    .getApplied(); // fails below; kept apart so the assertion reads the status
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).isEqualTo("HOST_IDENTITY_MISMATCH: the caller's certificate"
                    + " names host host-a, which may report and beat only for host host-a, not for host host-b;"
                    + " nothing was written");
        } finally {
            close(channel);
        }
        assertThat(Inventory.rows(ds)).isZero();

        ManagedChannel again = pki.schedulerChannel(https.getPort(), PeerIdentity.host("host-a"));
        try {
            long before = Inventory.rows(ds);
            assertThatThrownBy(() -> inventory(again).reportInventory(report(host("host-b", 1, "127.0.0.1:9400"))))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
            assertThatThrownBy(() -> inventory(again).heartbeat(
                    HeartbeatRequest.newBuilder().setHostId("host-b").setGeneration(1).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                        assertThat(e.getStatus().getDescription()).contains("not for host host-b");
                    });
            assertThat(Inventory.rows(ds)).isEqualTo(before).isZero();
        } finally {
            close(again);
        }
    }

    @Test
    void theSchedulersOwnCertificateReportsForNoHost() throws Exception {
        ManagedChannel channel = pki.schedulerChannel(https.getPort(), PeerIdentity.scheduler());
        try {
            assertThatThrownBy(() -> inventory(channel).reportInventory(report(host("host-a", 1, "127.0.0.1:9400"))))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
            assertThat(Inventory.rows(ds)).isZero();
        } finally {
            close(channel);
        }
    }

    @Test
    void aReportWithoutAClientCertificateIsUnauthenticatedAndWritesNothing() throws Exception {
        ManagedChannel channel = pki.schedulerChannel(https.getPort(), null);
        try {
            assertThatThrownBy(() -> inventory(channel).reportInventory(report(host("host-a", 1, "127.0.0.1:9400"))))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                        assertThat(e.getStatus().getDescription()).isEqualTo("CERTIFICATE_REQUIRED: a report or heartbeat"
                                + " for host host-a needs the host's client certificate (naming"
                                + " spiffe://migplan/host/host-a); the call came without one, or without TLS");
                    });
            assertThat(Inventory.rows(ds)).isZero();
        } finally {
            close(channel);
        }
    }

    @Test
    void anEndpointWhoseCertificateNamesAnotherHostIsNotProbedAndTheVerdictIsUnknownWithTheReason(
            @org.junit.jupiter.api.io.TempDir Path root) throws Exception {
        pki.issue(PeerIdentity.host("host-x"));
        AgentConfig config = AgentConfig.builder().hostId("host-x").release("2025.1").root(root)
                .listenAddress("127.0.0.1").port(0).cpus(8).memoryMib(65536L)
                .tls(new TlsSettings(pki.caFile(), pki.cert(PeerIdentity.host("host-x")),
                        pki.key(PeerIdentity.host("host-x")), null))
                .build();
        try (HostAgent agent = HostAgent.start(config)) {
            List<ProbeQuestion> questions = List.of(ProbeQuestion.newBuilder().setId("q1")
                    .setTargetTypeId("nvidia-231").setSourceSignature("nvidia-231/T4/550.90.07").build());
            // The first TLS connection of the run loads the TLS stack: wait until host x answers at all.
            Awaitility.await().atMost(Duration.ofSeconds(DEADLINE_SECONDS)).until(() -> prober.probe(
                    List.of(new CompatibilityProber.Batch("host-x", agent.endpoint(), questions)))
                    .get("host-x") instanceof ProbeOutcome.Answered);
            // Host y reported host x's agent as its own endpoint.
            var outcomes = prober.probe(List.of(new CompatibilityProber.Batch("host-y", agent.endpoint(), questions),
                    new CompatibilityProber.Batch("host-x", agent.endpoint(), questions)));

            assertThat(outcomes.get("host-y")).isInstanceOfSatisfying(ProbeOutcome.Failed.class,
                    f -> assertThat(f.why()).isEqualTo("the agent at " + agent.endpoint() + " is not host host-y's:"
                            + " its certificate names host host-x, so it was not asked"));
            assertThat(outcomes.get("host-x")).isInstanceOf(ProbeOutcome.Answered.class);
        }
    }

    @Test
    void aReplacedSchedulerCertificateIsServedWithoutARestart() throws Exception {
        // The served certificate is read by a new connection; the rotation serves the new one
        // within a look or two of the 1 s period.
        AtomicReference<BigInteger> first = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofSeconds(DEADLINE_SECONDS)).ignoreExceptions()
                .until(() -> {
                    first.set(servedSerial());
                    return true;
                });
        BigInteger before = first.get();
        pki.issue(PeerIdentity.scheduler());
        BigInteger issued = io.migplan.identity.CertificateAuthority.readCertificates(pki.cert(PeerIdentity.scheduler()))
                .get(0).getSerialNumber();
        assertThat(issued).isNotEqualTo(before);
        Awaitility.await().atMost(Duration.ofSeconds(DEADLINE_SECONDS)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> issued.equals(servedSerial()));
    }

    @Test
    void theHttpsPortHandshakesWithBoringSslWhichLoadsOnLinux() throws Exception {
        assertThat(OpenSsl.isAvailable()).as("the bundled BoringSSL loads: %s", OpenSsl.unavailabilityCause()).isTrue();
        assertThat(engine.used()).isEqualTo(MigplanConfig.TlsEngineChoice.OPENSSL);
        // And the caller's certificate still names its host through it (the tests above report through it too).
        assertThat(servedSerial()).isNotNull();
    }

    @Test
    void filesThatDidNotChangeAreNotServedAgain() throws Exception {
        settled();
        int before = updates.count();
        assertThat(rotation.check()).isEqualTo(CertificateRotation.Outcome.UNCHANGED);
        // Two looks of the 1 s period and more: the server's TLS context is not swapped, so no
        // connection can meet a swap. The registry's own periodic reload would swap it every period.
        Awaitility.await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(DEADLINE_SECONDS))
                .until(() -> updates.count() == before);
        assertThat(servedSerial()).isNotNull();
    }

    @Test
    void aNewCertificateIsNotServedBeforeItsKeyAndThenIs() throws Exception {
        settled();
        BigInteger before = servedSerial();
        CertificateAuthority.Issued renewed = pki.ca().issue(PeerIdentity.scheduler(), Duration.ofHours(1));
        Path staged = Files.createTempDirectory(dir, "renewed");
        renewed.write(staged.resolve("cert.pem"), staged.resolve("key.pem"));
        Files.copy(staged.resolve("cert.pem"), pki.cert(PeerIdentity.scheduler()), StandardCopyOption.REPLACE_EXISTING);

        assertThat(rotation.check()).isEqualTo(CertificateRotation.Outcome.REFUSED);
        assertThat(servedSerial()).isEqualTo(before);

        Files.copy(staged.resolve("key.pem"), pki.key(PeerIdentity.scheduler()), StandardCopyOption.REPLACE_EXISTING);
        Awaitility.await().atMost(Duration.ofSeconds(DEADLINE_SECONDS)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> renewed.certificate().getSerialNumber().equals(servedSerial()));
    }

    @Test
    void aCertificateNamingAHostIsNotServedInTheSchedulersPlace() throws Exception {
        settled();
        BigInteger before = servedSerial();
        pki.ca().issue(PeerIdentity.host("host-q"), Duration.ofHours(1))
                .write(pki.cert(PeerIdentity.scheduler()), pki.key(PeerIdentity.scheduler()));

        assertThat(rotation.check()).isEqualTo(CertificateRotation.Outcome.REFUSED);
        assertThat(servedSerial()).isEqualTo(before);
        assertThatThrownBy(() -> tls.verified(registryDefault())).hasMessageContaining("names host host-q");

        pki.issue(PeerIdentity.scheduler());
        settled();
    }

    @Test
    void aCaFileLeftEmptyIsNotServed() throws Exception {
        settled();
        int before = updates.count();
        byte[] ca = Files.readAllBytes(pki.caFile());
        try {
            Files.write(pki.caFile(), new byte[0]);
            assertThat(rotation.check()).isEqualTo(CertificateRotation.Outcome.REFUSED);
            assertThat(updates.count()).as("nothing was handed to the server").isEqualTo(before);
        } finally {
            Files.write(pki.caFile(), ca);
        }
        settled();
        assertThat(servedSerial()).isNotNull();
    }

    /** Waits until the files on disk are the ones served (a test before may have replaced them). */
    private void settled() {
        Awaitility.await().atMost(Duration.ofSeconds(DEADLINE_SECONDS))
                .until(() -> rotation.check() == CertificateRotation.Outcome.UNCHANGED);
    }

    private TlsConfiguration registryDefault() {
        return registry.getDefault().orElseThrow();
    }

    /** The serial of the certificate the scheduler's TLS port presents to a new connection. */
    private BigInteger servedSerial() throws Exception {
        AtomicReference<X509Certificate> seen = new AtomicReference<>();
        X509ExtendedTrustManager recording = new ExpectedPeerTrustManager(pki.trust(), PeerIdentity.scheduler());
        X509ExtendedTrustManager trust = new X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                    throws CertificateException {
                seen.set(chain[0]);
                recording.checkServerTrusted(chain, authType, engine);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                    throws CertificateException {
                seen.set(chain[0]);
                recording.checkServerTrusted(chain, authType, socket);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                seen.set(chain[0]);
                recording.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException();
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return recording.getAcceptedIssuers();
            }
        };
        ManagedChannel channel = pki.schedulerChannel(https.getPort(), PeerIdentity.host("host-r"), trust);
        try {
            inventory(channel).heartbeat(HeartbeatRequest.newBuilder().setHostId("host-r").setGeneration(1).build());
        } finally {
            close(channel);
        }
        return seen.get().getSerialNumber();
    }
}
