package io.migplan.scheduler.identity;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;
import io.migplan.identity.CaTrust;
import io.migplan.identity.ExpectedPeerTrustManager;
import io.migplan.identity.KeyPairCheck;
import io.migplan.identity.PeerIdentity;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.CertificateUpdatedEvent;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.Socket;
import java.security.KeyStore;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jboss.logging.Logger;

/**
 * The scheduler's side of mutual TLS with the host agents, read from Quarkus' TLS registry (the
 * default configuration, {@code quarkus.tls.key-store.pem.*} and {@code quarkus.tls.trust-store.pem.*}),
 * which the HTTP server (REST and gRPC on one port) also serves with:
 * <ul>
 * <li>TLS is on when that configuration has both a key store and a trust store. Then the scheduler's
 * certificate must name {@code spiffe://migplan/scheduler}, else it does not start (client
 * certificates are requested, {@code quarkus.http.ssl.client-auth=request}, fixed in the build so
 * that REST callers with tokens need none); reports and heartbeats need their host's certificate ({@link ReportingIdentity}); the
 * channels to agents present the scheduler's certificate and accept only the certificate of the
 * host dialled ({@link #channelCredentials}).</li>
 * <li>Without it, everything is plaintext, and a WARN at start says what that allows.</li>
 * </ul>
 * Rotation: {@link CertificateRotation} re-reads the files when they change, checks them with
 * {@link #verified} and fires a {@link CertificateUpdatedEvent}; the HTTP server and the channels to
 * agents both take the new certificate for their next connections.
 */
@ApplicationScoped
public class SchedulerTls {

    private static final Logger LOG = Logger.getLogger(SchedulerTls.class);

    @Inject
    TlsConfigurationRegistry registry;
    @Inject
    Vertx vertx;

    /** Null until decided: at start, or at the first call that needs it, whichever comes first. */
    private volatile Boolean enabled;
    private final SwappableKeyManager keys = new SwappableKeyManager();
    private final CaTrust trust = new CaTrust();

    void onStart(@Observes StartupEvent event) {
        enabled();
    }

    private synchronized boolean decide() {
        if (enabled == null) {
            enabled = configure();
        }
        return enabled;
    }

    private boolean configure() {
        Optional<TlsConfiguration> tls = registry.getDefault().filter(c -> c.getKeyStore() != null && c.getTrustStore() != null);
        if (tls.isEmpty()) {
            LOG.warn("no TLS configured (quarkus.tls.key-store.pem.* and quarkus.tls.trust-store.pem.*): agents report"
                    + " and are probed in plaintext, and any caller may report and beat for any host. Production"
                    + " installs configure the scheduler's certificate and the agents' CA (docs/operator-guide.md#mutual-tls)");
            return false;
        }
        load(tls.get());
        LOG.infof("mutual TLS with the agents: reports need their host's certificate, agents are dialled over TLS");
        return true;
    }

    void onCertificateUpdated(@Observes CertificateUpdatedEvent event) {
        registry.getDefault().filter(d -> d == event.tlsConfiguration() || d.getName().equals(event.name()))
                .ifPresent(d -> {
                    if (enabled()) {
                        load(d);
                        LOG.debugf("TLS certificate and CA reloaded for the channels to agents");
                    }
                });
    }

    /** Whether agents and scheduler speak mutual TLS (and reports need their host's certificate). */
    public boolean enabled() {
        Boolean decided = enabled;
        return decided != null ? decided : decide();
    }

    /**
     * Credentials of a channel to the agent of {@code host}: the scheduler's certificate, and the
     * agent's must name that host.
     */
    public ChannelCredentials channelCredentials(PeerIdentity host) {
        return TlsChannelCredentials.newBuilder().keyManager(keys)
                .trustManager(new ExpectedPeerTrustManager(trust, host)).build();
    }

    /**
     * What a client of this scheduler's own API trusts when TLS is on: a certificate of the
     * configured CA naming the scheduler ({@code spiffe://migplan/scheduler}), the host name it
     * was dialled by aside; empty when TLS is off.
     */
    public Optional<X509ExtendedTrustManager> ownApiTrust() {
        return enabled() ? Optional.of(new ExpectedPeerTrustManager(trust, PeerIdentity.scheduler())) : Optional.empty();
    }

