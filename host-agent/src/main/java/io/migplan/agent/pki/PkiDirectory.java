package io.migplan.agent.pki;

import io.migplan.agent.config.TlsSettings;
import io.migplan.identity.CertificateAuthority;
import io.migplan.identity.PeerIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where {@code host-agent pki} keeps a CA and what it issued, in one directory:
 *
 * <pre>
 * ca.pem, ca-key.pem                       the CA (pki init)
 * scheduler.pem, scheduler-key.pem         the scheduler's (pki issue --scheduler)
 * hosts/&lt;id&gt;.pem, hosts/&lt;id&gt;-key.pem     each host's (pki issue --host &lt;id&gt;)
 * </pre>
 */
public record PkiDirectory(Path dir) {

  public Path caCert() {
    return dir.resolve("ca.pem");
  }

  public Path caKey() {
    return dir.resolve("ca-key.pem");
  }

  public Path cert(PeerIdentity id) {
    return id.isScheduler() ? dir.resolve("scheduler.pem") : dir.resolve("hosts").resolve(id.hostId() + ".pem");
  }

  public Path key(PeerIdentity id) {
    return id.isScheduler() ? dir.resolve("scheduler-key.pem") : dir.resolve("hosts").resolve(id.hostId() + "-key.pem");
  }

  /** Whether a CA was made here. */
  public boolean hasCa() {
    return Files.exists(caCert()) && Files.exists(caKey());
  }

  public CertificateAuthority loadCa() throws IOException {
    if (!hasCa()) {
      throw new IOException(dir + " holds no CA (ca.pem and ca-key.pem); make one with: host-agent pki init --dir " + dir);
    }
    return CertificateAuthority.load(caCert(), caKey());
  }

  /** The agent config's tls section of host {@code hostId}, issuing its certificate first when there is none. */
  public TlsSettings hostTls(CertificateAuthority ca, String hostId, Duration validity) throws IOException {
    PeerIdentity id = PeerIdentity.host(hostId);
    if (!Files.exists(cert(id)) || !Files.exists(key(id))) {
      ca.issue(id, validity).write(cert(id), key(id));
    }
    return new TlsSettings(caCert(), cert(id), key(id), null);
  }
}
