package dev.baton.agent;

import dev.baton.agent.bridge.BridgeClient;
import dev.baton.agent.deploy.Deployer;
import dev.baton.agent.evidence.Evidence;
import dev.baton.agent.handoff.CommandRunner;
import dev.baton.agent.handoff.PuppetDriver;
import dev.baton.agent.state.AgentState;
import dev.baton.common.bus.Addresses;
import dev.baton.common.crypto.Csrs;
import dev.baton.common.crypto.Fingerprints;
import dev.baton.common.crypto.Pem;
import dev.baton.common.msg.AgentConfig;
import dev.baton.common.msg.CommandResult;
import dev.baton.common.msg.Hello;
import dev.baton.common.msg.NodeCommand;
import dev.baton.common.msg.Registration;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The node-side agent. Registers once with its join token and evidence, keeps the identity the
 * controller issues, then stays connected with that identity (mutual TLS): listens on its own
 * address, says hello, runs the hand-off commands it is sent. Reconnects with exponential
 * backoff and jitter, trying every controller endpoint in turn. A restarted agent uses the
 * identity it kept and never presents its (single-use) token again.
 */
public final class Agent {
  private static final Logger LOG = Logger.getLogger("baton.agent");
  private static final long MAX_BACKOFF = 30_000;

  private final Vertx vertx;
  private final AgentConfig config;
  private final AgentState state;
  private final CommandRunner runner;
  private final PuppetDriver puppet;
  private final dev.baton.agent.handoff.Facts facts;
  private final Deployer deployer;
  private final SecureRandom random = new SecureRandom();
  private final String version;
  private int attempt;
  private int endpoint;
  private BridgeClient session;
  private volatile boolean stopped;

  public Agent(Vertx vertx, AgentConfig config, AgentState state, String version) {
    this(vertx, config, state, version, PuppetDriver.Settings.defaults());
  }

  public Agent(Vertx vertx, AgentConfig config, AgentState state, String version, PuppetDriver.Settings puppet) {
    this.vertx = vertx;
    this.config = config;
    this.state = state;
    this.runner = new CommandRunner(state.dir());
    this.puppet = new PuppetDriver(puppet, runner, state.dir());
    this.version = version;
    this.facts = new dev.baton.agent.handoff.Facts(version);
    this.deployer = new Deployer(state.dir(), config.caPem(), runner);
    // several controllers (a cluster): agents start at a random one, so they spread, and fail over to the next
    this.endpoint = config.endpoints().size() > 1 ? random.nextInt(config.endpoints().size()) : 0;
  }

  /** Checks the pinned CA and starts; the future completes once the first session is up. */
  public Future<Void> start() {
    String fingerprint = Fingerprints.sha256(Pem.certificate(config.caPem()));
    if (config.caSha256() != null && !config.caSha256().equalsIgnoreCase(fingerprint)) {
      return Future.failedFuture("the controller CA certificate does not match its pinned fingerprint "
          + config.caSha256());
    }
    io.vertx.core.Promise<Void> up = io.vertx.core.Promise.promise();
    loop(up);
    return up.future();
  }

  public void stop() {
    stopped = true;
    if (session != null) {
      session.close();
    }
  }

  private void loop(io.vertx.core.Promise<Void> up) {
    if (stopped) {
      return;
    }
    String ep = config.endpoints().get(endpoint % config.endpoints().size());
    Future<AgentState.Identity> identity;
    try {
      identity = state.identity().map(Future::succeededFuture).orElseGet(() -> register(ep));
    } catch (java.io.IOException | RuntimeException e) {
      // one line and a retry, never a stack trace: the state directory or the metadata may come good
      identity = Future.failedFuture(e.getMessage() == null ? e.toString() : e.getMessage());
    }
    identity.compose(id -> connect(ep, id)).onComplete(ar -> {
      if (ar.succeeded()) {
        attempt = 0;
        up.tryComplete();
        return;
      }
      String why = ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage();
      LOG.warning("agent: " + ep + ": " + why + "; retrying");
      endpoint++;
      retryLater(up);
    });
  }

  private void retryLater(io.vertx.core.Promise<Void> up) {
    long delay = new dev.baton.common.time.Backoff(500, MAX_BACKOFF, 200, true).delay(attempt++, random::nextDouble);
    vertx.setTimer(delay, id -> loop(up));
  }

  private Future<AgentState.Identity> register(String ep) {
    BridgeClient c = new BridgeClient(vertx, config.caPem(), null, null);
    return Evidence.collect(vertx, config).compose(proof -> vertx.executeBlocking(() -> {
      var keys = state.keys();
      String csr = Csrs.create(keys, proof.instanceId(), Map.of(), null);
      return new Registration.Request(config.token(), config.evidence(), proof.instanceId(), csr, proof.document(),
          proof.signature(), version);
    }, false)).compose(req -> c.connect(ep).compose(v -> c.request(Addresses.REGISTER, req.toJson(), 60_000)))
        .compose(body -> vertx.executeBlocking(() -> {
          Registration.Response r = Registration.Response.fromJson(body);
          AgentState.Identity id = new AgentState.Identity(r.nodeId(), r.name(), r.certificate());
          state.saveIdentity(id);
          LOG.info("agent: registered as node " + r.nodeId() + " (" + r.name() + ")");
          return id;
        }, false))
        .andThen(ar -> c.close());
  }

