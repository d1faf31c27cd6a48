package dev.baton.agent.bridge;

import dev.baton.common.bus.Frames;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One TLS connection to a controller's event-bus bridge. Trusts only the controller CA it was
 * given (pinned), checks the server's host name, and presents the node's identity certificate
 * when it has one. Sends frames, waits for replies, and hands other messages to a handler.
 */
public final class BridgeClient {
  private final Vertx vertx;
  private final NetClient client;
  private final boolean ownsClient;
  private final Map<String, Promise<JsonObject>> pending = new ConcurrentHashMap<>();
  private NetSocket socket;
  private Handler<JsonObject> onMessage = m -> { };
  private Handler<Void> onClose = v -> { };

  /**
   * @param certPem the identity certificate, or null before registration
   * @param keyPem its key, or null
   */
  public BridgeClient(Vertx vertx, String caPem, String certPem, String keyPem) {
    this.vertx = vertx;
    NetClientOptions opts = new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("HTTPS")
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(caPem)))
        .setConnectTimeout(10_000).setSslHandshakeTimeout(10);
    if (certPem != null) {
      opts.setKeyCertOptions(new PemKeyCertOptions().addCertValue(Buffer.buffer(certPem)).addKeyValue(Buffer.buffer(keyPem)));
    }
    this.client = vertx.createNetClient(opts);
    this.ownsClient = true;
  }

  /**
   * A connection through an existing TLS client (its trust and identity), for a process that
   * simulates many agents; each connection still makes its own TLS handshake.
   */
  public BridgeClient(Vertx vertx, NetClient shared) {
    this.vertx = vertx;
    this.client = shared;
    this.ownsClient = false;
  }

  public BridgeClient onMessage(Handler<JsonObject> h) {
    this.onMessage = h;
    return this;
  }

  public BridgeClient onClose(Handler<Void> h) {
    this.onClose = h;
    return this;
  }

  public Future<Void> connect(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    String host = endpoint.substring(0, colon);
    int port = Integer.parseInt(endpoint.substring(colon + 1));
    return client.connect(port, host).map(s -> {
      socket = s;
      s.handler(new Frames.Reader(Frames.MAX_FRAME * 4, this::frame, p -> s.close()));
      s.closeHandler(v -> {
        pending.values().forEach(pr -> pr.tryFail("connection closed"));
        pending.clear();
        onClose.handle(null);
      });
      return null;
    });
  }

  /** Sends and waits for the reply (or the bridge's refusal). */
  public Future<JsonObject> request(String address, JsonObject body, long timeoutMillis) {
    String reply = "agent.reply." + UUID.randomUUID();
    Promise<JsonObject> p = Promise.promise();
    pending.put(reply, p);
    long timer = vertx.setTimer(timeoutMillis, id -> {
      if (pending.remove(reply) != null) {
        p.tryFail("no answer within " + timeoutMillis + " ms");
      }
    });
    write(Frames.send(address, body, reply));
    return p.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  public void send(String address, JsonObject body) {
    write(Frames.send(address, body, null));
  }

  public void register(String address) {
    write(new JsonObject().put("type", "register").put("address", address));
  }

  public void ping() {
    write(new JsonObject().put("type", "ping"));
  }

  public Future<Void> close() {
    if (!ownsClient) {
      return socket == null ? Future.succeededFuture() : socket.close();
    }
    return client.close();
  }

  private void write(JsonObject frame) {
    if (socket != null) {
      socket.write(Frames.encode(frame));
    }
  }

  private void frame(JsonObject f) {
    String type = f.getString("type", "");
    String address = f.getString("address");
    if (type.equals("err")) {
      Promise<JsonObject> p = address == null ? null : pending.remove(address);
      String message = f.getString("message", "refused");
      if (p != null) {
        p.tryFail(message);
      } else if (!pending.isEmpty() && message.equals("access_denied")) {
        // a refusal of a request without an address to answer: fail the oldest one
        var first = pending.keySet().iterator().next();
        Promise<JsonObject> oldest = pending.remove(first);
        if (oldest != null) {
          oldest.tryFail(message);
        }
      }
      return;
    }
    if (type.equals("message") && address != null && pending.containsKey(address)) {
      pending.remove(address).tryComplete(f.getJsonObject("body", new JsonObject()));
      return;
    }
    if (type.equals("message")) {
      onMessage.handle(f);
    }
  }
}
