package io.migplan.agent.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.migplan.agent.cli.AgentCommand;
import io.migplan.identity.CertificateAuthority;
import io.migplan.identity.PeerIdentity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PkiCommandTest {
  @TempDir Path dir;

  private record Run(int exit, String err) {}

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new AgentCommand());
    cmd.setErr(new PrintWriter(err));
    return new Run(cmd.execute(args), err.toString());
  }

  @Test
  void initThenIssueWritesTheCaTheSchedulersAndEachHostsCertificate() throws Exception {
    assertThat(run("pki", "init", "--dir", dir.toString()).exit()).isZero();
    assertThat(run("pki", "issue", "--scheduler", "--dns", "scheduler.example.net", "--ip", "10.0.0.5",
        "--dir", dir.toString()).exit()).isZero();
    assertThat(run("pki", "issue", "--host", "gpu-1", "--host", "gpu-2", "--dir", dir.toString()).exit()).isZero();

    PkiDirectory pki = new PkiDirectory(dir);
    var ca = CertificateAuthority.readCertificates(pki.caCert()).get(0);
    for (PeerIdentity id : List.of(PeerIdentity.scheduler(), PeerIdentity.host("gpu-1"), PeerIdentity.host("gpu-2"))) {
      var cert = CertificateAuthority.readCertificates(pki.cert(id)).get(0);
      cert.verify(ca.getPublicKey());
      assertThat(PeerIdentity.of(cert)).contains(id);
      assertThat(CertificateAuthority.readPrivateKey(pki.key(id))).isNotNull();
    }
    assertThat(CertificateAuthority.readCertificates(pki.cert(PeerIdentity.scheduler())).get(0)
        .getSubjectAlternativeNames()).contains(List.of(2, "scheduler.example.net"), List.of(7, "10.0.0.5"));
  }

  @Test
  void aSecondInitIsRefusedAndLeavesTheCa() throws Exception {
    run("pki", "init", "--dir", dir.toString());
    var before = CertificateAuthority.readCertificates(new PkiDirectory(dir).caCert()).get(0);
    Run again = run("pki", "init", "--dir", dir.toString());
    assertThat(again.exit()).isNotZero();
    assertThat(CertificateAuthority.readCertificates(new PkiDirectory(dir).caCert()).get(0)).isEqualTo(before);
  }

  @Test
  void issuingWithoutACaOrForABadHostIdSaysWhatToDo() {
    Run noCa = run("pki", "issue", "--host", "h1", "--dir", dir.toString());
    assertThat(noCa.exit()).isEqualTo(2);
    assertThat(noCa.err()).contains("holds no CA (ca.pem and ca-key.pem); make one with: host-agent pki init --dir");
    run("pki", "init", "--dir", dir.toString());
    Run bad = run("pki", "issue", "--host", "a/b", "--dir", dir.toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--host: host id 'a/b' contains '/' at 1");
    Run ip = run("pki", "issue", "--scheduler", "--ip", "scheduler.example.net", "--dir", dir.toString());
    assertThat(ip.err()).contains("--ip scheduler.example.net is not an IP address; put names in --dns");
  }
}
