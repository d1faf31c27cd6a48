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

  /** The exit code of a configuration the agent cannot use (EX_CONFIG): its unit does not restart it. */
  public static final int EXIT_CONFIG = 78;

  /**
   * One line per log record, no stack traces: what the agent meets (a controller down, metadata
   * not there yet) is said in a sentence, for a person reading {@code journalctl -u baton-agent}.
   */
  static void oneLineLogs() {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%n");
    }
  }

  public static void main(String[] args) {
    oneLineLogs();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> System.err.println("baton-agent: unexpected error in "
        + t.getName() + ": " + e));
    try {
      run(args);
    } catch (ConfigError e) {
      System.err.println("baton-agent: " + e.getMessage());
      System.exit(EXIT_CONFIG);
    } catch (Exception e) {
      System.err.println("baton-agent: cannot start: " + e);
      System.exit(1);
    }
  }

  /** A configuration the agent cannot use: said in one line, and the agent exits with {@link #EXIT_CONFIG}. */
  static final class ConfigError extends Exception {
    private static final long serialVersionUID = 1L;

    ConfigError(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads and checks the configuration cloud-init wrote. */
  static AgentConfig readConfig(Path config) throws ConfigError {
    if (!Files.isRegularFile(config)) {
      throw new ConfigError("no configuration at " + config + " (cloud-init writes it at boot)");
    }
    AgentConfig cfg;
    try {
      cfg = AgentConfig.fromJson(new JsonObject(Files.readString(config)));
    } catch (java.io.IOException e) {
      throw new ConfigError(config + ": cannot read it: " + e.getMessage());
    } catch (RuntimeException e) {
      throw new ConfigError(config + ": not a valid agent configuration: " + e.getMessage());
    }
    String problem = cfg.problem();
    if (problem != null) {
      throw new ConfigError(config + ": " + problem);
    }
    return cfg;
  }

  private static void run(String[] args) throws Exception {
    Path config = null;
    Path stateDir = Path.of("/var/lib/baton");
    PuppetDriver.Settings puppet = PuppetDriver.Settings.defaults();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--version", "-V" -> {
          System.out.println("baton agent " + version());
          return;
        }
        case "--config" -> config = Path.of(value(args, ++i));
        case "--state" -> stateDir = Path.of(value(args, ++i));
        case "--puppet" -> puppet = new PuppetDriver.Settings(value(args, ++i), puppet.confdir(), puppet.hostsFile());
        case "--puppet-confdir" -> puppet = new PuppetDriver.Settings(puppet.bin(), Path.of(value(args, ++i)),
            puppet.hostsFile());
        case "--hosts-file" -> {
          String h = value(args, ++i);
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
    AgentConfig cfg = readConfig(config);
    Files.createDirectories(stateDir);
    // a small node-side process: few threads, no clustering
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2));
    Agent agent = new Agent(vertx, cfg, new AgentState(stateDir), version(), puppet);
    Runtime.getRuntime().addShutdownHook(new Thread(agent::stop));
    agent.start().onFailure(t -> {
      System.err.println("baton-agent: " + t.getMessage());
      System.exit(EXIT_CONFIG);
    });
  }

  private static String value(String[] args, int i) throws ConfigError {
    if (i >= args.length) {
      throw new ConfigError(args[i - 1] + " needs a value");
    }
    return args[i];
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
