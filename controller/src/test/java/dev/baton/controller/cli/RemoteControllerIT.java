package dev.baton.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.common.crypto.CertificateAuthority;
import dev.baton.common.crypto.Keys;
import dev.baton.common.crypto.Pem;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI of one host talking to a controller of another, all as real processes over real TLS: a
 * controller ({@code serve --api-bind 0.0.0.0}) with its own BATON_HOME, and CLI runs with another
 * home and their own known-controllers file. In order: an unknown controller is refused showing
 * its CA; a wrong fingerprint is refused before anything is sent; the right one is pinned and
 * works; later runs work from the pin alone (nodes, deployments, dashboard; a provision with an
 * operator token of its own, whose lock is a lease on the remote controller and whose history
 * names that token); another controller at the pinned URL is refused as a changed key. The API
 * off loopback answers TLS only, and its host names are checked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteControllerIT {
  static final Path ROOT = Path.of(System.getProperty("baton.repo.root", "..")).toAbsolutePath().normalize();
  static final Path JAR = ROOT.resolve("controller/target/baton-controller.jar");
  static final Path DEMO_SOURCE = ROOT.resolve("examples/local-demo");

  /** One directory for the whole class: its steps share a controller and a known-controllers file. */
  Path tmp;

  Path serverHome;
  Path cliHome;
  Path known;
  Path tokenFile;
  Process controller;
  int apiPort;
  String fingerprint;
  String url;

  record Run(int code, String out, String err) {}

  @BeforeAll
  void startTheController(@TempDir Path dir) throws Exception {
    tmp = dir;
    serverHome = Files.createDirectories(tmp.resolve("server-home"));
    cliHome = Files.createDirectories(tmp.resolve("cli-home"));
    known = tmp.resolve("config/baton/known_controllers");
    controller = serve(serverHome, 0);
    apiPort = runtime(serverHome).getInteger("api_port");
    fingerprint = caFingerprint(serverHome);
    tokenFile = serverHome.resolve("controller/operator-token");
    url = "https://127.0.0.1:" + apiPort;
  }

  @AfterAll
  void stopTheController() throws Exception {
    stop(controller);
  }

  /** {@code serve} as a real process, API on every address (TLS), every port free; waits until it answers. */
  Process serve(Path home, int port) throws Exception {
    Path log = home.resolve("serve.log");
    ProcessBuilder p = new ProcessBuilder(java(), "-jar", JAR.toString(), "serve", "--api-bind", "0.0.0.0",
        "--api-port", String.valueOf(port), "--bridge-port", "0", "--download-port", "0")
        .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    p.environment().keySet().removeIf(k -> k.startsWith("BATON_"));
    p.environment().put("BATON_HOME", home.toString());
    Process started = p.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!started.isAlive()) {
        throw new AssertionError("serve stopped: " + Files.readString(log));
      }
      if (Files.exists(home.resolve("controller/controller.json")) && Files.readString(log).contains("API CA fingerprint")) {
        return started;
      }
      Thread.sleep(200);
    }
    started.destroyForcibly();
    throw new AssertionError("serve did not start within 60 s: " + Files.readString(log));
  }

  static void stop(Process p) throws InterruptedException {
    if (p != null) {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  static JsonObject runtime(Path home) throws IOException {
    return new JsonObject(Files.readString(home.resolve("controller/controller.json")));
  }

  /** The fingerprint serve printed, checked against the CA file (what an operator copies). */
  static String caFingerprint(Path home) throws IOException {
    String log = Files.readString(home.resolve("serve.log"));
    String printed = log.substring(log.indexOf("API CA fingerprint ") + 19).lines().findFirst().orElseThrow().strip();
    String file = dev.baton.common.crypto.Fingerprints.sha256(Pem.certificate(Files.readString(
        home.resolve("controller/ca/ca.crt.pem"))));
    assertEquals("SHA256:" + file, printed);
    return printed;
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The CLI as a real process of the other host: its own home and known-controllers file, {@code env} added. */
  Run cli(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("BATON_"));
    pb.environment().put("BATON_HOME", cliHome.toString());
    pb.environment().put("BATON_KNOWN_CONTROLLERS", known.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    String err = read(p.getErrorStream());
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the CLI did not end: " + String.join(" ", args));
    return new Run(p.exitValue(), out.get(), err);
  }

  static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  Map<String, String> token() throws IOException {
    return Map.of("BATON_TOKEN", Files.readString(tokenFile).strip());
  }

  /** A started controller never started one here, whatever the command. */
  void noControllerStartedHere() {
    assertFalse(Files.exists(cliHome.resolve("controller/controller.json")), "a controller was started on the CLI's host");
  }

  @Test
  @Order(1)
  void anUnknownControllerIsRefusedShowingItsCaAndTheOptionToPinIt() throws Exception {
    Run r = cli(token(), "--controller", url, "nodes");
    assertEquals(ExitCodes.FAILED, r.code(), r.err());
    assertTrue(r.err().contains("the controller at " + url + " is not known (no line for it in " + known + ")"), r.err());
    assertTrue(r.err().contains("pin it: --ca-fingerprint " + fingerprint), r.err());
    assertFalse(Files.exists(known), "nothing is pinned without a fingerprint");
    noControllerStartedHere();
  }

  @Test
  @Order(2)
  void aWrongFingerprintIsRefusedAndNothingIsPinned() throws Exception {
    String wrong = "SHA256:" + "0".repeat(64);
    Run r = cli(Map.of("BATON_TOKEN_FILE", tokenFile.toString()), "nodes", "--controller", url, "--ca-fingerprint", wrong);
    assertEquals(ExitCodes.FAILED, r.code(), r.err());
    assertTrue(r.err().contains("presents the CA " + fingerprint + ", not " + wrong), r.err());
    assertTrue(r.err().contains("nothing was sent to it"), r.err());
    assertFalse(Files.exists(known));
  }

  @Test
  @Order(3)
  void noByteOfARequestLeavesTheClientBeforeItsCaIsChecked() throws Exception {
    // a TLS server of another CA that records whatever a client sends once the handshake is through
    CertificateAuthority other = CertificateAuthority.openOrCreate(tmp.resolve("impostor-ca"), "impostor");
    var key = Keys.ec();
    String chain = Pem.encode(other.issueServer(key.getPublic(), "impostor", List.of("127.0.0.1"), Duration.ofDays(1)))
        + other.certificatePem();
    Vertx vertx = Vertx.vertx();
    try {
      StringBuffer received = new StringBuffer();
      NetServer server = vertx.createNetServer(new NetServerOptions().setSsl(true).setKeyCertOptions(
          new PemKeyCertOptions().addCertValue(Buffer.buffer(chain)).addKeyValue(Buffer.buffer(Pem.encode(key.getPrivate())))))
          .connectHandler(s -> s.handler(b -> {
            received.append(b.toString(StandardCharsets.UTF_8));
            s.close(); // no answer: the client ends at once
          }));
      int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
      String impostor = "https://127.0.0.1:" + port;
      Path secret = Files.writeString(tmp.resolve("secret-token"), "token-that-must-not-leave\n");
      Run r = cli(Map.of(), "--controller", impostor, "--token-file", secret.toString(), "--ca-fingerprint", fingerprint,
          "nodes");
      assertEquals(ExitCodes.FAILED, r.code(), r.err());
      assertTrue(r.err().contains("presents the CA SHA256:" + other.fingerprint()), r.err());
      assertEquals("", received.toString(), "nothing was sent");
      // the recorder does see what a client sends once trusted: the check above could fail
      Run trusting = cli(Map.of("BATON_KNOWN_CONTROLLERS", tmp.resolve("impostor-known").toString()), "--controller",
          impostor, "--token-file", secret.toString(), "--ca-fingerprint", "SHA256:" + other.fingerprint(), "nodes");
      assertEquals(ExitCodes.FAILED, trusting.code(), trusting.err()); // it never answers
      assertTrue(received.toString().startsWith("GET /healthz"), received.toString());
      assertFalse(received.toString().contains("token-that-must-not-leave"), "/healthz carries no token");
      assertFalse(Files.exists(known), "the impostor was not pinned in the user's file");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(4)
  void theRightFingerprintIsPinnedAndWorks() throws Exception {
    Run r = cli(Map.of(), "--controller", url, "--token-file", tokenFile.toString(), "--ca-fingerprint", fingerprint,
        "nodes");
    assertEquals(ExitCodes.OK, r.code(), r.err());
    assertEquals("No nodes.", r.out().strip());
    assertTrue(r.err().contains("Pinned the CA of " + url + " (" + fingerprint + ") in " + known + " line 1."), r.err());
    assertEquals(List.of(url + " " + fingerprint), Files.readAllLines(known));
    noControllerStartedHere();
  }

  @Test
  @Order(5)
  void laterRunsWorkFromThePinAlone() throws Exception {
    Map<String, String> env = new HashMap<>(token());
    env.put("BATON_CONTROLLER", url);
    Run nodes = cli(env, "nodes", "--output", "json");
    assertEquals(ExitCodes.OK, nodes.code(), nodes.err());
    assertEquals(0, new JsonObject(nodes.out()).getJsonArray("nodes").size());
    assertEquals("", nodes.err(), "nothing pinned again");

    Path demo = demo();
    Run deployments = cli(env, "deployments", demo.toString());
    assertEquals(ExitCodes.OK, deployments.code(), deployments.err());
    assertTrue(deployments.out().contains("No deployments of"), deployments.out());

    Run dashboard = cli(env, "dashboard");
    assertEquals(ExitCodes.OK, dashboard.code(), dashboard.err());
    assertEquals(url + "/dashboard#token=" + Files.readString(tokenFile).strip(), dashboard.out().strip());

    // the hooks are the remote controller's, through its API (it has none), not this host's file
    Run hooks = cli(env, "hooks", "list");
    assertEquals(ExitCodes.OK, hooks.code(), hooks.err());
    assertTrue(hooks.out().contains("No hooks this token may see on " + url), hooks.out());
    Run noHook = cli(env, "hooks", "test", "nosuch");
    assertEquals(ExitCodes.FAILED, noHook.code());
    assertTrue(noHook.err().contains("no hook nosuch"), noHook.err());

    // the controller's own host needs no option: controller.json says https, and its CA file is the pin
    Run local = cli(Map.of("BATON_HOME", serverHome.toString()), "nodes");
    assertEquals(ExitCodes.OK, local.code(), local.err());
    assertEquals("No nodes.", local.out().strip());

    Run stop = cli(env, "stop");
    assertEquals(ExitCodes.FAILED, stop.code(), stop.err());
    assertTrue(stop.err().contains("stop stops this host's controller only"), stop.err());
    assertTrue(controller.isAlive(), "the remote controller is not stopped");
    assertEquals(List.of(url + " " + fingerprint), Files.readAllLines(known));
    noControllerStartedHere();
  }

  @Test
  @Order(6)
  void provisionTakesItsLockOnTheRemoteController() throws Exception {
    // an operator elsewhere runs with a token of their own, made on the controller's host
    Run made = cli(Map.of("BATON_HOME", serverHome.toString()), "tokens", "create", "remote-ops", "--role", "operate");
    assertEquals(ExitCodes.OK, made.code(), made.err());
    Path own = Files.writeString(tmp.resolve("remote-ops.token"), made.out().strip() + "\n");
    Map<String, String> env = new HashMap<>(Map.of("BATON_TOKEN_FILE", own.toString()));
    env.put("BATON_CONTROLLER", url);
    Path demo = demo();
    // someone elsewhere holds the platform's lock on the controller: this run is refused, nothing is made
    JsonObject held = api("/api/v1/locks", new JsonObject().put("scope", "demo/local-demo/-").put("ttl_seconds", 60)
        .put("holder", new JsonObject().put("command", "provision").put("pid", 4242).put("host", "ops-elsewhere")
            .put("user", "alice").put("since", "2026-01-01T00:00:00Z")));
    assertEquals(201, held.getInteger("status"), held.encode());
    Run refused = cli(env, "provision", demo.toString(), "--yes");
    assertEquals(ExitCodes.FAILED, refused.code(), refused.err());
    assertTrue(refused.err().contains("refused: provision of local-demo is held by pid 4242 on ops-elsewhere (user alice) since"
        + " 2026-01-01T00:00:00Z (lock of the controller at " + url + ")"),
        refused.err());
    assertTrue(refused.err().contains("(lock of the controller at " + url + ")"), refused.err());
    assertFalse(Files.exists(cliHome.resolve("local-cloud")) && !listJson(cliHome.resolve("local-cloud")).isEmpty(),
        "nothing was provisioned");
    api("/api/v1/locks/release", new JsonObject().put("scope", "demo/local-demo/-").put("lease",
        held.getJsonObject("body").getString("lease")));

    Run provision = cli(env, "provision", demo.toString(), "--yes");
    assertEquals(ExitCodes.OK, provision.code(), provision.err());
    assertTrue(provision.out().contains("Done"), provision.out());
    assertEquals(4, listJson(cliHome.resolve("local-cloud")).size(), "the network, in this host's local cloud");
    // the controller's history names the remote operator's token
    Run history = cli(env, "history", "--output", "json");
    assertEquals(ExitCodes.OK, history.code(), history.err());
    assertTrue(new JsonObject(history.out()).getJsonArray("entries").stream().map(JsonObject.class::cast)
        .anyMatch(e -> "provision".equals(e.getString("what")) && "remote-ops".equals(e.getString("who"))
            && "ok".equals(e.getString("outcome"))), history.out());
    // its lease was released at the end: the lock can be taken again at once
    JsonObject again = api("/api/v1/locks", new JsonObject().put("scope", "demo/local-demo/-").put("ttl_seconds", 5)
        .put("holder", new JsonObject().put("command", "test")));
    assertEquals(201, again.getInteger("status"), again.encode());
    api("/api/v1/locks/release", new JsonObject().put("scope", "demo/local-demo/-").put("lease",
        again.getJsonObject("body").getString("lease")));
    noControllerStartedHere();
  }

  @Test
  @Order(7)
  void theApiOffLoopbackAnswersTlsOnlyAndChecksHostNames() throws Exception {
    // plain HTTP to the TLS port: no HTTP answer, ever
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), apiPort)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] answer = s.getInputStream().readNBytes(64);
      assertFalse(new String(answer, StandardCharsets.ISO_8859_1).startsWith("HTTP/"), "a plain HTTP answer");
    } catch (java.net.SocketException reset) {
      // refused by the TLS server: what it should do
    }
    assertEquals(200, api("/healthz", null).getInteger("status"), "while TLS is answered");
    assertEquals("https", runtime(serverHome).getString("api_scheme"));
    assertEquals("0.0.0.0", runtime(serverHome).getString("api_bind"));

    // an address of this host that the certificate does not name (no --api-name for it): refused by host name
    String other = nonLoopbackAddress();
    assumeTrue(other != null, "this host has no address but loopback");
    Run r = cli(token(), "--controller", "https://" + other + ":" + apiPort, "--ca-fingerprint", fingerprint, "nodes");
    assertEquals(ExitCodes.FAILED, r.code(), r.err());
    assertTrue(r.err().contains("its certificate does not name " + other + "; serve it with --api-name " + other), r.err());
  }

  @Test
  @Order(8)
  void anotherControllerAtThePinnedUrlIsRefusedAsAChangedCa() throws Exception {
    stop(controller);
    Path otherHome = Files.createDirectories(tmp.resolve("other-server-home"));
    controller = serve(otherHome, apiPort); // another CA, the same URL
    String otherFingerprint = caFingerprint(otherHome);
    Map<String, String> env = new HashMap<>(token());
    env.put("BATON_CONTROLLER", url);
    Run r = cli(env, "nodes");
    assertEquals(ExitCodes.FAILED, r.code(), r.err());
    assertTrue(r.err().contains("THE CA OF CONTROLLER " + url + " HAS CHANGED"), r.err());
    assertTrue(r.err().contains("It presents " + otherFingerprint + ", " + known + " line 1 keeps " + fingerprint), r.err());
    assertTrue(r.err().contains("remove line 1 of " + known), r.err());
    // a fingerprint given now does not override the kept one
    Run given = cli(env, "nodes", "--ca-fingerprint", otherFingerprint);
    assertEquals(ExitCodes.FAILED, given.code(), given.err());
    assertTrue(given.err().contains("is not the CA kept for " + url), given.err());
    assertEquals(List.of(url + " " + fingerprint), Files.readAllLines(known), "the pin is kept");
  }

  /** The local demo without its instances: a network, provisioned into the CLI host's local cloud. */
  Path demo() throws IOException {
    Path demo = tmp.resolve("demo");
    if (!Files.exists(demo)) {
      Files.createDirectories(demo);
      Files.copy(DEMO_SOURCE.resolve("platform.yaml"), demo.resolve("platform.yaml"));
      Files.copy(DEMO_SOURCE.resolve("network.yaml"), demo.resolve("network.yaml"));
    }
    return demo;
  }

  static List<Path> listJson(Path root) throws IOException {
    try (var s = Files.walk(root)) {
      return s.filter(p -> p.toString().endsWith(".json")).toList();
    }
  }

  /** The controller's API as a test client of its own (trusting its CA file): {status, body}. */
  JsonObject api(String path, JsonObject body) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", Pem.certificate(Files.readString(serverHome.resolve("controller/ca/ca.crt.pem"))));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
        .header("Authorization", "Bearer " + Files.readString(tokenFile).strip());
    b = body == null ? b.GET() : b.header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject().put("status", r.statusCode()).put("body", r.body().isBlank() ? new JsonObject()
        : new JsonObject(r.body()));
  }

  /** An IPv4 address of this host other than loopback, or null. */
  static String nonLoopbackAddress() throws IOException {
    for (NetworkInterface n : java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!n.isUp() || n.isLoopback()) {
        continue;
      }
      for (InetAddress a : java.util.Collections.list(n.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          return a.getHostAddress();
        }
      }
    }
    return null;
  }
}
