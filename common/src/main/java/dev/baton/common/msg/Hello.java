package dev.baton.common.msg;

import io.vertx.core.json.JsonObject;

/** What an attested node sends unasked once connected: it is listening, so the controller may drive its hand-off. */
public record Hello(String version) {
  public static final String TYPE = "hello";

  public JsonObject toJson() {
    return new JsonObject().put("type", TYPE).put("version", version);
  }

  public static boolean is(JsonObject o) {
    return TYPE.equals(o.getString("type"));
  }
}
