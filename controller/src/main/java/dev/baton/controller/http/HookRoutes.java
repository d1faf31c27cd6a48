package dev.baton.controller.http;

import dev.baton.controller.access.Operator;
import dev.baton.controller.notify.Event;
import dev.baton.controller.notify.Hook;
import dev.baton.controller.notify.Outbox;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /api/v1/hooks}: the notification hooks of the controller's hooks.yaml, listed without
 * their settings (URLs and passwords), and tested with a sample event. A hook is one customer's
 * when it takes that customer's events only; a token limited to a customer sees and tests those.
 */
final class HookRoutes {
  private final Outbox outbox;

  HookRoutes(Outbox outbox) {
    this.outbox = outbox;
  }

  /** The customer a hook belongs to: its only one, else null (the controller's: every customer's events, or several). */
  static String customerOf(Hook h) {
    return h.customers().size() == 1 ? h.customers().get(0) : null;
  }

  void mount(Router r) {
    r.get("/api/v1/hooks").handler(ctx -> {
      Operator op = ApiAccess.of(ctx);
      JsonArray a = new JsonArray();
      outbox.hooks().values().stream().filter(h -> op.unscoped() || op.customer().equals(customerOf(h)))
          .forEach(h -> a.add(new JsonObject().put("name", h.name()).put("type", h.type())
              .put("events", new JsonArray(h.events())).put("platforms", new JsonArray(h.platforms()))
              .put("customers", new JsonArray(h.customers()))));
      ApiServer.json(ctx, 200, new JsonObject().put("hooks", a));
    });
    r.post("/api/v1/hooks/:name/test").handler(this::test);
  }

  private void test(RoutingContext ctx) {
    Hook hook = outbox.hooks().get(ctx.pathParam("name"));
    if (hook == null) {
      ApiServer.error(ctx, 404, "no hook " + ctx.pathParam("name"));
      return;
    }
    JsonObject b = ctx.body() == null || ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
    String type = b.getString("event", "node.ready");
    if (!Event.TYPES.contains(type)) {
      ApiServer.error(ctx, 400, "unknown event " + type + "; the events are " + Event.TYPES);
      return;
    }
    Event sample = Event.sample(type);
    outbox.deliverNow(sample, hook).onComplete(ar -> {
      if (ar.succeeded()) {
        ApiServer.json(ctx, 200, new JsonObject().put("delivered", true).put("id", sample.id()));
      } else {
        ctx.put(ChangeLog.OUTCOME, "failed");
        ApiServer.error(ctx, 502, hook.name() + " did not take the sample event: " + ar.cause().getMessage());
      }
    });
  }
}
