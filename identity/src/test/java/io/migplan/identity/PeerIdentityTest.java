package io.migplan.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PeerIdentityTest {

  private static final CertificateAuthority CA = CertificateAuthority.create("test CA", Duration.ofDays(1));

  @Test
  void aHostIsNamedBySpiffeUriWithItsId() {
    assertThat(PeerIdentity.host("gpu-host-17").uri()).isEqualTo("spiffe://migplan/host/gpu-host-17");
    assertThat(PeerIdentity.scheduler().uri()).isEqualTo("spiffe://migplan/scheduler");
  }

  @ParameterizedTest(name = "{0} names {1}")
  @CsvSource({
      "spiffe://migplan/host/h1, host h1",
      "spiffe://migplan/host/gpu-host-17.dc1.example.net, host gpu-host-17.dc1.example.net",
      "spiffe://migplan/scheduler, the scheduler"})
  void aUriOfOursParsesToItsIdentity(String uri, String named) {
    assertThat(PeerIdentity.parse(uri)).map(PeerIdentity::toString).contains(named);
  }

  @ParameterizedTest(name = "{0} names nobody")
  @ValueSource(strings = {"spiffe://other/host/h1", "spiffe://migplan/host/", "spiffe://migplan/host/a/b",
      "spiffe://migplan/host/h1?x=1", "spiffe://migplan/schedulers", "https://migplan/host/h1", "spiffe://migplan/host/a%20b"})
  void aUriOfAnotherShapeNamesNobody(String uri) {
    assertThat(PeerIdentity.parse(uri)).isEmpty();
  }

  @Test
  void aCertificateNamesTheIdentityOfItsUriSan() {
    var issued = CA.issue(PeerIdentity.host("h1"), Duration.ofHours(1));
    assertThat(PeerIdentity.of(issued.certificate())).contains(PeerIdentity.host("h1"));
    assertThat(PeerIdentity.of(CA.issue(PeerIdentity.scheduler(), Duration.ofHours(1)).certificate()))
        .contains(PeerIdentity.scheduler());
  }

  @Test
  void aCertificateWithoutOurUriNamesNobody() {
    assertThat(PeerIdentity.of(CA.certificate())).isEmpty();
    assertThat(PeerIdentity.of((java.security.cert.Certificate[]) null)).isEmpty();
    assertThat(PeerIdentity.of((javax.net.ssl.SSLSession) null)).isEmpty();
  }

  @ParameterizedTest(name = "host id \"{0}\" is refused")
  @ValueSource(strings = {"", " ", "a/b", "a b", "a%b", "a\tb", "a?b", "a#b"})
  void aHostIdThatCannotBeAPathSegmentIsRefusedWithASentence(String id) {
    assertThatThrownBy(() -> PeerIdentity.host(id)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host id");
  }

  @Test
  void aHostIdTooLongIsRefused() {
    assertThatThrownBy(() -> PeerIdentity.host("h".repeat(254)))
        .hasMessage("host id is 254 characters long, at most 253 are allowed");
    assertThat(PeerIdentity.host("h".repeat(253)).hostId()).hasSize(253);
  }

  @Test
  void theSchedulerNamesNoHost() {
    assertThatThrownBy(() -> new PeerIdentity(PeerIdentity.Role.SCHEDULER, "h1"))
        .hasMessage("the scheduler's identity names no host, got 'h1'");
    assertThat(PeerIdentity.scheduler().isScheduler()).isTrue();
    assertThat(PeerIdentity.host("h1").isScheduler()).isFalse();
    assertThat(Optional.of(PeerIdentity.host("h1"))).isNotEqualTo(Optional.of(PeerIdentity.host("h2")));
  }
}
