package dev.baton.controller.http;

import dev.baton.controller.groups.GroupActions;
import dev.baton.controller.security.Refusals;
import dev.baton.controller.intent.IntentStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code POST /api/v1/actions}: an action the platform defines, run on a group's nodes through their agents. */
final class ActionRoutes {
  private final Vertx vertx;
  private final GroupActions actions;
  private final IntentStore intents;
  private final Refusals refusals;

  ActionRoutes(Vertx vertx, GroupActions actions, IntentStore intents, Refusals refusals) {
    this.vertx = vertx;
    this.actions = actions;
    this.intents = intents;
    this.refusals = refusals;
  }

  /**
   * Runs an action on a group's nodes; answers with one JSON object per line (application/x-ndjson):
   * a line per node as each ends, then {@code {"done": true, ...counts}}.
   */
  void run(RoutingContext ctx) {
    GroupActions.Request req;
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        ApiServer.error(ctx, 400, "expected {customer, platform, env, group, action: {name, type, command}, batch_size}");
        return;
      }
      req = GroupActions.Request.fromJson(body);
    } catch (RuntimeException e) {
      ApiServer.error(ctx, 400, e.getMessage());
      return;
    }
    String undefined = GroupActions.undefined(req, intents.get(IntentStore.key(
        req.customer(), req.platform(), req.env(), req.groupUuid())).orElse(null));
    if (undefined != null) {
      refusals.refuse("undefined_action", "action " + req.action() + " from " + ctx.request().remoteAddress() + ": "
          + undefined);
      ApiServer.error(ctx, 403, undefined);
      return;
    }
    var resp = ctx.response().setChunked(true).putHeader("Content-Type", "application/x-ndjson")
        .putHeader("Cache-Control", "no-store");
    int total = actions.nodes(req).size();
    resp.write(new JsonObject().put("nodes", total).put("batch_size", req.batchSize()).encode() + "\n");
    java.util.Map<String, Integer> counts = new java.util.concurrent.ConcurrentHashMap<>();
    actions.run(req, res -> {
      counts.merge(res.getString("status"), 1, Integer::sum);
      vertx.runOnContext(v -> {
        if (!resp.ended() && !resp.closed()) {
          resp.write(res.encode() + "\n");
        }
      });
    }).onComplete(ar -> vertx.runOnContext(v -> {
      if (!resp.ended() && !resp.closed()) {
        JsonObject done = new JsonObject().put("done", true);
        counts.forEach(done::put);
        ctx.put(ChangeLog.OUTCOME, counts.keySet().stream().allMatch("ok"::equals) ? "ok" : "failed");
        ctx.put(ChangeLog.DETAIL, counts.toString());
        resp.end(done.encode() + "\n");
      }
    }));
  }
}
