package io.migplan.agent.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.migplan.agent.config.InvalidConfigException;
import io.migplan.agent.config.TlsSettings;
import io.migplan.identity.CaTrust;
import io.migplan.identity.FileStamps;
import io.migplan.identity.PemFiles;
import io.migplan.identity.ExpectedPeerTrustManager;
import io.migplan.identity.PeerIdentity;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's TLS material: its certificate and key, and the CA it trusts, read from the PEM files
 * of its {@code tls} config into grpc-java's updatable key manager and a {@link CaTrust}, and re-read when
 * they change (checked every {@code reloadPeriod}), so a certificate is rotated without a restart
 * and new connections use it at once. Checked at start: the files must be readable and the certificate
 * must name the agent's own host.
 *
 * <p>It makes the credentials of the agent's server (client certificates required) and of its
 * channel to the scheduler (the scheduler's certificate required); who may call is decided by
 * {@link SchedulerOnly}.
 */
public final class AgentTls implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentTls.class);

  /** One thread re-reads every agent's files in this process (a simulated fleet holds a thousand). */
  private static final ScheduledExecutorService RELOADS =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "tls-reload");
            t.setDaemon(true);
            return t;
          });

  private final PeerIdentity identity;
  private final TlsSettings settings;
  private final AdvancedTlsX509KeyManager keys = new AdvancedTlsX509KeyManager();
  private final CaTrust trust = new CaTrust();
  private volatile FileStamps loaded;
  private final ScheduledFuture<?> reloading;

  private AgentTls(PeerIdentity identity, TlsSettings settings) {
    this.identity = identity;
    this.settings = settings;
    loaded = modified();
    try {
      keys.updateIdentityCredentials(settings.cert().toFile(), settings.key().toFile());
    } catch (IOException | GeneralSecurityException e) {
      throw InvalidConfigException.of("tls.key", settings.key() + " with " + settings.cert()
          + " is not a usable key and certificate (PEM, PKCS#8 key): " + e.getMessage());
    }
    try {
      trust.update(PemFiles.readCertificates(settings.ca()));
    } catch (IOException | GeneralSecurityException e) {
      throw InvalidConfigException.of("tls.ca", settings.ca() + " is not a usable PEM CA certificate: " + e.getMessage());
    }
    long period = settings.reloadPeriod().toMillis();
    reloading = RELOADS.scheduleWithFixedDelay(this::reloadIfChanged, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Reads the files and starts watching them. A file that cannot be read, or a certificate that
   * names another host, fails with an {@link InvalidConfigException} naming the field.
   */
  public static AgentTls load(TlsSettings settings, String hostId) {
    PeerIdentity expected = PeerIdentity.host(hostId);
    Optional<PeerIdentity> named;
    try {
      named = PeerIdentity.of(PemFiles.readCertificates(settings.cert()).get(0));
    } catch (IOException e) {
      throw InvalidConfigException.of("tls.cert", "cannot be read: " + e.getMessage());
    }
    if (!named.equals(Optional.of(expected))) {
      throw InvalidConfigException.of("tls.cert", settings.cert() + " names "
          + named.map(PeerIdentity::toString).orElse("no host (no URI SAN " + PeerIdentity.HOST_URI_PREFIX + "<id>)")
          + ", but hostId is " + hostId + "; issue it with: host-agent pki issue --host " + hostId);
    }
    return new AgentTls(expected, settings);
  }

  /** The CA, certificate and key files as they are now. */
  private FileStamps modified() {
    return FileStamps.of(List.of(settings.ca(), settings.cert(), settings.key()));
  }

  /**
   * Re-reads the files when one changed since the last reading. grpc-java's own periodic reload
   * takes no period under a minute; this one takes the configured period. A certificate that no
   * longer names this host, or files that do not read (half-replaced), leave the previous ones in
   * use and are tried again at the next period.
   */
  void reloadIfChanged() {
    FileStamps now = modified();
    if (now.equals(loaded)) {
      return;
    }
    try {
      Optional<PeerIdentity> named = PeerIdentity.of(PemFiles.readCertificates(settings.cert()).get(0));
      if (!named.equals(Optional.of(identity))) {
        LOG.warn("{}: {} now names {}; the previous certificate stays in use", identity, settings.cert(),
            named.map(PeerIdentity::toString).orElse("no host"));
        return;
      }
      keys.updateIdentityCredentials(settings.cert().toFile(), settings.key().toFile());
      trust.update(PemFiles.readCertificates(settings.ca()));
      loaded = now;
      LOG.info("{}: reloaded the TLS certificate, key and CA from {}", identity, settings.cert().getParent());
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      LOG.warn("{}: the TLS files could not be reloaded ({}); the previous ones stay in use", identity, e.getMessage());
    }
  }

  /** The identity of this agent's certificate. */
  public PeerIdentity identity() {
    return identity;
  }

  /** The server's: this host's certificate, and a certificate from the CA required of every caller. */
  ServerCredentials serverCredentials() {
    return TlsServerCredentials.newBuilder()
        .keyManager(keys)
        .trustManager(trust)
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }

  /** A channel's: this host's certificate, and the peer's certificate must name {@code peer}. */
  ChannelCredentials channelCredentials(PeerIdentity peer) {
    return TlsChannelCredentials.newBuilder()
        .keyManager(keys)
        .trustManager(new ExpectedPeerTrustManager(trust, peer))
        .build();
  }

  @Override
  public void close() {
    reloading.cancel(false);
  }
}
