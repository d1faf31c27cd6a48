package dev.baton.controller.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.baton.common.error.BatonException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hooks deliver to real receivers: an HTTP server, a real SMTP server, a real command. */
class NotificationsIT {
  static final String SECRET = "s3cret-for-the-test";
  final Vertx vertx = Vertx.vertx();
  @TempDir
  Path dir;

  @AfterEach
  void close() {
    vertx.close();
  }

  record Received(String body, String timestamp, String signature, String delivery) {}

  /** An HTTP receiver that answers 500 to the first {@code failures} requests, 200 after. */
  HttpServer receiver(int port, int failures, List<Received> got) {
    AtomicInteger n = new AtomicInteger();
    return await(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      got.add(new Received(b.toString(), req.getHeader("X-Baton-Timestamp"), req.getHeader("X-Baton-Signature"),
          req.getHeader("X-Baton-Delivery")));
      req.response().setStatusCode(n.incrementAndGet() <= failures ? 500 : 200).end();
    })).listen(port, "127.0.0.1"));
  }

  Outbox outbox(Path outboxDir, Hook hook, int maxAttempts) {
    Outbox o = new Outbox(vertx, outboxDir, List.of(hook), Outbox.standardNotifiers(vertx),
        new HookConfig.Retry(maxAttempts, 0, 1), Instant::now);
    await(o.start());
    return o;
  }

  static Hook webhook(String url) {
    return new Hook("ops", "webhook", new JsonObject().put("url", url).put("secret", SECRET), List.of(), List.of(),
        List.of(), null);
  }

  static Event ready() {
    return Event.sample(Event.NODE_READY);
  }

  @Test
  void aWebhookIsSignedRetriedWithBackoffAndDeliveredOnTheThirdAttempt() {
    List<Received> got = new CopyOnWriteArrayList<>();
    HttpServer server = receiver(0, 2, got);
    Outbox o = outbox(dir, webhook("http://127.0.0.1:" + server.actualPort() + "/hook"), 8);
    Event e = ready();
    assertEquals(1, await(o.enqueue(e)));
    waitFor(() -> o.delivered() == 1);
    assertEquals(3, got.size(), "two failures, then delivered");
    assertEquals(2, o.failedAttempts());
    for (Received r : got) {
      assertEquals(e.id(), r.delivery(), "the same event ID in every retry (receivers de-duplicate)");
      assertTrue(Signatures.verify(SECRET, r.timestamp(), r.body(), r.signature(), Instant.now().getEpochSecond(), 300),
          "the receiver checks the signature");
      assertEquals(e.id(), new JsonObject(r.body()).getString("id"));
    }
    waitFor(() -> o.pendingCount() == 0);
    assertFalse(Files.exists(dir.resolve(e.id() + "--ops.json")), "delivered: out of the outbox");
  }

  @Test
  void aReceiverDetectsAWrongSignatureAForgedBodyAndAReplay() {
    String ts = Long.toString(Instant.now().getEpochSecond());
    String body = ready().toJson().encode();
    String sig = Signatures.sign(SECRET, ts, body);
    long now = Instant.now().getEpochSecond();
    assertTrue(Signatures.verify(SECRET, ts, body, sig, now, 300));
    assertFalse(Signatures.verify("another secret", ts, body, sig, now, 300), "wrong secret");
    assertFalse(Signatures.verify(SECRET, ts, body.replace("web-1", "web-2"), sig, now, 300), "tampered body");
    assertFalse(Signatures.verify(SECRET, ts, body, sig, now + 3600, 300), "an old delivery replayed");
    assertFalse(Signatures.verify(SECRET, ts, body, null, now, 300), "no signature");
  }

  @Test
  void slackGetsTextAndBlocksWithNodePlatformAndTimings() {
    List<Received> got = new CopyOnWriteArrayList<>();
    HttpServer server = receiver(0, 0, got);
    Hook slack = new Hook("chat", "slack", new JsonObject().put("url", "http://127.0.0.1:" + server.actualPort()),
        List.of(), List.of(), List.of(), null);
    await(new HttpNotifiers.Slack(vertx).deliver(ready(), slack));
    JsonObject m = new JsonObject(got.get(0).body());
    assertTrue(m.getString("text").contains("web-1") && m.getString("text").contains("READY"), m.encode());
    JsonArray blocks = m.getJsonArray("blocks");
    assertTrue(blocks.encode().contains("bootstrap_run 3.0s"), blocks.encode());
    assertTrue(blocks.encode().contains("*Platform*"), blocks.encode());
  }

  /** What a node sent arrives in Slack as text: no mention, no disguised link, no escape sequence. */
  @Test
  void aNodesReasonIsTextInSlackNotMarkup() {
    List<Received> got = new CopyOnWriteArrayList<>();
    HttpServer server = receiver(0, 0, got);
    Hook slack = new Hook("chat", "slack", new JsonObject().put("url", "http://127.0.0.1:" + server.actualPort()),
        List.of(), List.of(), List.of(), null);
    Event failed = Event.sample(Event.NODE_FAILED);
    failed.data().put("reason", "FINAL_RUN: <!channel> see <https://evil.example/x|the runbook> & \u001b[31mnow\u001b[0m"
        + "x".repeat(2000));
    await(new HttpNotifiers.Slack(vertx).deliver(failed, slack));
    String body = got.get(0).body();
    JsonObject m = new JsonObject(body);
    String all = m.encode();
    assertFalse(all.contains("<!channel>") || all.contains("<https://"), all.substring(0, 400));
    assertTrue(m.getString("text").contains("&lt;!channel&gt; see &lt;https://evil.example/x|the runbook&gt; &amp; now"),
        m.getString("text").substring(0, 200));
    assertFalse(body.contains("\u001b") || body.contains("\\u001b"), "no escape sequence");
    assertTrue(m.getString("text").length() < 800, "bounded: " + m.getString("text").length());
  }

  @Test
  void emailArrivesAtARealSmtpServer() throws Exception {
    int port = freePort();
    GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.setUser("baton@example.net", "baton", "mail-password");
    smtp.start();
    try {
      Hook mail = new Hook("mail", "email", new JsonObject().put("from", "baton@example.net")
          .put("to", new JsonArray().add("ops@example.net"))
          .put("smtp", new JsonObject().put("host", "127.0.0.1").put("port", port).put("starttls", "optional")
              .put("username", "baton").put("password", "mail-password")), List.of(), List.of(), List.of(), null);
      await(new EmailNotifier(vertx).deliver(Event.sample(Event.NODE_FAILED), mail));
      assertTrue(smtp.waitForIncomingEmail(10_000, 1));
      MimeMessage m = smtp.getReceivedMessages()[0];
      assertTrue(m.getSubject().contains("web-1") && m.getSubject().contains("FAILED"), m.getSubject());
      String text = com.icegreen.greenmail.util.GreenMailUtil.getBody(m);
      assertTrue(text.contains("Reason:   FINAL_RUN exited with 4"), text);
      assertEquals("ops@example.net", m.getAllRecipients()[0].toString());
    } finally {
      smtp.stop();
    }
  }

  @Test
  void emailGoesOverStartTlsWithAuthentication(@TempDir Path tmp) throws Exception {
    Path server = Path.of("/usr/lib/python3/dist-packages/aiosmtpd");
    if (!java.nio.file.Files.isDirectory(server)) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("python3-aiosmtpd is not installed; bin/test installs it");
      }
      org.junit.jupiter.api.Assumptions.assumeTrue(false, "python3-aiosmtpd is not installed (bin/test installs it)");
    }
    // a certificate for 127.0.0.1 from a CA of the test's own, which the hook is told to trust
    dev.baton.common.crypto.CertificateAuthority ca = dev.baton.common.crypto.CertificateAuthority.openOrCreate(
        tmp.resolve("ca"), "smtp test CA");
    java.security.KeyPair kp = dev.baton.common.crypto.Keys.ec();
    Files.writeString(tmp.resolve("cert.pem"), dev.baton.common.crypto.Pem.encode(ca.issueServer(kp.getPublic(), "smtp",
        List.of("127.0.0.1", "localhost"), java.time.Duration.ofDays(1))));
    Files.writeString(tmp.resolve("key.pem"), dev.baton.common.crypto.Pem.encode(kp.getPrivate()));
    Path inbox = Files.createDirectories(tmp.resolve("inbox"));
    int port = freePort();
    Process smtp = new ProcessBuilder("/usr/bin/python3", Path.of("src/test/resources/smtp/starttls_server.py")
        .toAbsolutePath().toString(), "127.0.0.1", Integer.toString(port), tmp.resolve("cert.pem").toString(),
        tmp.resolve("key.pem").toString(), inbox.toString(), "baton", "mail-password").redirectErrorStream(true).start();
    try {
      assertEquals("ready", new java.io.BufferedReader(new java.io.InputStreamReader(smtp.getInputStream())).readLine());
      JsonObject settings = new JsonObject().put("host", "127.0.0.1").put("port", port).put("starttls", "required")
          .put("username", "baton").put("password", "mail-password").put("trust", ca.certificatePem());
      Hook mail = new Hook("mail", "email", new JsonObject().put("from", "baton@example.net")
          .put("to", new JsonArray().add("ops@example.net")).put("smtp", settings), List.of(), List.of(), List.of(), null);
      await(new EmailNotifier(vertx).deliver(Event.sample(Event.NODE_READY), mail));
      String message = Files.readString(inbox.resolve("0.eml"));
      assertTrue(message.contains("web-1") && message.contains("READY"), message);
      // the server refuses mail before STARTTLS: the check above could fail
      Hook plain = new Hook("plain", "email", mail.settings().copy().put("smtp", settings.copy().put("starttls",
          "disabled")), List.of(), List.of(), List.of(), null);
      String why = failure(new EmailNotifier(vertx).deliver(Event.sample(Event.NODE_READY), plain));
      assertFalse(why.equals("succeeded"), "without STARTTLS the server takes nothing");
      // nor does the hook trust a server it was not told to trust
      String otherCa = dev.baton.common.crypto.CertificateAuthority.openOrCreate(tmp.resolve("other"), "another CA")
          .certificatePem();
      Hook untrusted = new Hook("untrusted", "email", mail.settings().copy().put("smtp", settings.copy()
          .put("trust", otherCa)), List.of(), List.of(), List.of(), null);
      assertFalse(failure(new EmailNotifier(vertx).deliver(Event.sample(Event.NODE_READY), untrusted)).equals("succeeded"));
      assertEquals(1, inbox.toFile().list().length);
    } finally {
      smtp.destroy();
    }
  }

  @Test
  void aCommandGetsTheEventOnItsStandardInput() throws Exception {
    Path out = dir.resolve("got.json");
    Hook cmd = new Hook("log", "command", new JsonObject().put("command", new JsonArray().add("/bin/sh").add("-c")
        .add("cat > " + out)).put("timeout_seconds", 10), List.of(), List.of(), List.of(), null);
    Event e = ready();
    await(new CommandNotifier(vertx).deliver(e, cmd));
    assertEquals(e.id(), new JsonObject(Files.readString(out)).getString("id"));
    Hook failing = new Hook("bad", "command", new JsonObject().put("command", new JsonArray().add("/bin/sh").add("-c")
        .add("echo nope; exit 3")), List.of(), List.of(), List.of(), null);
    String why = failure(new CommandNotifier(vertx).deliver(e, failing));
    assertTrue(why.contains("exited with 3: nope"), why);
  }

  @Test
  void deliveriesPendingWhenTheControllerStopsAreDeliveredAfterARestart() {
    int port = freePort();
    Outbox first = outbox(dir, webhook("http://127.0.0.1:" + port + "/hook"), 50);
    Event e = ready();
    await(first.enqueue(e));
    waitFor(() -> first.failedAttempts() >= 1); // the receiver is down
    first.stop(); // the controller is killed
    assertTrue(Files.exists(dir.resolve(e.id() + "--ops.json")), "the delivery is on disk");
    List<Received> got = new CopyOnWriteArrayList<>();
    receiver(port, 0, got);
    Outbox second = outbox(dir, webhook("http://127.0.0.1:" + port + "/hook"), 50);
    waitFor(() -> second.delivered() == 1);
    assertEquals(e.id(), got.get(0).delivery());
  }

  @Test
  void aHookMissingForAMomentKeepsItsDeliveries() throws Exception {
    int closed = freePort(); // nothing listens: the first attempts fail
    Outbox o = outbox(dir, webhook("http://127.0.0.1:" + closed + "/hook"), 1000);
    HookConfig.Retry fast = new HookConfig.Retry(1000, 0, 1);
    Event e = ready();
    await(o.enqueue(e));
    waitFor(() -> o.failedAttempts() >= 1);
    o.reconfigure(new HookConfig.Config(List.of(), fast)); // hooks.yaml caught mid-edit: no hooks at all
    long before = o.failedAttempts();
    waitFor(() -> o.failedAttempts() >= before + 2);
    assertEquals(0, o.dead(), "not dead-lettered while its hook is away");
    List<Received> got = new CopyOnWriteArrayList<>();
    HttpServer server = receiver(0, 0, got);
    o.reconfigure(new HookConfig.Config(List.of(webhook("http://127.0.0.1:" + server.actualPort() + "/hook")), fast));
    waitFor(() -> o.delivered() == 1);
    assertEquals(e.id(), got.get(0).delivery());
  }

  @Test
  void aDeliveryThatKeepsFailingGoesToTheDeadLetterLog() throws Exception {
    List<Received> got = new CopyOnWriteArrayList<>();
    HttpServer server = receiver(0, 1000, got);
    Outbox o = outbox(dir, webhook("http://127.0.0.1:" + server.actualPort()), 3);
    Event e = ready();
    await(o.enqueue(e));
    waitFor(() -> o.dead() == 1);
    assertEquals(3, got.size());
    String dead = Files.readString(dir.resolve("dead-letter.jsonl"));
    assertTrue(dead.contains(e.id()) && dead.contains("HTTP 500"), dead);
    assertEquals(0, o.pendingCount());
  }

  @Test
  void hooksTakeOnlyTheEventsPlatformsAndCustomersTheyFilter() {
    Hook failuresOfAcme = new Hook("f", "webhook", new JsonObject().put("url", "http://x"), List.of(Event.NODE_FAILED),
        List.of(), List.of("acme"), null);
    Event failedAcme = new Event("1", Event.NODE_FAILED, Instant.now(), "cms", "acme", null, new JsonObject());
    Event failedGlobex = new Event("2", Event.NODE_FAILED, Instant.now(), "cms", "globex", null, new JsonObject());
    Event readyAcme = new Event("3", Event.NODE_READY, Instant.now(), "cms", "acme", null, new JsonObject());
    assertTrue(failuresOfAcme.accepts(failedAcme));
    assertFalse(failuresOfAcme.accepts(failedGlobex));
    assertFalse(failuresOfAcme.accepts(readyAcme));
  }

  @Test
  void theHooksFileTakesSecretsFromTheEnvironmentOrFilesAndSaysWhatIsWrong() throws Exception {
    Path file = dir.resolve("hooks.yaml");
    Files.writeString(dir.resolve("secret"), "from-a-file\n");
    Files.writeString(file, """
        hooks:
          - name: ops
            type: webhook
            url: https://hooks.example.net/baton
            secret_file: %s
            events: [node.ready, node.failed]
          - name: chat
            type: slack
            url_env: SLACK_URL
        retry: {max_attempts: 5}
        """.formatted(dir.resolve("secret")));
    HookConfig.Config c = HookConfig.load(file, Map.of("SLACK_URL", "https://slack.example/x")::get);
    assertEquals("from-a-file", c.hooks().get(0).settings().getString("secret"));
    assertEquals("https://slack.example/x", c.hooks().get(1).settings().getString("url"));
    assertEquals(5, c.retry().maxAttempts());
    BatonException missing = assertThrows(BatonException.class, () -> HookConfig.load(file, Map.<String, String>of()::get));
    assertTrue(missing.getMessage().contains("hook \"chat\": the environment variable SLACK_URL"), missing.getMessage());
    Files.writeString(file, "hooks:\n  - {name: x, type: webhook, url: 'https://a', events: [node.readdy]}\n");
    BatonException unknown = assertThrows(BatonException.class, () -> HookConfig.load(file, k -> null));
    assertTrue(unknown.getMessage().contains("unknown event \"node.readdy\""), unknown.getMessage());
  }

  @Test
  void aHooksFileReadsNoFileOutsideItsPlaceAndNeverPrintsAUrl() throws Exception {
    Path file = dir.resolve("hooks.yaml");
    Files.writeString(file, "hooks:\n  - {name: chat, type: slack, url_file: ../../../../etc/shadow, events: [node.failed]}\n");
    BatonException out = assertThrows(BatonException.class, () -> HookConfig.load(file, k -> null));
    assertTrue(out.getMessage().contains("hook \"chat\": url_file \"../../../../etc/shadow\" leads out of " + dir),
        out.getMessage());

    // A URL read from a file is not echoed, whatever is wrong with it.
    Files.writeString(dir.resolve("slack-url"), "hooks.slack.com/services/T000/B000/XXXXSECRETXXXX\n");
    Files.writeString(file, "hooks:\n  - {name: chat, type: slack, url_file: slack-url, events: [node.failed]}\n");
    BatonException bad = assertThrows(BatonException.class, () -> HookConfig.load(file, k -> null));
    assertTrue(bad.getMessage().contains("hook \"chat\": the url does not start with https://"), bad.getMessage());
    assertFalse(bad.getMessage().contains("SECRET"), bad.getMessage());
    Files.writeString(dir.resolve("slack-url"), "https://hooks.slack.com/services/T000/B000/XX XXSECRET\n");
    BatonException spaced = assertThrows(BatonException.class, () -> HookConfig.load(file, k -> null));
    assertTrue(spaced.getMessage().contains("the url is not a URL (Illegal character in path at character"), spaced.getMessage());
    assertFalse(spaced.getMessage().contains("SECRET"), spaced.getMessage());
    Files.writeString(dir.resolve("slack-url"), "https://hooks.slack.com/services/T000/B000/XXXXSECRET\n");
    assertEquals("https://hooks.slack.com/services/T000/B000/XXXXSECRET",
        HookConfig.load(file, k -> null).hooks().get(0).settings().getString("url"));
  }

  // ------------------------------------------------------------ helpers

  static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String failure(Future<?> f) {
    return dev.baton.controller.Wait.failureOf(f);
  }

  static void waitFor(java.util.function.BooleanSupplier ok) {
    dev.baton.controller.Wait.until(ok, 20);
  }

}
