package dev.baton.controller.http;

import dev.baton.common.error.BatonException;
import dev.baton.controller.deploy.DeployRequest;
import dev.baton.controller.deploy.Deployments;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;

/** {@code /api/v1/deployments}: start a deployment and follow it, list the history. */
final class DeploymentRoutes {
  private final Vertx vertx;
  private final Deployments deployments;

  DeploymentRoutes(Vertx vertx, Deployments deployments) {
    this.vertx = vertx;
    this.deployments = deployments;
  }

  /**
   * Starts a deployment and answers with one JSON object per line (application/x-ndjson): its
   * start, a line per node as each ends, then {@code {"done": true, status, reason}}. A refusal
   * (another deployment runs, the archive is not the one expected) is a plain 409 or 400 before any
   * node is asked anything.
   */
  void start(RoutingContext ctx) {
    DeployRequest req;
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        ApiServer.error(ctx, 400, "expected a deploy request");
        return;
      }
      req = DeployRequest.fromJson(body);
    } catch (RuntimeException e) {
      ApiServer.error(ctx, 400, e.getMessage());
      return;
    }
    var resp = ctx.response();
    java.util.function.Consumer<JsonObject> send = line -> {
      if (resp.ended() || resp.closed()) {
        return;
      }
      if (!resp.headWritten()) {
        resp.setChunked(true).putHeader("Content-Type", "application/x-ndjson").putHeader("Cache-Control", "no-store");
      }
      if (line.getBoolean("done", false)) {
        ctx.put(ChangeLog.OUTCOME, "succeeded".equals(line.getString("status")) ? "ok" : "failed");
        ctx.put(ChangeLog.DETAIL, line.getString("status") + (line.getString("reason") == null ? ""
            : ": " + line.getString("reason")));
        resp.end(line.encode() + "\n");
      } else {
        resp.write(line.encode() + "\n");
      }
    };
    deployments.start(req, line -> vertx.runOnContext(v -> send.accept(line)))
        .onSuccess(id -> send.accept(new JsonObject().put("deployment", id).put("started", true)))
        .onFailure(err -> {
      int status = err instanceof BatonException b ? b.code().httpStatus() : 500;
      ApiServer.error(ctx, status == 412 ? 409 : status, err.getMessage());
    });
  }

  /** {@code GET /api/v1/deployments?platform=&env=&application=}: the history, newest first, without tokens. */
  void list(RoutingContext ctx) {
    String platform = ctx.queryParams().get("platform");
    String env = ctx.queryParams().get("env");
    String app = ctx.queryParams().get("application");
    JsonArray out = new JsonArray();
    var all = deployments.store().deployments(d -> {
      JsonObject r = d.getJsonObject("request", new JsonObject());
      return ApiAccess.sees(ctx, r.getString("customer")) && (platform == null || platform.equals(r.getString("platform"))) && (env == null || Objects.equals(env,
          r.getString("env"))) && (app == null || app.equals(r.getJsonObject("application", new JsonObject())
          .getString("name")));
    });
    for (int i = all.size() - 1; i >= 0; i--) {
      JsonObject d = all.get(i).copy();
      d.remove("token");
      out.add(d);
    }
    ApiServer.json(ctx, 200, new JsonObject().put("deployments", out));
  }
}
