package dev.baton.controller.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.agent.bridge.BridgeClient;
import dev.baton.common.bus.Addresses;
import dev.baton.common.bus.Frames;
import dev.baton.common.crypto.CertificateAuthority;
import dev.baton.common.crypto.Csrs;
import dev.baton.common.crypto.Keys;
import dev.baton.common.crypto.Pem;
import dev.baton.common.msg.Registration;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way to be refused by the bridge and the registrar, against a real controller over real
 * TLS, with the agent's own bridge client. Each refusal is answered with its reason and counted
 * under it (and logged).
 */
class BridgeSecurityIT {
  static final String LAUNCHED_UUID = "00000000-0000-4000-8000-00000000c0de";

  @TempDir
  Path home;
  ControllerFixture controller;

  @BeforeEach
  void start() {
    controller = new ControllerFixture(home, new BridgeServer.Limits(Frames.MAX_FRAME, 3, 10_000));
  }

  final List<Process> processes = new java.util.ArrayList<>();

  @AfterEach
  void stop() {
    controller.close();
    processes.forEach(Process::destroyForcibly);
  }

  /**
   * The running controller checks an identity document against the node's platform, as provision
   * described it: its account and its region (the genuine document is of 189292791360, ap-southeast-2).
   */
  @Test
  void anIdentityDocumentOfAnotherAccountOrRegionIsRefusedThroughTheBridge() throws Exception {
    String genuine = Files.readString(Path.of("src/test/resources/aws-iid/rsa2048.b64"));
    String id = "i-0c5541936caf78c12";
    java.util.function.BiFunction<String, String, String> attempt = (account, region) -> {
      controller.server.intents().put(dev.baton.controller.intent.IntentStore.key("acme", "shop", null, LAUNCHED_UUID),
          dev.baton.controller.intent.IntentCodec.nodeFromJson(new JsonObject().put("name", "web-1").put("kind", "instance").put("cloud", new JsonObject()
              .put("provider", "aws").put("region", region).put("account", account))));
      BridgeClient c = anonymous();
      try {
        return failure(c.request(Addresses.REGISTER, new Registration.Request(token(id), Registration.EVIDENCE_AWS, id,
            Csrs.create(Keys.ec(), id, Map.of(), null), null, genuine, "t").toJson(), 20_000));
      } finally {
        ControllerFixture.await(c.close());
      }
    };
    assertTrue(attempt.apply("111111111111", "ap-southeast-2").contains("wrong_account"), "another customer's account");
    assertTrue(attempt.apply("189292791360", "eu-west-1").contains("wrong_region"), "another region");
    assertTrue(attempt.apply("189292791360", "ap-southeast-2").contains("stale_document"),
        "the platform's own account and region: then its age");
    assertEquals(1, refused("wrong_account"));
    assertEquals(1, refused("wrong_region"));
    controller.server.intents().put(dev.baton.controller.intent.IntentStore.key("acme", "shop", null, LAUNCHED_UUID),
        dev.baton.controller.intent.IntentCodec.nodeFromJson(new JsonObject().put("name", "web-1").put("kind", "instance")));
  }

  /** A token is used only once the cloud has confirmed the instance: a failed confirmation leaves it usable. */
  @Test
  void aTokenIsNotBurntByAConfirmationThatFailed() throws Exception {
    String id = launchLocalInstance("i-0123456789abcde12");
    String t = token(id);
    processes.get(processes.size() - 1).destroyForcibly().waitFor(); // the instance is not running (yet)
    String why = failure(register(anonymous(), t, id, id));
    assertTrue(why.contains("instance_not_running"), why);
    Process p = new ProcessBuilder("/bin/sh", "-c", "sleep 120", "-Dbaton.instance=" + id).start();
    processes.add(p);
    Files.writeString(home.resolve("local-cloud/instance-data/" + id + "/pid"), Long.toString(p.pid()));
    JsonObject ok = ControllerFixture.await(register(anonymous(), t, id, id));
    assertEquals(id, ok.getString("node_id"), "the same token registers once the instance runs");
  }

