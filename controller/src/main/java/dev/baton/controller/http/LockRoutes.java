package dev.baton.controller.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * {@code POST /api/v1/locks}, {@code /renew}, {@code /release}: the cluster-wide provisioning lock
 * ({@code serve.ClusterLeases} is its client).
 */
final class LockRoutes {
  private final Vertx vertx;
  private final Supplier<String> member;

  /** @param member this member's name, recorded in the holder others are shown */
  LockRoutes(Vertx vertx, Supplier<String> member) {
    this.vertx = vertx;
    this.member = member;
  }

  /**
   * The provisioning lock of a platform, for the whole cluster: a lease in the cluster-wide map
   * {@code baton.locks}, taken if absent, {@code 409} with its holder otherwise; it lasts
   * {@code ttl_seconds} (default 30) unless renewed.
   */
  void lock(RoutingContext ctx) {
    JsonObject b = ctx.body().asJsonObject();
    if (b == null || b.getString("scope") == null || b.getJsonObject("holder") == null) {
      ApiServer.error(ctx, 400, "expected {scope, holder: {...}, ttl_seconds}");
      return;
    }
    // 5 s to 5 min: a lease always expires (Hazelcast takes a TTL of 0 or less as "never")
    long ttl = Math.min(300, Math.max(5, b.getLong("ttl_seconds", 30L))) * 1000;
    String lease = java.util.UUID.randomUUID().toString();
    JsonObject value = new JsonObject().put("lease", lease).put("holder", b.getJsonObject("holder").copy()
        .put("member", member.get())).put("ttl", ttl);
    vertx.sharedData().<String, String>getAsyncMap("baton.locks").compose(m -> m.putIfAbsent(b.getString("scope"),
        value.encode(), ttl)).onComplete(ar -> {
          if (ar.failed()) {
            ApiServer.error(ctx, 503, "the cluster's lock map did not answer: " + ar.cause().getMessage());
          } else if (ar.result() != null) {
            ApiServer.json(ctx, 409, new JsonObject().put("error", "held").put("holder", new JsonObject(ar.result())
                .getJsonObject("holder")));
          } else {
            ApiServer.json(ctx, 201, new JsonObject().put("lease", lease));
          }
        });
  }

  /** The {@code {scope, lease}} of a renewal or release, or null after answering 400. */
  private static String[] scopeAndLease(RoutingContext ctx) {
    JsonObject b = ctx.body().asJsonObject();
    String scope = b == null ? null : b.getString("scope");
    String lease = b == null ? null : b.getString("lease");
    if (scope == null || lease == null) {
      ApiServer.error(ctx, 400, "expected {scope, lease}");
      return null;
    }
    return new String[] {scope, lease};
  }

  void renew(RoutingContext ctx) {
    String[] held = scopeAndLease(ctx);
    if (held == null) {
      return;
    }
    String scope = held[0];
    String lease = held[1];
    vertx.sharedData().<String, String>getAsyncMap("baton.locks").compose(m -> m.get(scope).compose(cur -> {
      if (cur == null || !lease.equals(new JsonObject(cur).getString("lease"))) {
        return Future.succeededFuture(false);
      }
      return m.replaceIfPresent(scope, cur, cur, new JsonObject(cur).getLong("ttl", 30_000L));
    })).onComplete(ar -> {
      if (ar.succeeded() && Boolean.TRUE.equals(ar.result())) {
        ApiServer.json(ctx, 200, new JsonObject().put("lease", lease));
      } else {
        ApiServer.error(ctx, 409, "the lease of " + scope + " is not held (it expired or was released)");
      }
    });
  }

  void release(RoutingContext ctx) {
    String[] held = scopeAndLease(ctx);
    if (held == null) {
      return;
    }
    String scope = held[0];
    String lease = held[1];
    vertx.sharedData().<String, String>getAsyncMap("baton.locks").compose(m -> m.get(scope).compose(cur ->
        cur != null && lease.equals(new JsonObject(cur).getString("lease"))
            ? m.removeIfPresent(scope, cur) : Future.succeededFuture(false)))
        .onComplete(ar -> ApiServer.json(ctx, 200, new JsonObject().put("released", ar.succeeded() && Boolean.TRUE.equals(ar.result()))));
  }
}
