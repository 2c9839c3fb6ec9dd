package io.migplan.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeyPairCheckTest {

  private static final CertificateAuthority CA = CertificateAuthority.create("test CA", Duration.ofDays(1));

  @Test
  void aCertificatesOwnKeyMatchesIt() {
    CertificateAuthority.Issued issued = CA.issue(PeerIdentity.scheduler(), Duration.ofHours(1));
    assertThat(KeyPairCheck.matches(issued.key(), issued.certificate())).isTrue();
  }

  @Test
  void theKeyOfAnotherCertificateDoesNotMatch() {
    CertificateAuthority.Issued old = CA.issue(PeerIdentity.scheduler(), Duration.ofHours(1));
    CertificateAuthority.Issued renewed = CA.issue(PeerIdentity.scheduler(), Duration.ofHours(1));
    assertThat(KeyPairCheck.matches(old.key(), renewed.certificate())).isFalse();
    assertThat(KeyPairCheck.matches(renewed.key(), old.certificate())).isFalse();
  }
}
