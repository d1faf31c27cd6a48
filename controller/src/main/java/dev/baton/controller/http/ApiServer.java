package dev.baton.controller.http;

import dev.baton.controller.access.History;
import dev.baton.controller.access.Operator;
import dev.baton.controller.access.OperatorTokens;
import dev.baton.controller.attest.TokenStore;
import dev.baton.controller.security.Refusals;
import dev.baton.controller.intent.IntentStore;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

/**
 * The controller's HTTP API, bound to loopback by default. Every {@code /api/} route and
 * {@code /metrics} need {@code Authorization: Bearer OPERATOR_TOKEN}, whose role and customer
 * decide what it may see and change ({@link ApiAccess}); each change is written to the history
 * ({@link ChangeLog}). {@code /healthz} and the dashboard's files need none. Documented in docs/api.md.
 */
public final class ApiServer {
  private final Vertx vertx;
  private final ApiAccess access;
  private final OperatorTokens operators;
  private final History history;
  private final NodeRegistry registry;
  private final TokenStore tokens;
  private final IntentStore intents;
  private volatile java.util.function.Function<String, JsonObject> handoffs = id -> new JsonObject();
  private final Refusals refusals;
  private final Supplier<JsonObject> bootstrap;
  private final dev.baton.controller.notify.Outbox outbox;
  private final dev.baton.controller.metrics.Metrics metrics;
  /** The open event streams, each with the operator it is for (a customer's token hears only its own nodes). */
  private final java.util.Map<io.vertx.core.http.HttpServerResponse, Operator> streams =
      new java.util.concurrent.ConcurrentHashMap<>();
  private HttpServer server;

  public ApiServer(Vertx vertx, OperatorTokens operators, History history, NodeRegistry registry, TokenStore tokens,
      IntentStore intents, Refusals refusals, Supplier<JsonObject> bootstrap, dev.baton.controller.notify.Outbox outbox,
      dev.baton.controller.metrics.Metrics metrics) {
    this.vertx = vertx;
    this.operators = operators;
    this.history = history;
    this.access = new ApiAccess(operators, refusals, this::customerOfPath);
    this.registry = registry;
    this.tokens = tokens;
    this.intents = intents;
    this.refusals = refusals;
    this.bootstrap = bootstrap;
    this.outbox = outbox;
    this.metrics = metrics;
    registry.listen((before, after) -> {
      String frame = "event: node\ndata: " + after.toJson().encode() + "\n\n";
      streams.forEach((r, op) -> {
        if (op.sees(after.customer())) {
          vertx.runOnContext(v -> r.write(frame));
        }
      });
    });
  }

