package io.migplan.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;

class ExpectedPeerTrustManagerTest {

  private static final CertificateAuthority CA = CertificateAuthority.create("ca", Duration.ofDays(1));
  private static final CertificateAuthority OTHER_CA = CertificateAuthority.create("other", Duration.ofDays(1));

  private static X509ExtendedTrustManager trusting(CertificateAuthority ca) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(ks);
    return (X509ExtendedTrustManager) f.getTrustManagers()[0];
  }

  private static X509Certificate[] chain(CertificateAuthority ca, PeerIdentity id) {
    return new X509Certificate[] {ca.issue(id, Duration.ofHours(1)).certificate()};
  }

  @Test
  void thePeerExpectedIsTrustedAsServerAndAsClient() throws Exception {
    var tm = new ExpectedPeerTrustManager(trusting(CA), PeerIdentity.host("h1"));
    X509Certificate[] h1 = chain(CA, PeerIdentity.host("h1"));
    assertThatCode(() -> tm.checkServerTrusted(h1, "ECDHE_ECDSA")).doesNotThrowAnyException();
    assertThatCode(() -> tm.checkClientTrusted(h1, "ECDHE_ECDSA")).doesNotThrowAnyException();
    assertThat(tm.getAcceptedIssuers()).containsExactly(CA.certificate());
  }

  @Test
  void anotherHostsCertificateFromTheSameCaIsRefusedNamingBoth() throws Exception {
    var tm = new ExpectedPeerTrustManager(trusting(CA), PeerIdentity.host("h1"));
    assertThatThrownBy(() -> tm.checkServerTrusted(chain(CA, PeerIdentity.host("h2")), "ECDHE_ECDSA"))
        .isInstanceOf(ExpectedPeerTrustManager.PeerIdentityMismatchException.class)
        .hasMessage("the peer's certificate names host h2, not host h1");
  }

  @Test
  void aCertificateNamingNoIdentityIsRefused() throws Exception {
    var tm = new ExpectedPeerTrustManager(trusting(CA), PeerIdentity.scheduler());
    var plain = CA.issue(PeerIdentity.host("h9"), Duration.ofHours(1)).certificate();
    assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {plain}, "ECDHE_ECDSA"))
        .hasMessage("the peer's certificate names host h9, not the scheduler");
    assertThatThrownBy(() -> tm.checkServerTrusted(new X509Certificate[] {CA.certificate()}, "ECDHE_ECDSA"))
        .hasMessageStartingWith("the peer's certificate names no migplan identity");
  }

  @Test
  void theRightNameFromAnotherCaIsRefusedByTheChainCheck() throws Exception {
    var tm = new ExpectedPeerTrustManager(trusting(CA), PeerIdentity.host("h1"));
    assertThatThrownBy(() -> tm.checkServerTrusted(chain(OTHER_CA, PeerIdentity.host("h1")), "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class)
        .isNotInstanceOf(ExpectedPeerTrustManager.PeerIdentityMismatchException.class);
  }
}
