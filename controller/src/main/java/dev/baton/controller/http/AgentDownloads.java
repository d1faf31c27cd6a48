package dev.baton.controller.http;

import dev.baton.common.crypto.Fingerprints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HTTPS for nodes: the agent jar that cloud-init downloads ({@code /agent/baton-agent.jar}) and its
 * SHA-256 ({@code .sha256}), which the user data pins. Served with the bridge's certificate.
 */
public final class AgentDownloads {
  private final Vertx vertx;
  private final Path jar;
  private volatile String sha256;
  private HttpServer server;

  /** Which archive a node may fetch with the token it shows, if any (a deployment running now). */
  public interface Artifacts {
    java.util.Optional<Path> artifact(String sha256, String token);
  }

  private volatile Artifacts artifacts = (sha, token) -> java.util.Optional.empty();
  private volatile dev.baton.controller.security.Refusals refusals = new dev.baton.controller.security.Refusals();
  private final java.util.concurrent.atomic.LongAdder servedBytes = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder servedArchives = new java.util.concurrent.atomic.LongAdder();

  /** @param jar the agent jar (null or absent: 404) */
  public AgentDownloads(Vertx vertx, Path jar) {
    this.vertx = vertx;
    this.jar = jar;
  }

  /** Serves application archives under {@code /deploy/artifacts/SHA256} to nodes that show a deployment's token. */
  public void artifacts(Artifacts a, dev.baton.controller.security.Refusals r) {
    this.artifacts = a;
    this.refusals = r;
  }

  /** Bytes of application archives sent to nodes, whole archives only (what a fleet costs the controller's link). */
  public long servedBytes() {
    return servedBytes.sum();
  }

  /** Application archives sent to nodes in full. */
  public long servedArchives() {
    return servedArchives.sum();
  }

  /** The jar's SHA-256 (hex), known once {@link #listen} completed; null without a jar. */
  public String sha256() {
    return sha256;
  }

  /** Hashes the jar and listens; answers the port bound. */
  public Future<Integer> listen(String host, int port, String certPem, String keyPem) {
    Router r = Router.router(vertx);
    r.get("/agent/baton-agent.jar").handler(ctx -> {
      if (jar == null || !Files.isRegularFile(jar)) {
        ctx.response().setStatusCode(404).end("no agent jar on this controller");
      } else {
        ctx.response().putHeader("Content-Type", "application/java-archive").sendFile(jar.toString());
      }
    });
    r.get("/deploy/artifacts/:sha256").handler(ctx -> {
      String h = ctx.request().getHeader("Authorization");
      String token = h != null && h.startsWith("Bearer ") ? h.substring(7).trim() : null;
      String sha = ctx.pathParam("sha256");
      var file = sha.matches("[0-9a-fA-F]{64}") ? artifacts.artifact(sha, token) : java.util.Optional.<Path>empty();
      if (file.isEmpty()) {
        // one answer for a wrong token and an unknown archive: a node learns nothing it was not given
        refusals.refuse("artifact_token", "archive " + sha + " from " + ctx.request().remoteAddress()
            + (token == null ? " without a token" : " with a token of no running deployment"));
        ctx.response().setStatusCode(401).end("no such archive for this token");
      } else {
        Path f = file.get();
        ctx.response().putHeader("Content-Type", "application/gzip").sendFile(f.toString()).onSuccess(v -> {
          servedBytes.add(f.toFile().length());
          servedArchives.increment();
        });
      }
    });
    r.get("/agent/baton-agent.jar.sha256").handler(ctx -> ctx.response().end(sha256 == null ? "" : sha256));
    return vertx.executeBlocking(() -> {
      if (jar != null && Files.isRegularFile(jar)) {
        sha256 = Fingerprints.sha256(Files.readAllBytes(jar));
      }
      return null;
    }, false).compose(v -> {
      server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .addCertValue(Buffer.buffer(certPem)).addKeyValue(Buffer.buffer(keyPem)))).requestHandler(r);
      return server.listen(port, host).map(HttpServer::actualPort);
    });
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
