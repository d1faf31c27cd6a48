package dev.baton.common.msg;

import io.vertx.core.json.JsonObject;

/**
 * The identity document the local cloud gives each instance it launches, as EC2's metadata
 * service gives a signed one: the instance ID and a random secret that only that instance is given
 * (a file of its own, owner-only). An agent presents it as its local evidence; the controller
 * checks the secret against the hash the local cloud kept, so an instance is proven, not claimed.
 */
public record LocalIdentity(String instanceId, String secret) {
  public JsonObject toJson() {
    return new JsonObject().put("instance_id", instanceId).put("secret", secret);
  }

  /** The document as the agent read it; a field that is missing or not text is null. */
  public static LocalIdentity fromJson(JsonObject o) {
    return new LocalIdentity(o.getValue("instance_id") instanceof String s ? s : null,
        o.getValue("secret") instanceof String t ? t : null);
  }
}
