package dev.baton.controller.deploy;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.controller.registry.NodeRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Application deploys: one deployment of an application and environment at a time in the whole
 * cluster (a lease in the cluster's map {@code baton.deploy.locks}, renewed while it runs, gone 30 s
 * after its controller died), the archive fetched once, then a {@link DeployRun}. A deployment left
 * running by a controller that died is taken over by the cluster's leader once its lease is gone.
 */
public final class Deployments {
  private static final Logger LOG = Logger.getLogger("baton.deploy");
  private static final String LOCKS = "baton.deploy.locks";
  private static final long LEASE_MS = 30_000;

  private final Vertx vertx;
  private final NodeRegistry registry;
  private final DeploymentStore store;
  private final Artifacts artifacts;
  private final Supplier<String> artifactBase;
  private final DeployRun.Sink events;
  private final String member;
  private final SecureRandom random = new SecureRandom();
  private final NewNodeRelease newNodes;
  private final TrafficAround traffic;
  /** Deployments this controller runs now, by id, with whoever follows their progress. */
  private final Map<String, List<Consumer<JsonObject>>> running = new ConcurrentHashMap<>();

  /**
   * @param artifactBase the URL nodes fetch archives under ({@code https://HOST:PORT/deploy/artifacts})
   * @param events where deploy.* events go (the outbox)
   * @param traffic the load balancers of a node's cloud: a node that serves target groups is drained around its deploy
   */
  public Deployments(Vertx vertx, NodeRegistry registry, DeploymentStore store, Artifacts artifacts,
      Supplier<String> artifactBase, DeployRun.Sink events, String member, NodeTraffic traffic) {
    this.vertx = vertx;
    this.registry = registry;
    this.store = store;
    this.artifacts = artifacts;
    this.artifactBase = artifactBase;
    this.events = events;
    this.member = member;
    this.traffic = new TrafficAround(registry, traffic);
    this.newNodes = new NewNodeRelease(vertx, store, artifacts, artifactBase, this.traffic);
  }

  /** The last steps of a node's hand-off: the applications it runs, at the revision its group runs. */
  public List<dev.baton.controller.handoff.HandoffStep> handoffSteps(dev.baton.controller.handoff.Handoff h) {
    return newNodes.steps(h);
  }

  public DeploymentStore store() {
    return store;
  }

  /**
   * Starts a deployment; {@code progress} hears each line until {@code {"done": true}}. Fails at once
   * (nothing changed on any node) when another deployment of the application holds the lease, or
   * the archive cannot be fetched or is not the one expected.
   */
  public Future<String> start(DeployRequest r, Consumer<JsonObject> progress) {
    byte[] suffix = new byte[3];
    random.nextBytes(suffix);
    String id = "d-" + Instant.now().toEpochMilli() + "-" + HexFormat.of().formatHex(suffix);
    return lock(r.key(), id, r.by()).compose(v -> vertx.executeBlocking(() -> artifacts.fetch(r.source(), r.revision(),
        r.sha256()), false).recover(err -> {
          release(r.key(), id);
          return Future.failedFuture(err);
        })).map(a -> {
          byte[] token = new byte[24];
          random.nextBytes(token);
          store.updateDeployment(id, o -> o.put("id", id).put("request", r.toJson()).put("status", "running")
              .put("started", Instant.now().toString()).put("by", r.by()).put("member", member)
              .put("token", HexFormat.of().formatHex(token)).put("nodes", new JsonObject())
              .put("artifact", new JsonObject().put("sha256", a.sha256()).put("bytes", a.bytes())
                  .put("fetched_bytes", a.fetchedBytes()).put("source", r.source().describe())));
          events.event(dev.baton.controller.notify.Event.DEPLOY_STARTED, store.deployment(id).orElseThrow());
          drive(id, r.key(), progress);
          return id;
        });
  }

  private void drive(String id, String key, Consumer<JsonObject> progress) {
    List<Consumer<JsonObject>> followers = new java.util.concurrent.CopyOnWriteArrayList<>();
    if (progress != null) {
      followers.add(progress);
    }
    running.put(id, followers);
    long renew = vertx.setPeriodic(LEASE_MS / 3, t -> renew(key, id));
    DeployRun.Sink sink = new DeployRun.Sink() {
      @Override
      public void progress(JsonObject line) {
        followers.forEach(f -> f.accept(line));
      }

      @Override
      public void event(String type, JsonObject deployment) {
        events.event(type, deployment);
      }
    };
    new DeployRun(vertx, registry, store, id, artifactBase.get(), sink, traffic).run().onComplete(ar -> {
      vertx.cancelTimer(renew);
      running.remove(id);
      release(key, id);
      if (ar.failed()) {
        LOG.warning("deploy " + id + ": " + ar.cause());
        store.updateDeployment(id, o -> o.put("status", "failed").put("reason", String.valueOf(ar.cause().getMessage()))
            .put("ended", Instant.now().toString()).remove("token"));
        followers.forEach(f -> f.accept(new JsonObject().put("done", true).put("status", "failed")
            .put("reason", ar.cause().getMessage())));
      }
    });
  }