  public Future<Integer> listen(String host, int port) {
    Router r = Router.router(vertx);
    r.get("/healthz").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "ok")
        .put("nodes", registry.all().size()).put("cluster", cluster.get())));
    r.get("/metrics").handler(access::authenticate).handler(access::authorize).handler(ctx -> {
      Operator op = ApiAccess.of(ctx);
      ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4")
          .end(op.unscoped() ? metrics.scrape() : metrics.scrapeCustomer(op.customer()));
    });
    r.get("/dashboard").handler(ctx -> ctx.response().putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store").putHeader("Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:")
        .end(resource("dashboard/index.html")));
    r.get("/dashboard/app.js").handler(ctx -> ctx.response().putHeader("Content-Type", "text/javascript")
        .end(resource("dashboard/app.js")));
    r.get("/dashboard/style.css").handler(ctx -> ctx.response().putHeader("Content-Type", "text/css")
        .end(resource("dashboard/style.css")));
    r.route("/api/*").failureHandler(ApiFailures::handle);
    r.route("/api/*").handler(access::authenticate);
    r.route("/api/*").handler(BodyHandler.create().setBodyLimit(1024 * 1024));
    r.route("/api/*").handler(new ChangeLog(history, java.time.Instant::now, registry::get)::handle);
    r.route("/api/*").handler(access::authorize);
    new AccessRoutes(operators, history, java.time.Instant::now).mount(r);
    new HookRoutes(outbox).mount(r);
    r.get("/api/v1/nodes").handler(this::nodes);
    r.get("/api/v1/events").handler(this::stream);
    r.get("/api/v1/nodes/:name").handler(ctx -> registry.byName(ctx.pathParam("name"))
        .ifPresentOrElse(n -> {
          if (ApiAccess.sees(ctx, n.customer())) {
            json(ctx, 200, withHandoff(n.toJson(), n.id()));
          } else {
            access.hidden(ctx, "node " + ctx.pathParam("name"));
          }
        }, () -> error(ctx, 404, "no node " + ctx.pathParam("name"))));
    r.post("/api/v1/nodes/:id/terminate").handler(this::terminate);
    r.post("/api/v1/intents").handler(this::intents);
    r.post("/api/v1/actions").handler(ctx -> new ActionRoutes(vertx, actions, intents, refusals).run(ctx));
    r.post("/api/v1/deployments").handler(ctx -> new DeploymentRoutes(vertx, deployments).start(ctx));
    r.get("/api/v1/deployments").handler(ctx -> new DeploymentRoutes(vertx, deployments).list(ctx));
    LockRoutes locks = new LockRoutes(vertx, () -> member);
    r.post("/api/v1/locks").handler(locks::lock);
    r.post("/api/v1/locks/renew").handler(locks::renew);
    r.post("/api/v1/locks/release").handler(locks::release);
    r.get("/api/v1/schedules").handler(ctx -> json(ctx, 200, new JsonObject().put("schedules", new JsonArray(
        scheduleList.get().stream().filter(o -> o instanceof JsonObject s && ApiAccess.sees(ctx, s.getString("customer")))
            .toList()))));
    r.post("/api/v1/puppet/masters").handler(this::issueMaster);
    r.post("/api/v1/tokens").handler(this::issueToken);
    r.post("/api/v1/user-data").handler(this::renderUserData);
    r.post("/api/v1/events").handler(this::event);
    r.get("/api/v1/bootstrap").handler(ctx -> json(ctx, 200, bootstrap.get()));
    r.get("/api/v1/refusals").handler(ctx -> json(ctx, 200, new JsonObject(new java.util.LinkedHashMap<>(
        refusals.snapshot()))));
    server = vertx.createHttpServer().requestHandler(r);
    return server.listen(port, host).map(HttpServer::actualPort);
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** Server-sent events: every node change as {@code event: node}, a comment every 15 s to keep it open. */
  private void stream(RoutingContext ctx) {
    var resp = ctx.response().setChunked(true).putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-store").putHeader("X-Accel-Buffering", "no");
    resp.write(": baton node events\n\n");
    streams.put(resp, ApiAccess.of(ctx));
    long keepAlive = vertx.setPeriodic(15_000, t -> resp.write(": keep-alive\n\n"));
    resp.closeHandler(v -> {
      streams.remove(resp);
      vertx.cancelTimer(keepAlive);
    });
  }

  private static String resource(String name) {
    try (var in = ApiServer.class.getResourceAsStream("/dev/baton/controller/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException | NullPointerException e) {
      return "missing " + name;
    }
  }

  /** The customer of what a change's path names, when its body does not say: a node's, an operator token's. */
  private String customerOfPath(RoutingContext ctx) {
    String[] p = ctx.request().path().split("/");
    if (p.length == 6 && p[3].equals("nodes") && p[5].equals("terminate")) {
      return registry.get(p[4]).map(NodeRecord::customer).orElse(null);
    }
    if (p.length == 6 && p[3].equals("hooks") && p[5].equals("test")) {
      var h = outbox.hooks().get(p[4]);
      return h == null ? null : HookRoutes.customerOf(h);
    }
    if (p.length == 6 && p[3].equals("operator-tokens") && p[5].equals("revoke")) {
      return operators.customerOf(p[4]).orElse(null);
    }
    return null;
  }

  private void nodes(RoutingContext ctx) {
    String platform = ctx.queryParams().get("platform");
    String env = ctx.queryParams().get("env");
    JsonArray a = new JsonArray();
    for (NodeRecord n : registry.all()) {
      if (ApiAccess.sees(ctx, n.customer()) && (platform == null || platform.equals(n.platform()))
          && (env == null || env.equals(n.env()))) {
        a.add(n.toJson());
      }
    }
    json(ctx, 200, new JsonObject().put("nodes", a));
  }

  private void terminate(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (registry.get(id).isEmpty()) {
      error(ctx, 404, "no node " + id);
      return;
    }
    json(ctx, 200, registry.advance(id, NodeState.TERMINATED, "terminated", null).toJson());
  }

  /** What a node's hand-off decided (master, certname, runs) for the node's detail; never its nonce. */
  public void handoffs(java.util.function.Function<String, JsonObject> f) {
    this.handoffs = f;
  }

  private JsonObject withHandoff(JsonObject node, String id) {
    JsonObject h = handoffs.apply(id).copy();
    h.remove("nonce");
    h.remove("done");
    return h.isEmpty() ? node : node.put("handoff", h);
  }

  private volatile dev.baton.controller.handoff.puppet.EmbeddedPuppetCa puppetCa;

  public void puppetCa(dev.baton.controller.handoff.puppet.EmbeddedPuppetCa ca) {
    this.puppetCa = ca;
  }

  /** A Puppet master's server certificate from the embedded Puppet CA: {@code {name, names: [...]}}. */
  private void issueMaster(RoutingContext ctx) {
    JsonObject b = ctx.body().asJsonObject();
    if (b == null || b.getString("name") == null || puppetCa == null) {
      error(ctx, 400, puppetCa == null ? "this controller has no embedded Puppet CA" : "expected {name, names: [...]}");
      return;
    }
    List<String> names = new java.util.ArrayList<>();
    b.getJsonArray("names", new JsonArray().add(b.getString("name"))).forEach(n -> names.add(String.valueOf(n)));
    vertx.executeBlocking(() -> puppetCa.issueMaster(b.getString("name"), names), false).onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx, 201, ar.result());
      } else if (ar.cause() instanceof IllegalArgumentException) {
        refusals.refuse("invalid_master_name", "a master certificate: " + ar.cause().getMessage());
        error(ctx, 400, ar.cause().getMessage());
      } else {
        error(ctx, 500, ar.cause().getMessage());
      }
    });
  }

  private Supplier<JsonObject> cluster = () -> null;
  private String member = "this controller";

  /** What {@code /healthz} says of the cluster (null: not clustered), and this member's name in lock holders. */
  public void cluster(Supplier<JsonObject> c, String memberName) {
    this.cluster = c;
    this.member = memberName;
  }

  private dev.baton.controller.groups.GroupActions actions;
  private java.util.function.Consumer<dev.baton.controller.intent.PlatformIntents> schedules = s -> { };
  private Supplier<JsonArray> scheduleList = JsonArray::new;

  public void actions(dev.baton.controller.groups.GroupActions a) {
    this.actions = a;
  }

  private dev.baton.controller.deploy.Deployments deployments;

  public void deployments(dev.baton.controller.deploy.Deployments d) {
    this.deployments = d;
  }

  /** Where the off-hours schedule of an environment goes when provision registers it. */
  public void schedules(java.util.function.Consumer<dev.baton.controller.intent.PlatformIntents> s,
      Supplier<JsonArray> list) {
    this.schedules = s;
    this.scheduleList = list;
  }

  private void intents(RoutingContext ctx) {
    JsonObject b = ctx.body().asJsonObject();
    dev.baton.controller.intent.PlatformIntents p;
    try {
      p = dev.baton.controller.intent.IntentCodec.platformFromJson(b);
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage()); // a wrong type goes to ApiFailures, which says so in one line
      return;
    }
    intents.register(p); // each node told how to reach its cloud, and where cloud nodes reach the controller
    if (b.containsKey("schedule")) {
      try {
        schedules.accept(p);
      } catch (RuntimeException e) {
        error(ctx, 400, "schedule: " + e.getMessage());
        return;
      }
    }
    ctx.response().setStatusCode(204).end();
  }

  private volatile dev.baton.controller.fleet.NodeUserData userData;

  /** Where join tokens and user data are made. */
  public void userData(dev.baton.controller.fleet.NodeUserData u) {
    this.userData = u;
  }

  private void issueToken(RoutingContext ctx) {
    dev.baton.controller.fleet.NodeUserData.Ask ask;
    try {
      ask = dev.baton.controller.fleet.NodeUserData.Ask.fromJson(ctx.body().asJsonObject());
    } catch (RuntimeException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    var t = userData.issue(ask);
    JsonObject answer = new JsonObject().put("token", t.token()).put("name", t.name())
        .put("expires_in_seconds", t.ttl().toSeconds());
    answerOnceStored(ctx, 201, answer);
  }

  /** {@code POST /api/v1/user-data}: a node's whole user data, its token issued now. */
  private void renderUserData(RoutingContext ctx) {
    dev.baton.controller.fleet.NodeUserData.Ask ask;
    try {
      ask = dev.baton.controller.fleet.NodeUserData.Ask.fromJson(ctx.body().asJsonObject());
    } catch (RuntimeException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    vertx.executeBlocking(() -> userData.render(ask), false).onComplete(ar -> {
      if (ar.failed()) {
        error(ctx, ar.cause() instanceof dev.baton.common.error.BatonException b
            && b.code() == dev.baton.common.error.ErrorCode.FAILED_PRECONDITION ? 409 : 400, ar.cause().getMessage());
      } else {
        answerOnceStored(ctx, 201, ar.result().toJson());
      }
    });
  }

  /** Answers once the tokens and node records just changed are on disk (a crash cannot lose what was given out). */
  private void answerOnceStored(RoutingContext ctx, int status, JsonObject answer) {
    Future.all(tokens.sync(), registry.sync()).onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx, status, answer);
      } else {
        error(ctx, 503, "the token could not be stored: " + ar.cause().getMessage());
      }
    });
  }

  /** Platform events from the CLI (platform.provisioned, platform.drift), for the hooks. */
  private void event(RoutingContext ctx) {
    JsonObject b = ctx.body().asJsonObject();
    String type = b == null ? null : b.getString("type");
    if (type == null || !type.startsWith("platform.") || !dev.baton.controller.notify.Event.TYPES.contains(type)) {
      error(ctx, 400, "expected {type: platform.provisioned | platform.drift, platform, customer, env, data}");
      return;
    }
    var e = dev.baton.controller.notify.Event.of(type, b.getString("platform"), b.getString("customer"),
        b.getString("env"), b.getJsonObject("data", new JsonObject()));
    outbox.enqueue(e).onComplete(ar -> json(ctx, ar.succeeded() ? 202 : 503, new JsonObject().put("id", e.id())
        .put("hooks", ar.succeeded() ? ar.result() : 0)));
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  /** Where {@link #error} leaves its message for the history. */
  static final String ERROR = "baton.error";

  static void error(RoutingContext ctx, int status, String message) {
    ctx.put(ERROR, message);
    json(ctx, status, new JsonObject().put("error", message));
  }
}
