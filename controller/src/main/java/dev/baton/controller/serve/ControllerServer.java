package dev.baton.controller.serve;

import dev.baton.common.crypto.CertificateAuthority;
import dev.baton.common.store.AtomicFiles;
import dev.baton.controller.groups.GroupActions;
import dev.baton.controller.attest.AwsAttestor;
import dev.baton.controller.attest.AwsIdentityVerifier;
import dev.baton.controller.attest.IdentityCheck;
import dev.baton.controller.attest.InstanceDirectory;
import dev.baton.controller.attest.LocalAttestor;
import dev.baton.controller.attest.Registrar;
import dev.baton.controller.attest.TokenStore;
import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.security.Refusals;
import dev.baton.controller.cluster.ClusterSync;
import dev.baton.controller.deploy.Artifacts;
import dev.baton.controller.deploy.DeploymentStore;
import dev.baton.controller.deploy.Deployments;
import dev.baton.controller.fleet.Clouds;
import dev.baton.controller.fleet.LaunchWatch;
import dev.baton.controller.fleet.NodeCleanup;
import dev.baton.controller.groups.NodeNames;
import dev.baton.controller.fleet.NodeUserData;
import dev.baton.controller.fleet.Reconciler;
import dev.baton.controller.fleet.SelfLauncher;
import dev.baton.controller.handoff.HandoffOrchestrator;
import dev.baton.controller.handoff.HandoffStore;
import dev.baton.controller.intent.IntentStore;
import dev.baton.controller.handoff.puppet.EmbeddedPuppetCa;
import dev.baton.controller.handoff.puppet.PuppetManagement;
import dev.baton.controller.handoff.puppet.PuppetMasters;
import dev.baton.controller.handoff.ConfigManagement;
import dev.baton.controller.handoff.ConfigManagements;
import dev.baton.controller.http.AgentDownloads;
import dev.baton.controller.http.ApiServer;
import dev.baton.controller.metrics.Metrics;
import dev.baton.controller.notify.Event;
import dev.baton.controller.notify.HooksFile;
import dev.baton.controller.notify.NodeEvents;
import dev.baton.controller.notify.Outbox;
import dev.baton.controller.provider.local.LocalInstanceDirectory;
import dev.baton.controller.registry.NodeRecord;
import dev.baton.controller.registry.NodeRegistry;
import dev.baton.controller.registry.NodeState;
import dev.baton.controller.schedule.OffHours;
import dev.baton.controller.schedule.ScheduleClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The long-running controller: its CA, the TLS event-bus bridge agents connect to, the
 * registrar, the hand-off orchestration, and the HTTP API. Everything durable is under
 * {@link ControllerHome}; a restart picks up every token and node record.
 */
public final class ControllerServer {
  /** Where it listens. {@code advertise}: HOST:PORT endpoints given to agents (default: bind host). */
  public record Options(Path batonHome, String bindHost, int bridgePort, int apiPort, int downloadPort,
      List<String> advertise, BridgeServer.Limits limits, Path agentJar) {}

  /** Ports actually bound (0 in the options picks free ones). */
  public record Started(int bridgePort, int apiPort, int downloadPort) {}

  private final Vertx vertx;
  private final Options options;
  private final ControllerHome home;
  private final Refusals refusals;
  private CertificateAuthority ca;
  private NodeRegistry registry;
  private TokenStore tokens;
  private BridgeServer bridge;
  private ApiServer api;
  private List<String> endpoints;
  private Outbox outbox;
  private Metrics metrics;
  private int downloadPort;
  private AgentDownloads downloads;

  public ControllerServer(Vertx vertx, Options options) {
    this(vertx, options, new Refusals());
  }

  /** @param refusals where refusals are counted (the cluster's event bus counts its own there too) */
  public ControllerServer(Vertx vertx, Options options, Refusals refusals) {
    this.vertx = vertx;
    this.options = options;
    this.refusals = refusals;
    this.home = ControllerHome.of(options.batonHome());
    this.periodic = new PeriodicWork(vertx, this::leader);
  }

  public Refusals refusals() {
    return refusals;
  }

  public Metrics metrics() {
    return metrics;
  }

  public NodeRegistry registry() {
    return registry;
  }

