package dev.baton.common.msg;

import io.vertx.core.json.JsonObject;

/** The messages of registration: an agent's evidence, and the identity the controller returns. */
public final class Registration {
  private Registration() {}

  /** Evidence types an agent can present. */
  public static final String EVIDENCE_LOCAL = "local";
  public static final String EVIDENCE_AWS = "aws";

  /**
   * What an agent sends to {@link dev.baton.common.bus.Addresses#REGISTER}.
   *
   * @param token the join token from the node's user data
   * @param evidence {@code local} or {@code aws}
   * @param instanceId the instance as the node knows it (on AWS, from the signed document)
   * @param csr a PEM certificate request for the node's identity key, CN = instance ID
   * @param document the AWS instance identity document (aws evidence), or null
   * @param signature its rsa2048 PKCS#7 signature, base64 (aws evidence), or null
   */
  public record Request(String token, String evidence, String instanceId, String csr, String document,
      String signature, String agentVersion) {

    public JsonObject toJson() {
      return new JsonObject().put("token", token).put("evidence", evidence).put("instance_id", instanceId)
          .put("csr", csr).put("document", document).put("signature", signature).put("agent_version", agentVersion);
    }

    public static Request fromJson(JsonObject o) {
      return new Request(o.getString("token"), o.getString("evidence"), o.getString("instance_id"), o.getString("csr"),
          o.getString("document"), o.getString("signature"), o.getString("agent_version"));
    }
  }

  /** The controller's answer: the node's identity certificate. */
  public record Response(String nodeId, String name, String certificate) {
    public JsonObject toJson() {
      return new JsonObject().put("node_id", nodeId).put("name", name).put("certificate", certificate);
    }

    public static Response fromJson(JsonObject o) {
      return new Response(o.getString("node_id"), o.getString("name"), o.getString("certificate"));
    }
  }
}