  /** A local node proves its instance with the document the local cloud gave it; naming one is not enough. */
  @Test
  void aLocalInstanceIsProvenNotClaimed() throws IOException {
    String id = launchLocalInstance("i-0123456789abcde10");
    String other = launchLocalInstance("i-0123456789abcde11");
    String csr = Csrs.create(Keys.ec(), id, Map.of(), null);
    java.util.function.Function<String, String> attempt = document -> {
      BridgeClient c = anonymous();
      try {
        return failure(c.request(Addresses.REGISTER, new Registration.Request(token(id), Registration.EVIDENCE_LOCAL, id,
            csr, document, null, "t").toJson(), 20_000));
      } finally {
        ControllerFixture.await(c.close());
      }
    };
    assertTrue(attempt.apply(null).contains("unproven_instance"), "no document");
    String guessed = new dev.baton.common.msg.LocalIdentity(id, "0".repeat(64)).toJson().encode();
    assertTrue(attempt.apply(guessed).contains("unproven_instance"), "a guessed secret");
    assertTrue(attempt.apply(doc(other)).contains("forged_document"), "another instance's document");
    String garbage = attempt.apply("{not json");
    assertTrue(garbage.contains("unproven_instance"), "garbage: " + garbage);
    assertEquals(3, refused("unproven_instance"));
    assertEquals(1, refused("forged_document"));
    assertTrue(controller.server.registry().get(id).isEmpty(), "no node was recorded for a claim");
  }

  // ------------------------------------------------------------ helpers

  /** An instance of the local cloud, as the local provider writes it (its process is this test). */
  String launchLocalInstance(String id) throws IOException {
    Path f = home.resolve("local-cloud/instance/" + id + ".json");
    Files.createDirectories(f.getParent());
    Files.writeString(f, new JsonObject().put("id", id).put("kind", "instance").put("uuid", LAUNCHED_UUID)
        .put("state", "running").put("attributes", new JsonObject())
        .put("tags", new JsonObject().put("baton:uuid", LAUNCHED_UUID).put("baton:platform", "shop")
            .put("baton:customer", "acme")).encode());
    Path dir = home.resolve("local-cloud/instance-data/" + id);
    Files.createDirectories(dir);
    // the local cloud takes an instance to be running while a process naming it lives
    Process p = new ProcessBuilder("/bin/sh", "-c", "sleep 120", "-Dbaton.instance=" + id).start();
    processes.add(p);
    Files.writeString(dir.resolve("pid"), Long.toString(p.pid()));
    documents.put(id, dev.baton.controller.provider.local.LocalIdentities.issue(home.resolve("local-cloud"), id,
        dir.resolve("identity.json")).toJson().encode());
    return id;
  }

  /** The identity documents the local cloud gave the instances launched here. */
  final Map<String, String> documents = new java.util.HashMap<>();

  /** Instance {@code id}'s identity document, as its agent presents it (null for an instance never launched). */
  String doc(String id) {
    return documents.get(id);
  }

  String token(String instanceId) {
    return controller.server.tokens().issue("shop", "acme", null, "web-1", LAUNCHED_UUID, instanceId, Duration.ofHours(1));
  }

  BridgeClient anonymous() {
    BridgeClient c = new BridgeClient(controller.vertx, controller.server.ca().certificatePem(), null, null);
    ControllerFixture.await(c.connect(controller.endpoint()));
    return c;
  }

  Future<JsonObject> register(BridgeClient c, String token, String instanceId, String csrName) {
    KeyPair kp = Keys.ec();
    String csr = Csrs.create(kp, csrName, Map.of(), null);
    return c.request(Addresses.REGISTER, new Registration.Request(token, Registration.EVIDENCE_LOCAL, instanceId, csr,
        doc(instanceId), null, "test").toJson(), 20_000);
  }

  static String failure(Future<?> f) {
    return dev.baton.controller.Wait.failureOf(f);
  }

  long refused(String reason) {
    return controller.server.refusals().count(reason);
  }

  // ------------------------------------------------------------ tests

