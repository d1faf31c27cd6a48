package dev.baton.controller.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.ControllerFixture;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator tokens against a real controller's API: a token limited to one customer sees and
 * changes that customer's platforms only (nodes, the event stream, metrics, schedules,
 * deployments, history), a {@code read} token changes nothing, only an admin makes tokens, an
 * expired or revoked token opens nothing; every refusal is counted; each change is in the
 * history, which survives a restart.
 */
class OperatorAccessIT {
  static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir
  Path home;
  ControllerFixture c;
  String admin;

  @BeforeEach
  void start() throws Exception {
    System.setProperty("baton.home", home.toString());
    Files.createDirectories(home.resolve("controller"));
    Files.writeString(home.resolve("controller/hooks.yaml"), """
        hooks:
          - name: acme-log
            type: command
            command: [/bin/sh, -c, "cat >> $0", "%s"]
            customers: [acme]
          - name: everyone-log
            type: command
            command: [/bin/sh, -c, "cat >> $0", "%s"]
        """.formatted(home.resolve("acme-hook.jsonl"), home.resolve("all-hook.jsonl")));
    c = new ControllerFixture(home, BridgeServer.Limits.defaults());
    admin = c.server.home().operatorToken();
    Instant now = Instant.now();
    c.server.registry().put(new NodeRecord("i-acme1", "web-1.acme", "u-acme", "shop", "acme", "prod", NodeState.READY,
        null, List.of(), null, now));
    c.server.registry().put(new NodeRecord("i-globex1", "db-1.globex", "u-globex", "erp", "globex", "prod",
        NodeState.READY, null, List.of(), null, now));
  }

  @AfterEach
  void stop() {
    if (c != null) {
      c.close();
    }
    System.clearProperty("baton.home");
  }

