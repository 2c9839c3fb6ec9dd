package io.migplan.agent.pki;

import io.migplan.identity.CertificateAuthority;
import io.migplan.identity.PeerIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code host-agent pki init | issue}: a CA for one installation and the certificates of the
 * scheduler and of each host, as PEM files in one directory:
 *
 * <pre>
 * D/ca.pem, D/ca-key.pem                        pki init --dir D
 * D/scheduler.pem, D/scheduler-key.pem          pki issue --scheduler --dir D [--dns name] [--ip addr]
 * D/hosts/&lt;id&gt;.pem, D/hosts/&lt;id&gt;-key.pem       pki issue --host &lt;id&gt; --dir D
 * </pre>
 *
 * Keys are written owner-only; {@code ca-key.pem} stays on the machine that issues and never goes
 * to a host. Issuing again replaces the files in one step each, which running agents and the
 * scheduler pick up without a restart.
 */
@Command(
    name = "pki",
    description = "Make a CA and the scheduler's and hosts' certificates for mutual TLS.",
    mixinStandardHelpOptions = true,
    subcommands = {PkiCommand.Init.class, PkiCommand.Issue.class})
public final class PkiCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "choose init or issue");
  }

  @Command(name = "init", description = "Make a new CA (ca.pem, ca-key.pem) in --dir; never overwrites one.",
      mixinStandardHelpOptions = true)
  static final class Init implements Callable<Integer> {
    @Option(names = "--dir", required = true, description = "directory of the CA and the certificates")
    Path dir;

    @Option(names = "--name", defaultValue = "migplan CA", description = "the CA's common name (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--days", defaultValue = "3650", description = "how long the CA is valid (default: ${DEFAULT-VALUE})")
    int days;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      requirePositive(spec, "--days", days);
      PkiDirectory pki = new PkiDirectory(dir);
      CertificateAuthority.requireAbsent(pki.caCert());
      CertificateAuthority.requireAbsent(pki.caKey());
      CertificateAuthority ca = CertificateAuthority.create(name, Duration.ofDays(days));
      ca.write(pki.caCert(), pki.caKey());
      System.out.println("CA " + pki.caCert() + " (key " + pki.caKey() + ", valid until " + ca.certificate().getNotAfter().toInstant() + ")");
      return 0;
    }
  }

  @Command(name = "issue", description = "Issue the scheduler's or a host's certificate, signed by the CA in --dir.",
      mixinStandardHelpOptions = true)
  static final class Issue implements Callable<Integer> {
    static final class Subject {
      @Option(names = "--host", description = "the host id (as in its agent.yaml); the certificate names spiffe://migplan/host/<id>")
      List<String> hosts;

      @Option(names = "--scheduler", description = "the scheduler's certificate, naming spiffe://migplan/scheduler")
      boolean scheduler;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Subject subject;

    @Option(names = "--dir", required = true, description = "directory of the CA (from pki init) and the certificates")
    Path dir;

    @Option(names = "--days", defaultValue = "365", description = "how long the certificate is valid (default: ${DEFAULT-VALUE})")
    int days;

    @Option(names = "--dns", description = "a DNS name to add (HTTPS clients such as curl check it); repeatable")
    List<String> dns = new ArrayList<>();

    @Option(names = "--ip", description = "an IP address to add likewise; repeatable")
    List<String> ips = new ArrayList<>();

    @Option(names = "--cert", description = "write the certificate here instead (one identity only)")
    Path cert;

    @Option(names = "--key", description = "write the key here instead (one identity only)")
    Path key;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      requirePositive(spec, "--days", days);
      List<PeerIdentity> ids = new ArrayList<>();
      if (subject.scheduler) {
        ids.add(PeerIdentity.scheduler());
      } else {
        for (String h : subject.hosts) {
          String problem = PeerIdentity.usableHostId(h);
          if (problem != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--host: " + problem);
          }
          ids.add(PeerIdentity.host(h));
        }
      }
      if ((cert != null || key != null) && ids.size() != 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--cert and --key name the files of one identity; "
            + ids.size() + " were asked for");
      }
      List<InetAddress> addresses = new ArrayList<>();
      for (String ip : ips) {
        addresses.add(address(spec, ip));
      }
      PkiDirectory pki = new PkiDirectory(dir);
      if (!pki.hasCa()) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--dir " + dir + " holds no CA (ca.pem and ca-key.pem);"
            + " make one with: host-agent pki init --dir " + dir);
      }
      CertificateAuthority ca = pki.loadCa();
      for (PeerIdentity id : ids) {
        Path certOut = cert != null ? cert : pki.cert(id);
        Path keyOut = key != null ? key : pki.key(id);
        CertificateAuthority.Issued issued = ca.issue(id, Duration.ofDays(days), dns, addresses);
        issued.write(certOut, keyOut);
        System.out.println(id.uri() + " " + certOut + " " + keyOut + " (valid until "
            + issued.certificate().getNotAfter().toInstant() + ")");
      }
      return 0;
    }
  }

  /** A literal IP address; a name is refused rather than looked up. */
  private static InetAddress address(CommandLine.Model.CommandSpec spec, String ip) {
    if (!ip.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--ip " + ip + " is not an IP address; put names in --dns");
    }
    try {
      return InetAddress.getByName(ip);
    } catch (UnknownHostException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--ip " + ip + " is not an IP address: " + e.getMessage());
    }
  }

  private static void requirePositive(CommandLine.Model.CommandSpec spec, String option, int value) {
    if (value < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), option + " must be at least 1, got " + value);
    }
  }
}
