package dev.baton.controller.cli;

import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.provider.factory.Providers;
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
        + " and the HTTP API (loopback over plain HTTP; any other --api-bind over TLS only). State is kept under BATON_HOME/controller; a restart keeps every node.",
        "'provision' starts one in the background when none is running."})
final class ServeCommand implements Callable<Integer> {
  @ParentCommand
  ControllerMain main;

  @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "HOST",
      description = "Address the bridge and downloads listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
  String bind;

  @Option(names = "--bridge-port", defaultValue = "7443", description = "Event-bus bridge port (default: ${DEFAULT-VALUE}).")
  int bridgePort;

  @Option(names = "--api-port", defaultValue = "7080", description = "HTTP API port (default: ${DEFAULT-VALUE}).")
  int apiPort;

  @Option(names = "--api-bind", defaultValue = "127.0.0.1", paramLabel = "HOST",
      description = {"Address the HTTP API listens on (default: ${DEFAULT-VALUE}). Loopback is plain HTTP; any other"
          + " address (0.0.0.0 included) is HTTPS only, with a certificate of the controller's CA; a CLI elsewhere"
          + " reaches it with --controller https://HOST:PORT."})
  String apiBind;

  @Option(names = "--api-name", paramLabel = "HOST",
      description = "A host name or address operators reach the API by, named in its TLS certificate besides the"
          + " --api-bind address, localhost and this host's name; repeat for several.")
  List<String> apiNames = List.of();

  @Option(names = "--download-port", defaultValue = "7444",
      description = "HTTPS port nodes download the agent from (default: ${DEFAULT-VALUE}).")
  int downloadPort;

  @Option(names = "--advertise", paramLabel = "HOST:PORT",
      description = "Bridge endpoint given to agents; repeat for several controllers (default: the bind address).")
  List<String> advertise = List.of();

  /** Held here: a logger nobody references loses its level. */
  private static final java.util.logging.Logger HAZELCAST_LOG = java.util.logging.Logger.getLogger("com.hazelcast");

  @Option(names = "--cluster", description = {"Join a cluster of controllers (Hazelcast, TCP/IP member list, no"
      + " multicast): node records, join tokens, hand-offs and the provisioning lock are shared, and any controller"
      + " accepts any agent. Every member must have the same CA (copy BATON_HOME/controller/ca from the first)."})
  boolean cluster;

  @Option(names = "--cluster-members", split = ",", paramLabel = "HOST:PORT",
      description = "Hazelcast address of every member (this one may be listed), comma-separated.")
  List<String> members = List.of();

  @Option(names = "--cluster-host", paramLabel = "HOST",
      description = "Address the other members reach this one at (default: the --bind address, or 127.0.0.1).")
  String clusterHost;

  @Option(names = "--cluster-port", defaultValue = "5701", description = "Hazelcast port (default: ${DEFAULT-VALUE}).")
  int clusterPort;

  @Option(names = "--cluster-bus-port", defaultValue = "0",
      description = "Port of the clustered event bus (default: any free one).")
  int busPort;

  @Option(names = "--cluster-name", defaultValue = "baton",
      description = "Name of the cluster; members of another name never join (default: ${DEFAULT-VALUE}).")
  String clusterName;

  @Override
  public Integer call() throws Exception {
    if (main.remote()) {
      throw dev.baton.common.error.BatonException.invalid("serve runs a controller on this host; --controller (or"
          + " BATON_CONTROLLER) is for the commands that talk to one elsewhere");
    }
    var api = new dev.baton.controller.serve.ApiBinding(apiBind, apiNames);
    for (String n : apiNames) {
      if (!n.matches("[A-Za-z0-9.:-]{1,253}")) {
        throw dev.baton.common.error.BatonException.invalid("--api-name \"" + n + "\": not a host name or address");
      }
    }
    boolean apiTls = api.tls(); // an address that is not this host's is refused here, before anything starts
    Vertx vertx;
    var refusals = new dev.baton.controller.security.Refusals();
    io.vertx.core.spi.cluster.ClusterManager manager = null;
    if (cluster) {
      if (members.isEmpty()) {
        throw dev.baton.common.error.BatonException.invalid("--cluster needs --cluster-members HOST:PORT,... (every"
            + " member's Hazelcast address)");
      }
      if (bridgePort == 0) {
        throw dev.baton.common.error.BatonException.invalid("--cluster needs a fixed --bridge-port (agents are given"
            + " every member's endpoint)");
      }
      String host = clusterHost != null ? clusterHost : bind.equals("0.0.0.0") ? "127.0.0.1" : bind;
      // Hazelcast's own chatter (its banner, every partition move) stays out of the controller's log
      HAZELCAST_LOG.setLevel(java.util.logging.Level.WARNING);
      main.terminal.err().println("controller: joining cluster \"" + clusterName + "\" as " + host + ":" + clusterPort
          + " (members " + String.join(", ", members) + ")...");
      // the members' event buses speak mutual TLS with certificates of the cluster CA (shared, under the controller
      // CA's directory that members copy), which issues members' certificates only
      var ca = dev.baton.controller.cluster.Cluster.memberCa(dev.baton.controller.serve.ControllerHome.of(
          Providers.home()).ca());
      var key = dev.baton.common.crypto.Keys.ec();
      var cert = ca.issuePeer(key.getPublic(), "baton-cluster-member", List.of(host, "localhost", "127.0.0.1"),
          java.time.Duration.ofDays(30));
      var tls = new dev.baton.controller.cluster.Cluster.Tls(dev.baton.common.crypto.Pem.encode(cert),
          dev.baton.common.crypto.Pem.encode(key.getPrivate()), ca.certificatePem());
      vertx = PlatformCommand.await(dev.baton.controller.cluster.Cluster.start(new dev.baton.controller.cluster.Cluster
          .Options(host, clusterPort, busPort, members, clusterName, tls), refusals));
      manager = ((io.vertx.core.internal.VertxInternal) vertx).clusterManager();
    } else {
      vertx = Vertx.vertx(dev.baton.common.settings.VertxDefaults.options());
    }
    ControllerServer server = new ControllerServer(vertx, new ControllerServer.Options(Providers.home(), bind,
        bridgePort, apiPort, downloadPort, advertise, BridgeServer.Limits.defaults(), Providers.agentJar(), api), refusals);
    if (manager != null) {
      server.cluster(manager);
    }
    ControllerServer.Started s = PlatformCommand.await(server.start());
    main.terminal.err().println("controller: bridge on " + bind + ":" + s.bridgePort() + ", API on " + api.scheme()
        + "://" + apiBind + ":" + s.apiPort() + ", agent downloads on " + bind + ":" + s.downloadPort() + ", state in "
        + server.home().dir());
    if (apiTls) {
      // what an operator elsewhere pins once: controller --controller https://HOST:PORT --ca-fingerprint ...
      main.terminal.err().println("controller: API CA fingerprint " + dev.baton.controller.serve.CaPin.format(
          server.ca().fingerprint()));
    }
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
