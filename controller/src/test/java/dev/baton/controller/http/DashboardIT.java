package dev.baton.controller.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import dev.baton.controller.cli.CliRun;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in headless Chromium (Debian's), driven over the DevTools protocol: opened
 * before anything is provisioned, it shows the local demo's nodes appear and turn READY
 * without a reload; a screenshot is kept as a build artifact (target/dashboard.png).
 */
class DashboardIT {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DEMO = Path.of(System.getProperty("baton.repo.root", "..")).resolve("examples/local-demo");

  @Test
  void nodesAppearAndTurnReadyLive(@TempDir Path home) throws Exception {
    if (!Files.isExecutable(CHROMIUM)) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("chromium is not installed; bin/test installs it (apt-get install chromium)");
      }
      assumeTrue(false, "chromium is not installed (bin/test installs it)");
    }
    System.setProperty("baton.home", home.toString());
    // not a @TempDir: Chromium's helper processes may still be writing to it as the test ends
    Path profile = Files.createTempDirectory("baton-chromium-");
    Process browser = null;
    try (ControllerFixture c = new ControllerFixture(home, BridgeServer.Limits.defaults())) {
      String url = "http://127.0.0.1:" + c.started.apiPort() + "/dashboard#token=" + c.server.home().operatorToken();
      int devtools = ControllerFixture.freePort();
      browser = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--user-data-dir=" + profile, "--window-size=1280,640", "--remote-debugging-port=" + devtools, url)
          .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
      Cdp cdp = Cdp.connect(c, devtools, browser, profile.resolve("chromium.log"));
      cdp.waitFor("document.getElementById('empty') && !document.getElementById('empty').hidden", 30);

      CliRun run = CliRun.of("provision", DEMO.toString());
      assertEquals(0, run.exitCode(), run.err());
      cdp.waitFor("document.querySelectorAll('tr[data-state=READY]').length === 3", 30);
      assertEquals(3L, cdp.eval("document.querySelectorAll('tr[data-node]').length").getLong("value"));
      assertEquals("local-demo (customer demo)", cdp.eval(
          "document.querySelector('section.platform h2').textContent").getString("value"));
      assertTrue(cdp.eval("document.getElementById('connection').textContent").getString("value").contains("live"));
      assertEquals(1L, cdp.eval("performance.getEntriesByType('navigation').length").getLong("value"),
          "updated without a reload");
      // a deployment under way shows with its progress; what a node said is shown as text, never as markup
      c.server.deployments().store().updateDeployment("d-1", d -> d.put("id", "d-1").put("status", "rolling_back")
          .put("started", "2026-12-02T09:00:00Z").put("by", "ops@host").put("batches", 2).put("batch_size", 2)
          .put("reason", "web-1: validate failed <img src=x onerror=alert(1)>")
          .put("request", new JsonObject().put("platform", "local-demo").put("revision", "v2")
              .put("application", new JsonObject().put("name", "webapp")))
          .put("nodes", new JsonObject().put("i-1", new JsonObject().put("status", "ok"))
              .put("i-2", new JsonObject().put("status", "failed")).put("i-3", new JsonObject().put("status", "pending"))));
      cdp.waitFor("document.querySelectorAll('tr[data-deployment=d-1]').length === 1", 30);
      String shown = cdp.eval("document.querySelector('tr[data-deployment=d-1]').textContent").getString("value");
      assertTrue(shown.contains("webapp v2") && shown.contains("rolling_back") && shown.contains("1/3 nodes")
          && shown.contains("2 batches of 2"), shown);
      assertTrue(shown.contains("<img src=x onerror=alert(1)>"), "the reason is text: " + shown);
      assertEquals(0L, cdp.eval("document.querySelectorAll('#deployments img').length").getLong("value"));
      String png = cdp.call("Page.captureScreenshot", new JsonObject().put("format", "png")).getString("data");
      Path shot = Path.of("target/dashboard.png");
      Files.write(shot, Base64.getDecoder().decode(png));
      assertTrue(Files.size(shot) > 10_000);
      CliRun.of("destroy", "--yes", DEMO.toString());
    } finally {
      if (browser != null) {
        List<ProcessHandle> helpers = browser.descendants().toList();
        browser.destroyForcibly().waitFor();
        for (ProcessHandle h : helpers) {
          h.destroyForcibly();
          h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
      }
      System.clearProperty("baton.home");
      try (var walk = Files.walk(profile)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); // best effort
      }
    }
  }

  /** A minimal DevTools-protocol client: evaluate expressions in the page, call methods. */
  static final class Cdp {
    final WebSocket ws;
    /** Kept referenced: Vert.x closes an unreachable client, and its WebSocket with it. */
    static final java.util.List<io.vertx.core.http.WebSocketClient> CLIENTS = new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicInteger ids = new AtomicInteger();
    final Map<Integer, Promise<JsonObject>> pending = new ConcurrentHashMap<>();

    Cdp(WebSocket ws) {
      this.ws = ws;
      ws.textMessageHandler(t -> {
        JsonObject m = new JsonObject(t);
        Promise<JsonObject> p = m.containsKey("id") ? pending.remove(m.getInteger("id")) : null;
        if (p != null) {
          if (m.containsKey("error")) {
            p.fail(m.getJsonObject("error").encode());
          } else {
            p.complete(m.getJsonObject("result", new JsonObject()));
          }
        }
      });
    }

    /** The page's DevTools connection, once Chromium listens; what Chromium printed if it never does. */
    static Cdp connect(ControllerFixture c, int port, Process browser, Path logFile) throws Exception {
      HttpClient http = HttpClient.newHttpClient();
      // a first start with a fresh profile takes seconds, more on a loaded 2-core machine
      long deadline = System.currentTimeMillis() + 90_000;
      while (true) {
        try {
          String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json")).build(),
              HttpResponse.BodyHandlers.ofString()).body();
          for (Object o : new JsonArray(list)) {
            JsonObject t = (JsonObject) o;
            if ("page".equals(t.getString("type"))) {
              URI ws = URI.create(t.getString("webSocketDebuggerUrl"));
              // a screenshot is one message of a few MB (Vert.x takes 256 KB by default)
              io.vertx.core.http.WebSocketClient client = c.vertx.createWebSocketClient(
                  new io.vertx.core.http.WebSocketClientOptions().setMaxMessageSize(32 << 20).setMaxFrameSize(32 << 20));
              CLIENTS.add(client);
              WebSocket socket = ControllerFixture.await(client.connect(
                  new WebSocketConnectOptions().setHost(ws.getHost()).setPort(ws.getPort()).setURI(ws.getPath())));
              return new Cdp(socket);
            }
          }
        } catch (java.io.IOException e) {
          // not listening yet
        }
        if (System.currentTimeMillis() > deadline || !browser.isAlive()) {
          String log = Files.exists(logFile) ? Files.readString(logFile) : "";
          throw new AssertionError("chromium's DevTools did not answer on port " + port + " ("
              + (browser.isAlive() ? "still running" : "exited with " + browser.exitValue()) + "); its output ends: "
              + log.substring(Math.max(0, log.length() - 2000)));
        }
        Thread.sleep(200);
      }
    }

    JsonObject call(String method, JsonObject params) throws Exception {
      int id = ids.incrementAndGet();
      Promise<JsonObject> p = Promise.promise();
      pending.put(id, p);
      ws.writeTextMessage(new JsonObject().put("id", id).put("method", method).put("params", params).encode());
      return p.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    JsonObject eval(String expression) throws Exception {
      return call("Runtime.evaluate", new JsonObject().put("expression", expression).put("returnByValue", true))
          .getJsonObject("result");
    }

    void waitFor(String expression, int seconds) throws Exception {
      long deadline = System.currentTimeMillis() + seconds * 1000L;
      while (!Boolean.TRUE.equals(eval(expression).getValue("value"))) {
        if (System.currentTimeMillis() > deadline) {
          throw new AssertionError("the page never showed: " + expression + "; it shows: "
              + eval("document.body.innerText").getString("value"));
        }
        Thread.sleep(200);
      }
    }
  }
}
