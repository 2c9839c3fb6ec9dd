package io.migplan.identity;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who a certificate speaks for: a host, by the id it reports under, or the scheduler. The name is
 * a URI subject alternative name in the SPIFFE form, {@code spiffe://migplan/host/<id>} for a
 * host's agent and {@code spiffe://migplan/scheduler} for the scheduler, as Kubernetes names a
 * kubelet {@code system:node:<name>} in its client certificate. The common name is never read.
 *
 * <p>A certificate speaks for one identity or none: without a {@code spiffe://migplan/} URI, or
 * with two different ones, {@link #of(X509Certificate)} finds none. Whether the certificate is
 * trusted (signed by the configured CA, in its validity) is the TLS layer's decision, not this
 * class's.
 *
 * @param hostId the host's id for {@link Role#HOST}; empty for {@link Role#SCHEDULER}
 */
public record PeerIdentity(Role role, String hostId) {

  /** What the holder of a certificate may do. */
  public enum Role {
    /** A host agent: reports and beats for its own host only, answers the scheduler's probes. */
    HOST,
    /** The scheduler: the only caller a host agent answers. */
    SCHEDULER
  }

  /** The SPIFFE trust domain of every migplan identity. */
  public static final String TRUST_DOMAIN = "migplan";

  /** The URI prefix of a host's identity; the host id follows. */
  public static final String HOST_URI_PREFIX = "spiffe://" + TRUST_DOMAIN + "/host/";

  /** The scheduler's identity. */
  public static final String SCHEDULER_URI = "spiffe://" + TRUST_DOMAIN + "/scheduler";

  /** GeneralName tag of a uniformResourceIdentifier (RFC 5280, 4.2.1.6). */
  private static final int SAN_URI = 6;

  /** The longest host id, as the scheduler bounds ids (a DNS name's 253 characters). */
  public static final int MAX_HOST_ID_LENGTH = 253;

  private static final PeerIdentity SCHEDULER = new PeerIdentity(Role.SCHEDULER, "");

  public PeerIdentity {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(hostId, "hostId");
    if (role == Role.HOST) {
      requireUsableHostId(hostId);
    } else if (!hostId.isEmpty()) {
      throw new IllegalArgumentException("the scheduler's identity names no host, got '" + hostId + "'");
    }
  }

  /** The identity of the agent of host {@code hostId}. */
  public static PeerIdentity host(String hostId) {
    return new PeerIdentity(Role.HOST, hostId);
  }

  /** The scheduler's identity. */
  public static PeerIdentity scheduler() {
    return SCHEDULER;
  }

  public boolean isScheduler() {
    return role == Role.SCHEDULER;
  }

  /** The URI a certificate carries as its subject alternative name for this identity. */
  public String uri() {
    if (role == Role.SCHEDULER) {
      return SCHEDULER_URI;
    }
    try {
      // The multi-argument constructor quotes what a URI path may not hold (spaces, '%', ...).
      return new URI("spiffe", TRUST_DOMAIN, "/host/" + hostId, null).toASCIIString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("host id '" + hostId + "' cannot be written as a URI: " + e.getMessage(), e);
    }
  }

  /** The identity a URI names, if it is one of ours. */
  public static Optional<PeerIdentity> parse(String uri) {
    if (uri == null) {
      return Optional.empty();
    }
    if (uri.equals(SCHEDULER_URI)) {
      return Optional.of(SCHEDULER);
    }
    if (!uri.startsWith(HOST_URI_PREFIX)) {
      return Optional.empty();
    }
    try {
      URI parsed = new URI(uri);
      String path = parsed.getPath();
      if (parsed.getQuery() != null || parsed.getFragment() != null || path == null || !path.startsWith("/host/")) {
        return Optional.empty();
      }
      String id = path.substring("/host/".length());
      return usableHostId(id) == null ? Optional.of(host(id)) : Optional.empty();
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  /**
   * The identity a certificate names in its URI subject alternative names: empty when it names
   * none, or two different ones.
   */
  public static Optional<PeerIdentity> of(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return Optional.empty();
    }
    if (names == null) {
      return Optional.empty();
    }
    PeerIdentity found = null;
    for (List<?> name : names) {
      if (name.size() < 2 || !(name.get(0) instanceof Integer tag) || tag != SAN_URI) {
        continue;
      }
      Optional<PeerIdentity> identity = parse(String.valueOf(name.get(1)));
      if (identity.isEmpty()) {
        continue;
      }
      if (found != null && !found.equals(identity.get())) {
        return Optional.empty();
      }
      found = identity.get();
    }
    return Optional.ofNullable(found);
  }

  /** The identity of a peer's chain (its own certificate first); empty for none or a non-X.509 one. */
  public static Optional<PeerIdentity> of(Certificate[] chain) {
    if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    return of(leaf);
  }

  /** The identity of a TLS session's peer; empty when it sent no certificate, or one naming none. */
  public static Optional<PeerIdentity> of(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    try {
      return of(session.getPeerCertificates());
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  /** Checks a host id can name a host in a certificate; a sentence naming what is wrong, else null. */
  public static String usableHostId(String hostId) {
    if (hostId == null || hostId.isBlank()) {
      return "a host id must not be blank";
    }
    if (hostId.length() > MAX_HOST_ID_LENGTH) {
      return "host id is " + hostId.length() + " characters long, at most " + MAX_HOST_ID_LENGTH + " are allowed";
    }
    for (int i = 0; i < hostId.length(); i++) {
      char c = hostId.charAt(i);
      if (Character.isISOControl(c) || Character.isWhitespace(c) || c == '/' || c == '%' || c == '?' || c == '#') {
        return "host id '" + hostId.replaceAll("\\p{Cntrl}", "?") + "' contains '" + (Character.isISOControl(c) ? "U+" + String.format("%04X", (int) c) : String.valueOf(c))
            + "' at " + i + "; a host id in a certificate has no whitespace, control characters, '/', '%', '?' or '#'";
      }
    }
    return null;
  }

  private static void requireUsableHostId(String hostId) {
    String problem = usableHostId(hostId);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** "host h17" or "the scheduler", for sentences. */
  @Override
  public String toString() {
    return role == Role.SCHEDULER ? "the scheduler" : "host " + hostId;
  }
}