  public TokenStore tokens() {
    return tokens;
  }

  /** What provision said each node is to become. */
  public IntentStore intents() {
    return intents;
  }

  private HandoffStore handoffs;
  private ConfigManagements managements;
  private HooksFile hooksFile;
  private final PeriodicWork periodic;
  private ClusterManager clusterManager;
  private ClusterSync sync;

  private IntentStore intents;
  private Clouds clouds;
  private NodeCleanup cleanup;
  private Reconciler reconciler;
  private NodeUserData userData;
  private OffHours offHours;
  private DeploymentStore deployStore;
  private dev.baton.controller.access.OperatorTokens operators;
  private dev.baton.controller.access.History history;
  private Deployments deployments;

  /** Makes this controller a member of the cluster {@code manager} belongs to (before {@link #start}). */
  public void cluster(ClusterManager manager) {
    this.clusterManager = manager;
  }

  /** True when this controller runs the cluster-wide periodic work: always when not clustered, else on the oldest member. */
  private boolean leader() {
    return sync == null || sync.leader();
  }

  public CertificateAuthority ca() {
    return ca;
  }

  public ControllerHome home() {
    return home;
  }

  public BridgeServer bridge() {
    return bridge;
  }

  public Future<Started> start() {
    return vertx.executeBlocking(() -> {
      ca = CertificateAuthority.openOrCreate(home.ca(), "Baton controller CA");
      registry = new NodeRegistry(home.nodes(), Instant::now);
      tokens = new TokenStore(home.tokens(), Instant::now);
      tokens.prune();
      handoffs = new HandoffStore(home.handoffs());
      managements = ConfigManagements.load(new ConfigManagement.Context(vertx, home.dir(), handoffs));
      return home.operatorToken();
    }, false).compose(operatorToken -> {
      IntentStore intents = new IntentStore(home.intents());
      hooksFile = new HooksFile(home.hooks(), System::getenv);
      var hookConfig = hooksFile.current();
      outbox = new Outbox(vertx, home.dir().resolve("outbox"), hookConfig.hooks(),
          Outbox.standardNotifiers(vertx), hookConfig.retry(), Instant::now);
      hooksFile.onChange(outbox::reconfigure);
      HandoffOrchestrator handoff = new HandoffOrchestrator(vertx, registry, intents, handoffs, managements.all());
      LocalInstanceDirectory local = new LocalInstanceDirectory(vertx, options.batonHome());
      this.intents = intents;
      clouds = new Clouds(vertx, options.batonHome(), options.agentJar(),
          () -> new SelfLauncher(userData, tokens, registry), local);
      cleanup = new NodeCleanup(vertx, ca, registry, intents, clouds, managements::forget);
      var launches = new LaunchWatch(registry, intents, clouds::directory, Instant::now,
          Duration.ofSeconds(dev.baton.common.settings.Settings.REGISTRATION_DEADLINE_SECONDS.get()));
      registry.listenLocal(this::nodeEvent); // once what it calls (clean-up, outbox) exists
      reconciler = new Reconciler(registry, intents, clouds, cleanup, launches, this::leader);
      periodic.reconcile(reconciler::run);
      periodic.upkeep(leader -> {
        hooksFile.check(); // re-read when it changed, as puppet-masters.yaml is
        managements.upkeep(leader);
        if (leader && deployments != null) {
          deployments.resume(); // a deployment whose controller died, once its lease is gone
        }
      });
      InstanceDirectory noAws = id -> Future.succeededFuture(Optional.empty());
      Registrar registrar = new Registrar(vertx, tokens, List.of(new LocalAttestor(local, local::proves),
          new AwsAttestor(AwsIdentityVerifier.withAwsCertificates(), tokens::find, token -> Clouds.identityPolicy(intents, token),
              token -> clouds.aws(Clouds.cloudOf(intents, token.scope(), token.uuid())).orElse(noAws),
              Instant::now)), ca, registry, refusals, n -> handoff.listen(n.id()));
      registrar.groupNames((token, instance) -> intents.get(IntentStore.key(token.scope(), token.uuid())).map(i -> NodeNames.ofGroupNode(i, token.platform(), token.env(), instance)).orElse(token.name() + "-" + instance));
      ServerCertificate tls = ServerCertificate.issue(ca, options.bindHost(), options.advertise());
      downloads = new AgentDownloads(vertx, options.agentJar());
      bridge = new BridgeServer(vertx, ca, refusals, options.limits());
      bridge.identities((id, cert) -> IdentityCheck.refusal(registry, id, cert));
      metrics = new Metrics(registry, refusals, outbox);
      operators = new dev.baton.controller.access.OperatorTokens(home.dir().resolve("operators.json"), operatorToken,
          Instant::now);
      history = new dev.baton.controller.access.History(home.dir().resolve("history.jsonl"));
      api = new ApiServer(vertx, operators, history, registry, tokens, intents, refusals, this::bootstrap, outbox, metrics);
      api.handoffs(handoffs::get);
      userData = new NodeUserData(tokens, registry, intents, this::bootstrap);
      api.userData(userData);
      api.actions(new GroupActions(vertx, registry));
      deployStore = new DeploymentStore(home.dir().resolve("deployments.json"));
      Artifacts archives = new Artifacts(home.dir().resolve("artifacts"), new S3Archives());
      metrics.artifactTraffic(archives::fetchedBytes, downloads::servedBytes, downloads::servedArchives);
      deployments = new Deployments(vertx, registry, deployStore, archives,
          this::artifactBase, DeployWiring.events(outbox), options.advertise().isEmpty() ? options.bindHost()
          : options.advertise().get(0), DeployWiring.traffic(clouds, intents));
      api.deployments(deployments);
      handoff.endWith(deployments::handoffSteps);
      downloads.artifacts(deployments::artifact, refusals);
      offHours = new OffHours(home.dir().resolve("schedules.json"), clouds::of,
          (type, customer, platform, env, data) -> outbox.enqueue(Event.of(type, platform,
              customer, env, data)));
      api.schedules(b -> offHours.register(b, ScheduleClock.now()),
          () -> offHours.list(ScheduleClock.now()));
      periodic.schedule(() -> offHours.tick(ScheduleClock.now()));
      api.puppetCa(embeddedPuppetCa());
      // a node record that arrives from another controller of the cluster: its agent may connect here next
      registry.listen((before, after) -> {
        if (after.state() != NodeState.TERMINATED
            && after.state() != NodeState.FAILED
            && after.state() != NodeState.READY) {
          handoff.listen(after.id());
        }
      });
      handoff.resumeAll();
      String certPem = tls.certPem();
      String keyPem = tls.keyPem();
      Future<Void> joined = Future.succeededFuture();
      if (clusterManager != null) {
        List<String> own = options.advertise().isEmpty() ? List.of((options.bindHost().equals("0.0.0.0") ? "127.0.0.1"
            : options.bindHost()) + ":" + options.bridgePort()) : options.advertise();
        sync = new ClusterSync(vertx, clusterManager, own, List.of(registry, tokens,
            handoffs, intents, offHours, deployStore, operators, history));
        api.cluster(() -> new JsonObject().put("member", sync.memberId()).put("members", sync.members())
            .put("leader", sync.leader()).put("endpoints", new JsonArray(sync.endpoints())), "at " + String.join(", ", own));
        // in sync with the others before any agent can connect here
        joined = sync.start().onSuccess(v -> handoff.resumeAll());
      }
      return joined.compose(v -> outbox.start()).compose(v -> registrar.start())
          .compose(v -> PortInUse.said(bridge.listen(options.bindHost(), options.bridgePort(), certPem, keyPem), "bridge",
              options.bindHost(), options.bridgePort(), "--bridge-port"))
          .compose(bridgePort -> PortInUse.said(downloads.listen(options.bindHost(), options.downloadPort(), certPem, keyPem),
              "agent download", options.bindHost(),
              options.downloadPort(), "--download-port").compose(dl -> {
            // what the API's bootstrap answers is known before the API listens (it answered 500 in between)
            downloadPort = dl;
            endpoints = options.advertise().isEmpty()
                ? List.of((options.bindHost().equals("0.0.0.0") ? "127.0.0.1" : options.bindHost()) + ":" + bridgePort)
                : options.advertise();
            return PortInUse.said(api.listen(apiHost(), options.apiPort()), "API", apiHost(), options.apiPort(), "--api-port")
                .map(apiPort -> new Started(bridgePort, apiPort, dl));
          }));
    }).compose(started -> {
      JsonObject runtime = new JsonObject().put("pid", ProcessHandle.current().pid()).put("api_port", started.apiPort())
          .put("api_host", apiHost()).put("bridge_port", started.bridgePort()).put("download_port", started.downloadPort())
          .put("endpoints", new JsonArray(endpoints))
          .put("started", Instant.now().toString());
      // in the background: the registration path's signatures compiled before the first agents come
      vertx.executeBlocking(() -> CertificateAuthority.warmUp(WARM_UP_ROUNDS), false)
          .onSuccess(ms -> Logger.getLogger("baton.controller").fine("signatures warmed up in " + ms + " ms"));
      return vertx.executeBlocking(() -> {
        AtomicFiles.write(home.runtime(), runtime.encodePrettily(), false);
        return started;
      }, false).onSuccess(s -> {
        if (leader()) {
          deployments.resume(); // a deployment this controller ran when it stopped goes on
        }
      });
    });
  }

