package io.migplan.identity;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a TLS peer only when its chain leads to the configured CA <em>and</em> its certificate
 * names the one identity expected: the scheduler dialling host h17's agent accepts only a
 * certificate of {@code spiffe://migplan/host/h17}, an agent dialling the scheduler only the
 * scheduler's. So an endpoint reported by whoever cannot lead a connection elsewhere.
 *
 * <p>The chain is checked by the wrapped trust manager in its two-argument form, which checks no
 * host name (a JDK trust manager, or {@link CaTrust}): the agents' endpoints are addresses, and
 * the certificate's identity, not its DNS names, says who answers.
 * A refusal is a {@link PeerIdentityMismatchException} naming what was expected and found.
 */
public final class ExpectedPeerTrustManager extends X509ExtendedTrustManager {

  private final X509ExtendedTrustManager chainCheck;
  private final PeerIdentity expected;

  /**
   * @param chainCheck decides whether the chain is signed by the CA (and valid now); asked in its
   *     two-argument form, so it checks no host name
   * @param expected the only identity this connection may reach
   */
  public ExpectedPeerTrustManager(X509ExtendedTrustManager chainCheck, PeerIdentity expected) {
    this.chainCheck = Objects.requireNonNull(chainCheck, "chainCheck");
    this.expected = Objects.requireNonNull(expected, "expected");
  }

  public PeerIdentity expected() {
    return expected;
  }

  /** A certificate that is trusted but speaks for someone other than the peer expected. */
  public static final class PeerIdentityMismatchException extends CertificateException {
    private final PeerIdentity expected;
    private final transient Optional<PeerIdentity> found;

    PeerIdentityMismatchException(PeerIdentity expected, Optional<PeerIdentity> found) {
      super(found.map(f -> "the peer's certificate names " + f + ", not " + expected)
          .orElse("the peer's certificate names no migplan identity (a URI SAN " + PeerIdentity.HOST_URI_PREFIX
              + "<id> or " + PeerIdentity.SCHEDULER_URI + "), " + expected + " was expected"));
      this.expected = expected;
      this.found = found;
    }

    public PeerIdentity expected() {
      return expected;
    }

    public Optional<PeerIdentity> found() {
      return found;
    }
  }

  private void requireExpected(X509Certificate[] chain) throws CertificateException {
    Optional<PeerIdentity> found = PeerIdentity.of(chain);
    if (!found.equals(Optional.of(expected))) {
      throw new PeerIdentityMismatchException(expected, found);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    chainCheck.checkServerTrusted(chain, authType);
    requireExpected(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    chainCheck.checkClientTrusted(chain, authType);
    requireExpected(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return chainCheck.getAcceptedIssuers();
  }
}
