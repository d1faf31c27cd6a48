package dev.baton.controller.cli;

import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.provider.Providers;
import dev.baton.controller.serve.ControllerServer;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code controller serve}: the long-running controller. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Run the controller: the TLS event-bus bridge agents register with, the hand-off of their nodes,"
        + " and the HTTP API (loopback). State is kept under BATON_HOME/controller; a restart keeps every node.",
        "'provision' starts one in the background when none is running."})
final class ServeCommand implements Callable<Integer> {
  @ParentCommand
  ControllerMain main;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "HOST",
      description = "Address the bridge and downloads listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
  String bind;

  @Option(names = "--bridge-port", defaultValue = "7443", description = "Event-bus bridge port (default: ${DEFAULT-VALUE}).")
  int bridgePort;

  @Option(names = "--api-port", defaultValue = "7080", description = "HTTP API port on loopback (default: ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(names = "--download-port", defaultValue = "7444",
      description = "HTTPS port nodes download the agent from (default: ${DEFAULT-VALUE}).")
  int downloadPort;

  @Option(names = "--advertise", paramLabel = "HOST:PORT",
      description = "Bridge endpoint given to agents; repeat for several controllers (default: the bind address).")
  List<String> advertise = List.of();

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    ControllerServer server = new ControllerServer(vertx, new ControllerServer.Options(Providers.home(), bind,
        bridgePort, apiPort, downloadPort, advertise, BridgeServer.Limits.defaults(), Providers.agentJar()));
    ControllerServer.Started s = PlatformCommand.await(server.start());
    main.terminal.err().println("controller: bridge on " + bind + ":" + s.bridgePort() + ", API on 127.0.0.1:"
        + s.apiPort() + ", agent downloads on " + bind + ":" + s.downloadPort() + ", state in " + server.home().dir());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop();
      stop.countDown();
    }));
    stop.await();
    vertx.close();
    return ExitCodes.OK;
  }
}
