package io.migplan.agent;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.migplan.agent.config.TlsSettings;
import io.migplan.agent.pki.PkiDirectory;
import io.migplan.identity.CertificateAuthority;
import io.migplan.identity.ExpectedPeerTrustManager;
import io.migplan.identity.PeerIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** A CA in a directory and the certificates tests need, laid out as {@code host-agent pki} lays them out. */
public final class TestPki {
  public final Path dir;
  public final CertificateAuthority ca;

  private TestPki(Path dir, CertificateAuthority ca) {
    this.dir = dir;
    this.ca = ca;
  }

  public static TestPki create(Path dir) {
    try {
      CertificateAuthority ca = CertificateAuthority.create("test CA", Duration.ofDays(1));
      ca.write(new PkiDirectory(dir).caCert(), new PkiDirectory(dir).caKey());
      return new TestPki(dir, ca);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path caFile() {
    return new PkiDirectory(dir).caCert();
  }

  /** Issues {@code id}'s certificate into the directory (replacing an earlier one). */
  public TestPki issue(PeerIdentity id) {
    try {
      ca.issue(id, Duration.ofHours(1)).write(new PkiDirectory(dir).cert(id), new PkiDirectory(dir).key(id));
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The agent config's tls section for host {@code hostId}, issuing its certificate. */
  public TlsSettings hostTls(String hostId, Duration reloadPeriod) {
    PeerIdentity id = PeerIdentity.host(hostId);
    issue(id);
    return new TlsSettings(caFile(), new PkiDirectory(dir).cert(id), new PkiDirectory(dir).key(id), reloadPeriod);
  }

  /** The CA as a JDK trust manager (the chain check alone). */
  public X509ExtendedTrustManager trust() {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      ks.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(ks);
      return (X509ExtendedTrustManager) f.getTrustManagers()[0];
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Credentials of a client holding {@code self}'s certificate (issued here) that expects {@code peer}. */
  public ChannelCredentials client(PeerIdentity self, PeerIdentity peer) {
    issue(self);
    try {
      return TlsChannelCredentials.newBuilder()
          .keyManager(new PkiDirectory(dir).cert(self).toFile(), new PkiDirectory(dir).key(self).toFile())
          .trustManager(new ExpectedPeerTrustManager(trust(), peer))
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Credentials of a client without a certificate of its own. */
  public ChannelCredentials anonymousClient(PeerIdentity peer) {
    return TlsChannelCredentials.newBuilder().trustManager(new ExpectedPeerTrustManager(trust(), peer)).build();
  }

  public static ManagedChannel channel(String target, ChannelCredentials credentials) {
    return NettyChannelBuilder.forTarget(target, credentials).build();
  }
}