  @Test
  void theBridgeSpeaksTlsThroughBoringSslOnLinux() {
    // netty-tcnative ships BoringSSL for Linux x86_64 and aarch64; every refusal test below then
    // runs against it. Should the native library stop loading, the bridge would quietly fall back
    // to the JDK's slower TLS: this makes that visible.
    String arch = System.getProperty("os.arch");
    if (System.getProperty("os.name").equals("Linux") && (arch.equals("amd64") || arch.equals("aarch64"))) {
      assertEquals(BridgeServer.BORINGSSL, BridgeServer.tlsEngine());
    }
  }

  @Test
  void aGenuineRegistrationSucceedsAndItsTokenCannotBeReplayed() throws IOException {
    String id = launchLocalInstance("i-0123456789abcdef0");
    String t = token(id);
    JsonObject ok = ControllerFixture.await(register(anonymous(), t, id, id));
    assertEquals(id, ok.getString("node_id"));
    assertTrue(controller.server.ca().trusts(Pem.certificate(ok.getString("certificate"))));
    String replay = failure(register(anonymous(), t, id, id));
    assertTrue(replay.contains("replayed_token"), replay);
    assertEquals(1, refused("replayed_token"));
  }

  @Test
  void anAgentWhoseAnswerWasLostRegistersAgainWithItsKeyButNoOneElseCan() throws IOException {
    String id = launchLocalInstance("i-0123456789abcdef8");
    String t = token(id);
    KeyPair kept = Keys.ec();
    JsonObject request = new Registration.Request(t, Registration.EVIDENCE_LOCAL, id, Csrs.create(kept, id, Map.of(), null),
        doc(id), null, "test").toJson();
    JsonObject first = ControllerFixture.await(anonymous().request(Addresses.REGISTER, request, 20_000));
    // the agent never saw that answer (its controller died); it presents the same token and key again
    JsonObject again = ControllerFixture.await(anonymous().request(Addresses.REGISTER, request, 20_000));
    assertEquals(first.getString("node_id"), again.getString("node_id"));
    assertEquals(Pem.certificate(first.getString("certificate")).getPublicKey(),
        Pem.certificate(again.getString("certificate")).getPublicKey(), "an identity for the key it holds");
    assertEquals(List.of("LAUNCHED", "REGISTERED", "ATTESTED"), controller.server.registry().get(id).orElseThrow().timeline()
        .stream().map(p -> p.name()).toList(), "one record, registered once");
    // the same token with another key is a replay
    String replay = failure(register(anonymous(), t, id, id));
    assertTrue(replay.contains("replayed_token"), replay);
    assertEquals(1, refused("replayed_token"));
  }

  @Test
  void unknownExpiredAndForeignTokensAreRefused() throws Exception {
    String id = launchLocalInstance("i-0123456789abcdef1");
    String other = launchLocalInstance("i-0123456789abcdef2");
    assertTrue(failure(register(anonymous(), "not-a-token", id, id)).contains("unknown_token"));
    String shortLived = controller.server.tokens().issue("shop", "acme", null, "web-1", LAUNCHED_UUID, id,
        Duration.ofMillis(1));
    Thread.sleep(20);
    assertTrue(failure(register(anonymous(), shortLived, id, id)).contains("expired_token"));
    String forOther = token(other);
    assertTrue(failure(register(anonymous(), forOther, id, id)).contains("token_of_another_instance"));
    assertEquals(1, refused("unknown_token"));
    assertEquals(1, refused("expired_token"));
    assertEquals(1, refused("token_of_another_instance"));
  }

  @Test
  void aCertificateRequestForAnotherNameIsRefused() throws IOException {
    String id = launchLocalInstance("i-0123456789abcdef3");
    String why = failure(register(anonymous(), token(id), id, "i-ffffffffffffffff0"));
    assertTrue(why.contains("wrong_csr_name"), why);
    assertEquals(1, refused("wrong_csr_name"));
  }