  HttpResponse<String> call(String token, String method, String path, JsonObject body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.started.apiPort() + path))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json");
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  String create(String name, String customer, String role) throws Exception {
    HttpResponse<String> r = call(admin, "POST", "/api/v1/operator-tokens", new JsonObject().put("name", name)
        .put("customer", customer).put("role", role));
    assertEquals(201, r.statusCode(), r.body());
    JsonObject o = new JsonObject(r.body());
    assertTrue(o.getString("token").startsWith("bt_"), r.body());
    return o.getString("token");
  }

  long refused(String reason) {
    return c.server.refusals().count(reason);
  }

  /** Every change the API takes, each with a body that names {@code customer}. */
  static List<String[]> changes(String customer) {
    String scope = customer + "/shop/prod";
    return List.of(
        new String[] {"/api/v1/intents", new JsonObject().put("customer", customer).put("platform", "shop").put("env", "prod")
            .put("nodes", new JsonArray()).encode()},
        new String[] {"/api/v1/actions", new JsonObject().put("customer", customer).put("platform", "shop").put("env", "prod")
            .put("group", "u-g").put("action", new JsonObject().put("name", "status").put("type", "command")
                .put("command", "true")).encode()},
        new String[] {"/api/v1/deployments", new JsonObject().put("customer", customer).put("platform", "shop").encode()},
        new String[] {"/api/v1/tokens", new JsonObject().put("customer", customer).put("platform", "shop").put("env", "prod")
            .put("uuid", "u-1").encode()},
        new String[] {"/api/v1/user-data", new JsonObject().put("customer", customer).put("platform", "shop").encode()},
        new String[] {"/api/v1/events", new JsonObject().put("customer", customer).put("platform", "shop")
            .put("type", "platform.provisioned").encode()},
        new String[] {"/api/v1/locks", new JsonObject().put("scope", scope).put("holder", new JsonObject()).encode()},
        new String[] {"/api/v1/history", new JsonObject().put("customer", customer).put("platform", "shop")
            .put("what", "provision").put("outcome", "ok").encode()});
  }

  @Test
  void aReadTokenChangesNothing() throws Exception {
    String read = create("auditor", null, "read");
    assertEquals(200, call(read, "GET", "/api/v1/nodes", null).statusCode());
    assertEquals(200, call(read, "GET", "/api/v1/history", null).statusCode());
    long before = refused("api_role");
    List<String[]> all = new ArrayList<>(changes("acme"));
    all.add(new String[] {"/api/v1/nodes/i-acme1/terminate", "{}"});
    all.add(new String[] {"/api/v1/puppet/masters", new JsonObject().put("name", "puppet-1").encode()});
    all.add(new String[] {"/api/v1/operator-tokens", new JsonObject().put("name", "x").put("role", "admin").encode()});
    for (String[] ch : all) {
      HttpResponse<String> r = call(read, "POST", ch[0], new JsonObject(ch[1]));
      assertEquals(403, r.statusCode(), ch[0] + ": " + r.body());
      assertTrue(r.body().contains("role read"), r.body());
    }
    assertEquals(before + all.size(), refused("api_role"));
    assertEquals(NodeState.READY, c.server.registry().get("i-acme1").orElseThrow().state(), "nothing changed");
    // and each refused change is in the history, with who tried it
    JsonArray h = new JsonObject(call(admin, "GET", "/api/v1/history", null).body()).getJsonArray("entries");
    assertTrue(h.stream().map(JsonObject.class::cast).anyMatch(e -> "auditor".equals(e.getString("who"))
        && "node.terminate".equals(e.getString("what")) && "refused".equals(e.getString("outcome"))), h.encodePrettily());
  }

  @Test
  void aCustomerTokenSeesAndChangesItsCustomerOnly() throws Exception {
    String acmeRead = create("acme-read", "acme", "read");
    String acmeOps = create("acme-ops", "acme", "operate");
    // nodes: the list, one node, another customer's node as if it did not exist (and counted)
    JsonArray nodes = new JsonObject(call(acmeRead, "GET", "/api/v1/nodes", null).body()).getJsonArray("nodes");
    assertEquals(1, nodes.size(), nodes.encode());
    assertEquals("acme", nodes.getJsonObject(0).getString("customer"));
    assertEquals(200, call(acmeRead, "GET", "/api/v1/nodes/web-1.acme", null).statusCode());
    long scope = refused("api_scope");
    assertEquals(404, call(acmeRead, "GET", "/api/v1/nodes/db-1.globex", null).statusCode());
    assertEquals(scope + 1, refused("api_scope"));
    // metrics: its own nodes' series, nothing of globex, nothing of the controller's own
    HttpResponse<String> m = call(acmeRead, "GET", "/metrics", null);
    assertEquals(200, m.statusCode());
    assertTrue(m.body().contains("baton_customer_nodes{customer=\"acme\",state=\"READY\"} 1"), m.body());
    assertFalse(m.body().contains("globex"), m.body());
    assertFalse(m.body().contains("baton_refusals"), m.body());
    String all = call(admin, "GET", "/metrics", null).body();
    assertTrue(all.contains("customer=\"globex\"") && all.contains("baton_refusals_total"), all);
    assertEquals(401, call(null, "GET", "/metrics", null).statusCode(), "metrics need a token");
    // the controller's own refusal counts are for a token of every customer
    assertEquals(403, call(acmeRead, "GET", "/api/v1/refusals", null).statusCode());
    // changes to another customer's platform: every route refuses, and counts it
    scope = refused("api_scope");
    List<String[]> globex = new ArrayList<>(changes("globex"));
    globex.add(new String[] {"/api/v1/nodes/i-globex1/terminate", "{}"});
    for (String[] ch : globex) {
      HttpResponse<String> r = call(acmeOps, "POST", ch[0], new JsonObject(ch[1]));
      assertEquals(403, r.statusCode(), ch[0] + ": " + r.body());
      assertTrue(r.body().contains("limited to customer acme"), r.body());
    }
    assertEquals(scope + globex.size(), refused("api_scope"));
    assertEquals(NodeState.READY, c.server.registry().get("i-globex1").orElseThrow().state());
    // a change with no customer named (a master's certificate) is refused to it: fail closed
    assertEquals(403, call(create("acme-admin", "acme", "admin"), "POST", "/api/v1/puppet/masters",
        new JsonObject().put("name", "puppet-1")).statusCode());
    // its own customer: allowed
    HttpResponse<String> own = call(acmeOps, "POST", "/api/v1/intents", new JsonObject(changes("acme").get(0)[1]));
    assertEquals(204, own.statusCode(), own.body());
    assertEquals(200, call(acmeOps, "POST", "/api/v1/nodes/i-acme1/terminate", new JsonObject()).statusCode());
    // the history: acme's token sees acme's entries only
    JsonArray h = new JsonObject(call(acmeRead, "GET", "/api/v1/history", null).body()).getJsonArray("entries");
    assertFalse(h.isEmpty());
    assertTrue(h.stream().map(JsonObject.class::cast).allMatch(e -> "acme".equals(e.getString("customer"))), h.encodePrettily());
    // tokens: acme's admin sees acme's tokens only and cannot make a token of every customer
    assertEquals(403, call(create("acme-admin2", "acme", "admin"), "POST", "/api/v1/operator-tokens",
        new JsonObject().put("name", "everyone").put("role", "read")).statusCode());
  }

  @Test
  void aCustomerTokenSeesAndTestsItsCustomersHooksOnly() throws Exception {
    String acmeOps = create("acme-hooks", "acme", "operate");
    JsonArray seen = new JsonObject(call(acmeOps, "GET", "/api/v1/hooks", null).body()).getJsonArray("hooks");
    assertEquals(List.of("acme-log"), seen.stream().map(h -> ((JsonObject) h).getString("name")).toList());
    assertFalse(seen.encode().contains("cat >>"), "no settings: " + seen.encode());
    assertEquals(2, new JsonObject(call(admin, "GET", "/api/v1/hooks", null).body()).getJsonArray("hooks").size());
    long scope = refused("api_scope");
    assertEquals(403, call(acmeOps, "POST", "/api/v1/hooks/everyone-log/test", new JsonObject()).statusCode());
    assertEquals(scope + 1, refused("api_scope"));
    assertFalse(Files.exists(home.resolve("all-hook.jsonl")) && Files.readString(home.resolve("all-hook.jsonl"))
        .contains("\"platform\":\"sample\""), "the other hook was not tested");
    HttpResponse<String> own = call(acmeOps, "POST", "/api/v1/hooks/acme-log/test", new JsonObject().put("event",
        "node.failed"));
    assertEquals(200, own.statusCode(), own.body());
    assertTrue(Files.readString(home.resolve("acme-hook.jsonl")).contains("node.failed"));
    JsonArray h = new JsonObject(call(admin, "GET", "/api/v1/history", null).body()).getJsonArray("entries");
    assertTrue(h.stream().map(JsonObject.class::cast).anyMatch(e -> "hooks.test".equals(e.getString("what"))
        && "acme-log".equals(e.getString("target")) && "ok".equals(e.getString("outcome"))), h.encodePrettily());
  }

  @Test
  void theEventStreamCarriesOnlyTheTokensCustomer() throws Exception {
    String acmeRead = create("acme-stream", "acme", "read");
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.started.apiPort() + "/api/v1/events"))
        .header("Authorization", "Bearer " + acmeRead).build();
    HttpResponse<java.io.InputStream> r = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    CompletableFuture<List<String>> frames = CompletableFuture.supplyAsync(() -> {
      List<String> seen = new ArrayList<>();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.startsWith("data: ")) {
            seen.add(line);
            if (line.contains("\"FAILED\"")) {
              return seen; // the last change made below
            }
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return seen;
    });
    Thread.sleep(300);
    c.server.registry().advance("i-globex1", NodeState.TERMINATED, "terminated", null);
    c.server.registry().advance("i-acme1", NodeState.FAILED, "failed", "a test");
    List<String> seen = frames.get(20, TimeUnit.SECONDS);
    assertEquals(1, seen.size(), seen.toString());
    assertTrue(seen.get(0).contains("i-acme1"));
  }

  @Test
  void expiredAndRevokedTokensOpenNothing() throws Exception {
    HttpResponse<String> r = call(admin, "POST", "/api/v1/operator-tokens", new JsonObject().put("name", "brief")
        .put("role", "read").put("ttl_seconds", 1));
    String brief = new JsonObject(r.body()).getString("token");
    String gone = create("leaver", null, "operate");
    assertEquals(200, call(gone, "GET", "/api/v1/nodes", null).statusCode());
    assertEquals(200, call(admin, "POST", "/api/v1/operator-tokens/leaver/revoke", new JsonObject()).statusCode());
    long revoked = refused("api_token_revoked");
    HttpResponse<String> after = call(gone, "GET", "/api/v1/nodes", null);
    assertEquals(401, after.statusCode());
    assertTrue(after.body().contains("revoked"), after.body());
    assertEquals(revoked + 1, refused("api_token_revoked"));
    Thread.sleep(1200);
    long expired = refused("api_token_expired");
    assertEquals(401, call(brief, "GET", "/api/v1/nodes", null).statusCode());
    assertEquals(expired + 1, refused("api_token_expired"));
    long unknown = refused("api_unauthenticated");
    HttpResponse<String> wrong = call("bt_not-a-token", "GET", "/api/v1/nodes", null);
    assertEquals(401, wrong.statusCode());
    assertTrue(wrong.body().contains("not one this controller knows"), wrong.body());
    assertEquals(unknown + 1, refused("api_unauthenticated"));
    // a name in use, and the built-in's name, are refused; the list never shows a secret or a hash
    assertEquals(409, call(admin, "POST", "/api/v1/operator-tokens", new JsonObject().put("name", "brief")
        .put("role", "read")).statusCode());
    HttpResponse<String> again = call(admin, "POST", "/api/v1/operator-tokens", new JsonObject().put("name", "leaver")
        .put("role", "read"));
    assertEquals(409, again.statusCode(), "a revoked token's name is not used again");
    assertTrue(again.body().contains("never used again"), again.body());
    assertEquals(400, call(admin, "POST", "/api/v1/operator-tokens", new JsonObject().put("name", "admin")
        .put("role", "read")).statusCode());
    String list = call(admin, "GET", "/api/v1/operator-tokens", null).body();
    assertFalse(list.contains("bt_") || list.contains("hash"), list);
    assertFalse(Files.readString(home.resolve("controller/operators.json")).contains(brief), "only a digest on disk");
  }

  @Test
  void everyKindOfChangeIsInTheHistoryAfterARestart() throws Exception {
    String ops = create("ci-deployer", null, "operate");
    call(ops, "POST", "/api/v1/intents", new JsonObject(changes("acme").get(0)[1]));
    call(ops, "POST", "/api/v1/actions", new JsonObject(changes("acme").get(1)[1]));
    call(ops, "POST", "/api/v1/deployments", new JsonObject(changes("acme").get(2)[1]));
    call(ops, "POST", "/api/v1/tokens", new JsonObject(changes("acme").get(3)[1]));
    call(ops, "POST", "/api/v1/nodes/i-acme1/terminate", new JsonObject());
    call(admin, "POST", "/api/v1/puppet/masters", new JsonObject().put("name", "puppet-1.example.net"));
    call(ops, "POST", "/api/v1/history", new JsonObject().put("what", "provision").put("customer", "acme")
        .put("platform", "shop").put("env", "prod").put("outcome", "ok").put("plan_digest", "sha256:abc"));
    call(ops, "POST", "/api/v1/history", new JsonObject().put("what", "destroy").put("customer", "acme")
        .put("platform", "shop").put("env", "prod").put("outcome", "ok"));
    call(admin, "POST", "/api/v1/operator-tokens/ci-deployer/revoke", new JsonObject());
    c.close();
    c = new ControllerFixture(home, BridgeServer.Limits.defaults());
    JsonArray h = new JsonObject(call(admin, "GET", "/api/v1/history?customer=acme", null).body()).getJsonArray("entries");
    List<String> kinds = h.stream().map(JsonObject.class::cast).map(e -> e.getString("what")).toList();
    for (String k : List.of("intents", "run", "deploy", "join_token", "node.terminate", "provision", "destroy")) {
      assertTrue(kinds.contains(k), k + " missing from " + h.encodePrettily());
    }
    JsonObject provision = h.stream().map(JsonObject.class::cast).filter(e -> e.getString("what").equals("provision"))
        .findFirst().orElseThrow();
    assertEquals("ci-deployer", provision.getString("who"));
    assertEquals("127.0.0.1", provision.getString("from"));
    assertEquals("sha256:abc", provision.getString("plan_digest"));
    JsonArray everything = new JsonObject(call(admin, "GET", "/api/v1/history", null).body()).getJsonArray("entries");
    List<String> all = everything.stream().map(JsonObject.class::cast).map(e -> e.getString("what") + ":"
        + e.getString("who") + ":" + e.getString("outcome")).toList();
    assertTrue(all.contains("tokens.create:admin:ok") && all.contains("tokens.revoke:admin:ok")
        && all.contains("puppet.master:admin:ok"), all.toString());
    // ordered by time, and the file is only ever appended to
    for (int i = 1; i < everything.size(); i++) {
      assertTrue(everything.getJsonObject(i - 1).getString("at").compareTo(everything.getJsonObject(i).getString("at")) <= 0);
    }
    assertEquals(everything.size(), Files.readAllLines(home.resolve("controller/history.jsonl")).size());
    // the revoked token stays revoked after the restart
    assertEquals(401, call(ops, "GET", "/api/v1/nodes", null).statusCode());
  }
}
