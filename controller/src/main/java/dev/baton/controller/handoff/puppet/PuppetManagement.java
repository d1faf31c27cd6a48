package dev.baton.controller.handoff.puppet;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.store.AtomicFiles;
import dev.baton.controller.handoff.ConfigManagement;
import dev.baton.controller.handoff.Handoff;
import dev.baton.controller.handoff.HandoffStore;
import dev.baton.controller.registry.NodeState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * {@code puppet}: CHOOSE_MASTER, CONFIGURE_NODE, CLEAN_CERTS, SIGN, BOOTSTRAP_RUN, FINAL_RUN.
 *
 * <ul>
 *   <li>CHOOSE_MASTER: a healthy master in the node's zone, else region, else any; least loaded.
 *   <li>CONFIGURE_NODE: the agent points Puppet at it (server, certname, the master's CA and CRL
 *       pinned, /etc/hosts when it has an address) and writes {@code csr_attributes.yaml} with
 *       {@code pp_instance_id}, {@code pp_uuid}, {@code pp_role} and a nonce issued now as the
 *       challengePassword.
 *   <li>CLEAN_CERTS: the certname is revoked and removed on every master (a master that is down
 *       is cleaned as soon as it is healthy again).
 *   <li>SIGN: the agent files its request; it is signed only if its name, instance ID, UUID and
 *       nonce are this node's and this hand-off's. Anything else is refused and left unsigned.
 *   <li>BOOTSTRAP_RUN, FINAL_RUN: {@code puppet agent --test} in the bootstrap environment, then
 *       the node's; exit codes 0 and 2 succeed, anything else fails with the run's summary.
 * </ul>
 * If the node's master stops answering its health check mid-way, the hand-off starts over with
 * another master.
 */
public final class PuppetManagement implements ConfigManagement {
  private static final Logger LOG = Logger.getLogger("baton.puppet");
  /** Seconds a Puppet run may take. */
  public static final int RUN_TIMEOUT = dev.baton.common.settings.Settings.PUPPET_RUN_TIMEOUT.get();

  private final PuppetMasters masters;
  private final HandoffStore store;
  private final EmbeddedPuppetCa embedded;
  private final SecureRandom random = new SecureRandom();

  public PuppetManagement(PuppetMasters masters, HandoffStore store) {
    this(masters, store, null);
  }

  /** @param embedded the controller's own Puppet CA, for masters marked {@code ca: embedded}, or null */
  public PuppetManagement(PuppetMasters masters, HandoffStore store, EmbeddedPuppetCa embedded) {
    this.masters = masters;
    this.store = store;
    this.embedded = embedded;
  }

  @Override
  public String kind() {
    return "puppet";
  }

  @Override
  public List<NodeState> phases(Handoff h) {
    List<NodeState> p = new ArrayList<>(List.of(NodeState.CHOOSE_MASTER, NodeState.CONFIGURE_NODE,
        NodeState.CLEAN_CERTS, NodeState.SIGN));
    String bootstrap = puppet(h).getString("bootstrap_environment", "bootstrap");
    if (bootstrap != null && !bootstrap.isBlank()) {
      p.add(NodeState.BOOTSTRAP_RUN);
    }
    p.add(NodeState.FINAL_RUN);
    return p;
  }

  @Override
  public Duration deadline(NodeState phase) {
    return switch (phase) {
      case BOOTSTRAP_RUN, FINAL_RUN -> Duration.ofSeconds(RUN_TIMEOUT * 2L);
      default -> Duration.ofMinutes(dev.baton.common.settings.Settings.PUPPET_PHASE_DEADLINE_MINUTES.get());
    };
  }

  @Override
  public Future<Void> run(NodeState phase, Handoff h) {
    return switch (phase) {
      case CHOOSE_MASTER -> blocking(h, () -> choose(h));
      case CONFIGURE_NODE -> configure(h);
      case CLEAN_CERTS -> blocking(h, () -> clean(h));
      case SIGN -> sign(h);
      case BOOTSTRAP_RUN -> puppetRun(h, phase, puppet(h).getString("bootstrap_environment", "bootstrap"));
      case FINAL_RUN -> puppetRun(h, phase, puppet(h).getString("environment", "production"));
      default -> Future.failedFuture(new IllegalStateException("puppet has no phase " + phase));
    };
  }

