package dev.baton.controller.notify;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Something that happened, as every hook receives it (schema in docs/notifications.md).
 *
 * @param id unique per event; the same in every retry of every delivery (receivers de-duplicate)
 * @param data the node record for node events; a summary for platform events
 */
public record Event(String id, String type, Instant time, String platform, String customer, String env,
    JsonObject data) {

  public static final String NODE_REGISTERED = "node.registered";
  public static final String NODE_READY = "node.ready";
  public static final String NODE_FAILED = "node.failed";
  public static final String NODE_TERMINATED = "node.terminated";
  public static final String PLATFORM_PROVISIONED = "platform.provisioned";
  public static final String PLATFORM_DRIFT = "platform.drift";
  /** Off-hours began: instances stopped, groups at zero. */
  public static final String PLATFORM_STOPPED = "platform.stopped";
  /** Off-hours ended: instances started, groups restored. */
  public static final String PLATFORM_STARTED = "platform.started";
  /** A scheduled stop or start did not complete (retried). */
  public static final String SCHEDULE_FAILED = "schedule.failed";
  /** A deployment of an application began. */
  public static final String DEPLOY_STARTED = "deploy.started";
  /** Every target node runs the deployed revision. */
  public static final String DEPLOY_SUCCEEDED = "deploy.succeeded";
  /** A node failed its deployment (or the deployment could not run); the rollback follows. */
  public static final String DEPLOY_FAILED = "deploy.failed";
  /** After a failure, every node is back on the release it ran. */
  public static final String DEPLOY_ROLLED_BACK = "deploy.rolled_back";
  public static final List<String> TYPES = List.of(NODE_REGISTERED, NODE_READY, NODE_FAILED, NODE_TERMINATED,
      PLATFORM_PROVISIONED, PLATFORM_DRIFT, PLATFORM_STOPPED, PLATFORM_STARTED, SCHEDULE_FAILED, DEPLOY_STARTED,
      DEPLOY_SUCCEEDED, DEPLOY_FAILED, DEPLOY_ROLLED_BACK);

  public static Event of(String type, String platform, String customer, String env, JsonObject data) {
    return new Event(UUID.randomUUID().toString(), type, Instant.now(), platform, customer, env, data);
  }

  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("type", type).put("time", time.toString()).put("platform", platform)
        .put("customer", customer).put("environment", env).put("data", data);
  }

  public static Event fromJson(JsonObject o) {
    return new Event(o.getString("id"), o.getString("type"), Instant.parse(o.getString("time")), o.getString("platform"),
        o.getString("customer"), o.getString("environment"), o.getJsonObject("data", new JsonObject()));
  }

  /** A sample event of {@code type} ({@code controller hooks test}): node web-1 of platform "sample". */
  public static Event sample(String type) {
    Instant now = Instant.now();
    JsonObject node = new JsonObject().put("id", "i-0123456789abcdef0").put("name", "web-1").put("uuid",
        "00000000-0000-4000-8000-000000000001").put("platform", "sample").put("customer", "sample")
        .put("state", type.equals(NODE_FAILED) ? "FAILED" : "READY")
        .put("reason", type.equals(NODE_FAILED) ? "FINAL_RUN exited with 4: (a sample failure)" : null)
        .put("timeline", new io.vertx.core.json.JsonArray(List.of(
            new JsonObject().put("phase", "BOOTSTRAP_RUN").put("start", now.minusSeconds(5).toString())
                .put("end", now.minusSeconds(2).toString()).put("outcome", "ok").put("millis", 3000),
            new JsonObject().put("phase", "FINAL_RUN").put("start", now.minusSeconds(2).toString())
                .put("end", now.toString()).put("outcome", "ok").put("millis", 2000))));
    JsonObject data = type.startsWith("node.") ? node : new JsonObject().put("summary", "1 created, 0 updated");
    return of(type, "sample", "sample", null, data);
  }
}
