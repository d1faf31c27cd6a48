package dev.baton.controller.deploy;

import dev.baton.common.text.NodeText;
import dev.baton.controller.notify.Event;
import io.vertx.core.json.JsonObject;

/** The hook event of a deployment: what it is, where, and how it went; a node's words made one safe line. */
public final class DeployEvents {
  private DeployEvents() {}

  public static Event of(String type, JsonObject d) {
    JsonObject r = d.getJsonObject("request", new JsonObject());
    JsonObject app = r.getJsonObject("application", new JsonObject());
    int ok = 0;
    int total = 0;
    for (var e : d.getJsonObject("nodes", new JsonObject())) {
      total++;
      if ("ok".equals(((JsonObject) e.getValue()).getString("status"))) {
        ok++;
      }
    }
    JsonObject data = new JsonObject().put("deployment", d.getString("id")).put("application", app.getString("name"))
        .put("revision", r.getString("revision")).put("status", d.getString("status")).put("by", d.getString("by"))
        .put("nodes", total).put("nodes_ok", ok);
    if (d.getString("reason") != null) {
      data.put("reason", NodeText.oneLine(d.getString("reason"), NodeText.MAX_REASON));
    }
    return Event.of(type, r.getString("platform"), r.getString("customer"), r.getString("env"), data);
  }
}
