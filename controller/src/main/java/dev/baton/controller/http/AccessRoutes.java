package dev.baton.controller.http;

import dev.baton.controller.access.History;
import dev.baton.controller.access.HistoryEntry;
import dev.baton.controller.access.Operator;
import dev.baton.controller.access.OperatorTokens;
import dev.baton.controller.access.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * {@code /api/v1/operator-tokens} (made, listed and revoked by name; admin) and
 * {@code /api/v1/history} (who changed what: read it, and the CLI's report of a provision or a
 * destroy it ran, which only it knows the outcome of).
 */
final class AccessRoutes {
  /** What the CLI reports itself: the changes it makes on the cloud directly. */
  static final Set<String> REPORTED = Set.of("provision", "destroy");
  private static final int MAX_LIST = 10_000;

  private final OperatorTokens tokens;
  private final History history;
  private final Supplier<Instant> clock;

  AccessRoutes(OperatorTokens tokens, History history, Supplier<Instant> clock) {
    this.tokens = tokens;
    this.history = history;
    this.clock = clock;
  }

  void mount(Router r) {
    r.post("/api/v1/operator-tokens").handler(this::create);
    r.get("/api/v1/operator-tokens").handler(ctx -> {
      JsonArray a = new JsonArray();
      tokens.list(ApiAccess.of(ctx)).forEach(e -> a.add(e.toJson()));
      ApiServer.json(ctx, 200, new JsonObject().put("tokens", a));
    });
    r.post("/api/v1/operator-tokens/:name/revoke").handler(this::revoke);
    r.get("/api/v1/history").handler(this::list);
    r.post("/api/v1/history").handler(this::report);
    // what the CLI asks before it changes a platform on the cloud itself: ApiAccess.authorize has answered by now
    r.post("/api/v1/permits").handler(ctx -> ctx.response().setStatusCode(204).end());
  }

  private void create(RoutingContext ctx) {
    JsonObject b = ctx.body().asJsonObject();
    if (b == null || !(b.getValue("name") instanceof String name) || !(b.getValue("role") instanceof String role)) {
      ApiServer.error(ctx, 400, "expected {name, role: read|operate|admin, customer (none: every customer),"
          + " ttl_seconds}");
      return;
    }
    try {
      long ttl = b.getLong("ttl_seconds", OperatorTokens.DEFAULT_TTL.toSeconds());
      var issued = tokens.create(name, b.getString("customer"), Role.parse(role), Duration.ofSeconds(ttl),
          ApiAccess.of(ctx));
      ApiServer.json(ctx, 201, issued.entry().toJson().put("token", issued.secret()));
    } catch (SecurityException e) {
      ApiServer.error(ctx, 403, e.getMessage());
    } catch (IllegalArgumentException e) {
      ApiServer.error(ctx, e.getMessage().contains("exists") ? 409 : 400, e.getMessage());
    }
  }

  private void revoke(RoutingContext ctx) {
    try {
      OperatorTokens.Entry e = tokens.revoke(ctx.pathParam("name"), ApiAccess.of(ctx));
      ctx.put(ChangeLog.CUSTOMER, e.customer());
      ApiServer.json(ctx, 200, e.toJson());
    } catch (IllegalArgumentException e) {
      ApiServer.error(ctx, 404, e.getMessage());
    }
  }

  /** {@code GET /api/v1/history?customer=&since=&limit=}: oldest first, what the token may see. */
  private void list(RoutingContext ctx) {
    Operator op = ApiAccess.of(ctx);
    String customer = ctx.queryParams().get("customer");
    Instant since;
    int limit;
    try {
      String s = ctx.queryParams().get("since");
      since = s == null ? Instant.EPOCH : Instant.parse(s);
      limit = Math.min(MAX_LIST, Integer.parseInt(ctx.queryParams().get("limit") == null ? "1000"
          : ctx.queryParams().get("limit")));
    } catch (DateTimeParseException | NumberFormatException e) {
      ApiServer.error(ctx, 400, "since is an instant (2026-12-01T09:00:00Z), limit a number: " + e.getMessage());
      return;
    }
    Predicate<HistoryEntry> keep = e -> !e.at().isBefore(since) && (customer == null || customer.equals(e.customer()))
        && (op.unscoped() || op.customer().equals(e.customer()));
    JsonArray a = new JsonArray();
    history.list(keep, limit).forEach(e -> a.add(e.toJson()));
    ApiServer.json(ctx, 200, new JsonObject().put("entries", a));
  }

  /** The CLI's report of a provision or destroy it ran: who and from where are the controller's to say. */
  private void report(RoutingContext ctx) {
    JsonObject b = ctx.body().asJsonObject();
    if (b == null || !REPORTED.contains(b.getString("what")) || b.getString("platform") == null
        || !Set.of("ok", "failed", "refused").contains(b.getString("outcome"))) {
      ApiServer.error(ctx, 400, "expected {what: provision|destroy, customer, platform, env, outcome:"
          + " ok|failed|refused, plan_digest, detail}");
      return;
    }
    Operator op = ApiAccess.of(ctx);
    Instant at = clock.get();
    String detail = b.getString("detail");
    HistoryEntry e = new HistoryEntry(history.newId(at), at, op.name(), op.role().label(),
        ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress(), b.getString("what"),
        b.getString("customer"), b.getString("platform"), b.getString("env"), b.getString("target"),
        b.getString("outcome"), 0, b.getString("plan_digest"), detail == null ? null
            : detail.length() > 2000 ? detail.substring(0, 2000) : detail);
    history.record(e);
    ApiServer.json(ctx, 201, e.toJson());
  }
}