  /** Rounds of the start's warm-up (a CSR checked, a certificate issued): ~0.4 s of one core. */
  static final int WARM_UP_ROUNDS = dev.baton.common.settings.Settings.WARM_UP_ROUNDS.get();


  /** Reconciles once now (tests; the timer does it every 30 s). */
  public void reconcileNow() {
    reconciler.run();
  }

  public OffHours offHours() {
    return offHours;
  }


  public Outbox outbox() {
    return outbox;
  }


  /** What follows a node's change here: its clean-up or DNS record, and the hooks' event. */
  private void nodeEvent(NodeRecord before, NodeRecord after) {
    if (NodeEvents.entered(before, after, NodeState.TERMINATED)) {
      cleanup.gone(after);
    }
    if (NodeEvents.entered(before, after, NodeState.READY)) {
      cleanup.ready(after);
    }
    var event = NodeEvents.of(before, after);
    if (event != null) {
      outbox.enqueue(event);
    }
  }

  private String apiHost() {
    return "127.0.0.1";
  }

  /** Where nodes fetch application archives: this controller's download port, at the address they reach it by. */
  private String artifactBase() {
    String agentUrl = bootstrap().getString("agent_url");
    return agentUrl.substring(0, agentUrl.indexOf("/agent/")) + "/deploy/artifacts";
  }

