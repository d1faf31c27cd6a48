package dev.baton.controller.access;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One change made through the controller: who (the operator token's name and role), what (a kind
 * such as {@code provision} or {@code tokens.create}, and its target), when, from where (the
 * caller's address), the outcome, and for a provision the digest of the plan applied. Written once,
 * never changed.
 *
 * @param customer, platform, env the platform it concerns (null for the controller's own: a master certificate)
 * @param outcome {@code ok}, {@code refused} or {@code failed}
 * @param status the API's answer (0 for what the CLI reports)
 */
public record HistoryEntry(String id, Instant at, String who, String role, String from, String what, String customer,
    String platform, String env, String target, String outcome, int status, String planDigest, String detail) {

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("at", at.toString()).put("who", who).put("role", role).put("from", from)
        .put("what", what).put("customer", customer).put("platform", platform).put("env", env).put("target", target)
        .put("outcome", outcome).put("status", status).put("plan_digest", planDigest).put("detail", detail);
  }

  public static HistoryEntry fromJson(JsonObject o) {
    return new HistoryEntry(o.getString("id"), Instant.parse(o.getString("at")), o.getString("who"),
        o.getString("role"), o.getString("from"), o.getString("what"), o.getString("customer"), o.getString("platform"),
        o.getString("env"), o.getString("target"), o.getString("outcome"), o.getInteger("status", 0),
        o.getString("plan_digest"), o.getString("detail"));
  }
}
