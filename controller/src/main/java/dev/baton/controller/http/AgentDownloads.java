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

  /** @param jar the agent jar (null or absent: 404) */
  public AgentDownloads(Vertx vertx, Path jar) {
    this.vertx = vertx;
    this.jar = jar;
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
