package dev.baton.controller.bridge;

import dev.baton.controller.serve.ControllerServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real controller in the test's JVM, on free loopback ports, with its state in a temporary home. */
public final class ControllerFixture implements AutoCloseable {
  public final Vertx vertx = Vertx.vertx();
  public final ControllerServer server;
  public final ControllerServer.Started started;
  public final Path home;

  public ControllerFixture(Path home, BridgeServer.Limits limits) {
    this(home, limits, 0);
  }

  /** @param bridgePort a fixed port (a restarted controller keeps its agents' endpoint), or 0 */
  public ControllerFixture(Path home, BridgeServer.Limits limits, int bridgePort) {
    this(home, limits, bridgePort, List.of());
  }

  /** @param advertise the endpoints given to cloud nodes ({@code serve --advertise}) */
  public ControllerFixture(Path home, BridgeServer.Limits limits, int bridgePort, List<String> advertise) {
    this.home = home;
    Path agentJar = Path.of(System.getProperty("baton.agent.jar", "../agent/target/baton-agent.jar"));
    server = new ControllerServer(vertx, new ControllerServer.Options(home, "127.0.0.1", bridgePort, 0, 0, advertise,
        limits, agentJar, dev.baton.controller.serve.ApiBinding.LOOPBACK));
    started = await(server.start());
  }

  public static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  public String endpoint() {
    return "127.0.0.1:" + started.bridgePort();
  }

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    await(server.stop());
    await(vertx.close());
  }
}
