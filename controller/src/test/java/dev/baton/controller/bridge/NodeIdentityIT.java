package dev.baton.controller.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.agent.bridge.BridgeClient;
import dev.baton.common.bus.Addresses;
import dev.baton.common.crypto.Csrs;
import dev.baton.common.crypto.Keys;
import dev.baton.common.crypto.Pem;
import dev.baton.controller.Wait;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stolen node identity stays one node's, against a real controller over real TLS: a group's token
 * does not make one member another, an identity has one connection, a terminated node's identity is
 * revoked, and an identity is renewed for the key it pinned only.
 */
class NodeIdentityIT {
  static final String GROUP = "00000000-0000-4000-8000-00000000a11d";
  static final String SINGLE = "00000000-0000-4000-8000-00000000c0de";

  @TempDir
  Path home;
  ControllerFixture controller;
  LocalNodes nodes;

  @BeforeEach
  void start() {
    controller = new ControllerFixture(home, BridgeServer.Limits.defaults());
    nodes = new LocalNodes(controller);
  }

  @AfterEach
  void stop() {
    nodes.close();
    controller.close();
  }

  long refused(String reason) {
    return controller.server.refusals().count(reason);
  }

  String failure(io.vertx.core.Future<?> f) {
    return Wait.failureOf(f);
  }

  /** A node registered and connected: its key and identity certificate. */
  record Node(String id, KeyPair key, String certificate) {}

  Node registered(String id) throws Exception {
    nodes.launch(id, Map.of("baton:uuid", SINGLE));
    KeyPair kp = Keys.ec();
    String t = controller.server.tokens().issue("shop", "acme", null, "web-1", SINGLE, id, Duration.ofHours(1));
    JsonObject r = ControllerFixture.await(nodes.register(t, id, kp));
    return new Node(id, kp, r.getString("certificate"));
  }

  @Test
  void aGroupsTokenRegistersAMemberOnceAndDoesNotMakeAnotherOneOfIt() throws Exception {
    String a = nodes.launch("i-0aaaaaaaaaaaaaaa1", Map.of("baton:group", GROUP));
    String group = controller.server.tokens().issueGroup("shop", "acme", null, "workers", GROUP, Duration.ofDays(365));
    KeyPair first = Keys.ec();
    ControllerFixture.await(nodes.register(group, a, first));
    // the group's token (in every instance's user data for a year) and this member's ID, with another key
    String why = failure(nodes.register(group, a, Keys.ec()));
    assertTrue(why.contains("already_registered"), why);
    assertEquals(1, refused("already_registered"));
    assertEquals(dev.baton.common.crypto.Fingerprints.sha256(first.getPublic().getEncoded()),
        controller.server.registry().get(a).orElseThrow().keyFingerprint(), "the member keeps its key");
    JsonObject again = ControllerFixture.await(nodes.register(group, a, first));
    assertEquals(a, again.getString("node_id"), "its own key may register again (an answer that was lost)");
  }

  @Test
  void anIdentityHasOneConnectionAndTheNewerOneGetsTheCommands() throws Exception {
    Node n = registered("i-0bbbbbbbbbbbbbbb1");
    BridgeClient first = nodes.connect(n.certificate(), n.key());
    AtomicBoolean firstClosed = new AtomicBoolean();
    first.onClose(v -> firstClosed.set(true));
    first.register(Addresses.nodeIn(n.id()));
    BridgeClient second = nodes.connect(n.certificate(), n.key());
    Wait.until(firstClosed::get, 10);
    assertEquals(1, refused("replaced_connection"), "logged and counted");
    AtomicBoolean got = new AtomicBoolean();
    second.onMessage(m -> got.set(true));
    second.register(Addresses.nodeIn(n.id()));
    Thread.sleep(200);
    controller.vertx.eventBus().send(Addresses.nodeIn(n.id()), new JsonObject().put("type", "facts"));
    Wait.until(got::get, 10);
  }

  @Test
  void aTerminatedNodesIdentityIsRevokedAndRefusedAtTheBridge() throws Exception {
    Node n = registered("i-0ccccccccccccccc1");
    String serial = controller.server.registry().get(n.id()).orElseThrow().identitySerial();
    controller.server.registry().advance(n.id(), NodeState.TERMINATED, "terminated", "destroyed");
    Wait.until(() -> controller.server.ca().isRevoked(new java.math.BigInteger(serial, 16)), 10);
    BridgeClient c = new BridgeClient(controller.vertx, controller.server.ca().certificatePem(), n.certificate(),
        Pem.encode(n.key().getPrivate()));
    AtomicBoolean closed = new AtomicBoolean();
    String connect = failure(c.connect(controller.endpoint()).map(v -> {
      c.onClose(x -> closed.set(true));
      return v;
    }).compose(v -> c.request(Addresses.nodeOut(n.id()), new JsonObject().put("type", "hello"), 5000)));
    assertNotEquals("succeeded", connect);
    assertTrue(refused("revoked_identity") + refused("untrusted_client_certificate") >= 1,
        controller.server.refusals().snapshot().toString());
  }

  @Test
  void anIdentityIsRenewedForTheKeyItPinnedWithoutAToken() throws Exception {
    Node n = registered("i-0ddddddddddddddd1");
    BridgeClient c = nodes.connect(n.certificate(), n.key());
    JsonObject r = ControllerFixture.await(c.request(Addresses.RENEW, new JsonObject().put("csr",
        Csrs.create(n.key(), n.id(), Map.of(), null)), 20_000));
    var renewed = Pem.certificate(r.getString("certificate"));
    assertEquals(n.key().getPublic(), renewed.getPublicKey());
    assertTrue(renewed.getNotAfter().after(Pem.certificate(n.certificate()).getNotAfter())
        || !renewed.getSerialNumber().equals(Pem.certificate(n.certificate()).getSerialNumber()));
    assertTrue(controller.server.ca().isRevoked(Pem.certificate(n.certificate()).getSerialNumber()),
        "the previous certificate is revoked");
    String other = failure(c.request(Addresses.RENEW, new JsonObject().put("csr", Csrs.create(Keys.ec(), n.id(), Map.of(),
        null)), 20_000));
    assertTrue(other.contains("superseded_identity"), other);
    String anonymous = failure(nodes.anonymous().request(Addresses.RENEW, new JsonObject(), 5000));
    assertTrue(anonymous.contains("access_denied"), anonymous);
    // the renewed certificate is the node's identity from now on
    BridgeClient next = nodes.connect(r.getString("certificate"), n.key());
    AtomicBoolean got = new AtomicBoolean();
    next.onMessage(m -> got.set(true));
    next.register(Addresses.nodeIn(n.id()));
    Thread.sleep(200);
    controller.vertx.eventBus().send(Addresses.nodeIn(n.id()), new JsonObject().put("type", "facts"));
    Wait.until(got::get, 10);
  }
}
