package dev.baton.controller.handoff.puppet;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.msg.NodeCommand;
import dev.baton.common.settings.Settings;
import dev.baton.controller.handoff.ConfigManagement;
import dev.baton.controller.handoff.Handoff;
import dev.baton.controller.handoff.HandoffStep;
import dev.baton.controller.handoff.HandoffStore;
import dev.baton.controller.handoff.StepFailure;
import dev.baton.controller.intent.HandoffIntent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
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
 *       is cleaned as soon as it is healthy again; {@link PuppetCertificates}).
 *   <li>SIGN: the agent files its request; it is signed only if its name, instance ID, UUID and
 *       nonce are this node's and this hand-off's ({@link PuppetSigning}).
 *   <li>BOOTSTRAP_RUN, FINAL_RUN: {@code puppet agent --test} in the bootstrap environment, then
 *       the node's; exit codes 0 and 2 succeed, anything else fails with the run's summary.
 * </ul>
 * If the node's master stops answering its health check mid-way (a step after CHOOSE_MASTER
 * fails for a passing reason, or a run exits 1, Puppet's "could not reach the master"), the
 * hand-off starts over with another master.
 */
public final class PuppetManagement implements ConfigManagement {
  private static final Logger LOG = Logger.getLogger("baton.puppet");
  /** Seconds a Puppet run may take. */
  public static final int RUN_TIMEOUT = Settings.PUPPET_RUN_TIMEOUT.get();
  /** The steps that are Puppet runs: exit 1 is Puppet's "the run could not complete" (often: the master is gone). */
  private static final Set<String> RUNS = Set.of("BOOTSTRAP_RUN", "FINAL_RUN");

  private final PuppetMasters masters;
  private final HandoffStore store;
  private final EmbeddedPuppetCa embedded;
  private final PuppetCertificates certificates;
  private final PuppetSigning signing;
  private final SecureRandom random = new SecureRandom();

  public PuppetManagement(PuppetMasters masters, HandoffStore store) {
    this(masters, store, null);
  }

  /** @param embedded the controller's own Puppet CA, for masters marked {@code ca: embedded}, or null */
  public PuppetManagement(PuppetMasters masters, HandoffStore store, EmbeddedPuppetCa embedded) {
    this.masters = masters;
    this.store = store;
    this.embedded = embedded;
    this.certificates = new PuppetCertificates(masters, store, embedded);
    this.signing = new PuppetSigning(embedded);
  }

  /** Found by {@link java.util.ServiceLoader}: the masters of {@code puppet-masters.yaml} and the embedded CA in the home. */
  public static final class Factory implements ConfigManagement.Factory {
    @Override
    public ConfigManagement create(Context c) {
      EmbeddedPuppetCa ca = new EmbeddedPuppetCa(c.home().resolve("puppet-ca"));
      // masters found in a cloud by their tags: the cloud's provider offers the search (AWS: EC2)
      PuppetMasters.Discoverer discoverer = java.util.ServiceLoader.load(PuppetMasters.Discoverer.class,
          PuppetManagement.class.getClassLoader()).findFirst().orElse(null);
      PuppetMasters masters = new PuppetMasters(c.home().resolve("puppet-masters.yaml"), ca, discoverer);
      PuppetManagement m = new PuppetManagement(masters, c.store(), ca);
      m.certificates.publishCrls(false);
      return m;
    }
  }

  @Override
  public String kind() {
    return "puppet";
  }

  public PuppetMasters masters() {
    return masters;
  }

  /** The controller's own Puppet CA, or null. */
  public EmbeddedPuppetCa embeddedCa() {
    return embedded;
  }

  @Override
  public List<HandoffStep> steps(Handoff h) {
    Duration deadline = Duration.ofMinutes(Settings.PUPPET_PHASE_DEADLINE_MINUTES.get());
    Duration runs = Duration.ofSeconds(RUN_TIMEOUT * 2L);
    HandoffStep.Recovery masterLost = this::masterLost;
    List<HandoffStep> p = new ArrayList<>(List.of(
        HandoffStep.of("CHOOSE_MASTER", deadline, x -> blocking(x, () -> choose(x))),
        HandoffStep.of("CONFIGURE_NODE", deadline, this::configure).recovering(masterLost),
        HandoffStep.of("CLEAN_CERTS", deadline, x -> blocking(x, () -> clean(x))).recovering(masterLost),
        HandoffStep.of(PuppetSigning.STEP, deadline, this::sign).recovering(masterLost)));
    HandoffIntent.Puppet puppet = puppet(h);
    if (puppet.bootstraps()) {
      p.add(HandoffStep.of("BOOTSTRAP_RUN", runs, x -> puppetRun(x, "BOOTSTRAP_RUN", puppet.bootstrapEnvironment()))
          .recovering(masterLost));
    }
    String environment = puppet.environment();
    p.add(HandoffStep.of("FINAL_RUN", runs, x -> puppetRun(x, "FINAL_RUN", environment)).recovering(masterLost));
    return p;
  }

