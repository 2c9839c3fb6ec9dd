package io.migplan.agent.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.agent.FakeScheduler;
import io.migplan.agent.TestPki;
import io.migplan.agent.pki.PkiDirectory;
import io.migplan.identity.CertificateAuthority;
import io.migplan.identity.PeerIdentity;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A simulated fleet with a CA: each host its own certificate and its own connection to the scheduler. */
class FleetTlsTest {
  @TempDir Path dir;
  @TempDir Path pkiDir;

  @Test
  void everyHostReportsOverMutualTlsUnderACertificateNamingIt() throws Exception {
    TestPki pki = TestPki.create(pkiDir);
    FleetSpec spec = FleetSpec.of(3, 7, FleetSpec.DEFAULT_RELEASE);
    try (FakeScheduler scheduler = new FakeScheduler(pki, PeerIdentity.scheduler());
        FleetSimulator.RunningFleet fleet = FleetSimulator.start(spec, dir, scheduler.target(),
            FleetSimulator.Options.defaults().withPki(pkiDir).withStartSpread(Duration.ZERO))) {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
          fleet.hosts().stream().allMatch(h -> !scheduler.reportsFrom(h.hostId()).isEmpty()));
      assertThat(fleet.schedulerChannels()).isEqualTo(3);
      PkiDirectory files = new PkiDirectory(pkiDir);
      for (FleetSimulator.SimulatedHost h : fleet.hosts()) {
        var cert = CertificateAuthority.readCertificates(files.cert(PeerIdentity.host(h.hostId()))).get(0);
        assertThat(PeerIdentity.of(cert)).contains(PeerIdentity.host(h.hostId()));
        assertThat(h.agent().config().tls()).isPresent();
      }
    }
  }
}