  @Override
  public boolean restart(NodeState phase, Handoff h, Throwable failure) {
    if (phase == NodeState.CHOOSE_MASTER || !(failure instanceof BatonException b)
        || b.code() != ErrorCode.UNAVAILABLE && !String.valueOf(b.getMessage()).startsWith(phase + ": puppet exited with 1 ")) {
      return false;
    }
    String name = h.state().getString("master");
    PuppetMasters.Master m = name == null ? null : masters.get(name).orElse(null);
    if (m != null && masters.check(m)) {
      return false; // the master is fine: the failure is the node's (retried, or final)
    }
    h.update(s -> {
      s.put("avoid", s.getJsonArray("avoid", new JsonArray()).add(name));
      s.remove("master");
    });
    LOG.warning(() -> "puppet: node " + h.node().id() + " loses master " + name + " (" + (m == null ? "removed"
        : masters.health(name).map(PuppetMasters.Health::detail).orElse("unhealthy")) + "); choosing another");
    return true;
  }

  @Override
  public void finished(Handoff h, boolean ready) {
    h.update(s -> s.put("finished", true));
  }

  /** Hand-offs in flight on a master. */
  public int load(String master) {
    return store.count(s -> master.equals(s.getString("master")) && !s.getBoolean("finished", false));
  }

  /**
   * Writes the embedded CA's CRL to the {@code crl_file} of each embedded master: always when
   * {@code changed}, else when the file is missing or a day old (the CRL is valid for 30 days).
   */
  public void publishCrls(boolean changed) {
    if (embedded == null) {
      return;
    }
    String crl = null;
    for (PuppetMasters.Master m : masters.all()) {
      if (!m.embedded() || m.crlFile() == null) {
        continue;
      }
      try {
        boolean stale = !java.nio.file.Files.exists(m.crlFile()) || java.nio.file.Files.getLastModifiedTime(m.crlFile())
            .toInstant().isBefore(java.time.Instant.now().minus(Duration.ofDays(1)));
        if (changed || stale) {
          crl = crl == null ? embedded.crlPem() : crl;
          AtomicFiles.write(m.crlFile(), crl, false);
        }
      } catch (java.io.IOException e) {
        LOG.warning(() -> "puppet: cannot write the CRL of " + m.name() + " to " + m.crlFile() + ": " + e.getMessage());
      }
    }
  }

  /**
   * A node is gone for good: its certificates are revoked and removed on every master (those down
   * now are cleaned once they are back). Blocking; nothing to do for a node never handed off to Puppet.
   */
  public void forget(String node) {
    String certname = store.get(node).getString("certname");
    if (certname == null) {
      return;
    }
    if (embedded != null && embedded.clean(certname)) {
      publishCrls(true);
    }
    List<String> deferred = new ArrayList<>();
    for (PuppetMasters.Master m : masters.all()) {
      if (m.embedded()) {
        continue;
      }
      try {
        cleanOn(m, certname);
      } catch (BatonException e) {
        deferred.add(m.name());
      }
    }
    store.update(node, s -> s.put("deferred_clean", new JsonArray(deferred)).put("finished", true));
    LOG.info(() -> "puppet: " + certname + " of node " + node + " is gone: cleaned on every master"
        + (deferred.isEmpty() ? "" : " but " + deferred + " (once they are back)"));
  }

  /** Runs the cleans deferred while a master was down, on those healthy now (blocking). */
  public void cleanDeferred() {
    for (PuppetMasters.Master m : masters.all()) {
      if (masters.health(m.name()).map(PuppetMasters.Health::healthy).orElse(false)) {
        for (String node : store.nodes(s -> s.getJsonArray("deferred_clean", new JsonArray()).contains(m.name()))) {
          String certname = store.get(node).getString("certname");
          try {
            cleanOn(m, certname);
            store.update(node, s -> s.getJsonArray("deferred_clean", new JsonArray()).remove(m.name()));
            LOG.info(() -> "puppet: cleaned " + certname + " on " + m.name() + " (deferred while it was down)");
          } catch (BatonException e) {
            LOG.warning(() -> "puppet: deferred clean of " + certname + " on " + m.name() + ": " + e.getMessage());
          }
        }
      }
    }
  }

  private static JsonObject puppet(Handoff h) {
    return h.settings().getJsonObject("puppet", new JsonObject());
  }

  private static String certname(Handoff h) {
    String c = h.intent().getString("certname");
    return c != null ? c : h.node().name();
  }

  private Future<Void> blocking(Handoff h, Runnable r) {
    return h.vertx().executeBlocking(() -> {
      r.run();
      return null;
    }, false);
  }