  /**
   * Takes over deployments left running by a controller that died (their lease gone): each goes on
   * from its last finished node. Called at start and periodically by the cluster's leader.
   */
  public void resume() {
    for (JsonObject d : store.deployments(o -> "running".equals(o.getString("status"))
        || "rolling_back".equals(o.getString("status")))) {
      String id = d.getString("id");
      if (running.containsKey(id)) {
        continue;
      }
      DeployRequest r = DeployRequest.fromJson(d.getJsonObject("request"));
      lock(r.key(), id, "resume").onSuccess(v -> {
        LOG.info("deploy " + id + " of " + r.name() + " " + r.revision() + ": resumed here (its controller stopped)");
        store.updateDeployment(id, o -> o.put("member", member).put("resumed", Instant.now().toString()));
        String sha = d.getJsonObject("artifact").getString("sha256");
        if (artifacts.find(sha).isEmpty()) {
          vertx.executeBlocking(() -> artifacts.fetch(r.source(), r.revision(), sha), false)
              .onSuccess(a -> drive(id, r.key(), null))
              .onFailure(e -> {
                release(r.key(), id);
                LOG.warning("deploy " + id + ": cannot resume here, the archive cannot be fetched: " + e.getMessage());
              });
        } else {
          drive(id, r.key(), null);
        }
      });
    }
  }

  /** Follows a deployment this controller runs; false when it does not run here. */
  public boolean follow(String id, Consumer<JsonObject> progress) {
    var f = running.get(id);
    if (f == null) {
      return false;
    }
    f.add(progress);
    return true;
  }

  /** The archive a node may fetch with {@code token}: only that of a deployment running now. */
  public Optional<java.nio.file.Path> artifact(String sha256, String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    if (newNodes.allows(sha256, token)) {
      return artifacts.find(sha256);
    }
    boolean allowed = !store.deployments(o -> token.equals(o.getString("token"))
        && sha256.equalsIgnoreCase(o.getJsonObject("artifact", new JsonObject()).getString("sha256", ""))).isEmpty();
    return allowed ? artifacts.find(sha256) : Optional.empty();
  }

  private Future<Void> lock(String key, String id, String by) {
    JsonObject holder = new JsonObject().put("deployment", id).put("by", by).put("member", member)
        .put("since", Instant.now().toString());
    return vertx.sharedData().<String, String>getAsyncMap(LOCKS).compose(m -> m.putIfAbsent(key, holder.encode(), LEASE_MS))
        .compose(prev -> {
          JsonObject was = prev == null ? null : new JsonObject(prev);
          if (was == null || id.equals(was.getString("deployment")) && member.equals(was.getString("member"))) {
            return Future.succeededFuture();
          }
          JsonObject h = new JsonObject(prev);
          return Future.failedFuture(new BatonException(ErrorCode.FAILED_PRECONDITION, "refused: deployment "
              + h.getString("deployment") + " of " + key.substring(key.lastIndexOf('/') + 1) + " by " + h.getString("by")
              + " (controller " + h.getString("member") + ", since " + h.getString("since") + ") is running; one"
              + " deployment of an application at a time: wait for it (controller deployments DIR APP)"));
        });
  }

  private void renew(String key, String id) {
    vertx.sharedData().<String, String>getAsyncMap(LOCKS).compose(m -> m.get(key).compose(cur -> cur == null
        || !id.equals(new JsonObject(cur).getString("deployment")) ? Future.succeededFuture()
        : m.put(key, cur, LEASE_MS))).onFailure(e -> LOG.warning("deploy " + id + ": lease not renewed: " + e.getMessage()));
  }

  private void release(String key, String id) {
    vertx.sharedData().<String, String>getAsyncMap(LOCKS).compose(m -> m.get(key).compose(cur -> cur != null
        && id.equals(new JsonObject(cur).getString("deployment")) ? m.remove(key).mapEmpty() : Future.succeededFuture()));
  }
}
