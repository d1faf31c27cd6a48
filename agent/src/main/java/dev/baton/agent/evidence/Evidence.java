package dev.baton.agent.evidence;

import dev.baton.common.msg.AgentConfig;
import dev.baton.common.msg.Registration;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

/**
 * What the agent presents to prove which instance it is. On AWS: the instance identity
 * document and its rsa2048 signature, read through IMDSv2 (a session token first, so a
 * request forwarded from a container or a proxy does not get through). Locally: the instance
 * ID the local cloud gave it.
 */
public final class Evidence {
  private Evidence() {}

  /** The instance ID and signature to present (document, signature null for local evidence). */
  public record Proof(String instanceId, String document, String signature) {}

  /**
   * The proof to present. A failure (the metadata service not answering yet, a document without an
   * instance ID) is a failed future whose message names the metadata address: the agent retries.
   */
  public static Future<Proof> collect(Vertx vertx, AgentConfig config) {
    if (Registration.EVIDENCE_LOCAL.equals(config.evidence())) {
      return local(vertx, config);
    }
    try {
      return fromImds(vertx, config).recover(e -> Future.failedFuture("instance metadata " + config.imds() + ": "
          + (e.getMessage() == null ? e.toString() : e.getMessage())));
    } catch (RuntimeException e) {
      return Future.failedFuture("instance metadata " + config.imds() + ": " + e.getMessage());
    }
  }

  /** The identity document the local cloud gave this instance (its ID and secret). */
  private static Future<Proof> local(Vertx vertx, AgentConfig config) {
    return vertx.executeBlocking(() -> {
      java.nio.file.Path file = java.nio.file.Path.of(config.identityFile());
      if (!java.nio.file.Files.isRegularFile(file)) {
        throw new IllegalStateException("local identity document " + file + " is not there (the local cloud writes it)");
      }
      String text = java.nio.file.Files.readString(file);
      dev.baton.common.msg.LocalIdentity id = dev.baton.common.msg.LocalIdentity.fromJson(new JsonObject(text));
      if (id.instanceId() == null || id.secret() == null) {
        throw new IllegalStateException("local identity document " + file + " has no instance_id or secret");
      }
      return new Proof(id.instanceId(), text.strip(), null);
    }, false);
  }

  private static Future<Proof> fromImds(Vertx vertx, AgentConfig config) {
    java.net.URI imds = java.net.URI.create(config.imds());
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000));
    RequestOptions base = new RequestOptions().setHost(imds.getHost())
        .setPort(imds.getPort() < 0 ? 80 : imds.getPort()).setTimeout(5000);
    return http.request(new RequestOptions(base).setMethod(HttpMethod.PUT).setURI("/latest/api/token")
            .putHeader("X-aws-ec2-metadata-token-ttl-seconds", "300"))
        .compose(req -> req.send().compose(resp -> resp.statusCode() == 200 ? resp.body()
            : Future.failedFuture("the session token request (IMDSv2) answered " + resp.statusCode())))
        .compose(token -> {
          String t = token.toString().trim();
          Future<String> doc = get(http, base, "/latest/dynamic/instance-identity/document", t);
          Future<String> sig = get(http, base, "/latest/dynamic/instance-identity/rsa2048", t);
          return Future.all(doc, sig).map(cf -> {
            String document = cf.resultAt(0);
            String id = new JsonObject(document).getString("instanceId");
            if (id == null) {
              throw new IllegalStateException("the identity document has no instanceId");
            }
            return new Proof(id, document, cf.resultAt(1));
          });
        }).andThen(ar -> http.close());
  }

  private static Future<String> get(HttpClient http, RequestOptions base, String path, String token) {
    return http.request(new RequestOptions(base).setMethod(HttpMethod.GET).setURI(path)
            .putHeader("X-aws-ec2-metadata-token", token))
        .compose(req -> req.send().compose(resp -> {
          if (resp.statusCode() != 200) {
            return Future.failedFuture("instance metadata " + path + " answered " + resp.statusCode());
          }
          return resp.body().map(b -> b.toString());
        }));
  }
}
