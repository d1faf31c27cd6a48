package dev.baton.agent;

import dev.baton.agent.handoff.PuppetDriver;
import dev.baton.agent.state.AgentState;
import dev.baton.common.msg.AgentConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Entry point of the node-side agent:
 * {@code java -jar baton-agent.jar --config /etc/baton/agent.json --state /var/lib/baton}.
 */
public final class AgentMain {
  private AgentMain() {}

  public static String version() {
    String v = AgentMain.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  public static void main(String[] args) throws Exception {
    Path config = null;
    Path stateDir = Path.of("/var/lib/baton");
    PuppetDriver.Settings puppet = PuppetDriver.Settings.defaults();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--version", "-V" -> {
          System.out.println("baton agent " + version());
          return;
        }
        case "--config" -> config = Path.of(args[++i]);
        case "--state" -> stateDir = Path.of(args[++i]);
        case "--puppet" -> puppet = new PuppetDriver.Settings(args[++i], puppet.confdir(), puppet.hostsFile());
        case "--puppet-confdir" -> puppet = new PuppetDriver.Settings(puppet.bin(), Path.of(args[++i]), puppet.hostsFile());
        case "--hosts-file" -> {
          String h = args[++i];
          puppet = new PuppetDriver.Settings(puppet.bin(), puppet.confdir(), h.equals("none") ? null : Path.of(h));
        }
        case "--help", "-h" -> {
          usage();
          return;
        }
        default -> {
          System.err.println("baton-agent: unknown argument " + args[i]);
          usage();
          System.exit(64);
        }
      }
    }
    if (config == null) {
      usage();
      System.exit(64);
    }
    if (!Files.isRegularFile(config)) {
      System.err.println("baton-agent: no configuration at " + config + " (cloud-init writes it at boot)");
      System.exit(1);
    }
    AgentConfig cfg = AgentConfig.fromJson(new JsonObject(Files.readString(config)));
    Files.createDirectories(stateDir);
    // a small node-side process: few threads, no clustering
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2));
    Agent agent = new Agent(vertx, cfg, new AgentState(stateDir), version(), puppet);
    Runtime.getRuntime().addShutdownHook(new Thread(agent::stop));
    agent.start().onFailure(t -> {
      System.err.println("baton-agent: " + t.getMessage());
      System.exit(1);
    });
  }

  private static void usage() {
    System.err.println("usage: java -jar baton-agent.jar --config FILE [--state DIR] [--puppet CMD] [--puppet-confdir DIR] [--hosts-file FILE]");
    System.err.println("  --config FILE           the agent configuration cloud-init wrote (/etc/baton/agent.json)");
    System.err.println("  --state DIR             where the agent keeps its identity (default /var/lib/baton)");
    System.err.println("  --puppet CMD            the puppet command (default /opt/puppetlabs/bin/puppet if present, else puppet)");
    System.err.println("  --puppet-confdir DIR    a private Puppet configuration directory (default: Puppet's own)");
    System.err.println("  --hosts-file FILE|none  where a master without DNS is written (default /etc/hosts)");
    System.err.println("  --version               print the version");
  }
}