    private void load(TlsConfiguration tls) {
        Material m = verified(tls);
        try {
            trust.update(m.cas());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the TLS trust store could not be used: " + e.getMessage(), e);
        }
        keys.current = m.keys();
    }

    /** What the scheduler serves and checks with: its key and certificate, and the agents' CA. */
    record Material(X509KeyManager keys, List<X509Certificate> cas) {
    }

    /**
     * The material of {@code tls} once it is shown to be what the scheduler can serve: its
     * certificate names {@code spiffe://migplan/scheduler}, its key is that certificate's, and the
     * trust store holds a CA. Else an {@link IllegalStateException} saying what is wrong and how to
     * mend it. The one check for the start and for every rotation ({@link CertificateRotation}).
     */
    Material verified(TlsConfiguration tls) {
        X509KeyManager km;
        try {
            km = first(X509KeyManager.class, tls.getKeyStoreOptions().getKeyManagerFactory(vertx).getKeyManagers());
        } catch (Exception e) {
            throw new IllegalStateException("the TLS key store could not be read: " + e.getMessage(), e);
        }
        String alias = serverAlias(km);
        X509Certificate[] chain = km.getCertificateChain(alias);
        PrivateKey key = km.getPrivateKey(alias);
        if (chain == null || chain.length == 0 || key == null) {
            throw new IllegalStateException("the TLS key store holds no certificate with its key");
        }
        PeerIdentity self = PeerIdentity.of(chain[0]).orElseThrow(() -> new IllegalStateException(
                "the scheduler's TLS certificate names no migplan identity; agents accept only a certificate"
                        + " naming " + PeerIdentity.SCHEDULER_URI + " (host-agent pki issue --scheduler)"));
        if (!self.isScheduler()) {
            throw new IllegalStateException("the scheduler's TLS certificate names " + self + "; agents accept only a"
                    + " certificate naming " + PeerIdentity.SCHEDULER_URI + " (host-agent pki issue --scheduler)");
        }
        if (!KeyPairCheck.matches(key, chain[0])) {
            throw new IllegalStateException("the scheduler's TLS key is not the key of its certificate (serial "
                    + chain[0].getSerialNumber().toString(16) + "): replace both files together");
        }
        return new Material(km, caCertificates(tls));
    }

    private static List<X509Certificate> caCertificates(TlsConfiguration tls) {
        List<X509Certificate> cas = new ArrayList<>();
        try {
            // The registry's trust store holds certificates only: read without a password.
            KeyStore store = tls.getTrustStore();
            for (String alias : Collections.list(store.aliases())) {
                if (store.getCertificate(alias) instanceof X509Certificate x) {
                    cas.add(x);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the TLS trust store could not be read: " + e.getMessage(), e);
        }
        if (cas.isEmpty()) {
            throw new IllegalStateException("the TLS trust store holds no CA certificate; agents' certificates"
                    + " could not be checked (quarkus.tls.trust-store.pem.certs names the agents' CA)");
        }
        return List.copyOf(cas);
    }

    private static String serverAlias(X509KeyManager km) {
        for (String type : List.of("EC", "RSA", "EdDSA", "Ed25519")) {
            String[] aliases = km.getServerAliases(type, null);
            if (aliases != null && aliases.length > 0) {
                return aliases[0];
            }
        }
        throw new IllegalStateException("the TLS key store holds no certificate with its key (EC, RSA or EdDSA)");
    }

    private static <T> T first(Class<T> type, Object[] managers) {
        for (Object m : managers) {
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
        throw new IllegalStateException("no " + type.getSimpleName() + " among " + managers.length + " managers");
    }

    /** The key manager of the last reading; connections opened after a reload use the new one. */
    static final class SwappableKeyManager extends X509ExtendedKeyManager {
        volatile X509KeyManager current;

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return current.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return current.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            X509KeyManager k = current;
            return k instanceof X509ExtendedKeyManager e ? e.chooseEngineClientAlias(keyType, issuers, engine)
                    : k.chooseClientAlias(keyType, issuers, null);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return current.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return current.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            X509KeyManager k = current;
            return k instanceof X509ExtendedKeyManager e ? e.chooseEngineServerAlias(keyType, issuers, engine)
                    : k.chooseServerAlias(keyType, issuers, null);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return current.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return current.getPrivateKey(alias);
        }
    }

}
