package io.migplan.identity;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for one migplan installation: makes its own key and self-signed
 * certificate, and issues each host's agent and the scheduler a certificate naming its {@link
 * PeerIdentity} as a URI subject alternative name. Keys are EC P-256 (a key pair and a signature
 * take about a millisecond, so a thousand hosts are issued in seconds); certificates are X.509 v3
 * made by Bouncy Castle, files are PEM (certificate) and PKCS#8 PEM (key), what Quarkus and
 * grpc-java read.
 *
 * <p>It keeps no record of what it issued and revokes nothing: rotation is issuing anew before
 * the old certificate expires, and a lost host's certificate is made useless by replacing the CA.
 */
public final class CertificateAuthority {

  /** A CA lives for years: replacing it means re-issuing every certificate. */
  public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);
  /** A host's or the scheduler's certificate: a year, renewed by re-issuing (files reload without a restart). */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
  /** Certificates are valid from a little before now, so a peer whose clock is behind still accepts them. */
  private static final Duration BACKDATE = Duration.ofMinutes(5);

  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A certificate with its key, as issued. */
  public record Issued(X509Certificate certificate, PrivateKey key, X509Certificate ca) {

    public PeerIdentity identity() {
      return PeerIdentity.of(certificate).orElseThrow();
    }

    /** Writes the certificate and the key (owner-only), each by an atomic replace; the key first. */
    public void write(Path certFile, Path keyFile) throws IOException {
      writeAtomically(keyFile, privateKeyPem(key), true);
      writeAtomically(certFile, certificatePem(certificate), false);
    }
  }

  /** A new CA with a fresh key; {@code name} is its common name (shown by openssl and browsers). */
  public static CertificateAuthority create(String name, Duration validity) {
    KeyPair pair = newKeyPair();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "migplan").addRDN(BCStyle.CN, name).build();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(BACKDATE)),
          Date.from(now.plus(validity)), subject, pair.getPublic())
          // A CA that issues end-entity certificates only: no intermediate CA below it.
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("the CA certificate could not be made: " + e.getMessage(), e);
    }
  }

  /** The CA of {@code certFile} and {@code keyFile} (as {@link #write} left them). */
  public static CertificateAuthority load(Path certFile, Path keyFile) throws IOException {
    X509Certificate cert = readCertificates(certFile).get(0);
    PrivateKey key = readPrivateKey(keyFile);
    if (cert.getBasicConstraints() < 0) {
      throw new IOException(certFile + " is not a CA certificate (no CA basic constraint)");
    }
    return new CertificateAuthority(cert, key);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /** Writes the CA's certificate and key (owner-only) to two files. */
  public void write(Path certFile, Path keyFile) throws IOException {
    writeAtomically(keyFile, privateKeyPem(key), true);
    writeAtomically(certFile, certificatePem(certificate), false);
  }

  /**
   * Issues a certificate for {@code identity}, for TLS servers and clients alike (an agent serves
   * probes and calls the scheduler; the scheduler serves and dials agents).
   *
   * @param dnsNames DNS names to add as subject alternative names (for clients that check the host
   *     name, as curl does for the scheduler's HTTPS); none is needed between agents and scheduler
   * @param addresses IP addresses to add likewise
   */
  public Issued issue(PeerIdentity identity, Duration validity, List<String> dnsNames, List<InetAddress> addresses) {
    Objects.requireNonNull(identity, "identity");
    KeyPair pair = newKeyPair();
    String cn = identity.isScheduler() ? "migplan scheduler" : identity.hostId();
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "migplan").addRDN(BCStyle.CN, cn).build();
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri()));
    dnsNames.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
    addresses.forEach(a -> names.add(new GeneralName(GeneralName.iPAddress, a.getHostAddress())));
    Instant now = Instant.now();
    Instant notAfter = now.plus(validity);
    if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
      // A certificate outliving its CA would be refused from the day the CA expires anyway.
      notAfter = certificate.getNotAfter().toInstant();
    }
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(now.minus(BACKDATE)),
          Date.from(notAfter), subject, pair.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false,
              new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
          // RFC 5280: with an empty subject the SAN would be critical; ours always has a subject.
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      return new Issued(sign(b, key), pair.getPrivate(), certificate);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("the certificate of " + identity + " could not be made: " + e.getMessage(), e);
    }
  }

  /** As {@link #issue(PeerIdentity, Duration, List, List)} with no DNS names or addresses. */
  public Issued issue(PeerIdentity identity, Duration validity) {
    return issue(identity, validity, List.of(), List.of());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner s = new JcaContentSignerBuilder(SIGNATURE).build(signer);
    return new JcaX509CertificateConverter().getCertificate(b.build(s));
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make EC P-256 keys: " + e.getMessage(), e);
    }
  }

  /** A positive random serial of 159 bits (RFC 5280 allows 20 octets; CAs use at least 64 random bits). */
  private static BigInteger serial() {
    return new BigInteger(159, RANDOM).setBit(0);
  }

  /** The certificates of a PEM file, in order ({@link PemFiles#readCertificates}). */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    return PemFiles.readCertificates(file);
  }

  /** The private key of a PEM file, PKCS#8 ("PRIVATE KEY") or OpenSSL's "EC PRIVATE KEY". */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    try (PEMParser p = new PEMParser(new StringReader(Files.readString(file, StandardCharsets.US_ASCII)))) {
      Object o = p.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      if (o instanceof PEMKeyPair pair) {
        return converter.getKeyPair(pair).getPrivate();
      }
      throw new IOException(file + " holds no unencrypted PEM private key");
    }
  }

  static String certificatePem(X509Certificate certificate) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(certificate);
    }
    return out.toString();
  }

  /** PKCS#8 ("BEGIN PRIVATE KEY"), the form grpc-java and Quarkus both read. */
  static String privateKeyPem(PrivateKey key) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(new JcaPKCS8Generator(key, null));
    }
    return out.toString();
  }

  /**
   * Replaces {@code file} in one step (a reader sees the old content or the new, never half), so a
   * running agent or scheduler reloading it never reads a torn file.
   */
  static void writeAtomically(Path file, String content, boolean secret) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      if (secret) {
        restrictToOwner(tmp);
      }
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void restrictToOwner(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the directory's permissions are all there is.
    }
  }

  /** Refuses to overwrite an existing file (a CA is made once: overwriting it orphans every certificate). */
  public static void requireAbsent(Path file) throws FileAlreadyExistsException {
    if (Files.exists(file)) {
      throw new FileAlreadyExistsException(file.toString(), null,
          "already exists; a new CA would invalidate every certificate issued by the old one");
    }
  }
}
