package dev.baton.common.msg;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What an agent is told at boot, written by cloud-init to {@code /etc/baton/agent.json}: where
 * the controllers are, the CA certificate to pin, and a short-lived join token. Nothing in it
 * is a long-lived secret.
 *
 * @param endpoints controller bridge endpoints (HOST:PORT), tried in turn
 * @param caPem the controller CA's certificate; {@code caSha256} must be its fingerprint
 * @param evidence {@code local} or {@code aws}
 * @param instanceId the instance ID on the local provider (on AWS it comes from the signed document)
 * @param imds the instance metadata endpoint (AWS), normally http://169.254.169.254
 */
public record AgentConfig(List<String> endpoints, String caPem, String caSha256, String token, String evidence,
    String instanceId, String name, String platform, String imds) {

  public JsonObject toJson() {
    return new JsonObject().put("endpoints", new JsonArray(new ArrayList<>(endpoints))).put("ca_pem", caPem)
        .put("ca_sha256", caSha256).put("join_token", token).put("evidence", evidence).put("instance_id", instanceId)
        .put("name", name).put("platform", platform).put("imds", imds);
  }

  public static AgentConfig fromJson(JsonObject o) {
    List<String> eps = new ArrayList<>();
    o.getJsonArray("endpoints", new JsonArray()).forEach(e -> eps.add(e.toString()));
    return new AgentConfig(eps, o.getString("ca_pem"), o.getString("ca_sha256"), o.getString("join_token"),
        o.getString("evidence", Registration.EVIDENCE_AWS), o.getString("instance_id"), o.getString("name"),
        o.getString("platform"), o.getString("imds", "http://169.254.169.254"));
  }
}
