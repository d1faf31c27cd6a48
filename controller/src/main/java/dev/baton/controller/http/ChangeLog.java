package dev.baton.controller.http;

import dev.baton.controller.access.History;
import dev.baton.controller.access.HistoryEntry;
import dev.baton.controller.access.Operator;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Writes each change made through the API to the {@link History} once it has been answered: who,
 * what, its target, from where, and the outcome (a refusal too). Reads, the lock's renewals and
 * the CLI's own reports (which are history entries already) are not changes of their own.
 */
final class ChangeLog {
  private static final Logger LOG = Logger.getLogger("baton.history");
  /** A route's kind of change, from its path; routes not listed here are not recorded. */
  private record Kind(Pattern path, String what) {}

  /** The CLI's question before it applies a provision or destroy: recorded when refused (else the report is). */
  private static final String PERMIT = "permit";
  /** The lease of a provision or destroy: recorded, as that command, when refused. */
  private static final String LOCK = "lock";

  private static final List<Kind> KINDS = List.of(
      new Kind(Pattern.compile("/api/v1/intents"), "intents"),
      new Kind(Pattern.compile("/api/v1/actions"), "run"),
      new Kind(Pattern.compile("/api/v1/deployments"), "deploy"),
      new Kind(Pattern.compile("/api/v1/tokens"), "join_token"),
      new Kind(Pattern.compile("/api/v1/user-data"), "join_token"),
      new Kind(Pattern.compile("/api/v1/nodes/[^/]+/terminate"), "node.terminate"),
      new Kind(Pattern.compile("/api/v1/puppet/masters"), "puppet.master"),
      new Kind(Pattern.compile("/api/v1/operator-tokens"), "tokens.create"),
      new Kind(Pattern.compile("/api/v1/operator-tokens/[^/]+/revoke"), "tokens.revoke"),
      new Kind(Pattern.compile("/api/v1/hooks/[^/]+/test"), "hooks.test"),
      new Kind(Pattern.compile("/api/v1/permits"), PERMIT),
      new Kind(Pattern.compile("/api/v1/locks"), LOCK));

  /** Where a route leaves what its outcome was, when its answer's status does not say it (a stream). */
  static final String OUTCOME = "baton.outcome";
  /** Where a route leaves the customer of what it changed, when its body does not name it (a revoked token's). */
  static final String CUSTOMER = "baton.customer";
  /** Where a route leaves a word on how it went (a deployment's status and reason). */
  static final String DETAIL = "baton.detail";
  /** Where a route leaves what it changed, when its body does not name it. */
  static final String TARGET = "baton.target";

  private final History history;
  private final Supplier<Instant> clock;
  private final Function<String, java.util.Optional<dev.baton.controller.registry.NodeRecord>> nodes;

  ChangeLog(History history, Supplier<Instant> clock,
      Function<String, java.util.Optional<dev.baton.controller.registry.NodeRecord>> nodes) {
    this.history = history;
    this.clock = clock;
    this.nodes = nodes;
  }

  void handle(RoutingContext ctx) {
    if (ctx.request().method() != HttpMethod.GET) {
      String path = ctx.request().path();
      KINDS.stream().filter(k -> k.path().matcher(path).matches()).findFirst()
          .ifPresent(k -> ctx.addEndHandler(v -> record(ctx, k.what())));
    }
    ctx.next();
  }

  private void record(RoutingContext ctx, String kind) {
    try {
      Operator op = ApiAccess.of(ctx);
      JsonObject b = body(ctx);
      int status = ctx.response().getStatusCode();
      boolean question = kind.equals(PERMIT) || kind.equals(LOCK);
      if (question && status != 401 && status != 403) {
        return; // allowed (or held by another run): the CLI's report of what it applied is the entry
      }
      String asked = kind.equals(LOCK) ? b.getJsonObject("holder", new JsonObject()).getString("command")
          : b.getString("what");
      String what = question && AccessRoutes.REPORTED.contains(asked) ? asked : kind;
      String outcome = ctx.get(OUTCOME) != null ? ctx.get(OUTCOME)
          : status == 401 || status == 403 ? "refused" : status >= 400 ? "failed" : "ok";
      String customer = b.getString("customer");
      String platform = b.getString("platform");
      String env = b.getString("env");
      if (b.getValue("scope") instanceof String key && key.split("/").length >= 3) {
        var scope = dev.baton.controller.definition.Scope.ofKey(key); // a lock's
        customer = scope.customer();
        platform = scope.platform();
        env = scope.env();
      }
      if (ctx.get(CUSTOMER) != null) {
        customer = ctx.get(CUSTOMER);
      }
      if (what.equals("node.terminate")) {
        var n = nodes.apply(ctx.request().path().split("/")[4]);
        if (n.isPresent()) {
          customer = n.get().customer();
          platform = n.get().platform();
          env = n.get().env();
        }
      }
      String target = ctx.get(TARGET) != null ? ctx.get(TARGET) : target(ctx, what, b);
      String detail = ctx.get(DETAIL) != null ? ctx.<String>get(DETAIL) : status >= 400 ? "HTTP " + status
          + (ctx.get(ApiServer.ERROR) != null ? ": " + ctx.<String>get(ApiServer.ERROR) : "") : null;
      if (detail != null && detail.length() > 500) {
        detail = detail.substring(0, 500); // a node's reason can be long; the deployment keeps it whole
      }
      Instant at = clock.get();
      history.record(new HistoryEntry(history.newId(at), at, op == null ? null : op.name(),
          op == null ? null : op.role().label(), ctx.request().remoteAddress() == null ? null
              : ctx.request().remoteAddress().hostAddress(), what, customer, platform, env, target, outcome, status,
          null, detail));
    } catch (RuntimeException e) {
      LOG.severe("history: a change was made but could not be recorded: " + e.getMessage());
    }
  }

  private String target(RoutingContext ctx, String what, JsonObject b) {
    return switch (what) {
      case "run" -> b.getString("group") + " " + b.getJsonObject("action", new JsonObject()).getString("name");
      case "deploy" -> b.getJsonObject("application", new JsonObject()).getString("name")
          + (b.getString("revision") != null ? " " + b.getString("revision") : "");
      case "intents" -> b.getJsonArray("nodes", new io.vertx.core.json.JsonArray()).size() + " nodes"
          + (b.getValue("schedule") != null ? ", off-hours schedule" : "");
      case "join_token" -> b.getString("instance_id") != null ? b.getString("instance_id") : b.getString("uuid");
      case "node.terminate" -> {
        String id = ctx.request().path().split("/")[4];
        yield nodes.apply(id).map(n -> n.name() + " (" + id + ")").orElse(id);
      }
      case "puppet.master" -> b.getString("name");
      case "tokens.create" -> b.getString("name") + " (" + b.getString("role") + ")";
      case "tokens.revoke", "hooks.test" -> ctx.request().path().split("/")[4];
      default -> null;
    };
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject b = ctx.body() == null ? null : ctx.body().asJsonObject();
      return b == null ? new JsonObject() : b;
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }
}
