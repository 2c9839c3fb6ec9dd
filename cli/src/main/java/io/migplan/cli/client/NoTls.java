package io.migplan.cli.client;

import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of a client of an {@code http://} server: one that speaks no TLS at all. The
 * JDK's HTTP client wants a context even when it never speaks TLS; a real one, even one that trusts
 * no one, loads the security providers, a key store and trust managers, and the client then asks it
 * for its default parameters (every cipher suite and protocol): about a tenth of a second of CPU
 * of a command's start (docs/benchmarks.md). This one costs nothing to make; its default
 * parameters are empty, and any use for TLS fails with an {@link IllegalStateException} saying why
 * (the client follows no redirects, so an {@code http://} client never reaches an https URL).
 */
public final class NoTls {

    static final String REFUSAL = "this client was made for an http:// server and speaks no TLS";

    private NoTls() {
    }

    /** A new context that speaks no TLS. */
    public static SSLContext context() {
        return new Context();
    }

    private static final class Context extends SSLContext {
        Context() {
            super(new Spi(), null, "none");
        }
    }

    private static final class Spi extends SSLContextSpi {
        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
            // Nothing to set up: the context never handshakes.
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return new SSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return new SSLParameters();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw new IllegalStateException(REFUSAL);
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw new IllegalStateException(REFUSAL);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw new IllegalStateException(REFUSAL);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw new IllegalStateException(REFUSAL);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw new IllegalStateException(REFUSAL);
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw new IllegalStateException(REFUSAL);
        }
    }
}
