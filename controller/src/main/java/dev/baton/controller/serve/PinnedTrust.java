package dev.baton.controller.serve;

import dev.baton.common.crypto.Fingerprints;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a controller's API only when the CA at the end of the chain it presents has the pinned
 * SHA-256 fingerprint, and then only as the JDK trusts a server of that CA: the chain verified up to
 * it, the host name checked against the server certificate (the HTTP client asks for HTTPS endpoint
 * identification). The JDK's own trust store is never consulted, so no public CA can stand in for
 * the controller. All of it happens in the TLS handshake, before any request (and its token) is sent.
 * What the controller presented is kept for the caller's message when the handshake is refused.
 */
final class PinnedTrust extends X509ExtendedTrustManager {
  /** Why a handshake was refused by the pin (not by the chain or host name). */
  enum Refusal { NONE, UNKNOWN, CHANGED, NO_CA }

  private final String pinned;
  private volatile String presented;
  private volatile Refusal refusal = Refusal.NONE;

  /** @param pinned the CA's fingerprint (lowercase hex), or null to refuse every CA and record which was shown */
  PinnedTrust(String pinned) {
    this.pinned = pinned;
  }

  SSLContext context() {
    try {
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, new javax.net.ssl.TrustManager[] {this}, null);
      return tls;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The fingerprint of the CA the server presented last, or null (no handshake got that far). */
  String presented() {
    return presented;
  }

  Refusal refusal() {
    return refusal;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    delegate(check(chain)).checkServerTrusted(chain, authType, engine);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    delegate(check(chain)).checkServerTrusted(chain, authType, socket);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("a controller's certificate is only checked with its host name");
  }

  /** The CA at the chain's end, once it is the pinned one. */
  private X509Certificate check(X509Certificate[] chain) throws CertificateException {
    X509Certificate ca = chain.length < 2 ? null : chain[chain.length - 1];
    if (ca == null || !ca.getSubjectX500Principal().equals(ca.getIssuerX500Principal()) || ca.getBasicConstraints() < 0) {
      refusal = Refusal.NO_CA;
      throw new CertificateException("the server presented no CA certificate after its own (not a Baton controller"
          + " API, or one older than remote access)");
    }
    presented = Fingerprints.sha256(ca);
    if (pinned == null) {
      refusal = Refusal.UNKNOWN;
      throw new CertificateException("no CA is pinned for this controller");
    }
    if (!Fingerprints.sameDigest(pinned, presented)) {
      refusal = Refusal.CHANGED;
      throw new CertificateException("the controller's CA is not the one pinned");
    }
    return ca;
  }

  /** The JDK's PKIX trust, with the pinned CA its only anchor. */
  private static X509ExtendedTrustManager delegate(X509Certificate ca) throws CertificateException {
    try {
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("baton-controller-ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(anchors);
      return (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new CertificateException("cannot trust the pinned CA: " + e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("client side only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("client side only");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("client side only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
