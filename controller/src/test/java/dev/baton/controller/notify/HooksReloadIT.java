package dev.baton.controller.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running controller re-reads hooks.yaml when it changes: new hooks take the next events; a
 * bad edit keeps the hooks in use and logs every error at its line.
 */
class HooksReloadIT {
  @Test
  void aChangedHooksFileIsUsedAndABadEditKeepsTheOldHooks(@TempDir Path home) throws Exception {
    List<String> paths = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      paths.add(ex.getRequestURI().getPath());
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    receiver.start();
    String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
    List<String> warnings = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord r) {
        if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
          warnings.add(r.getMessage());
        }
      }

      @Override
      public void flush() { }

      @Override
      public void close() { }
    };
    Logger notify = Logger.getLogger("baton.notify"); // held: the log manager keeps loggers weakly
    notify.addHandler(capture);
    System.setProperty("baton.home", home.toString());
    System.setProperty("baton.puppet.health-interval-ms", "200");
    Path hooks = home.resolve("controller/hooks.yaml");
    Files.createDirectories(hooks.getParent());
    Files.writeString(hooks, "hooks:\n  - {name: first, type: webhook, url: '" + base + "/first'}\n");
    try (ControllerFixture c = new ControllerFixture(home, BridgeServer.Limits.defaults())) {
      post(c, "one");
      await(() -> paths.contains("/first"), "the first hook takes the event");

      Files.writeString(hooks, "hooks:\n  - {name: second, type: webhook, url: '" + base + "/second'}\n");
      Thread.sleep(1000); // the controller looks every 200 ms
      post(c, "two");
      await(() -> paths.contains("/second"), "the changed file's hook takes the next event");
      assertEquals(1, paths.stream().filter("/first"::equals).count(), "the removed hook takes nothing more");

      Files.writeString(hooks, """
          hooks:
            - name: second
              type: webhook
              url: '%s/second'
              events: [node.redy]
            - name: Third
              type: pager
          """.formatted(base));
      await(() -> warnings.stream().anyMatch(w -> w.contains("hooks.yaml changed and has errors")), "the bad edit is logged");
      String logged = warnings.stream().filter(w -> w.contains("has errors")).findFirst().orElseThrow();
      assertTrue(logged.contains(hooks + ":5:14: error: hook \"second\": unknown event \"node.redy\""), logged);
      assertTrue(logged.contains(hooks + ":6:5: error: hook \"Third\": needs a name"), logged);
      assertTrue(logged.contains(hooks + ":7:5: error: hook \"Third\": type must be one of"), logged);
      post(c, "three");
      await(() -> paths.stream().filter("/second"::equals).count() == 2, "the hooks in use stay as they were");
    } finally {
      notify.removeHandler(capture);
      System.clearProperty("baton.home");
      System.clearProperty("baton.puppet.health-interval-ms");
      receiver.stop(0);
    }
  }

  static void post(ControllerFixture c, String platform) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + c.started.apiPort() + "/api/v1/events")).header("Authorization", "Bearer " + c.server.home().operatorToken())
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("type", "platform.provisioned")
            .put("platform", platform).put("customer", "acme").put("data", new JsonObject()).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(202, r.statusCode(), r.body());
  }

  static void await(java.util.function.BooleanSupplier done, String what) {
    dev.baton.controller.Wait.until(done, 20, what);
  }

}
