package dev.baton.controller.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.common.crypto.CertificateAuthority;
import dev.baton.common.crypto.Keys;
import dev.baton.common.crypto.Pem;
import dev.baton.controller.bridge.ControllerFixture;
import io.vertx.core.Vertx;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's own ports, as an attacker holding one node's identity meets them: a real clustered
 * Vert.x (Hazelcast, the event bus on mutual TLS) on loopback. A node's certificate, which chains to
 * the same CA, is refused on the event bus and counted; a member's is accepted; every port is bound
 * on the address given, not on every interface.
 */
class ClusterTlsIT {
  @TempDir
  static Path dir;
  static CertificateAuthority ca;
  static CertificateAuthority members;
  static Vertx member;
  static int hazelcastPort;
  static int busPort;
  static final dev.baton.controller.security.Refusals refusals = new dev.baton.controller.security.Refusals();

  @BeforeAll
  static void start() throws Exception {
    ca = CertificateAuthority.openOrCreate(dir.resolve("ca"), "Baton controller CA");
    members = Cluster.memberCa(dir.resolve("ca"));
    KeyPair key = Keys.ec();
    X509Certificate cert = members.issuePeer(key.getPublic(), "baton-cluster-member", List.of("127.0.0.1", "localhost"),
        Duration.ofDays(1));
    hazelcastPort = ControllerFixture.freePort();
    busPort = ControllerFixture.freePort();
    member = Cluster.start(new Cluster.Options("127.0.0.1", hazelcastPort, busPort, List.of("127.0.0.1:" + hazelcastPort),
        "tls-it-" + System.nanoTime(), new Cluster.Tls(Pem.encode(cert), Pem.encode(key.getPrivate()),
            members.certificatePem())), refusals).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (member != null) {
      member.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /** A TLS client of the event bus presenting {@code cert} (of {@code issuer}): true when the member keeps the connection. */
  static boolean accepted(X509Certificate cert, KeyPair key, CertificateAuthority issuer) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("me", key.getPrivate(), new char[0], new java.security.cert.Certificate[] {cert, issuer.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", members.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    // presents its certificate whatever issuers the member asks for, as an attacker's client (openssl s_client) does
    var jdk = (javax.net.ssl.X509ExtendedKeyManager) kmf.getKeyManagers()[0];
    var always = new javax.net.ssl.X509ExtendedKeyManager() {
      public String[] getClientAliases(String type, java.security.Principal[] issuers) {
        return new String[] {"me"};
      }

      public String chooseClientAlias(String[] type, java.security.Principal[] issuers, java.net.Socket s) {
        return "me";
      }

      public String[] getServerAliases(String type, java.security.Principal[] issuers) {
        return null;
      }

      public String chooseServerAlias(String type, java.security.Principal[] issuers, java.net.Socket s) {
        return null;
      }

      public X509Certificate[] getCertificateChain(String alias) {
        return jdk.getCertificateChain(alias);
      }

      public java.security.PrivateKey getPrivateKey(String alias) {
        return jdk.getPrivateKey(alias);
      }
    };
    ctx.init(new javax.net.ssl.KeyManager[] {always}, tmf.getTrustManagers(), null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", busPort)) {
      s.setSoTimeout(3000);
      s.startHandshake();
      InputStream in = s.getInputStream();
      try {
        // the member says nothing to a peer that says nothing; a refused one is closed
        return in.read() != -1;
      } catch (SocketTimeoutException e) {
        return true;
      }
    } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
      System.out.println("refused: " + e);
      return false;
    }
  }

  @Test
  void aNodesCertificateDoesNotOpenTheClustersEventBus() throws Exception {
    KeyPair node = Keys.ec();
    X509Certificate identity = ca.issueClient(node.getPublic(), "i-0123456789abcdef0", Duration.ofDays(90),
        java.util.Map.of());
    KeyPair peer = Keys.ec();
    assertTrue(accepted(members.issuePeer(peer.getPublic(), "another-member", List.of("127.0.0.1"), Duration.ofDays(1)),
        peer, members), "a member's certificate is accepted (the check below can pass)");
    long before = refusals.count("cluster_not_member");
    assertFalse(accepted(identity, node, ca), "a node's identity, as on any compromised node");
    KeyPair server = Keys.ec();
    assertFalse(accepted(ca.issuePeer(server.getPublic(), "made-by-the-controller-ca", List.of("127.0.0.1"),
        Duration.ofDays(1)), server, ca), "nor any other certificate of the controller CA");
    assertEquals(before + 2, refusals.count("cluster_not_member"), "each refused peer is counted");
  }

  @Test
  void aCertificateOfTheClusterCaWithoutAMembersRoleIsRefusedToo() throws Exception {
    // the cluster CA issues members' certificates only; were it ever to issue a client-only one, that is no member
    KeyPair client = Keys.ec();
    long before = refusals.count("cluster_not_member");
    assertFalse(accepted(members.issueClient(client.getPublic(), "client-only", Duration.ofDays(1), java.util.Map.of()),
        client, members), "a client-only certificate of the cluster CA");
    assertEquals(before + 1, refusals.count("cluster_not_member"));
  }

  @Test
  void theMembersPortsAreBoundOnTheAddressGivenOnly() throws Exception {
    List<String> listening = new ArrayList<>();
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && f[3].equals("0A")) { // LISTEN
          String local = f[1];
          int port = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
          if (port == hazelcastPort || port == busPort) {
            // an IPv6 socket bound to the IPv4-mapped loopback (::ffff:127.0.0.1) is loopback too
            listening.add(port + "@" + local.substring(0, local.lastIndexOf(':')).replace("0000000000000000FFFF0000", ""));
          }
        }
      }
    }
    assertEquals(2, listening.size(), "Hazelcast and the event bus listen: " + listening);
    for (String l : listening) {
      assertTrue(l.endsWith("@0100007F"), "on 127.0.0.1 only, not on every interface: " + listening);
    }
  }
}