  @Test
  void aForgedOrStaleIdentityDocumentIsRefusedThroughTheBridge(@TempDir Path tmp) throws Exception {
    String genuine = Files.readString(Path.of("src/test/resources/aws-iid/rsa2048.b64"));
    KeyPair kp = Keys.ec();
    JsonObject stale = new Registration.Request(token("i-0c5541936caf78c12"), Registration.EVIDENCE_AWS,
        "i-0c5541936caf78c12", Csrs.create(kp, "i-0c5541936caf78c12", Map.of(), null), null, genuine, "t").toJson();
    String staleWhy = failure(anonymous().request(Addresses.REGISTER, stale, 20_000));
    assertTrue(staleWhy.contains("stale_document"), "a genuine document launched months ago: " + staleWhy);

    CertificateAuthority impostor = CertificateAuthority.openOrCreate(tmp, "impostor");
    String forgedSig = dev.baton.controller.attest.Pkcs7.sign(
        Files.readAllBytes(Path.of("src/test/resources/aws-iid/document.json")), tmp.resolve("ca.key.pem"),
        impostor.certificate());
    JsonObject forged = stale.copy().put("signature", forgedSig).put("token", token("i-0c5541936caf78c12"));
    String forgedWhy = failure(anonymous().request(Addresses.REGISTER, forged, 20_000));
    assertTrue(forgedWhy.contains("forged_document"), forgedWhy);
    assertEquals(1, refused("stale_document"));
    assertEquals(1, refused("forged_document"));
  }

  @Test
  void anUnauthenticatedConnectionMaySendOnlyToTheRegistrationAddress() {
    BridgeClient c = anonymous();
    String why = failure(c.request(Addresses.nodeOut("i-0123456789abcdef0"), new JsonObject().put("type", "hello"), 5000));
    assertTrue(why.contains("access_denied"), why);
    c.register(Addresses.nodeIn("i-0123456789abcdef0"));
    waitFor(() -> refused("unauthenticated_register") == 1);
    assertEquals(1, refused("unauthenticated_send"));
  }

  @Test
  void aNodeCannotSendToNorListenOnAnotherNodesAddress() throws IOException {
    String id = launchLocalInstance("i-0123456789abcdef4");
    KeyPair kp = Keys.ec();
    JsonObject reg = ControllerFixture.await(anonymous().request(Addresses.REGISTER, new Registration.Request(token(id),
        Registration.EVIDENCE_LOCAL, id, Csrs.create(kp, id, Map.of(), null), doc(id), null, "t").toJson(), 20_000));
    BridgeClient node = new BridgeClient(controller.vertx, controller.server.ca().certificatePem(),
        reg.getString("certificate"), Pem.encode(kp.getPrivate()));
    ControllerFixture.await(node.connect(controller.endpoint()));
    String other = "i-0123456789abcdef5";
    String why = failure(node.request(Addresses.nodeOut(other), new JsonObject().put("type", "hello"), 5000));
    assertTrue(why.contains("access_denied"), why);
    node.register(Addresses.nodeIn(other));
    String reg2 = failure(node.request(Addresses.REGISTER, new JsonObject(), 5000));
    assertTrue(reg2.contains("access_denied"), "an attested node does not register again: " + reg2);
    waitFor(() -> refused("foreign_address") == 3);
    // and what it may do: its own address reaches the controller (with the node header the
    // bridge sets), whose hand-off takes the node to READY (no configuration management here)
    node.send(Addresses.nodeOut(id), new dev.baton.common.msg.Hello("test").toJson());
    waitFor(() -> controller.server.registry().get(id).map(r -> r.state().name().equals("READY")).orElse(false));
  }

  @Test
  void aCertificateFromAnotherCaIsNotAnIdentity(@TempDir Path tmp) throws Exception {
    CertificateAuthority other = CertificateAuthority.openOrCreate(tmp, "another CA");
    KeyPair kp = Keys.ec();
    var cert = other.issueClient(kp.getPublic(), "i-0123456789abcdef6", Duration.ofDays(1), Map.of());
    BridgeClient impostor = new BridgeClient(controller.vertx, controller.server.ca().certificatePem(),
        Pem.encode(cert), Pem.encode(kp.getPrivate()));
    String connect = failure(impostor.connect(controller.endpoint()).compose(v -> impostor.request(
        Addresses.nodeOut("i-0123456789abcdef6"), new JsonObject(), 5000)));
    assertFalse(connect.equals("succeeded"), connect);
  }

