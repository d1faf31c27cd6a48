package dev.baton.controller.cluster;

import dev.baton.controller.security.Refusals;
import java.net.Socket;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Provider;
import java.security.Security;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.TrustManagerFactorySpi;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The members' side of the cluster's event-bus TLS: a peer is heard only when its certificate
 * chains to the cluster CA <em>and</em> carries a member's role (both server and client
 * authentication, as {@code issuePeer} gives), checked on both ends of every connection; every
 * peer refused is logged and counted ({@code cluster_not_member}).
 *
 * <p>Why a security provider: Vert.x builds the event bus's TLS from its options copied through
 * JSON, so a trust manager of our own cannot be handed to it. It asks the JDK for the default
 * ({@code PKIX}) trust manager factory instead; this provider answers that request first and
 * wraps the JDK's own managers only for a trust store whose anchors are the cluster CA alone.
 * Every other trust store in the process (the bridge, AWS, Puppet) gets the JDK's managers
 * unchanged.
 */
public final class MemberTrust {
  /** The name of the cluster CA (Cluster.memberCa): what marks a trust store as the members'. */
  static final String CLUSTER_CA_CN = "CN=" + Cluster.MEMBER_CA_NAME;
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static volatile Refusals refusals = new Refusals();

  private MemberTrust() {}

  /** Puts the provider first (once) and sends its refusals to {@code r}. */
  public static synchronized void install(Refusals r) {
    refusals = r;
    if (Security.getProvider(BatonTrust.NAME) == null) {
      Security.insertProviderAt(new BatonTrust(), 1);
    }
  }

  /** A member's role: a certificate for both ends of a mutual-TLS mesh (a node identity is client-only). */
  static String notAMember(X509Certificate leaf) {
    try {
      List<String> eku = leaf.getExtendedKeyUsage();
      if (eku == null || !eku.contains(SERVER_AUTH) || !eku.contains(CLIENT_AUTH)) {
        return "its certificate (" + leaf.getSubjectX500Principal().getName() + ") has no member's role"
            + " (server and client authentication)";
      }
      return null;
    } catch (CertificateParsingException e) {
      return "its certificate's key usage cannot be read: " + e.getMessage();
    }
  }

  private static void refuse(String side, X509Certificate[] chain, String why) {
    String subject = chain == null || chain.length == 0 ? "no certificate"
        : chain[0].getSubjectX500Principal().getName() + " issued by " + chain[0].getIssuerX500Principal().getName();
    refusals.refuse("cluster_not_member", "a " + side + " on the cluster's event bus (" + subject + "): " + why);
  }

  /** The JDK's PKIX factory, its managers wrapped when the anchors are the cluster CA. */
  public static final class Factory extends TrustManagerFactorySpi {
    private final TrustManagerFactory jdk;
    private boolean members;

    public Factory() throws NoSuchAlgorithmException, NoSuchProviderException {
      jdk = TrustManagerFactory.getInstance("PKIX", "SunJSSE");
    }

    @Override
    protected void engineInit(KeyStore ks) throws KeyStoreException {
      jdk.init(ks);
      members = ks != null && onlyTheClusterCa(ks);
    }

    @Override
    protected void engineInit(ManagerFactoryParameters spec) throws InvalidAlgorithmParameterException {
      jdk.init(spec);
      members = false;
    }

    @Override
    protected TrustManager[] engineGetTrustManagers() {
      TrustManager[] managers = jdk.getTrustManagers();
      if (!members) {
        return managers;
      }
      for (int i = 0; i < managers.length; i++) {
        if (managers[i] instanceof X509ExtendedTrustManager x) {
          managers[i] = new Members(x);
        }
      }
      return managers;
    }

    private static boolean onlyTheClusterCa(KeyStore ks) throws KeyStoreException {
      List<String> aliases = Collections.list(ks.aliases());
      if (aliases.isEmpty()) {
        return false;
      }
      for (String a : aliases) {
        if (!(ks.getCertificate(a) instanceof X509Certificate c)
            || !List.of(c.getSubjectX500Principal().getName().split(",")).contains(CLUSTER_CA_CN)) {
          return false;
        }
      }
      return true;
    }
  }

  /** The JDK's checks, then a member's role; a failure of either is a refusal, counted. */
  static final class Members extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager jdk;

    Members(X509ExtendedTrustManager jdk) {
      this.jdk = jdk;
    }

    private interface Check {
      void run() throws CertificateException;
    }

    private static void checked(String side, X509Certificate[] chain, Check check) throws CertificateException {
      try {
        check.run();
      } catch (CertificateException e) {
        refuse(side, chain, "it does not chain to the cluster CA");
        throw e;
      }
      String why = notAMember(chain[0]);
      if (why != null) {
        refuse(side, chain, why);
        throw new CertificateException("not a cluster member: " + why);
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checked("client", chain, () -> jdk.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checked("server", chain, () -> jdk.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checked("client", chain, () -> jdk.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checked("server", chain, () -> jdk.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      checked("client", chain, () -> jdk.checkClientTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      checked("server", chain, () -> jdk.checkServerTrusted(chain, authType));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return jdk.getAcceptedIssuers();
    }
  }

  /** Offers {@code TrustManagerFactory.PKIX} (the JDK's default algorithm) as {@link Factory}. */
  static final class BatonTrust extends Provider {
    static final String NAME = "BatonClusterTrust";

    BatonTrust() {
      super(NAME, "1.0", "PKIX trust managers that hear only cluster members on a cluster-CA trust store");
      putService(new Service(this, "TrustManagerFactory", "PKIX", Factory.class.getName(), List.of("X509", "X.509"),
          null) {
        @Override
        public Object newInstance(Object param) throws NoSuchAlgorithmException {
          try {
            return new Factory();
          } catch (NoSuchProviderException e) {
            throw new NoSuchAlgorithmException("the JDK's SunJSSE provider is missing", e);
          }
        }
      });
    }
  }
}
