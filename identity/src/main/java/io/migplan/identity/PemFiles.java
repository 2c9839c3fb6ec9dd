package io.migplan.identity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads PEM certificate files with the JDK alone. Kept apart from {@link CertificateAuthority}
 * on purpose: a running agent reads its certificates on every start and reload, and touching a
 * class that refers to Bouncy Castle would make the JVM open and verify Bouncy Castle's signed
 * jars (about 4 MB of manifest entries kept in memory) for nothing.
 */
public final class PemFiles {

  private PemFiles() {}

  /** The certificates of a PEM file, in order; an error names the file. */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IOException(file + " holds no PEM certificate");
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IOException(file + " is not a PEM certificate: " + e.getMessage(), e);
    }
  }
}