  private void choose(Handoff h) {
    Set<String> avoid = new HashSet<>();
    h.state().getJsonArray("avoid", new JsonArray()).forEach(a -> avoid.add(String.valueOf(a)));
    String region = h.intent().getString("region");
    String zone = h.intent().getString("zone");
    PuppetMasters.Master m = masters.choose(region, zone, avoid, this::load)
        .or(() -> avoid.isEmpty() ? java.util.Optional.empty() : masters.choose(region, zone, Set.of(), this::load))
        .orElseThrow(() -> {
          String why = describe();
          // none at all will not appear by waiting: said at once; one that is down may come back: retried
          return new BatonException(masters.all().isEmpty() ? ErrorCode.FAILED_PRECONDITION : ErrorCode.UNAVAILABLE,
              (masters.all().isEmpty() ? "no Puppet master: " : "no healthy Puppet master: ") + why);
        });
    h.update(s -> s.put("master", m.name()).put("certname", certname(h)).put("finished", false));
    LOG.info(() -> "puppet: node " + h.node().id() + " (" + certname(h) + ", zone " + zone + ") goes to " + m.name()
        + " (zone " + m.zone() + ", load " + load(m.name()) + ")");
  }

  private String describe() {
    masters.reload();
    if (masters.all().isEmpty()) {
      return "none is configured" + (masters.file() == null ? "" : " (add them to " + masters.file() + ")")
          + (masters.loadError() == null ? "" : "; the file is refused: " + masters.loadError());
    }
    List<String> parts = new ArrayList<>();
    for (PuppetMasters.Master m : masters.all()) {
      parts.add(m.name() + " " + masters.health(m.name()).map(PuppetMasters.Health::detail).orElse("not checked"));
    }
    return String.join("; ", parts);
  }

  private PuppetMasters.Master master(Handoff h) {
    String name = h.state().getString("master");
    return masters.get(name == null ? "" : name).orElseThrow(() -> new BatonException(ErrorCode.UNAVAILABLE,
        "the node's master " + name + " is no longer configured"));
  }

  private Future<Void> configure(Handoff h) {
    return h.vertx().executeBlocking(() -> {
      PuppetMasters.Master m = master(h);
      byte[] n = new byte[24];
      random.nextBytes(n);
      String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(n);
      h.update(s -> s.put("nonce", nonce));
      JsonObject ext = new JsonObject().put("pp_instance_id", h.node().id()).put("pp_uuid", h.node().uuid());
      String role = puppet(h).getString("role");
      if (role != null) {
        ext.put("pp_role", role);
      }
      return new JsonObject().put("type", "puppet_configure").put("phase", NodeState.CONFIGURE_NODE.name())
          .put("server", m.host()).put("port", m.port()).put("address", m.address()).put("certname", certname(h))
          .put("ca_pem", m.caPem()).put("crl_pem", m.embedded() ? embedded.crlPem() : m.ca().crl())
          .put("challenge", nonce).put("extensions", ext);
    }, false).compose(msg -> h.request(msg, 120)).compose(res -> exit0(NodeState.CONFIGURE_NODE, res));
  }

