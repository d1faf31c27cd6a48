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
 * @param identityFile local evidence: the identity document the local cloud gave this instance (its ID and a
 *     secret only it holds, as EC2's metadata service gives a signed document); absent means
 *     {@link #DEFAULT_LOCAL_IDENTITY}
 * @param imds the instance metadata endpoint (AWS); absent, null or empty means {@link #DEFAULT_IMDS}
 */
public record AgentConfig(List<String> endpoints, String caPem, String caSha256, String token, String evidence,
    String identityFile, String name, String platform, String imds) {
  /** EC2's instance metadata service. */
  public static final String DEFAULT_IMDS = "http://169.254.169.254";
  /** Where the local cloud puts a machine's identity document (an agent process is told its own). */
  public static final String DEFAULT_LOCAL_IDENTITY = "/var/lib/baton-local-cloud/identity.json";

  public AgentConfig {
    endpoints = List.copyOf(endpoints);
    imds = imds == null || imds.isBlank() ? DEFAULT_IMDS : imds;
    evidence = evidence == null || evidence.isBlank() ? Registration.EVIDENCE_AWS : evidence;
    identityFile = identityFile == null || identityFile.isBlank() ? DEFAULT_LOCAL_IDENTITY : identityFile;
  }

  /** The same configuration with another identity document (each local process has its own). */
  public AgentConfig withIdentityFile(String path) {
    return new AgentConfig(endpoints, caPem, caSha256, token, evidence, path, name, platform, imds);
  }

  /**
   * What makes this configuration unusable, in one line, or null when it can be used: an agent
   * with it could never register, so it says so instead of retrying.
   */
  public String problem() {
    if (endpoints.isEmpty()) {
      return "no controller endpoints (\"endpoints\": [\"HOST:PORT\", ...])";
    }
    for (String e : endpoints) {
      int colon = e.lastIndexOf(':');
      if (colon <= 0 || !e.substring(colon + 1).matches("[0-9]{1,5}")) {
        return "endpoint \"" + e + "\" is not HOST:PORT";
      }
    }
    if (caPem == null || !caPem.contains("BEGIN CERTIFICATE")) {
      return "no controller CA certificate (\"ca_pem\")";
    }
    if (!Registration.EVIDENCE_AWS.equals(evidence) && !Registration.EVIDENCE_LOCAL.equals(evidence)) {
      return "unknown evidence \"" + evidence + "\" (aws or local)";
    }
    if (!imds.startsWith("http://")) {
      return "\"imds\" must be an http:// address, not " + imds;
    }
    return null;
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("endpoints", new JsonArray(new ArrayList<>(endpoints))).put("ca_pem", caPem)
        .put("ca_sha256", caSha256).put("join_token", token).put("evidence", evidence)
        .put("name", name).put("platform", platform);
    if (Registration.EVIDENCE_LOCAL.equals(evidence)) {
      o.put("identity_file", identityFile);
    } else {
      o.put("imds", imds);
    }
    return o;
  }

  /** Reads what cloud-init wrote; a key that is absent or null takes its default. */
  public static AgentConfig fromJson(JsonObject o) {
    List<String> eps = new ArrayList<>();
    JsonArray a = o.getJsonArray("endpoints");
    if (a != null) {
      a.forEach(e -> eps.add(String.valueOf(e)));
    }
    return new AgentConfig(eps, o.getString("ca_pem"), o.getString("ca_sha256"), o.getString("join_token"),
        o.getString("evidence"), o.getString("identity_file"), o.getString("name"), o.getString("platform"),
        o.getString("imds"));
  }
}
