package io.migplan.scheduler.identity;

import io.migplan.scheduler.config.MigplanConfig;
import io.migplan.scheduler.config.MigplanConfig.TlsEngineChoice;
import io.netty.handler.ssl.OpenSsl;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * The TLS implementation of the HTTPS port, where agents report and REST callers come over TLS:
 * BoringSSL (netty-tcnative) unless {@code migplan.tls.engine=jdk} or its native library does not
 * load here. A fleet's agents connecting at once cost the scheduler one handshake each, and the
 * JDK's elliptic-curve signatures and key agreement were most of the CPU a TLS start took; BoringSSL
 * does those natively. The key and trust managers stay the registry's and {@link SchedulerTls}'s,
 * so who may connect, and rotation, are the same with either engine.
 */
@ApplicationScoped
public class TlsEngine implements HttpServerOptionsCustomizer {

    private static final Logger LOG = Logger.getLogger(TlsEngine.class);

    @Inject
    MigplanConfig config;

    private volatile TlsEngineChoice used;

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        TlsEngineChoice engine = choose(config.tls().engine());
        options.setSslEngineOptions(engine == TlsEngineChoice.OPENSSL ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions());
        used = engine;
    }

    /** The engine the HTTPS port was started with; null before it was (or without an HTTPS port). */
    public TlsEngineChoice used() {
        return used;
    }

    private static TlsEngineChoice choose(TlsEngineChoice wanted) {
        if (wanted == TlsEngineChoice.OPENSSL && !OpenSsl.isAvailable()) {
            Throwable cause = OpenSsl.unavailabilityCause();
            LOG.warnf("migplan.tls.engine=openssl, but BoringSSL does not load here (%s); the HTTPS port uses the"
                    + " JDK's TLS, which costs more CPU per handshake", cause == null ? "no reason given" : cause.toString());
            return TlsEngineChoice.JDK;
        }
        return wanted;
    }
}
