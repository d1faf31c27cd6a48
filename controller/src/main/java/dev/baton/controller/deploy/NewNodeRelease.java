package dev.baton.controller.deploy;

import dev.baton.common.error.BatonException;
import dev.baton.common.error.ErrorCode;
import dev.baton.common.msg.NodeCommand;
import dev.baton.controller.handoff.Handoff;
import dev.baton.controller.handoff.HandoffStep;
import dev.baton.controller.registry.NodeRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last step of a new node's hand-off (a scale-out, a replaced instance, 3 a.m.): the revision
 * of each application its group or instance runs, so that a group is never left on mixed
 * versions. While a deployment of the application runs, the step waits for its end and takes the
 * revision it leaves (the new one, or the old one after a rollback). A node whose release fails is
 * FAILED, never READY on the wrong revision. A node whose group or instance names load balancers' target
 * groups is registered in them once it runs the release, and is READY only when healthy there.
 */
final class NewNodeRelease {
  /** The name of the step in the node's timeline. */
  static final String STEP = "DEPLOY";

  private final Vertx vertx;
  private final DeploymentStore store;
  private final Artifacts artifacts;
  private final java.util.function.Supplier<String> artifactBase;
  private final TrafficAround traffic;
  private final SecureRandom random = new SecureRandom();
  /** Tokens of the archives nodes being handed off fetch now: token to SHA-256. */
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  NewNodeRelease(Vertx vertx, DeploymentStore store, Artifacts artifacts, java.util.function.Supplier<String> artifactBase,
      TrafficAround traffic) {
    this.vertx = vertx;
    this.traffic = traffic;
    this.store = store;
    this.artifacts = artifacts;
    this.artifactBase = artifactBase;
  }

  /** The step, when an application (deployed at least once, or being deployed) targets the node. */
  List<HandoffStep> steps(Handoff h) {
    NodeRecord n = h.node();
    boolean any = store.applications().stream().anyMatch(a -> targets(a.getJsonObject("request"), n))
        || !store.deployments(d -> active(d) && targets(d.getJsonObject("request"), n)).isEmpty();
    return any ? List.of(new HandoffStep(STEP, Duration.ofHours(2), this::release, (x, failure) ->
        HandoffStep.retryable(failure) ? HandoffStep.Next.RETRY : HandoffStep.Next.FAIL)) : List.of();
  }

  boolean allows(String sha256, String token) {
    return token != null && sha256.equalsIgnoreCase(tokens.getOrDefault(token, ""));
  }

  static boolean active(JsonObject d) {
    return "running".equals(d.getString("status")) || "rolling_back".equals(d.getString("status"));
  }

  static boolean targets(JsonObject request, NodeRecord n) {
    if (request == null) {
      return false;
    }
    return Objects.equals(request.getString("customer"), n.customer()) && Objects.equals(request.getString("platform"),
        n.platform()) && Objects.equals(request.getString("env"), n.env()) && request.getJsonObject("application",
        new JsonObject()).getJsonArray("targets", new io.vertx.core.json.JsonArray()).contains(n.uuid());
  }

  private Future<Void> release(Handoff h) {
    NodeRecord n = h.node();
    if (!store.deployments(d -> active(d) && targets(d.getJsonObject("request"), n)).isEmpty()) {
      // what the node gets is what the deployment leaves: wait for it (the step is retried until its deadline)
      Promise<Void> later = Promise.promise();
      vertx.setTimer(2_000, t -> later.fail(new BatonException(ErrorCode.UNAVAILABLE,
          "waiting for the deployment of an application of this node to end")));
      return later.future();
    }
    Future<Void> chain = Future.succeededFuture();
    for (JsonObject app : store.applications()) {
      JsonObject req = app.getJsonObject("request");
      if (targets(req, n) && app.getString("revision") != null) {
        chain = chain.compose(v -> one(h, DeployRequest.fromJson(req).withRevision(app.getString("revision")),
            app.getString("sha256")));
      }
    }
    return chain;
  }

  private Future<Void> one(Handoff h, DeployRequest r, String sha256) {
    return vertx.executeBlocking(() -> {
      Optional<java.nio.file.Path> kept = artifacts.find(sha256);
      return kept.isPresent() ? sha256 : artifacts.fetch(r.source(), r.revision(), sha256).sha256();
    }, false).compose(sha -> {
      byte[] b = new byte[24];
      random.nextBytes(b);
      String token = HexFormat.of().formatHex(b);
      tokens.put(token, sha);
      NodeCommand.Deploy cmd = new NodeCommand.Deploy("deploy " + r.name() + " " + r.revision(), r.application(),
          r.revision(), artifactBase.get() + "/" + sha, sha, token, DeployRun.nodeTimeout(r));
      return h.request(cmd).andThen(ar -> tokens.remove(token)).compose(res -> {
        if (res.ok() && r.revision().equals(res.release())) {
          store.updateApplication(r.key(), a -> a.put("releases", a.getJsonObject("releases", new JsonObject())
              .put(h.node().id(), r.revision())));
          // a new node joins its target groups once it runs the release, as a deployed node goes back into them
          return traffic.allow(r, h.node().id()).compose(notAllowed -> notAllowed.isEmpty() ? Future.<Void>succeededFuture()
              : Future.<Void>failedFuture(new BatonException(ErrorCode.FAILED_PRECONDITION, notAllowed.get())));
        }
        return Future.failedFuture(new BatonException(ErrorCode.FAILED_PRECONDITION, "the release of " + r.name()
            + " " + r.revision() + " failed (exit " + res.exitCode() + "): " + dev.baton.common.text.NodeText.oneLine(
                res.output(), 300)));
      });
    });
  }
}
