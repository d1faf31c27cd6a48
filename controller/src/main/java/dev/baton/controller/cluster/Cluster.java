package dev.baton.controller.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;

/**
 * A clustered Vert.x for {@code controller serve --cluster}: Hazelcast joined through a TCP/IP
 * member list (no multicast, no cloud discovery), carrying Vert.x's clustered event bus (a
 * controller reaches an agent connected to another) and its cluster-wide maps.
 */
public final class Cluster {
  private Cluster() {}

  /**
   * @param host the address this controller is reached at by the others (Hazelcast and the event bus)
   * @param port Hazelcast's port
   * @param busPort the clustered event bus's port (0: any free one)
   * @param members the Hazelcast HOST:PORT of every member (this one may be listed too)
   * @param name the cluster's name: members of another name never join
   */
  public record Options(String host, int port, int busPort, List<String> members, String name, Tls tls) {}

  /**
   * Mutual TLS between members' event buses: this member's certificate and key, and the CA every
   * member's certificate must chain to — the cluster CA, which issues members' certificates and
   * nothing else (never the controller CA, whose node identities any compromised node holds).
   */
  public record Tls(String certPem, String keyPem, String caPem) {}

  /**
   * The cluster CA: {@code ca/cluster/} under the controller CA's directory (copied to every member
   * with it), made on first use. It issues the members' certificates and nothing else.
   */
  public static dev.baton.common.crypto.CertificateAuthority memberCa(java.nio.file.Path controllerCa) {
    return dev.baton.common.crypto.CertificateAuthority.openOrCreate(controllerCa.resolve("cluster"), MEMBER_CA_NAME);
  }

  static final String MEMBER_CA_NAME = "Baton cluster CA";

  /** Starts with peers refused by the event bus counted in {@code refusals} ({@code cluster_not_member}). */
  public static Future<Vertx> start(Options o, dev.baton.controller.security.Refusals refusals) {
    MemberTrust.install(refusals);
    Config c = ConfigUtil.loadConfig();
    c.setClusterName(o.name());
    c.setProperty("hazelcast.logging.type", "jdk");
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.wait.seconds.before.join", "1");
    c.setProperty("hazelcast.shutdownhook.enabled", "false"); // Vert.x leaves the cluster when it closes
    // a member killed without warning is noticed in seconds, not minutes
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    c.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    c.setProperty("hazelcast.local.localAddress", o.host());
    // its sockets on the address it was given only (Hazelcast binds every interface unless told)
    c.setProperty("hazelcast.socket.bind.any", "false");
    c.setProperty("hazelcast.socket.client.bind.any", "false");
    c.getNetworkConfig().setPort(o.port()).setPortAutoIncrement(false);
    c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(o.host());
    JoinConfig join = c.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(o.members());
    VertxOptions vo = dev.baton.common.settings.VertxDefaults.options();
    vo.getEventBusOptions().setHost(o.host()).setPort(o.busPort()).setClusterPublicHost(o.host());
    if (o.tls() != null) {
      // what crosses between members (hand-off state, requests to agents, replies) is encrypted and only members,
      // holding a certificate of the cluster CA (not a node's, of the controller CA) with a member's role, are heard:
      // MemberTrust checks the role and counts refusals once installed (Vert.x copies these options through JSON)
      vo.getEventBusOptions().setSsl(true).setClientAuth(io.vertx.core.http.ClientAuth.REQUIRED)
          .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
              .addCertValue(io.vertx.core.buffer.Buffer.buffer(o.tls().certPem()))
              .addKeyValue(io.vertx.core.buffer.Buffer.buffer(o.tls().keyPem())))
          .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertValue(io.vertx.core.buffer.Buffer.buffer(
              o.tls().caPem())));
    }
    return Vertx.builder().with(vo).withClusterManager(new HazelcastClusterManager(c)).buildClustered();
  }
}