  private Future<Void> connect(String ep, AgentState.Identity id) {
    String keyPem;
    try {
      keyPem = state.keyPem();
    } catch (java.io.IOException e) {
      return Future.failedFuture(e);
    }
    BridgeClient c = new BridgeClient(vertx, config.caPem(), id.certificatePem(), keyPem);
    return c.connect(ep).map(v -> {
      session = c;
      String in = Addresses.nodeIn(id.nodeId());
      c.onMessage(m -> handle(c, m));
      c.register(in);
      c.send(Addresses.nodeOut(id.nodeId()), new Hello(version).toJson());
      long ping = vertx.setPeriodic(20_000, t -> c.ping());
      c.onClose(x -> {
        vertx.cancelTimer(ping);
        if (!stopped) {
          LOG.warning("agent: connection to " + ep + " closed; reconnecting");
          retryLater(io.vertx.core.Promise.promise());
        }
      });
      LOG.info("agent: connected to " + ep + " as node " + id.nodeId());
      renewIfDue(c, id);
      return null;
    });
  }

  /** How long before its identity certificate expires the agent asks for a new one ({@code -Dbaton.agent.renew-before-days}). */
  static final java.time.Duration RENEW_BEFORE = java.time.Duration.ofDays(dev.baton.common.settings.Settings.AGENT_RENEW_BEFORE_DAYS.get());

  /**
   * Asks the controller for a new identity certificate for the key it holds when this one expires
   * within {@link #RENEW_BEFORE}: no token is needed (the connection proves the identity); the next
   * connection uses it. A failure is said and asked again at the next connection.
   */
  private void renewIfDue(BridgeClient c, AgentState.Identity id) {
    java.time.Instant expires;
    try {
      expires = Pem.certificate(id.certificatePem()).getNotAfter().toInstant();
    } catch (RuntimeException e) {
      return;
    }
    if (expires.isAfter(java.time.Instant.now().plus(RENEW_BEFORE))) {
      return;
    }
    vertx.executeBlocking(() -> Csrs.create(state.keys(), id.nodeId(), Map.of(), null), false)
        .compose(csr -> c.request(Addresses.RENEW, new JsonObject().put("csr", csr), 60_000))
        .compose(r -> vertx.executeBlocking(() -> {
          state.saveIdentity(new AgentState.Identity(id.nodeId(), id.name(), r.getString("certificate")));
          return r;
        }, false))
        .onSuccess(r -> LOG.info("agent: identity renewed (it expired at " + expires + ")"))
        .onFailure(e -> LOG.warning("agent: could not renew the identity that expires at " + expires + ": "
            + e.getMessage()));
  }

  private void handle(BridgeClient c, JsonObject frame) {
    JsonObject body = frame.getJsonObject("body", new JsonObject());
    String reply = frame.getString("replyAddress");
    NodeCommand command;
    try {
      command = NodeCommand.fromJson(body);
    } catch (IllegalArgumentException e) {
      LOG.warning("agent: ignored " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      // a known type with a value of the wrong type: answered at once, so the controller need not wait it out
      LOG.warning("agent: refused a " + body.getValue("type") + " message: " + e);
      if (reply != null) {
        c.send(reply, PuppetDriver.failed(new IllegalArgumentException("agent: malformed "
            + body.getValue("type") + " message: " + e.getMessage())).toJson());
      }
      return;
    }
    java.util.concurrent.Callable<CommandResult> work = work(command);
    LOG.info("agent: " + command.type() + " for " + command.step());
    vertx.executeBlocking(work, false).onComplete(ar -> {
      if (reply != null) {
        c.send(reply, (ar.succeeded() ? ar.result() : PuppetDriver.failed(ar.cause())).toJson());
      }
    });
  }

  /** What a command does here (blocking: run on a worker). */
  private java.util.concurrent.Callable<CommandResult> work(NodeCommand command) {
    int timeout = command.timeoutSeconds();
    if (command instanceof NodeCommand.Run r) {
      return () -> runner.run(r.command(), timeout);
    } else if (command instanceof NodeCommand.PuppetConfigure p) {
      return () -> puppet.configure(p);
    } else if (command instanceof NodeCommand.PuppetSubmit) {
      return () -> puppet.submit(timeout);
    } else if (command instanceof NodeCommand.PuppetRun p) {
      return () -> puppet.run(p.environment(), timeout);
    } else if (command instanceof NodeCommand.PuppetCsr) {
      return puppet::csr;
    } else if (command instanceof NodeCommand.PuppetInstall p) {
      return () -> puppet.install(p.certPem());
    } else if (command instanceof NodeCommand.Deploy d) {
      return () -> deployer.deploy(d);
    } else if (command instanceof NodeCommand.DeployRollback d) {
      return () -> deployer.rollback(d);
    } else {
      return facts::collect; // NodeCommand.Facts: the interface is sealed, nothing else is left
    }
  }

}
