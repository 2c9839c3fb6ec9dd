package io.migplan.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The {@code tls} section of the agent config: the CA that signs the scheduler's and every host's
 * certificate, and this host's own certificate and key (PEM files, as {@code host-agent pki issue}
 * writes them). With it the agent serves mutual TLS, answers only the scheduler, and reports only
 * to a scheduler whose certificate names it ({@code spiffe://migplan/scheduler}).
 *
 * <pre>
 * tls:
 *   ca: /etc/migplan/pki/ca.pem
 *   cert: /etc/migplan/pki/host.pem       # names spiffe://migplan/host/&lt;hostId&gt;
 *   key: /etc/migplan/pki/host-key.pem
 *   reloadPeriod: 1m                     # files are re-read when they change; default 1m
 * </pre>
 *
 * @param reloadPeriod how often the files are checked for a change (rotation without a restart)
 */
public record TlsSettings(Path ca, Path cert, Path key, Duration reloadPeriod) {
  /**
   * As often as Quarkus' TLS registry is told to look on the scheduler side; cert-manager renews
   * certificates days before they expire, so a minute is early enough and costs three stat calls.
   */
  public static final Duration DEFAULT_RELOAD_PERIOD = Duration.ofMinutes(1);

  @JsonCreator
  public TlsSettings {
    reloadPeriod = reloadPeriod == null ? DEFAULT_RELOAD_PERIOD : reloadPeriod;
  }

  /** Each file is required, the period positive; the first fault names its field under {@code tls}. */
  void requireComplete() {
    if (ca == null || ca.toString().isBlank()) {
      throw InvalidConfigException.of("tls.ca", "is required with tls: the CA certificate (PEM) that signed the scheduler's");
    }
    if (cert == null || cert.toString().isBlank()) {
      throw InvalidConfigException.of("tls.cert", "is required with tls: this host's certificate (PEM)");
    }
    if (key == null || key.toString().isBlank()) {
      throw InvalidConfigException.of("tls.key", "is required with tls: this host's private key (PEM)");
    }
    if (reloadPeriod.isNegative() || reloadPeriod.isZero()) {
      throw InvalidConfigException.of("tls.reloadPeriod", "must be a positive duration, got " + reloadPeriod);
    }
  }

  /** The same settings with each path mapped (relative paths resolved against the config's directory). */
  TlsSettings withPaths(UnaryOperator<Path> map) {
    return new TlsSettings(map.apply(ca), map.apply(cert), map.apply(key), reloadPeriod);
  }
}
