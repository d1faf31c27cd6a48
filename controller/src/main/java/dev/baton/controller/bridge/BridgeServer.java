package dev.baton.controller.bridge;

import dev.baton.common.bus.Addresses;
import dev.baton.controller.security.Refusals;
import dev.baton.common.bus.Frames;
import dev.baton.common.crypto.CertificateAuthority;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.http.ClientAuth;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The TLS event-bus bridge agents connect to. It speaks the Vert.x TCP bridge wire format
 * ({@link Frames}) but decides every frame itself, from the identity the connection proved:
 * <ul>
 *   <li>a connection without a client certificate may only {@code send} to
 *       {@link Addresses#REGISTER} (and ping); at most {@code maxAnonymous} such connections at
 *       once, each closed if it has not registered within {@code anonymousTimeoutMillis};</li>
 *   <li>a node with a client certificate issued by this controller's CA (CN = its node ID) may
 *       send or publish only to its own {@code nodeOut} address and register only its own
 *       {@code nodeIn} address; the node header of every message is set here, never trusted
 *       from the client;</li>
 *   <li>a frame longer than {@code maxFrame} bytes or that is not a JSON object closes the
 *       connection; plaintext never gets past the TLS handshake.</li>
 * </ul>
 * Every refusal is logged with its reason and counted in {@link Refusals}.
 */
public final class BridgeServer {
  private static final Logger LOG = Logger.getLogger("baton.bridge");

  /** Limits of the bridge. */
  public record Limits(int maxFrame, int maxAnonymous, long anonymousTimeoutMillis) {
    public static Limits defaults() {
      return new Limits(Frames.MAX_FRAME, 256, 30_000);
    }
  }

  private final Vertx vertx;
  private final CertificateAuthority ca;
  private final Refusals refusals;
  private final Limits limits;
  private final AtomicInteger anonymous = new AtomicInteger();
  private NetServer server;
  /** Whether a node may use the identity it presents: a refusal reason, or null. */
  public interface IdentityCheck {
    String refusal(String nodeId, X509Certificate certificate);
  }

  private volatile IdentityCheck identities = (id, cert) -> null;
  /** The one connection of each node identity (a second replaces the first). */
  private final Map<String, Connection> byNode = new java.util.concurrent.ConcurrentHashMap<>();
  /** Published when a node connects here: another controller of the cluster closes its older connection of it. */
  public static final String CONNECTED = "baton.cluster.node-connected";

  public BridgeServer(Vertx vertx, CertificateAuthority ca, Refusals refusals, Limits limits) {
    this.vertx = vertx;
    this.ca = ca;
    this.refusals = refusals;
    this.limits = limits;
  }

  /**
   * What an identity must also be, beyond a certificate of the CA that is valid and not revoked: a
   * node the controller knows, not terminated, with the key it pinned (ControllerServer asks the registry).
   */
  public void identities(IdentityCheck check) {
    this.identities = check;
  }

  /** Listens with the given server certificate and key (PEM), trusting client certificates of the CA. */
  public Future<Integer> listen(String host, int port, String certPem, String keyPem) {
    NetServerOptions opts = new NetServerOptions().setHost(host).setPort(port).setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().addCertValue(io.vertx.core.buffer.Buffer.buffer(certPem))
            .addKeyValue(io.vertx.core.buffer.Buffer.buffer(keyPem)))
        .setTrustOptions(new PemTrustOptions().addCertValue(io.vertx.core.buffer.Buffer.buffer(ca.certificatePem())))
        .setClientAuth(ClientAuth.REQUEST)
        .setSslHandshakeTimeout(10).setIdleTimeout(120)
        .addEnabledSecureTransportProtocol("TLSv1.3").addEnabledSecureTransportProtocol("TLSv1.2");
    if (tlsEngine().equals(BORINGSSL)) {
      opts.setSslEngineOptions(new OpenSSLEngineOptions());
    }
    LOG.info("event-bus bridge TLS engine: " + tlsEngine());
    server = vertx.createNetServer(opts).connectHandler(this::connected);
    Future<Void> cluster = Future.succeededFuture();
    if (vertx.isClustered()) {
      // members only can publish here (the cluster's event bus trusts the cluster CA's certificates only)
      cluster = vertx.eventBus().<JsonObject>consumer(CONNECTED, m -> {
        Connection mine = byNode.get(m.body().getString("node", ""));
        if (mine != null && !mine.id.equals(m.body().getString("connection"))) {
          replaced(mine, "at another controller of the cluster");
        }
      }).completion();
    }
    return cluster.compose(v -> server.listen()).map(NetServer::actualPort);
  }

  static final String BORINGSSL = "BoringSSL (netty-tcnative)";

  /**
   * The TLS implementation the bridge uses: BoringSSL where its native library loads (a
   * handshake costs a fraction of the JDK's), the JDK's otherwise or with -Dbaton.tls.jdk=true.
   */
  public static String tlsEngine() {
    return OpenSSLEngineOptions.isAvailable() && !dev.baton.common.settings.Settings.TLS_JDK.get() ? BORINGSSL : "JDK";
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public int anonymousConnections() {
    return anonymous.get();
  }

  private void connected(NetSocket socket) {
    String nodeId;
    try {
      nodeId = identity(socket);
    } catch (Refused r) {
      socket.close(); // a certificate of the CA that is not (any more) a node's identity: no connection at all
      return;
    }
    Connection c = new Connection(socket, nodeId);
    if (nodeId != null) {
      Connection older = byNode.put(nodeId, c);
      if (older != null) {
        replaced(older, "by a newer connection here");
      }
      if (vertx.isClustered()) {
        vertx.eventBus().publish(CONNECTED, new JsonObject().put("node", nodeId).put("connection", c.id));
      }
    }
    if (nodeId == null) {
      if (anonymous.incrementAndGet() > limits.maxAnonymous) {
        anonymous.decrementAndGet();
        refusals.refuse("too_many_unauthenticated", "from " + socket.remoteAddress());
        socket.close();
        return;
      }
      c.counted = true;
      c.timer = vertx.setTimer(limits.anonymousTimeoutMillis, id -> {
        refusals.refuse("unauthenticated_timeout", "from " + socket.remoteAddress());
        socket.close();
      });
    }
    Frames.Reader reader = new Frames.Reader(limits.maxFrame, c::frame, problem -> {
      refusals.refuse(problem == Frames.Problem.OVERSIZED ? "oversized_frame" : "malformed_frame",
          "from " + who(c) + " at " + socket.remoteAddress());
      socket.write(Frames.encode(Frames.error(problem == Frames.Problem.OVERSIZED ? "frame_too_large"
          : "malformed_frame"))).onComplete(ar -> socket.close());
    });
    socket.handler(reader);
    socket.closeHandler(v -> {
      reader.stop();
      c.closed();
      if (c.nodeId != null) {
        byNode.remove(c.nodeId, c);
      }
    });
    socket.exceptionHandler(t -> socket.close());
  }

  /** An identity refused: the connection is closed (the reason is counted where it is found). */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused() {
      super(null, null, false, false);
    }
  }

  /** A node has one connection: the older one is closed, logged and counted. */
  private void replaced(Connection older, String how) {
    refusals.refuse("replaced_connection", "node " + older.nodeId + " at " + older.socket.remoteAddress() + ": replaced "
        + how);
    byNode.remove(older.nodeId, older);
    older.socket.close();
  }

  /** The node ID a verified client certificate proves, or null for a connection without one. */
  private String identity(NetSocket socket) {
    if (!socket.isSsl()) {
      return null;
    }
    try {
      List<Certificate> chain = socket.peerCertificates();
      if (chain == null || chain.isEmpty()) {
        return null;
      }
      X509Certificate leaf = (X509Certificate) chain.get(0);
      if (!ca.trusts(leaf)) {
        refusals.refuse("untrusted_client_certificate", leaf.getSubjectX500Principal().getName());
        return null;
      }
      java.util.List<String> usage = leaf.getExtendedKeyUsage();
      if (usage != null && usage.contains("1.3.6.1.5.5.7.3.1")) {
        // a server's or a cluster member's certificate (serverAuth) is never a node's identity
        refusals.refuse("not_a_node_identity", leaf.getSubjectX500Principal().getName());
        return null;
      }
      String dn = leaf.getSubjectX500Principal().getName();
      for (String part : dn.split(",")) {
        if (part.trim().startsWith("CN=")) {
          String nodeId = part.trim().substring(3);
          String why = identities.refusal(nodeId, leaf);
          if (why != null) {
            refusals.refuse(why, "node " + nodeId + " at " + socket.remoteAddress());
            throw new Refused();
          }
          return nodeId;
        }
      }
      return null;
    } catch (SSLPeerUnverifiedException | java.security.cert.CertificateParsingException e) {
      return null;
    }
  }

  private static String who(Connection c) {
    return c.nodeId == null ? "an unauthenticated agent" : "node " + c.nodeId;
  }

  /** One agent connection and what it registered. */
  private final class Connection {
    final NetSocket socket;
    final String nodeId;
    final String id = java.util.UUID.randomUUID().toString();
    final Map<String, MessageConsumer<Object>> consumers = new HashMap<>();
    /** Requests delivered to this node, by reply address: it may answer each once. */
    final Map<String, io.vertx.core.eventbus.Message<Object>> replies = new java.util.LinkedHashMap<>();
    boolean counted;
    long timer = -1;

    Connection(NetSocket socket, String nodeId) {
      this.socket = socket;
      this.nodeId = nodeId;
    }

    void closed() {
      consumers.values().forEach(MessageConsumer::unregister);
      consumers.clear();
      if (counted) {
        counted = false;
        anonymous.decrementAndGet();
      }
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }

    void frame(JsonObject f) {
      String type = f.getString("type", "");
      Object rawAddress = f.getValue("address");
      String address = rawAddress instanceof String s ? s : null;
      if (type.equals("ping")) {
        socket.write(Frames.encode(new JsonObject().put("type", "pong")));
        return;
      }
      if (address == null) {
        deny("frame_without_address", "a " + type + " frame without an address");
        return;
      }
      switch (type) {
        case "send", "publish" -> {
          if (!mayWrite(address)) {
            deny(nodeId == null ? "unauthenticated_send" : "foreign_address", "send to " + address);
            return;
          }
          Object body = f.getValue("body");
          if (body != null && !(body instanceof JsonObject)) {
            deny("malformed_frame", "a body that is not an object");
            return;
          }
          deliver(type, address, (JsonObject) body, f.getValue("replyAddress"));
        }
        case "register" -> {
          if (nodeId == null || !address.equals(Addresses.nodeIn(nodeId))) {
            deny(nodeId == null ? "unauthenticated_register" : "foreign_address", "listen on " + address);
            return;
          }
          if (!consumers.containsKey(address)) {
            consumers.put(address, vertx.eventBus().consumer(address, m -> {
              JsonObject out = Frames.message(address, m.body() instanceof JsonObject j ? j : new JsonObject()
                  .put("value", String.valueOf(m.body())));
              if (m.replyAddress() != null) {
                out.put("replyAddress", m.replyAddress());
                if (replies.size() < 1000) {
                  replies.put(m.replyAddress(), m);
                }
              }
              socket.write(Frames.encode(out));
            }));
          }
        }
        case "unregister" -> {
          MessageConsumer<Object> mc = consumers.remove(address);
          if (mc != null) {
            mc.unregister();
          }
        }
        default -> deny("unknown_frame_type", "frame type " + type);
      }
    }

    private boolean mayWrite(String address) {
      if (nodeId == null) {
        return address.equals(Addresses.REGISTER);
      }
      return address.equals(Addresses.nodeOut(nodeId)) || address.equals(Addresses.RENEW) || replies.containsKey(address);
    }

    private void deliver(String type, String address, JsonObject body, Object replyAddress) {
      DeliveryOptions opts = new DeliveryOptions().setSendTimeout(30_000);
      if (nodeId != null) {
        opts.addHeader(Addresses.NODE_HEADER, nodeId);
      }
      opts.addHeader("baton-remote", String.valueOf(socket.remoteAddress()));
      io.vertx.core.eventbus.Message<Object> request = replies.remove(address);
      if (request != null) {
        // an answer goes back through the request (in a cluster, to the controller that asked)
        request.reply(body, opts);
        return;
      }
      // the node's own messages and registrations are this controller's business: in a cluster, the
      // controller a node is connected to registers it and drives its hand-off
      opts.setLocalOnly(true);
      if (type.equals("publish")) {
        vertx.eventBus().publish(address, body, opts);
        return;
      }
      if (!(replyAddress instanceof String reply)) {
        vertx.eventBus().send(address, body, opts);
        return;
      }
      vertx.eventBus().<JsonObject>request(address, body, opts).onComplete(ar -> {
        if (ar.succeeded()) {
          socket.write(Frames.encode(Frames.message(reply, ar.result().body())));
        } else {
          String why = ar.cause() instanceof ReplyException re ? re.getMessage() : "unavailable";
          JsonObject err = Frames.error(why).put("address", reply);
          if (ar.cause() instanceof ReplyException re) {
            err.put("failureCode", re.failureCode());
          }
          socket.write(Frames.encode(err));
        }
      });
    }

    private void deny(String reason, String what) {
      refusals.refuse(reason, who(this) + " at " + socket.remoteAddress() + ": " + what);
      socket.write(Frames.encode(Frames.error("access_denied")));
      LOG.fine(() -> "denied " + what);
    }
  }
}
