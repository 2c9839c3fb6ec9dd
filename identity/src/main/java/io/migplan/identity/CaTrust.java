package io.migplan.identity;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts certificates signed by the CA of the last {@link #update}: the JDK's PKIX check (chain,
 * validity, key usage) over the CA certificates, replaceable while connections are open, so a
 * rotated CA file is used for the next handshake. Its two-argument checks look at the chain only;
 * who the peer is, is {@link ExpectedPeerTrustManager}'s question.
 */
public final class CaTrust extends X509ExtendedTrustManager {

  private volatile X509ExtendedTrustManager current;

  /** Trusting {@code cas}. */
  public static CaTrust of(List<X509Certificate> cas) throws GeneralSecurityException {
    CaTrust t = new CaTrust();
    t.update(cas);
    return t;
  }

  /** Trusts {@code cas} from now on (connections already open keep what they checked). */
  public void update(List<X509Certificate> cas) throws GeneralSecurityException {
    if (cas.isEmpty()) {
      throw new CertificateException("no CA certificate to trust");
    }
    KeyStore store;
    try {
      store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException("an empty key store could not be made: " + e.getMessage(), e);
    }
    for (int i = 0; i < cas.size(); i++) {
      store.setCertificateEntry("ca-" + i, cas.get(i));
    }
    TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(store);
    for (TrustManager m : f.getTrustManagers()) {
      if (m instanceof X509ExtendedTrustManager x) {
        current = x;
        return;
      }
    }
    throw new GeneralSecurityException("the JDK offers no X509ExtendedTrustManager");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    current.checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    current.checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    current.checkClientTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    current.checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    current.checkClientTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    current.checkServerTrusted(chain, authType, engine);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return current.getAcceptedIssuers();
  }
}