  /**
   * After a step past CHOOSE_MASTER failed for a passing reason, or a run exited 1: when the
   * node's master is no longer healthy, it is avoided and the hand-off starts over. Blocking.
   */
  private HandoffStep.Next masterLost(Handoff h, Throwable failure) {
    boolean unreachable = failure instanceof StepFailure f && f.exitCode() == 1 && RUNS.contains(f.step());
    if (!HandoffStep.retryable(failure) && !unreachable) {
      return HandoffStep.RETRY_UNAVAILABLE.after(h, failure);
    }
    String name = h.state().getString("master");
    PuppetMasters.Master m = name == null ? null : masters.get(name).orElse(null);
    if (m != null && masters.check(m)) {
      return HandoffStep.RETRY_UNAVAILABLE.after(h, failure); // the master is fine: the failure is the node's
    }
    h.update(s -> {
      s.put("avoid", s.getJsonArray("avoid", new JsonArray()).add(name));
      s.remove("master");
    });
    LOG.warning(() -> "puppet: node " + h.node().id() + " loses master " + name + " (" + (m == null ? "removed"
        : masters.health(name).map(PuppetMasters.Health::detail).orElse("unhealthy")) + "); choosing another");
    return HandoffStep.Next.RESTART;
  }

  @Override
  public void finished(Handoff h, boolean ready) {
    h.update(s -> s.put("finished", true));
  }

  @Override
  public void forget(String nodeId) {
    certificates.forget(nodeId);
  }

  /** Every health interval: the masters checked, cleans deferred while one was down (leader), the CRL kept fresh. */
  @Override
  public void upkeep(boolean leader) {
    masters.checkAll();
    if (leader) {
      certificates.cleanDeferred();
    }
    certificates.publishCrls(false);
  }

  /** Hand-offs in flight on a master. */
  public int load(String master) {
    return store.count(s -> master.equals(s.getString("master")) && !s.getBoolean("finished", false));
  }

  private static HandoffIntent.Puppet puppet(Handoff h) {
    return h.settings().puppetOrDefaults();
  }

  private static String certname(Handoff h) {
    String c = h.intent().certname();
    return c != null ? c : h.node().name();
  }

  private static Future<Void> blocking(Handoff h, Runnable r) {
    return h.vertx().executeBlocking(() -> {
      r.run();
      return null;
    }, false);
  }

  private void choose(Handoff h) {
    Set<String> avoid = new HashSet<>();
    h.state().getJsonArray("avoid", new JsonArray()).forEach(a -> avoid.add(String.valueOf(a)));
    String region = h.intent().region();
    String zone = h.intent().zone();
    PuppetMasters.Master m = masters.choose(region, zone, avoid, this::load)
        .or(() -> avoid.isEmpty() ? Optional.empty() : masters.choose(region, zone, Set.of(), this::load))
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
    Callable<NodeCommand> ask = () -> {
      PuppetMasters.Master m = master(h);
      byte[] n = new byte[24];
      random.nextBytes(n);
      String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(n);
      h.update(s -> s.put("nonce", nonce));
      Map<String, String> ext = new LinkedHashMap<>();
      ext.put("pp_instance_id", h.node().id());
      ext.put("pp_uuid", h.node().uuid());
      String role = puppet(h).role();
      if (role != null) {
        ext.put("pp_role", role);
      }
      return new NodeCommand.PuppetConfigure("CONFIGURE_NODE", m.host(), m.port(), m.address(), certname(h), m.caPem(),
          m.embedded() ? embedded.crlPem() : m.ca().crl(), nonce, ext);
    };
    return h.vertx().executeBlocking(ask, false).compose(h::request)
        .compose(res -> PuppetSigning.exit0("CONFIGURE_NODE", res));
  }

  private void clean(Handoff h) {
    List<String> deferred = certificates.cleanEverywhere(certname(h));
    h.update(s -> s.put("deferred_clean", new JsonArray(deferred)));
  }

  private Future<Void> sign(Handoff h) {
    return signing.sign(h, () -> master(h), certname(h));
  }

  private Future<Void> puppetRun(Handoff h, String step, String environment) {
    return h.request(new NodeCommand.PuppetRun(step, environment, RUN_TIMEOUT)).compose(res -> {
      int code = res.exitCode();
      String summary = RunSummary.line(res.summary());
      h.update(s -> s.put("runs", s.getJsonObject("runs", new JsonObject()).put(step,
          new JsonObject().put("environment", environment).put("exit_code", code).put("summary", summary)
              .put("millis", res.millis()).put("master", s.getString("master")))));
      if (code == 0 || code == 2) {
        return Future.<Void>succeededFuture();
      }
      return Future.<Void>failedFuture(StepFailure.exited(step, step + ": puppet exited with " + code + " (" + summary
          + ")" + firstError(res.output()), code));
    });
  }

  /** The run's telling error: one about a resource, else any but Facter's noise, else the last line. */
  static String firstError(String output) {
    List<String> errors = output.lines().map(l -> l.replaceAll("\u001B\\[[0-9;]*m", "").strip())
        .filter(l -> l.startsWith("Error:")).toList();
    return errors.stream().filter(l -> l.startsWith("Error: /")).findFirst()
        .or(() -> errors.stream().filter(l -> !l.startsWith("Error: Facter:")).findFirst())
        .or(() -> errors.stream().findFirst()).map(l -> "; " + l).orElse(PuppetSigning.lastLine(output));
  }
}