  @Test
  void aClusterMembersCertificateIsNotANodesIdentity() throws Exception {
    // a member's certificate comes from the same CA (server and client use): it must not pass for a node
    KeyPair kp = Keys.ec();
    var cert = controller.server.ca().issuePeer(kp.getPublic(), "i-0123456789abcdef7", List.of("127.0.0.1"),
        Duration.ofDays(1));
    BridgeClient member = new BridgeClient(controller.vertx, controller.server.ca().certificatePem(),
        Pem.encode(cert), Pem.encode(kp.getPrivate()));
    ControllerFixture.await(member.connect(controller.endpoint()));
    String why = failure(member.request(Addresses.nodeOut("i-0123456789abcdef7"), new JsonObject().put("type", "hello"),
        5000));
    assertTrue(why.contains("access_denied"), why);
    waitFor(() -> refused("not_a_node_identity") == 1);
  }

  @Test
  void aClientThatDoesNotPinTheControllersCaCannotConnect(@TempDir Path tmp) {
    CertificateAuthority other = CertificateAuthority.openOrCreate(tmp, "not the controller's CA");
    BridgeClient c = new BridgeClient(controller.vertx, other.certificatePem(), null, null);
    String why = failure(c.connect(controller.endpoint()));
    assertFalse(why.equals("succeeded"), "TLS must fail against an unpinned CA");
  }

  @Test
  void plaintextMalformedAndOversizedFramesCloseTheConnection() throws Exception {
    // plaintext: the TLS handshake fails, nothing is read
    io.vertx.core.net.NetClient plainClient = controller.vertx.createNetClient();
    clients.add(plainClient);
    NetSocket plain = ControllerFixture.await(plainClient.connect(controller.started.bridgePort(), "127.0.0.1"));
    CompletableFuture<Void> closed = new CompletableFuture<>();
    plain.closeHandler(v -> closed.complete(null));
    plain.write(Frames.encode(Frames.send(Addresses.REGISTER, new JsonObject(), "r")));
    closed.get(15, TimeUnit.SECONDS);

    NetSocket malformed = tls();
    CompletableFuture<Void> c1 = new CompletableFuture<>();
    malformed.closeHandler(v -> c1.complete(null));
    malformed.write(Buffer.buffer().appendInt(9).appendString("not json!"));
    c1.get(15, TimeUnit.SECONDS);
    assertEquals(1, refused("malformed_frame"));

    NetSocket oversized = tls();
    CompletableFuture<Void> c2 = new CompletableFuture<>();
    oversized.closeHandler(v -> c2.complete(null));
    oversized.write(Buffer.buffer().appendInt(50 * 1024 * 1024).appendString("{"));
    c2.get(15, TimeUnit.SECONDS);
    assertEquals(1, refused("oversized_frame"));
  }

  @Test
  void unauthenticatedConnectionsAreCapped() throws Exception {
    List<NetSocket> held = new java.util.ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      NetSocket s = tls();
      s.write(Frames.encode(new JsonObject().put("type", "ping")));
      held.add(s);
      int n = i;
      waitFor(() -> controller.server.bridge().anonymousConnections() == n);
    }
    NetSocket fourth = tls();
    fourth.write(Frames.encode(new JsonObject().put("type", "ping")));
    waitFor(() -> refused("too_many_unauthenticated") == 1);
    assertEquals(3, controller.server.bridge().anonymousConnections(), "the fourth was not let in");
    assertEquals(3, held.size());
    assertTrue(fourth != null);
  }

  /** Clients stay referenced: Vert.x closes a client (and its connections) once it is unreachable. */
  private final List<io.vertx.core.net.NetClient> clients = new java.util.ArrayList<>();

  private NetSocket tls() {
    io.vertx.core.net.NetClient client = controller.vertx.createNetClient(new io.vertx.core.net.NetClientOptions()
        .setSsl(true).setHostnameVerificationAlgorithm("HTTPS").setTrustOptions(new io.vertx.core.net.PemTrustOptions()
            .addCertValue(Buffer.buffer(controller.server.ca().certificatePem()))));
    clients.add(client);
    return ControllerFixture.await(client.connect(controller.started.bridgePort(), "127.0.0.1"));
  }

  static void waitFor(java.util.function.BooleanSupplier ok) {
    dev.baton.controller.Wait.until(ok, 10);
  }

}
