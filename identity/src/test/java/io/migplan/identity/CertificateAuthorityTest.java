package io.migplan.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

  @TempDir Path dir;

  @Test
  void aCaIssuesCertificatesItsOwnCertificateVerifies() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("migplan test CA", Duration.ofDays(30));
    var issued = ca.issue(PeerIdentity.host("h1"), Duration.ofDays(1));

    issued.certificate().verify(ca.certificate().getPublicKey());
    issued.certificate().checkValidity();
    assertThat(issued.certificate().getBasicConstraints()).isEqualTo(-1);
    assertThat(ca.certificate().getBasicConstraints()).isEqualTo(0);
    assertThat(issued.certificate().getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(issued.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=h1,O=migplan");
    assertThat(issued.identity()).isEqualTo(PeerIdentity.host("h1"));
  }

  @Test
  void theKeyIssuedIsTheCertificatesKey() throws Exception {
    var issued = CertificateAuthority.create("ca", Duration.ofDays(1)).issue(PeerIdentity.scheduler(), Duration.ofDays(1));
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(issued.key());
    s.update(new byte[] {1, 2, 3});
    byte[] sig = s.sign();
    s.initVerify(issued.certificate());
    s.update(new byte[] {1, 2, 3});
    assertThat(s.verify(sig)).isTrue();
  }

  @Test
  void dnsNamesAndAddressesAreAddedBesideTheIdentity() throws Exception {
    var issued = CertificateAuthority.create("ca", Duration.ofDays(1)).issue(PeerIdentity.scheduler(), Duration.ofDays(1),
        List.of("scheduler.example.net", "localhost"), List.of(InetAddress.getByName("127.0.0.1")));
    assertThat(issued.certificate().getSubjectAlternativeNames())
        .containsExactlyInAnyOrder(List.of(6, "spiffe://migplan/scheduler"), List.of(2, "scheduler.example.net"),
            List.of(2, "localhost"), List.of(7, "127.0.0.1"));
  }

  @Test
  void aCertificateNeverOutlivesItsCa() {
    CertificateAuthority ca = CertificateAuthority.create("ca", Duration.ofDays(2));
    var issued = ca.issue(PeerIdentity.host("h1"), Duration.ofDays(365));
    assertThat(issued.certificate().getNotAfter()).isEqualTo(ca.certificate().getNotAfter());
  }

  @Test
  void filesWrittenAreReadBackAndTheKeyIsTheOwnersOnly() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("ca", Duration.ofDays(1));
    ca.write(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
    CertificateAuthority loaded = CertificateAuthority.load(dir.resolve("ca.pem"), dir.resolve("ca-key.pem"));
    assertThat(loaded.certificate()).isEqualTo(ca.certificate());

    var issued = loaded.issue(PeerIdentity.host("h2"), Duration.ofDays(1));
    issued.write(dir.resolve("h2.pem"), dir.resolve("h2-key.pem"));
    X509Certificate read = CertificateAuthority.readCertificates(dir.resolve("h2.pem")).get(0);
    assertThat(read).isEqualTo(issued.certificate());
    assertThat(CertificateAuthority.readPrivateKey(dir.resolve("h2-key.pem"))).isEqualTo(issued.key());
    assertThat(Files.readString(dir.resolve("h2-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(Files.getPosixFilePermissions(dir.resolve("h2-key.pem")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
          "ca.pem", "ca-key.pem", "h2.pem", "h2-key.pem");
    }
  }

  @Test
  void aLeafCertificateIsNoCa() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("ca", Duration.ofDays(1));
    ca.issue(PeerIdentity.host("h3"), Duration.ofDays(1)).write(dir.resolve("h3.pem"), dir.resolve("h3-key.pem"));
    assertThatThrownBy(() -> CertificateAuthority.load(dir.resolve("h3.pem"), dir.resolve("h3-key.pem")))
        .hasMessageContaining("h3.pem is not a CA certificate");
  }

  @Test
  void anExistingCaIsNeverOverwritten() throws Exception {
    Files.writeString(dir.resolve("ca.pem"), "x");
    assertThatThrownBy(() -> CertificateAuthority.requireAbsent(dir.resolve("ca.pem")))
        .hasMessageContaining("a new CA would invalidate every certificate issued by the old one");
  }
}
