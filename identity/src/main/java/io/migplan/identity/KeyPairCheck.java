package io.migplan.identity;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;

/**
 * Whether a private key belongs to a certificate: a random challenge signed with the key must
 * verify with the certificate's public key. A replaced certificate whose key file has not been
 * replaced yet (or the other way round) fails it, and is not served.
 */
public final class KeyPairCheck {

  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyPairCheck() {}

  /** True when {@code key} signs what {@code certificate}'s public key verifies. */
  public static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm = signatureAlgorithm(key.getAlgorithm());
    byte[] challenge = new byte[32];
    RANDOM.nextBytes(challenge);
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      // A key of one algorithm and a certificate of another, or a key the provider cannot use.
      return false;
    }
  }

  private static String signatureAlgorithm(String keyAlgorithm) {
    return switch (keyAlgorithm) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      case "Ed448" -> "Ed448";
      default -> throw new IllegalArgumentException("keys of algorithm " + keyAlgorithm
          + " are not supported; use EC P-256 (host-agent pki issue makes them), RSA or Ed25519");
    };
  }
}