  /** Who changed what through this controller (and the others of its cluster). */
  public dev.baton.controller.access.History history() {
    return history;
  }

  public Deployments deployments() {
    return deployments;
  }

  /** What a node needs to reach and trust the controller (no secret). */
  public JsonObject bootstrap() {
    String host = endpoints.get(0).substring(0, endpoints.get(0).lastIndexOf(':'));
    // in a cluster, every live controller: an agent fails over to the others
    List<String> all = sync != null ? sync.endpoints() : endpoints;
    return new JsonObject().put("ca_pem", ca.certificatePem()).put("ca_sha256", ca.fingerprint())
        .put("endpoints", new JsonArray(new ArrayList<>(all)))
        .put("agent_url", "https://" + host + ":" + downloadPort + "/agent/baton-agent.jar")
        .put("download_port", downloadPort)
        .put("agent_sha256", downloads.sha256());
  }

  public HandoffStore handoffs() {
    return handoffs;
  }

  /** The embedded Puppet CA, or null when this controller has no Puppet hand-off. */
  public EmbeddedPuppetCa embeddedPuppetCa() {
    return managements.find(PuppetManagement.class).map(PuppetManagement::embeddedCa).orElse(null);
  }

  public PuppetMasters puppetMasters() {
    return managements.find(PuppetManagement.class).map(PuppetManagement::masters).orElse(null);
  }

  public Future<Void> stop() {
    periodic.stop();
    List<Future<Void>> all = new ArrayList<>();
    if (bridge != null) {
      all.add(bridge.close());
    }
    if (api != null) {
      all.add(api.close());
    }
    if (downloads != null) {
      all.add(downloads.close());
    }
    if (outbox != null) {
      outbox.stop();
    }
    return Future.join(all).mapEmpty();
  }
}