  private void clean(Handoff h) {
    String certname = certname(h);
    if (embedded != null && embedded.clean(certname)) {
      publishCrls(true);
    }
    // every master at once; one that does not answer is cleaned once it is back
    List<PuppetMasters.Master> api = masters.all().stream().filter(m -> !m.embedded()).toList();
    List<java.util.concurrent.CompletableFuture<String>> calls = api.stream().map(m ->
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            cleanOn(m, certname);
            return null;
          } catch (BatonException e) {
            if (e.code() != ErrorCode.UNAVAILABLE) {
              throw e;
            }
            LOG.warning(() -> "puppet: " + m.name() + " is down (" + e.getMessage() + "); " + certname
                + " is cleaned there once it is back");
            return m.name();
          }
        }, CLEANERS)).toList();
    List<String> deferred = new ArrayList<>();
    for (var c : calls) {
      try {
        String d = c.join();
        if (d != null) {
          deferred.add(d);
        }
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof BatonException b ? b : new IllegalStateException(e.getCause());
      }
    }
    h.update(s -> s.put("deferred_clean", new JsonArray(deferred)));
  }

  private static final java.util.concurrent.ExecutorService CLEANERS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "puppet-clean");
    t.setDaemon(true);
    return t;
  });

  /** Revokes and deletes every certificate and request of {@code certname} on one master. */
  private static void cleanOn(PuppetMasters.Master m, String certname) {
    m.ca().clean(List.of(certname));
    if (m.ca().state(certname).isPresent()) {
      m.ca().delete(certname);
    }
  }

  private Future<Void> sign(Handoff h) {
    PuppetMasters.Master chosen;
    try {
      chosen = master(h);
    } catch (BatonException e) {
      return Future.failedFuture(e);
    }
    return (chosen.embedded() ? signEmbedded(h) : signThroughCa(h)).recover(err -> Future.failedFuture(
        err instanceof BatonException b && b.code() == ErrorCode.PERMISSION_DENIED
            ? new BatonException(ErrorCode.PERMISSION_DENIED, "SIGN refused: " + err.getMessage().replaceFirst("^puppet: ", ""))
            : err));
  }

  /** Embedded CA: the node sends its request over the bridge; the controller checks and signs it; the node installs the certificate. */
  private Future<Void> signEmbedded(Handoff h) {
    JsonObject ask = new JsonObject().put("type", "puppet_csr").put("phase", NodeState.SIGN.name());
    return h.request(ask, 120).compose(res -> {
      if (res.getInteger("exit_code", -1) != 0 || res.getString("csr_pem") == null) {
        return Future.failedFuture(new BatonException(ErrorCode.UNAVAILABLE, "the node could not make its request:"
            + lastLine(res.getString("output", ""))));
      }
      return h.vertx().executeBlocking(() -> {
        String certname = certname(h);
        String cert = embedded.sign(res.getString("csr_pem"), new PuppetCa.Expected(certname, h.node().id(),
            h.node().uuid(), h.state().getString("nonce")));
        LOG.info(() -> "puppet: the embedded CA signed " + certname + " for instance " + h.node().id());
        return cert;
      }, false);
    }).compose(cert -> h.request(new JsonObject().put("type", "puppet_install").put("phase", NodeState.SIGN.name())
        .put("cert_pem", cert), 120)).compose(res -> exit0(NodeState.SIGN, res));
  }

  private Future<Void> signThroughCa(Handoff h) {
    JsonObject msg = new JsonObject().put("type", "puppet_submit").put("phase", NodeState.SIGN.name())
        .put("timeout_seconds", 300);
    return h.request(msg, 300).compose(res -> {
      if (res.getInteger("exit_code", -1) != 0) {
        return Future.failedFuture(new BatonException(ErrorCode.UNAVAILABLE, "the node could not file its request:"
            + lastLine(res.getString("output", ""))));
      }
      return h.vertx().<Void>executeBlocking(() -> {
        JsonObject s = h.state();
        PuppetMasters.Master m = master(h);
        String certname = certname(h);
        if (m.ca().state(certname).isEmpty()) {
          List<String> waiting = m.ca().requested().stream().map(r -> r.getString("name")).toList();
          throw BatonException.denied("no certificate request was filed under " + certname + " on " + m.name()
              + " (requests waiting there: " + (waiting.isEmpty() ? "none" : String.join(", ", waiting)) + ")");
        }
        m.ca().signAttested(new PuppetCa.Expected(certname, h.node().id(), h.node().uuid(), s.getString("nonce")));
        LOG.info(() -> "puppet: signed " + certname + " on " + m.name() + " for instance " + h.node().id());
        return null;
      }, false);
    });
  }

  private Future<Void> puppetRun(Handoff h, NodeState phase, String environment) {
    JsonObject msg = new JsonObject().put("type", "puppet_run").put("phase", phase.name())
        .put("environment", environment).put("timeout_seconds", RUN_TIMEOUT);
    return h.request(msg, RUN_TIMEOUT).compose(res -> {
      int code = res.getInteger("exit_code", -1);
      String summary = RunSummary.line(res.getString("summary"));
      h.update(s -> s.put("runs", s.getJsonObject("runs", new JsonObject()).put(phase.name(),
          new JsonObject().put("environment", environment).put("exit_code", code).put("summary", summary)
              .put("millis", res.getLong("millis")).put("master", s.getString("master")))));
      if (code == 0 || code == 2) {
        return Future.<Void>succeededFuture();
      }
      String error = firstError(res.getString("output", ""));
      return Future.<Void>failedFuture(new BatonException(ErrorCode.FAILED_PRECONDITION,
          phase + ": puppet exited with " + code + " (" + summary + ")" + error));
    });
  }

  /** The run's telling error: one about a resource, else any but Facter's noise, else the last line. */
  static String firstError(String output) {
    List<String> errors = output.lines().map(l -> l.replaceAll("\u001B\\[[0-9;]*m", "").strip())
        .filter(l -> l.startsWith("Error:")).toList();
    return errors.stream().filter(l -> l.startsWith("Error: /")).findFirst()
        .or(() -> errors.stream().filter(l -> !l.startsWith("Error: Facter:")).findFirst())
        .or(() -> errors.stream().findFirst()).map(l -> "; " + l).orElse(lastLine(output));
  }

  private static Future<Void> exit0(NodeState phase, JsonObject res) {
    if (res.getInteger("exit_code", -1) == 0) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(new BatonException(ErrorCode.FAILED_PRECONDITION, phase + ": the agent answered: "
        + lastLine(res.getString("output", ""))));
  }

  private static String lastLine(String out) {
    return out.isBlank() ? " (no output)" : " " + out.lines().reduce((a, b) -> b).orElse("").strip();
  }
}
