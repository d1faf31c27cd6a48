package dev.baton.controller.serve;

import dev.baton.common.crypto.CertificateAuthority;
import dev.baton.common.crypto.Keys;
import dev.baton.common.crypto.Pem;
import dev.baton.controller.attest.AwsAttestor;
import dev.baton.controller.attest.AwsIdentityVerifier;
import dev.baton.controller.attest.InstanceDirectory;
import dev.baton.controller.attest.LocalAttestor;
import dev.baton.controller.attest.Registrar;
import dev.baton.controller.attest.TokenStore;
import dev.baton.controller.bridge.BridgeServer;
import dev.baton.controller.bridge.Refusals;
import dev.baton.controller.handoff.HandoffOrchestrator;
import dev.baton.controller.handoff.IntentStore;
import dev.baton.controller.http.ApiServer;
import dev.baton.controller.provider.local.LocalInstanceDirectory;
import dev.baton.controller.registry.NodeRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
  private dev.baton.controller.notify.Outbox outbox;
  private dev.baton.controller.metrics.Metrics metrics;
  private int downloadPort;
  private String agentSha256;
  private io.vertx.core.http.HttpServer downloadServer;

  public ControllerServer(Vertx vertx, Options options) {
    this(vertx, options, new Refusals());
  }

  /** @param refusals where refusals are counted (the cluster's event bus counts its own there too) */
  public ControllerServer(Vertx vertx, Options options, Refusals refusals) {
    this.vertx = vertx;
    this.options = options;
    this.refusals = refusals;
    this.home = ControllerHome.of(options.batonHome());
  }

  public Refusals refusals() {
    return refusals;
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

  private dev.baton.controller.handoff.HandoffStore handoffs;
  private dev.baton.controller.handoff.puppet.PuppetMasters puppetMasters;
  private dev.baton.controller.handoff.puppet.EmbeddedPuppetCa embeddedPuppetCa;
  private dev.baton.controller.handoff.puppet.PuppetManagement puppet;
  private dev.baton.controller.notify.HooksFile hooksFile;
  private long healthTimer = -1;
  private long reconcileTimer = -1;
  private long scheduleTimer = -1;
  private io.vertx.core.spi.cluster.ClusterManager clusterManager;
  private dev.baton.controller.cluster.ClusterSync sync;

  private IntentStore intents;
  private InstanceDirectory localDirectory;
  private dev.baton.controller.fleet.LaunchWatch launches;
  /** Clean-ups after terminated nodes under way (certificates, DNS record), by node: a lifecycle hook waits for them. */
  private final java.util.Map<String, Future<Void>> cleanups = new java.util.concurrent.ConcurrentHashMap<>();
  private dev.baton.controller.schedule.OffHours offHours;
  private final java.util.concurrent.atomic.AtomicBoolean reconciling = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicBoolean checking = new java.util.concurrent.atomic.AtomicBoolean();

  /** Makes this controller a member of the cluster {@code manager} belongs to (before {@link #start}). */
  public void cluster(io.vertx.core.spi.cluster.ClusterManager manager) {
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
      embeddedPuppetCa = new dev.baton.controller.handoff.puppet.EmbeddedPuppetCa(home.dir().resolve("puppet-ca"));
      puppetMasters = new dev.baton.controller.handoff.puppet.PuppetMasters(home.puppetMasters(), embeddedPuppetCa,
          new dev.baton.controller.provider.aws.AwsMasterDiscovery());
      return home.operatorToken();
    }, false).compose(operatorToken -> {
      IntentStore intents = new IntentStore(home.intents());
      hooksFile = new dev.baton.controller.notify.HooksFile(home.hooks(), System::getenv);
      var hookConfig = hooksFile.current();
      outbox = new dev.baton.controller.notify.Outbox(vertx, home.dir().resolve("outbox"), hookConfig.hooks(),
          dev.baton.controller.notify.Outbox.standardNotifiers(vertx), hookConfig.retry(), Instant::now);
      hooksFile.onChange(outbox::reconfigure);
      registry.listenLocal(this::nodeEvent);
      handoffs = new dev.baton.controller.handoff.HandoffStore(home.handoffs());
      puppet = new dev.baton.controller.handoff.puppet.PuppetManagement(puppetMasters, handoffs, embeddedPuppetCa);
      puppet.publishCrls(false);
      HandoffOrchestrator handoff = new HandoffOrchestrator(vertx, registry, intents, handoffs,
          List.of(dev.baton.controller.handoff.ShellManagement.none(), new dev.baton.controller.handoff.ShellManagement(),
              puppet));
      LocalInstanceDirectory local = new LocalInstanceDirectory(vertx, options.batonHome());
      this.intents = intents;
      this.localDirectory = local;
      launches = new dev.baton.controller.fleet.LaunchWatch(registry, intents, cloud -> cloud != null
          && "aws".equals(cloud.getString("provider")) ? new dev.baton.controller.provider.aws.AwsInstanceDirectory(vertx,
          cloud) : local, Instant::now, Duration.ofSeconds(Long.getLong("baton.registration-deadline-seconds", 900)));
      long reconcileEvery = Long.getLong("baton.reconcile-interval-ms", 30_000);
      // the first soon after start: what happened while no controller ran (instances destroyed, scaled in)
      reconcileTimer = vertx.setPeriodic(Long.getLong("baton.reconcile-delay-ms",
          Math.min(2000, reconcileEvery)), reconcileEvery, t -> reconcile(local, intents));
      long healthEvery = Long.getLong("baton.puppet.health-interval-ms", 5000);
      healthTimer = vertx.setPeriodic(healthEvery, healthEvery, t -> {
        if (checking.compareAndSet(false, true)) {
          vertx.executeBlocking(() -> {
            hooksFile.check(); // re-read when it changed, as puppet-masters.yaml is
            puppetMasters.checkAll();
            if (leader()) {
              puppet.cleanDeferred();
            }
            puppet.publishCrls(false);
            return null;
          }, false).onComplete(ar -> checking.set(false));
        }
      });
      InstanceDirectory noAws = id -> Future.succeededFuture(Optional.empty());
      Registrar registrar = new Registrar(vertx, tokens, List.of(new LocalAttestor(local, local::proves),
          new AwsAttestor(AwsIdentityVerifier.withAwsCertificates(), tokens::find, token -> awsPolicy(intents, token),
              token -> awsDirectory(intents, token.customer(), token.platform(), token.env(), token.uuid()).orElse(noAws),
              Instant::now)), ca, registry, refusals, n -> handoff.listen(n.id()));
      registrar.groupNames((token, instance) -> intents.get(IntentStore.key(token.customer(), token.platform(), token.env(),
          token.uuid())).map(i -> dev.baton.controller.fleet.NodeNames.ofGroupNode(i, token.platform(), token.env(), instance)).orElse(token.name() + "-" + instance));
      KeyPair serverKey = Keys.ec();
      Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1"));
      try {
        names.add(InetAddress.getLocalHost().getHostName());
      } catch (java.io.IOException e) {
        // no host name: loopback names only
      }
      if (!options.bindHost().equals("0.0.0.0")) {
        names.add(options.bindHost());
      }
      for (String a : options.advertise()) {
        names.add(a.substring(0, a.lastIndexOf(':')));
      }
      var cert = ca.issueServer(serverKey.getPublic(), "baton-controller", new ArrayList<>(names), Duration.ofDays(30));
      bridge = new BridgeServer(vertx, ca, refusals, options.limits());
      bridge.identities(this::identityRefusal);
      metrics = new dev.baton.controller.metrics.Metrics(registry, refusals, outbox);
      api = new ApiServer(vertx, operatorToken, registry, tokens, intents, refusals, this::bootstrap, outbox, metrics);
      api.handoffs(handoffs::get);
      userData = new dev.baton.controller.fleet.NodeUserData(tokens, registry, intents, this::bootstrap);
      api.userData(userData);
      api.actions(new dev.baton.controller.actions.GroupActions(vertx, registry));
      offHours = new dev.baton.controller.schedule.OffHours(home.dir().resolve("schedules.json"), this::cloudOf,
          (type, customer, platform, env, data) -> outbox.enqueue(dev.baton.controller.notify.Event.of(type, platform,
              customer, env, data)));
      api.schedules(b -> offHours.register(b, dev.baton.controller.schedule.ScheduleClock.now()),
          () -> offHours.list(dev.baton.controller.schedule.ScheduleClock.now()));
      long scheduleEvery = Long.getLong("baton.schedule-interval-ms", 30_000);
      scheduleTimer = vertx.setPeriodic(scheduleEvery, scheduleEvery, t -> {
        if (leader()) {
          offHours.tick(dev.baton.controller.schedule.ScheduleClock.now());
        }
      });
      api.puppetCa(embeddedPuppetCa);
      // a node record that arrives from another controller of the cluster: its agent may connect here next
      registry.listen((before, after) -> {
        if (after.state() != dev.baton.controller.registry.NodeState.TERMINATED
            && after.state() != dev.baton.controller.registry.NodeState.FAILED
            && after.state() != dev.baton.controller.registry.NodeState.READY) {
          handoff.listen(after.id());
        }
      });
      handoff.resumeAll();
      String certPem = Pem.encode(cert);
      String keyPem = Pem.encode(serverKey.getPrivate());
      Future<Void> joined = Future.succeededFuture();
      if (clusterManager != null) {
        List<String> own = options.advertise().isEmpty() ? List.of((options.bindHost().equals("0.0.0.0") ? "127.0.0.1"
            : options.bindHost()) + ":" + options.bridgePort()) : options.advertise();
        sync = new dev.baton.controller.cluster.ClusterSync(vertx, clusterManager, own, List.of(registry, tokens,
            handoffs, intents, offHours));
        api.cluster(() -> new JsonObject().put("member", sync.memberId()).put("members", sync.members())
            .put("leader", sync.leader()).put("endpoints", new JsonArray(sync.endpoints())), "at " + String.join(", ", own));
        // in sync with the others before any agent can connect here
        joined = sync.start().onSuccess(v -> handoff.resumeAll());
      }
      return joined.compose(v -> outbox.start()).compose(v -> registrar.start())
          .compose(v -> inUse(bridge.listen(options.bindHost(), options.bridgePort(), certPem, keyPem), "bridge",
              options.bindHost(), options.bridgePort(), "--bridge-port"))
          .compose(bridgePort -> inUse(downloads(certPem, keyPem), "agent download", options.bindHost(),
              options.downloadPort(), "--download-port").compose(dl -> {
            // what the API's bootstrap answers is known before the API listens (it answered 500 in between)
            downloadPort = dl;
            endpoints = options.advertise().isEmpty()
                ? List.of((options.bindHost().equals("0.0.0.0") ? "127.0.0.1" : options.bindHost()) + ":" + bridgePort)
                : options.advertise();
            return inUse(api.listen(apiHost(), options.apiPort()), "API", apiHost(), options.apiPort(), "--api-port")
                .map(apiPort -> new Started(bridgePort, apiPort, dl));
          }));
    }).compose(started -> {
      JsonObject runtime = new JsonObject().put("pid", ProcessHandle.current().pid()).put("api_port", started.apiPort())
          .put("api_host", apiHost()).put("bridge_port", started.bridgePort()).put("download_port", started.downloadPort())
          .put("endpoints", new JsonArray(endpoints))
          .put("started", Instant.now().toString());
      // in the background: the registration path's signatures compiled before the first agents come
      vertx.executeBlocking(() -> CertificateAuthority.warmUp(WARM_UP_ROUNDS), false)
          .onSuccess(ms -> java.util.logging.Logger.getLogger("baton.controller").fine("signatures warmed up in " + ms + " ms"));
      return vertx.executeBlocking(() -> {
        CertificateAuthority.writeAtomically(home.runtime(), runtime.encodePrettily(), false);
        return started;
      }, false);
    });
  }

  /** Rounds of the start's warm-up (a CSR checked, a certificate issued): ~0.4 s of one core. */
  static final int WARM_UP_ROUNDS = Integer.getInteger("baton.warm-up-rounds", 400);

  /**
   * Periodic reconciliation: a node whose instance the cloud no longer has (or has terminated) is
   * TERMINATED (announced as node.terminated) and its Puppet certificates are cleaned on every
   * master. A stopped instance is not terminated. Each node is looked up where it runs: on AWS
   * in its platform's account (from its intent), else in the local cloud.
   */
  private void reconcile(InstanceDirectory local, IntentStore intents) {
    if (!leader() || !reconciling.compareAndSet(false, true)) {
      return;
    }
    List<Future<Void>> all = new ArrayList<>();
    for (dev.baton.controller.registry.NodeRecord n : registry.all()) {
      if (n.state() == dev.baton.controller.registry.NodeState.TERMINATED) {
        continue;
      }
      InstanceDirectory dir = awsDirectory(intents, n.customer(), n.platform(), n.env(), n.uuid()).orElse(local);
      all.add(dir.describe(n.id()).compose(found -> {
        if (found.isPresent() && !"terminated".equals(found.get().state()) && !"shutting-down".equals(found.get().state())) {
          return Future.<Void>succeededFuture();
        }
        registry.advance(n.id(), dev.baton.controller.registry.NodeState.TERMINATED, "terminated",
            "the cloud no longer has instance " + n.id());
        java.util.logging.Logger.getLogger("baton.reconcile").info(() -> "node=" + n.id() + " (" + n.name()
            + ") is gone: TERMINATED");
        return Future.<Void>succeededFuture(); // its certificates: nodeGone, on the change
      }).recover(err -> Future.succeededFuture())); // the cloud did not answer: next time
    }
    all.add(lifecycleHooks());
    all.add(launches.run());
    Future.join(all).onComplete(ar -> reconciling.set(false));
  }

  /** A port that is taken is the operator's to resolve: say which, and what to do. */
  private static <T> Future<T> inUse(Future<T> listening, String what, String host, int port, String option) {
    return listening.recover(e -> {
      Throwable cause = e;
      while (cause != null && !(cause instanceof java.net.BindException)) {
        cause = cause.getCause();
      }
      if (cause == null) {
        return Future.failedFuture(e);
      }
      return Future.failedFuture(new dev.baton.common.error.BatonException(
          dev.baton.common.error.ErrorCode.FAILED_PRECONDITION, "the " + what + " port " + host + ":" + port
              + " cannot be used (" + cause.getMessage() + "): another controller may be running (\"controller stop\","
              + " or \"ss -ltnp sport = :" + port + "\" shows who holds it); or choose another port with " + option));
    });
  }

  /** Reconciles once now (tests; the timer does it every 30 s). */
  public void reconcileNow() {
    reconcile(localDirectory, intents);
  }

  /**
   * Groups with a termination lifecycle hook: each instance the group is removing waits for the
   * controller; its node is TERMINATED, its certificates and DNS record cleaned, and only then is the
   * hook completed and the instance let go.
   */
  private Future<Void> lifecycleHooks() {
    List<Future<Void>> all = new ArrayList<>();
    intents.all().forEach((key, intent) -> {
      if (!"autoscaling_group".equals(intent.getString("kind")) || !intent.getBoolean("lifecycle_hook", false)) {
        return;
      }
      String[] scope = IntentStore.scopeOf(key);
      dev.baton.controller.provider.Scope s = new dev.baton.controller.provider.Scope(scope[1], scope[0], scope[2]);
      var cloud = cloudOf(intent.getJsonObject("cloud"));
      all.add(cloud.findOne(dev.baton.controller.definition.model.ResourceKind.AUTOSCALING_GROUP, s, intent.getString("uuid"))
          .compose(group -> group.isEmpty() ? Future.<Void>succeededFuture() : cloud.groupInstances(group.get()).compose(list -> {
            List<Future<Void>> done = new ArrayList<>();
            for (var i : list) {
              if (!"Terminating:Wait".equalsIgnoreCase(i.state())) {
                continue;
              }
              registry.get(i.id()).filter(n -> n.state() != dev.baton.controller.registry.NodeState.TERMINATED)
                  .ifPresent(n -> registry.advance(n.id(), dev.baton.controller.registry.NodeState.TERMINATED, "terminated",
                      "the group is removing instance " + n.id()));
              Future<Void> cleaned = cleanups.getOrDefault(i.id(), Future.succeededFuture());
              done.add(cleaned.recover(err -> Future.succeededFuture()).compose(v -> cloud.completeLifecycle(group.get(),
                  i.id())).onSuccess(v -> java.util.logging.Logger.getLogger("baton.reconcile").info(() -> "node=" + i.id()
                  + " cleaned up; lifecycle hook completed")));
            }
            return Future.join(done).<Void>mapEmpty();
          })).recover(err -> {
            java.util.logging.Logger.getLogger("baton.reconcile").warning(() -> "lifecycle hooks of " + key + ": "
                + err.getMessage());
            return Future.succeededFuture();
          }).eventually(() -> cloud.close()));
    });
    return Future.join(all).mapEmpty();
  }

  public dev.baton.controller.schedule.OffHours offHours() {
    return offHours;
  }

  /**
   * The cloud of a platform as provision described it: AWS in its account and region, else the
   * local cloud (whose group instances get their launch template's user data from this controller).
   */
  private dev.baton.controller.provider.CloudProvider cloudOf(JsonObject cloud) {
    if (cloud != null && "aws".equals(cloud.getString("provider"))) {
      return dev.baton.controller.provider.aws.AwsCloudProvider.forCloud(vertx, cloud);
    }
    if (options.agentJar() == null) {
      return new dev.baton.controller.provider.local.LocalCloudProvider(vertx, options.batonHome());
    }
    return new dev.baton.controller.provider.local.LocalCloudProvider(vertx, options.batonHome(), selfLauncher(),
        options.agentJar());
  }

  private dev.baton.controller.fleet.NodeUserData userData;

  /**
   * This controller as the local cloud's launcher (a group's launch template, a terminated node):
   * user data rendered in-process, tokens issued in-process and stored before they are used.
   */
  private dev.baton.controller.provider.local.NodeLauncher selfLauncher() {
    return new dev.baton.controller.provider.local.NodeLauncher() {
      @Override
      public dev.baton.cloudinit.UserData.Rendered userData(dev.baton.controller.provider.Scope scope, String uuid,
          String instanceId) {
        return stored(userData.render(ask(scope, uuid, instanceId, false)));
      }

      @Override
      public dev.baton.cloudinit.UserData.Rendered groupUserData(dev.baton.controller.provider.Scope scope,
          String groupUuid) {
        return stored(userData.render(ask(scope, groupUuid, null, true)));
      }

      private dev.baton.controller.fleet.NodeUserData.Ask ask(dev.baton.controller.provider.Scope scope, String uuid,
          String instanceId, boolean group) {
        return new dev.baton.controller.fleet.NodeUserData.Ask(scope.customer(), scope.platform(), scope.env(), uuid,
            instanceId, group, dev.baton.common.msg.Registration.EVIDENCE_LOCAL, group ? Duration.ofDays(365)
                : dev.baton.controller.attest.TokenStore.DEFAULT_TTL);
      }

      /** The token is on disk before the instance can present it (the local cloud calls this from a worker thread). */
      private dev.baton.cloudinit.UserData.Rendered stored(dev.baton.cloudinit.UserData.Rendered r) {
        try {
          Future.all(tokens.sync(), registry.sync()).toCompletionStage().toCompletableFuture()
              .get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new dev.baton.common.error.BatonException(dev.baton.common.error.ErrorCode.UNAVAILABLE,
              "the join token could not be stored: " + e.getMessage(), e);
        }
        return r;
      }

      @Override
      public void terminated(String instanceId) {
        registry.get(instanceId).filter(n -> n.state() != dev.baton.controller.registry.NodeState.TERMINATED)
            .ifPresent(n -> registry.advance(instanceId, dev.baton.controller.registry.NodeState.TERMINATED, "terminated",
                "instance " + instanceId + " was terminated"));
      }

      @Override
      public void progress(String message) {
        java.util.logging.Logger.getLogger("baton.machines").info(message);
      }
    };
  }

  /**
   * What a node's identity document must say: its platform's account (when the platform names one)
   * and region, as {@code provision} described its cloud.
   */
  private static AwsIdentityVerifier.Policy awsPolicy(IntentStore intents, dev.baton.controller.attest.TokenStore.Token t) {
    JsonObject cloud = intents.get(IntentStore.key(t.customer(), t.platform(), t.env(), t.uuid()))
        .map(i -> i.getJsonObject("cloud")).orElse(null);
    if (cloud == null) {
      return AwsIdentityVerifier.Policy.of(Set.of(), null);
    }
    String account = cloud.getString("account");
    return AwsIdentityVerifier.Policy.of(account == null ? Set.of() : Set.of(account), cloud.getString("region"));
  }

  /** EC2 in the account and region of a node's platform, when {@code provision} said it runs on AWS. */
  private Optional<InstanceDirectory> awsDirectory(IntentStore intents, String customer, String platform, String env,
      String uuid) {
    return intents.get(IntentStore.key(customer, platform, env, uuid)).map(i -> i.getJsonObject("cloud"))
        .filter(c -> "aws".equals(c.getString("provider")))
        .map(c -> new dev.baton.controller.provider.aws.AwsInstanceDirectory(vertx, c));
  }

  /**
   * A node is TERMINATED (destroyed, scaled in, or found gone): its Puppet certificates are cleaned
   * on every master, unless a successor under the same name (a replaced instance) holds the certname.
   */
  private void nodeGone(dev.baton.controller.registry.NodeRecord n) {
    if (n.identitySerial() != null) {
      // its identity goes with it (the bridge also refuses a TERMINATED node's certificate, at every member)
      vertx.executeBlocking(() -> {
        ca.revoke(new java.math.BigInteger(n.identitySerial(), 16));
        return null;
      }, false);
    }
    boolean successor = registry.all().stream().anyMatch(o -> !o.id().equals(n.id()) && o.name().equals(n.name())
        && o.platform().equals(n.platform()) && o.state() != dev.baton.controller.registry.NodeState.TERMINATED);
    Future<Void> certs = successor || puppet == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      puppet.forget(n.id());
      return null;
    }, false);
    Future<Void> dns = nodeRecord(n, false);
    Future<Void> both = Future.join(certs, dns).mapEmpty();
    cleanups.put(n.id(), both);
    both.onComplete(ar -> vertx.setTimer(600_000, t -> cleanups.remove(n.id(), both)));
  }

  /**
   * Writes (a READY node) or removes (a TERMINATED one) the node's A record in its group's
   * {@code dns_zone}: its certname to its private address. Nothing for nodes of groups without one.
   */
  private Future<Void> nodeRecord(dev.baton.controller.registry.NodeRecord n, boolean write) {
    var intent = intents == null ? Optional.<JsonObject>empty() : intents.get(IntentStore.key(n.customer(), n.platform(),
        n.env(), n.uuid()));
    if (intent.isEmpty() || intent.get().getString("dns_zone") == null || !"autoscaling_group".equals(intent.get()
        .getString("kind"))) {
      return Future.succeededFuture();
    }
    String zone = intent.get().getString("dns_zone");
    dev.baton.controller.provider.Scope scope = new dev.baton.controller.provider.Scope(n.platform(), n.customer(), n.env());
    var log = java.util.logging.Logger.getLogger("baton.dns");
    var cloud = cloudOf(intent.get().getJsonObject("cloud"));
    Future<Void> work;
    if (write) {
      InstanceDirectory dir = awsDirectory(intents, n.customer(), n.platform(), n.env(), n.uuid()).orElse(localDirectory);
      work = dir.describe(n.id()).compose(found -> {
        String ip = found.map(dev.baton.controller.attest.InstanceFacts::privateIp).orElse(null);
        if (ip == null) {
          return Future.failedFuture("the cloud gives instance " + n.id() + " no private address");
        }
        return cloud.upsertNodeRecord(scope, zone, n.name(), ip, n.id()).onSuccess(v -> log.info(() -> "node=" + n.id()
            + " A " + n.name() + " -> " + ip + " in " + zone));
      });
    } else {
      work = cloud.deleteNodeRecord(scope, zone, n.name(), n.id()).onSuccess(v -> log.info(() -> "node=" + n.id()
          + " record " + n.name() + " removed from " + zone));
    }
    return work.recover(err -> {
      log.warning(() -> "node=" + n.id() + " DNS record " + n.name() + " in " + zone + ": " + err.getMessage());
      return Future.failedFuture(err);
    }).eventually(() -> cloud.close());
  }

  public dev.baton.controller.notify.Outbox outbox() {
    return outbox;
  }

  /**
   * Why a node's identity certificate may not connect, or null: the node must be known, not
   * terminated (its identity is revoked with it), and hold the key it pinned.
   */
  private String identityRefusal(String nodeId, java.security.cert.X509Certificate cert) {
    var n = registry.get(nodeId).orElse(null);
    if (n == null) {
      return "unknown_identity";
    }
    if (n.state() == dev.baton.controller.registry.NodeState.TERMINATED) {
      return "revoked_identity";
    }
    String key = dev.baton.common.crypto.Fingerprints.sha256(cert.getPublicKey().getEncoded());
    return n.keyFingerprint() != null && !n.keyFingerprint().equals(key) ? "superseded_identity" : null;
  }

  /** A node's state change that hooks announce. */
  private static final java.util.Map<dev.baton.controller.registry.NodeState, String> NODE_EVENTS = java.util.Map.of(
      dev.baton.controller.registry.NodeState.REGISTERED, dev.baton.controller.notify.Event.NODE_REGISTERED,
      dev.baton.controller.registry.NodeState.READY, dev.baton.controller.notify.Event.NODE_READY,
      dev.baton.controller.registry.NodeState.FAILED, dev.baton.controller.notify.Event.NODE_FAILED,
      dev.baton.controller.registry.NodeState.TERMINATED, dev.baton.controller.notify.Event.NODE_TERMINATED);

  private void nodeEvent(dev.baton.controller.registry.NodeRecord before, dev.baton.controller.registry.NodeRecord after) {
    if (after.state() == dev.baton.controller.registry.NodeState.TERMINATED
        && (before == null || before.state() != dev.baton.controller.registry.NodeState.TERMINATED)) {
      nodeGone(after);
    }
    if (after.state() == dev.baton.controller.registry.NodeState.READY
        && (before == null || before.state() != dev.baton.controller.registry.NodeState.READY)) {
      nodeRecord(after, true);
    }
    String type = NODE_EVENTS.get(after.state());
    if (type != null && (before == null || before.state() != after.state())) {
      outbox.enqueue(dev.baton.controller.notify.Event.of(type, after.platform(), after.customer(), after.env(),
          after.toJson()));
    }
  }

  private String apiHost() {
    return "127.0.0.1";
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
        .put("agent_sha256", agentSha256);
  }

  /** HTTPS for nodes: the agent jar (and its SHA-256) that cloud-init downloads. */
  private Future<Integer> downloads(String certPem, String keyPem) {
    Path jar = options.agentJar();
    io.vertx.ext.web.Router r = io.vertx.ext.web.Router.router(vertx);
    r.get("/agent/baton-agent.jar").handler(ctx -> {
      if (jar == null || !java.nio.file.Files.isRegularFile(jar)) {
        ctx.response().setStatusCode(404).end("no agent jar on this controller");
      } else {
        ctx.response().putHeader("Content-Type", "application/java-archive").sendFile(jar.toString());
      }
    });
    r.get("/agent/baton-agent.jar.sha256").handler(ctx -> ctx.response().end(agentSha256 == null ? "" : agentSha256));
    return vertx.executeBlocking(() -> {
      if (jar != null && java.nio.file.Files.isRegularFile(jar)) {
        agentSha256 = dev.baton.common.crypto.Fingerprints.sha256(java.nio.file.Files.readAllBytes(jar));
      }
      return null;
    }, false).compose(v -> {
      downloadServer = vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions().setSsl(true)
          .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().addCertValue(io.vertx.core.buffer.Buffer.buffer(certPem))
              .addKeyValue(io.vertx.core.buffer.Buffer.buffer(keyPem)))).requestHandler(r);
      return downloadServer.listen(options.downloadPort(), options.bindHost()).map(io.vertx.core.http.HttpServer::actualPort);
    });
  }

  public dev.baton.controller.handoff.HandoffStore handoffs() {
    return handoffs;
  }

  public dev.baton.controller.handoff.puppet.EmbeddedPuppetCa embeddedPuppetCa() {
    return embeddedPuppetCa;
  }

  public dev.baton.controller.handoff.puppet.PuppetMasters puppetMasters() {
    return puppetMasters;
  }

  public Future<Void> stop() {
    vertx.cancelTimer(healthTimer);
    vertx.cancelTimer(reconcileTimer);
    vertx.cancelTimer(scheduleTimer);
    List<Future<Void>> all = new ArrayList<>();
    if (bridge != null) {
      all.add(bridge.close());
    }
    if (api != null) {
      all.add(api.close());
    }
    if (downloadServer != null) {
      all.add(downloadServer.close());
    }
    if (outbox != null) {
      outbox.stop();
    }
    return Future.join(all).mapEmpty();
  }
}
