package io.migplan.scheduler.identity;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.migplan.identity.CertificateAuthority;
import io.migplan.identity.ExpectedPeerTrustManager;
import io.migplan.identity.PeerIdentity;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A CA of the test run in a temporary directory, the scheduler's certificate issued by it and set
 * as the TLS registry's default configuration (as an operator's install does), and certificates of
 * hosts on demand, laid out as {@code host-agent pki} writes them.
 */
public final class TestCertificates implements QuarkusTestResourceLifecycleManager {

    /** The config key under which the test finds the directory (not a migplan.* key: those are checked). */
    static final String DIR_KEY = "test.pki-dir";

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("migplan-test-pki");
            CertificateAuthority ca = CertificateAuthority.create("test CA", Duration.ofDays(1));
            ca.write(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
            ca.issue(PeerIdentity.scheduler(), Duration.ofDays(1), List.of("localhost"),
                    List.of(InetAddress.getByName("127.0.0.1"))).write(dir.resolve("scheduler.pem"), dir.resolve("scheduler-key.pem"));
            return Map.of(
                    "quarkus.tls.key-store.pem.0.cert", dir.resolve("scheduler.pem").toString(),
                    "quarkus.tls.key-store.pem.0.key", dir.resolve("scheduler-key.pem").toString(),
                    "quarkus.tls.trust-store.pem.certs", dir.resolve("ca.pem").toString(),
                    // Short, so the rotation test sees a replaced file within a second or two.
                    "migplan.tls.check-every", "1s",
                    "quarkus.http.ssl.client-auth", "request",
                    "quarkus.http.test-ssl-port", "0",
                    DIR_KEY, dir.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // The directory is small and under the system's temporary directory.
    }

    /** The CA and certificates of one directory. */
    record Pki(Path dir) {

        CertificateAuthority ca() {
            try {
                return CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Path cert(PeerIdentity id) {
            return dir.resolve(id.isScheduler() ? "scheduler.pem" : id.hostId() + ".pem");
        }

        Path key(PeerIdentity id) {
            return dir.resolve(id.isScheduler() ? "scheduler-key.pem" : id.hostId() + "-key.pem");
        }

        Path caFile() {
            return dir.resolve("ca.pem");
        }

        /** Issues (again) the certificate of {@code id} into the directory. */
        Pki issue(PeerIdentity id) {
            try {
                ca().issue(id, Duration.ofHours(1)).write(cert(id), key(id));
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        X509ExtendedTrustManager trust() {
            try {
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                ks.setCertificateEntry("ca", ca().certificate());
                TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                f.init(ks);
                return (X509ExtendedTrustManager) f.getTrustManagers()[0];
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** A channel to the scheduler's TLS port holding {@code self}'s certificate (null: none). */
        ManagedChannel schedulerChannel(int port, PeerIdentity self, X509ExtendedTrustManager trust) {
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder().trustManager(trust);
            if (self != null) {
                issue(self);
                try {
                    b.keyManager(cert(self).toFile(), key(self).toFile());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            ChannelCredentials credentials = b.build();
            return NettyChannelBuilder.forAddress("127.0.0.1", port, credentials).build();
        }

        ManagedChannel schedulerChannel(int port, PeerIdentity self) {
            return schedulerChannel(port, self, new ExpectedPeerTrustManager(trust(), PeerIdentity.scheduler()));
        }
    }
}
